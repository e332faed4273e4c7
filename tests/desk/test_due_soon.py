"""The queue's "due soon" badge and its "breaching soon" view follow the SLA's warning share."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from asista.core.models import Profile
from asista.desk import selectors
from asista.tickets import workflow
from tests import factories

BUC = ZoneInfo("Europe/Bucharest")
pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BUC)


@pytest.fixture
def ticket(agent, dispatcher):  # type: ignore[no-untyped-def]
    # Expert first response: Mon 2 Mar 2026 09:00 -> due 15:00; 80 % of 360 min is 13:48.
    found = factories.ticket(factories.contact(factories.customer(plan="expert")), now=at("2026-03-02 09:00"))
    workflow.ticket_assign(found, actor=dispatcher, assignee=agent, now=at("2026-03-02 09:05"))
    return found


def _row(user, now: datetime, view: str = "all"):  # type: ignore[no-untyped-def]
    page = selectors.queue_page(user=user, filters=selectors.QueueFilters(view=view), now=now)
    return page, {row.pk: row for row in page.rows}


@pytest.mark.parametrize(
    ("now", "badge", "breaching"),
    [
        ("2026-03-02 13:00", "ok", False),  # due within 2 hours, yet only 67 % of the target used
        ("2026-03-02 13:47", "ok", False),
        ("2026-03-02 13:48", "soon", True),  # 80 % of the 6 business hours
        ("2026-03-02 15:00", "overdue", True),
    ],
)
def test_the_badge_and_the_view_follow_the_warning_share(dispatcher, ticket, now, badge, breaching):  # type: ignore[no-untyped-def]
    _, rows = _row(dispatcher, at(now))
    assert selectors.sla_badge(rows[ticket.pk], at(now)) == badge
    page, flagged = _row(dispatcher, at(now), view="breaching")
    assert (ticket.pk in flagged) is breaching
    assert page.counts["breaching"] == int(breaching)


def test_the_share_comes_from_the_setting(settings, dispatcher, agent):  # type: ignore[no-untyped-def]
    settings.ASISTA_SLA_WARN_SHARE = 0.5
    found = factories.ticket(factories.contact(factories.customer(plan="expert")), now=at("2026-03-02 09:00"))
    _, rows = _row(dispatcher, at("2026-03-02 12:00"))
    assert selectors.sla_badge(rows[found.pk], at("2026-03-02 12:00")) == "soon"
    _, rows = _row(dispatcher, at("2026-03-02 11:59"))
    assert selectors.sla_badge(rows[found.pk], at("2026-03-02 11:59")) == "ok"


def test_a_ticket_waiting_for_the_customer_is_not_flagged(dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    workflow.ticket_start(ticket, actor=agent, now=at("2026-03-02 09:10"))
    workflow.ticket_ask_customer(ticket, actor=agent, text="Ce versiune?", now=at("2026-03-02 09:20"))
    page, flagged = _row(dispatcher, at("2026-03-02 14:00"), view="breaching")
    assert ticket.pk not in flagged and page.counts["breaching"] == 0


def test_the_queue_and_the_ticket_page_show_it(client, dispatcher, ticket):  # type: ignore[no-untyped-def]
    Profile.objects.create(user=dispatcher, language="en")
    client.force_login(dispatcher)
    with time_machine.travel(at("2026-03-02 13:50"), tick=False):
        queue = client.get("/desk/?view=breaching").content.decode()
        page = client.get(f"/desk/t/{ticket.number}/").content.decode()
    assert '<span class="pill soon">due soon · 02 Mar 2026, 15:00</span>' in queue
    assert '<span class="pill soon">SLA due 02 Mar 2026, 15:00 (due soon)</span>' in page
