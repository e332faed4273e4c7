"""A small hand-built desk for the reports: two customers, eight tickets, clocks, time and invoices.

Every figure the tests expect is worked out by hand in the docstrings of the tests, from the
timestamps below (Mon–Fri 08:30–16:30 Europe/Bucharest; March 2026 has no Romanian holiday).

    T1 Expert support, agent A: arrives Mon 02.03 09:00, answered 09:30 (30), resolved 11:00 (120)
    T2 Expert support, agent A: arrives Mon 02.03 16:00, answered Tue 09:00 (60) with a question;
       the customer replies Wed 09:00; resolved Wed 10:00 (60 + 60 = 120; 480 waiting)
    T3 Tip 0 change, agent B:   arrives Sat 07.03 10:00, answered Mon 09.03 10:30 (120),
       resolved Mon 16:30 (480)
    T4 Expert support, agent B: arrives Tue 03.03 10:00, answered 13:00 (180), still in progress
    T5 Expert urgent call, no agent: arrives Mon 02.02 10:00, answered 10:10 (10), resolved 10:40 (40)
    T6 Expert support: arrives Fri 20.03 10:00, new, unanswered
    T7 Expert support: arrives Mon 01.12.2025 11:00 (a public holiday), answered Tue 02.12 09:00 (30)
       with a question; still waiting for the customer
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from asista.billing.models import Invoice, InvoiceLine, TimeEntry
from asista.customers.models import Customer
from asista.sla.models import Clock
from asista.tickets.models import Event, Ticket
from tests import factories

BUC = ZoneInfo("Europe/Bucharest")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=BUC)
MARCH, FEBRUARY = date(2026, 3, 1), date(2026, 2, 1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BUC)


@dataclass
class Desk:
    expert: Customer
    tip0: Customer
    agent_a: Any
    agent_b: Any
    tickets: dict[str, Ticket]


_number = iter(range(9000, 10000))


def _ticket(customer: Customer, plan_code: str, **fields: Any) -> Ticket:
    from asista.customers.models import Plan

    return Ticket.objects.create(
        number=next(_number),
        customer=customer,
        plan=Plan.objects.get(code=plan_code),
        subject="test",
        **fields,
    )


def _moves(ticket: Ticket, *moves: tuple[str, str, str]) -> None:
    for when, from_state, to_state in moves:
        Event.objects.create(
            ticket=ticket, kind="move", from_state=from_state, to_state=to_state, created_at=at(when)
        )


def _clock(ticket: Ticket, target: str, outcome: str, stopped: str) -> None:
    start = ticket.created_at
    Clock.objects.create(
        ticket=ticket,
        target=target,
        amount=6,
        unit="business_hours",
        budget_minutes=360,
        started_at=start,
        due_at=start,
        warn_at=start,
        stopped_at=at(stopped),
        outcome=outcome,
    )


def _time(ticket: Ticket, agent: Any, kind: str, started: str, minutes: int) -> None:
    TimeEntry.objects.create(
        ticket=ticket,
        customer=ticket.customer,
        agent=agent,
        kind=kind,
        started_at=at(started),
        minutes=minutes,
    )


def _invoice(customer: Customer, month: date, lines: list[tuple[str, str, str]], **fields: Any) -> None:
    invoice = Invoice.objects.create(
        customer=customer,
        year=month.year,
        month=month.month,
        period_start=month,
        period_end=month.replace(day=28),
        **fields,
    )
    for position, (kind, eur, ron) in enumerate(lines, start=1):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            kind=kind,
            description=kind,
            quantity=Decimal(1),
            unit_price_eur=Decimal(eur),
            net_eur=Decimal(eur),
            net_ron=Decimal(ron),
            service_date=month,
        )
    if fields.get("status") != "draft":
        number = next(_number)
        Invoice.objects.filter(pk=invoice.pk).update(
            status="issued", number=number, full_number=f"T{number}", rate=Decimal("5.1")
        )


@pytest.fixture
def desk(db: Any) -> Desk:
    expert = factories.customer(plan="expert", name="Expert Client SRL")
    tip0 = factories.customer(plan="tip-0", name="Tip Zero SRL")
    agent_a = factories.staff("agent", first_name="Ana", last_name="Agent")
    agent_b = factories.staff("agent", first_name="Bogdan", last_name="Agent")
    t: dict[str, Ticket] = {}
    t["T1"] = _ticket(
        expert, "expert", kind="support", state="resolved", assignee=agent_a,
        created_at=at("2026-03-02 09:00"), first_response_at=at("2026-03-02 09:30"),
        resolved_at=at("2026-03-02 11:00"),
    )  # fmt: skip
    _moves(
        t["T1"],
        ("2026-03-02 09:05", "new", "assigned"),
        ("2026-03-02 09:10", "assigned", "in_progress"),
        ("2026-03-02 11:00", "in_progress", "resolved"),
    )
    t["T2"] = _ticket(
        expert, "expert", kind="support", state="closed", assignee=agent_a,
        created_at=at("2026-03-02 16:00"), first_response_at=at("2026-03-03 09:00"),
        resolved_at=at("2026-03-04 10:00"), closed_at=at("2026-03-05 10:00"),
    )  # fmt: skip
    _moves(
        t["T2"],
        ("2026-03-02 16:05", "new", "assigned"),
        ("2026-03-02 16:10", "assigned", "in_progress"),
        ("2026-03-03 09:00", "in_progress", "waiting"),
        ("2026-03-04 09:00", "waiting", "in_progress"),
        ("2026-03-04 10:00", "in_progress", "resolved"),
        ("2026-03-05 10:00", "resolved", "closed"),
    )
    t["T3"] = _ticket(
        tip0, "tip-0", kind="change", state="resolved", assignee=agent_b,
        created_at=at("2026-03-07 10:00"), first_response_at=at("2026-03-09 10:30"),
        resolved_at=at("2026-03-09 16:30"),
    )  # fmt: skip
    _moves(
        t["T3"],
        ("2026-03-09 09:00", "new", "assigned"),
        ("2026-03-09 10:00", "assigned", "in_progress"),
        ("2026-03-09 16:30", "in_progress", "resolved"),
    )
    t["T4"] = _ticket(
        expert, "expert", kind="support", state="in_progress", assignee=agent_b,
        created_at=at("2026-03-03 10:00"), first_response_at=at("2026-03-03 13:00"),
    )  # fmt: skip
    _moves(t["T4"], ("2026-03-03 10:05", "new", "assigned"), ("2026-03-03 10:10", "assigned", "in_progress"))
    t["T5"] = _ticket(
        expert, "expert", kind="urgent_call", state="closed",
        created_at=at("2026-02-02 10:00"), first_response_at=at("2026-02-02 10:10"),
        resolved_at=at("2026-02-02 10:40"), closed_at=at("2026-02-03 10:00"),
    )  # fmt: skip
    _moves(t["T5"], ("2026-02-02 10:40", "new", "resolved"), ("2026-02-03 10:00", "resolved", "closed"))
    t["T6"] = _ticket(expert, "expert", kind="support", state="new", created_at=at("2026-03-20 10:00"))
    t["T7"] = _ticket(
        expert, "expert", kind="support", state="waiting", assignee=agent_a,
        created_at=at("2025-12-01 11:00"), first_response_at=at("2025-12-02 09:00"),
    )  # fmt: skip

    _clock(t["T1"], "first_response", "met", "2026-03-02 09:30")
    _clock(t["T2"], "first_response", "met", "2026-03-03 09:00")
    _clock(t["T2"], "onsite_visit", "void", "2026-03-03 09:00")
    _clock(t["T4"], "first_response", "breached", "2026-03-03 13:00")
    _clock(t["T3"], "first_response", "met", "2026-03-09 10:30")
    _clock(t["T3"], "change_delivered", "breached", "2026-03-09 16:30")
    _clock(t["T5"], "urgent_answer", "met", "2026-02-02 10:10")

    _time(t["T5"], agent_a, "assistance", "2026-02-02 10:00", 10)
    _time(t["T1"], agent_a, "assistance", "2026-03-02 09:10", 20)
    _time(t["T2"], agent_a, "assistance", "2026-03-03 09:00", 100)
    _time(t["T4"], agent_b, "change", "2026-03-03 11:00", 120)
    _time(t["T4"], agent_b, "change", "2026-03-04 11:00", 80)
    _time(t["T1"], agent_a, "programming", "2026-03-05 09:00", 90)
    _time(t["T2"], agent_a, "onsite", "2026-03-06 09:00", 120)
    _time(t["T3"], agent_b, "change", "2026-03-09 10:00", 45)

    _invoice(expert, FEBRUARY, [("subscription", "300.00", "1500.00")])
    _invoice(expert, MARCH, [("subscription", "300.00", "1530.00"), ("units", "50.00", "255.00")])
    _invoice(expert, MARCH, [("subscription", "100.00", "510.00")], kind="credit_note")
    _invoice(tip0, MARCH, [("units", "100.00", "510.00")], status="draft")
    return Desk(expert, tip0, agent_a, agent_b, t)
