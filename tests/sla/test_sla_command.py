"""`asista sla due` and `asista sla explain`."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from asista.tickets import workflow
from tests import factories

BUC = ZoneInfo("Europe/Bucharest")
pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("sla", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_due_time_of_an_expert_urgency() -> None:
    out = run("due", "--plan", "expert", "--target", "urgent_answer", "--from", "2026-04-09T16:00")
    assert "due       Tue 2026-04-14 10:00 EEST" in out


def test_it_moves_the_due_time_by_the_pauses() -> None:
    out = run(
        "due", "--plan", "tip-0", "--target", "first_response", "--from", "2025-12-15T10:00",
        "--pause", "2025-12-17T10:00/2025-12-19T10:00",
    )  # fmt: skip
    assert "unpaused  Tue 2026-01-13 10:00 EET" in out
    assert "due       Thu 2026-01-15 10:00 EET" in out


def test_it_says_when_a_plan_promises_nothing() -> None:
    with pytest.raises(CommandError, match="promises no urgent_answer"):
        run("due", "--plan", "tip-0", "--target", "urgent_answer", "--from", "2026-04-09T16:00")


def test_it_explains_a_ticket(agent, dispatcher) -> None:
    at = lambda text: datetime.fromisoformat(text).replace(tzinfo=BUC)  # noqa: E731
    ticket = factories.ticket(
        factories.contact(factories.customer(plan="expert")), kind="change", now=at("2026-04-09 09:00")
    )
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent, now=at("2026-04-09 09:10"))
    workflow.ticket_start(ticket, actor=agent, now=at("2026-04-09 09:10"))
    workflow.ticket_ask_customer(ticket, actor=agent, text="?", now=at("2026-04-09 11:00"))
    workflow.ticket_customer_replied(ticket, text="!", now=at("2026-04-14 09:00"))
    out = run("explain", str(ticket.number), "--at", "2026-04-14T10:00")
    assert "first_response: 6 business hours (360 business min)" in out
    assert "MET at Thu 2026-04-09 11:00 EEST, 240 business min early" in out
    assert "paused Thu 2026-04-09 11:00 EEST -> Tue 2026-04-14 09:00 EEST (360 business min)" in out
    assert "running at Tue 2026-04-14 10:00 EEST: 2700 business min left" in out
    assert "warn from Mon 2026-04-20 13:24 EEST" in out
