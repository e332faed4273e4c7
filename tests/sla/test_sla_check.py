"""The periodic SLA check: a warning at 80 % of the target, a notice at the breach, once each."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from asista.mail.models import OutboundEmail
from asista.sla import services
from asista.sla.models import Clock
from asista.tickets import workflow
from asista.tickets.models import Event
from tests import factories

BUC = ZoneInfo("Europe/Bucharest")
pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BUC)


@pytest.fixture
def ticket(agent, dispatcher):  # type: ignore[no-untyped-def]
    # Expert first response: Mon 2 Mar 2026 09:00 -> due 15:00; 80 % of 360 min is 13:48.
    customer = factories.customer(plan="expert")
    ticket = factories.ticket(factories.contact(customer), now=at("2026-03-02 09:00"))
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent, now=at("2026-03-02 09:05"))
    return ticket


def sla_mail(kind: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(template=kind))


def test_it_warns_at_eighty_percent_of_the_target(ticket, agent, dispatcher) -> None:
    assert Clock.objects.get(ticket=ticket).warn_at == at("2026-03-02 13:48")
    assert services.check_clocks(now=at("2026-03-02 13:47")).warned == 0
    assert services.check_clocks(now=at("2026-03-02 13:48")).warned == 1
    [mail] = sla_mail("sla_warning")
    assert set(mail.to) >= {agent.email, dispatcher.email}
    assert ticket.tag in mail.subject and "72 minute" in mail.text
    assert Event.objects.filter(ticket=ticket, kind="sla_warned").count() == 1


def test_it_warns_once_however_often_it_runs(ticket) -> None:
    for minute in range(48, 59):
        services.check_clocks(now=at(f"2026-03-02 13:{minute}"))
    assert len(sla_mail("sla_warning")) == 1


def test_it_tells_of_a_breach_once(ticket) -> None:
    services.check_clocks(now=at("2026-03-02 13:50"))
    assert services.check_clocks(now=at("2026-03-02 15:00")).breached == 1
    assert services.check_clocks(now=at("2026-03-03 09:00")).breached == 0
    [mail] = sla_mail("sla_breach")
    assert "depășit" in mail.subject
    assert Event.objects.filter(ticket=ticket, kind="sla_overdue").count() == 1


def test_a_late_first_run_sends_only_the_breach(ticket) -> None:
    result = services.check_clocks(now=at("2026-03-03 09:00"))
    assert (result.warned, result.breached) == (0, 1)
    assert not sla_mail("sla_warning")
    assert Clock.objects.get(ticket=ticket).warned_at is not None


def test_two_workers_never_send_the_same_notice(ticket) -> None:
    now = at("2026-03-02 14:00")
    [clock_id] = services._due_for_warning(now, 10)
    # Both workers listed the clock; only the conditional UPDATE of the first one wins.
    assert services._notify(clock_id, now, services.WARNING) == 1
    assert services._notify(clock_id, now, services.WARNING) == 0
    assert len(sla_mail("sla_warning")) == 1


def test_a_paused_clock_is_not_warned(ticket, agent) -> None:
    workflow.ticket_start(ticket, actor=agent, now=at("2026-03-02 09:10"))
    workflow.ticket_ask_customer(ticket, actor=agent, text="Ce versiune?", now=at("2026-03-02 09:20"))
    assert services.check_clocks(now=at("2026-03-05 09:00")).breached == 0


def test_an_answered_ticket_is_not_warned(ticket, agent) -> None:
    workflow.ticket_reply(ticket, actor=agent, text="Ne uităm.", now=at("2026-03-02 10:00"))
    result = services.check_clocks(now=at("2026-03-05 09:00"))
    assert (result.warned, result.breached) == (0, 0)


def test_the_share_is_configurable(settings, agent, dispatcher) -> None:
    settings.ASISTA_SLA_WARN_SHARE = 0.5
    customer = factories.customer(plan="expert")
    ticket = factories.ticket(factories.contact(customer), now=at("2026-03-02 09:00"))
    assert Clock.objects.get(ticket=ticket).warn_at == at("2026-03-02 12:00")


def test_the_desk_gets_a_badge_per_ticket(ticket) -> None:
    from asista.sla.selectors import sla_badges

    assert sla_badges([ticket.pk], now=at("2026-03-02 10:00")) == {}
    assert sla_badges([ticket.pk], now=at("2026-03-02 14:00")) == {ticket.pk: "warning"}
    assert sla_badges([ticket.pk], now=at("2026-03-02 15:00")) == {ticket.pk: "breached"}
