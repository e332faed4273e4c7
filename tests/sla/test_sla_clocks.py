"""SLA clocks on tickets, driven through the real workflow (Expert and Tip 0 plans of the seed)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from asista.sla.models import Calendar, CalendarOverride, Clock
from asista.tickets import workflow
from asista.tickets.models import Event, Ticket
from tests import factories

BUC = ZoneInfo("Europe/Bucharest")
pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BUC)


def clock(ticket: Ticket, target: str) -> Clock:
    return Clock.objects.get(ticket=ticket, target=target)


def new_ticket(plan: str, when: str, **fields: object) -> Ticket:
    customer = factories.customer(plan=plan)
    return factories.ticket(factories.contact(customer), now=at(when), **fields)


def working(ticket: Ticket, agent: object, dispatcher: object, when: str) -> None:
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent, now=at(when))
    workflow.ticket_start(ticket, actor=agent, now=at(when))


def test_an_expert_request_gets_a_first_response_clock(agent, dispatcher) -> None:
    ticket = new_ticket("expert", "2026-04-09 16:00")
    assert [c.target for c in ticket.clocks.all()] == ["first_response"]
    assert ticket.due_at == at("2026-04-14 14:00")
    ticket.refresh_from_db()
    assert ticket.due_at == at("2026-04-14 14:00")


def test_an_expert_change_also_gets_a_delivery_clock() -> None:
    ticket = new_ticket("expert", "2026-04-09 16:00", kind="change")
    assert clock(ticket, "change_delivered").due_at == at("2026-04-21 16:00")
    assert ticket.due_at == at("2026-04-14 14:00")


def test_an_urgent_call_is_answered_within_two_business_hours(agent) -> None:
    customer = factories.customer(plan="expert")
    ticket = workflow.ticket_create(
        customer=customer, subject="Nu pot emite facturi", text="sună", actor=agent,
        kind="urgent_call", channel="phone", now=at("2026-05-29 15:00"),
    )  # fmt: skip
    assert [c.target for c in ticket.clocks.all()] == ["urgent_answer"]
    assert ticket.due_at == at("2026-06-02 09:00")


def test_tip0_has_no_urgent_clock_and_counts_working_days(agent) -> None:
    customer = factories.customer(plan="tip-0" if _has_plan("tip-0") else "tip0")
    urgent = workflow.ticket_create(
        customer=customer,
        subject="Urgent",
        text="x",
        actor=agent,
        kind="urgent_call",
        now=at("2026-03-02 10:00"),
    )
    assert urgent.due_at is None and not urgent.clocks.exists()
    ticket = factories.ticket(factories.contact(customer), now=at("2025-12-15 10:00"))
    assert ticket.due_at == at("2026-01-13 10:00")


def _has_plan(code: str) -> bool:
    from asista.customers.models import Plan

    return Plan.objects.filter(code=code).exists()


def test_a_request_on_saturday_counts_from_monday_opening() -> None:
    ticket = new_ticket("expert", "2026-03-07 11:00")
    first = clock(ticket, "first_response")
    assert first.started_at == at("2026-03-09 08:30")
    assert first.due_at == at("2026-03-09 14:30")


def test_the_first_answer_meets_the_first_response_clock(agent, dispatcher) -> None:
    ticket = new_ticket("expert", "2026-04-09 16:00")
    working(ticket, agent, dispatcher, "2026-04-09 16:10")
    workflow.ticket_reply(ticket, actor=agent, text="Ne uităm.", now=at("2026-04-14 09:00"))
    first = clock(ticket, "first_response")
    assert first.outcome == "met" and first.margin_minutes == 300
    event = Event.objects.get(ticket=ticket, kind="sla_met")
    assert event.details["business_minutes_early"] == 300
    ticket.refresh_from_db()
    assert ticket.due_at is None


def test_a_late_answer_is_a_breach_with_business_minutes_late(agent, dispatcher) -> None:
    ticket = new_ticket("expert", "2026-05-29 14:00")  # due Tue 2 June 12:00
    working(ticket, agent, dispatcher, "2026-05-29 14:05")
    workflow.ticket_reply(ticket, actor=agent, text="Scuze.", now=at("2026-06-03 09:00"))
    first = clock(ticket, "first_response")
    assert first.outcome == "breached"
    assert Event.objects.get(ticket=ticket, kind="sla_breached").details["business_minutes_late"] == 270 + 30


def test_a_pause_over_a_weekend_and_a_holiday_moves_the_due_time(agent, dispatcher) -> None:
    ticket = new_ticket("expert", "2026-04-09 09:00", kind="change")  # change due after 48 h
    working(ticket, agent, dispatcher, "2026-04-09 09:30")
    change = clock(ticket, "change_delivered")
    before = change.due_at
    workflow.ticket_ask_customer(ticket, actor=agent, text="Ce raport?", now=at("2026-04-09 11:00"))
    ticket.refresh_from_db()
    assert ticket.due_at is None  # nothing counts while the customer owes an answer
    workflow.ticket_customer_replied(ticket, text="Balanța.", now=at("2026-04-14 09:00"))
    change.refresh_from_db()
    assert change.paused_minutes == 360
    # 2880 min from Thu 09:00: 450 Thu + 5 days (Tue-Mon) + 30 min -> Tue 21 Apr 09:00; +360 paused.
    assert before == at("2026-04-21 09:00")
    assert change.due_at == at("2026-04-21 15:00")
    ticket.refresh_from_db()
    assert ticket.due_at == change.due_at


def test_resolving_stops_every_clock_and_reopening_resumes_delivery(agent, dispatcher) -> None:
    ticket = new_ticket("expert", "2026-03-02 09:00", kind="change")
    working(ticket, agent, dispatcher, "2026-03-02 09:10")
    workflow.ticket_resolve(ticket, actor=agent, solution="Gata.", now=at("2026-03-03 09:00"))
    change = clock(ticket, "change_delivered")
    assert change.outcome == "met"
    reopen_actor = factories.contact(ticket.customer)
    workflow.ticket_reopen(
        ticket, actor=reopen_actor.user, text="Mai trebuie o coloană.", now=at("2026-03-04 09:00")
    )
    change.refresh_from_db()
    assert change.outcome == "" and change.stopped_at is None
    # 48 h from Mon 09:00 -> Tue 10 Mar 09:00; the day it sat resolved (480 min) moves it a day.
    assert change.due_at == at("2026-03-11 09:00")
    # The first response (due Mon 15:00) came with the solution on Tuesday, and stays judged.
    assert clock(ticket, "first_response").outcome == "breached"
    ticket.refresh_from_db()
    assert ticket.due_at == change.due_at


def test_cancelling_voids_the_clocks(dispatcher) -> None:
    ticket = new_ticket("expert", "2026-03-02 09:00")
    workflow.ticket_cancel(ticket, actor=dispatcher, reason="dublură", now=at("2026-03-02 10:00"))
    assert clock(ticket, "first_response").outcome == "void"
    assert not Event.objects.filter(ticket=ticket, kind__startswith="sla_").exists()


def test_reclassifying_to_a_change_starts_a_delivery_clock(dispatcher) -> None:
    ticket = new_ticket("expert", "2026-03-02 09:00")
    workflow.ticket_change_kind_priority(ticket, actor=dispatcher, kind="change", now=at("2026-03-02 10:00"))
    assert clock(ticket, "change_delivered").due_at == at("2026-03-10 10:00")
    workflow.ticket_change_kind_priority(ticket, actor=dispatcher, kind="support", now=at("2026-03-02 11:00"))
    assert clock(ticket, "change_delivered").outcome == "void"


def test_a_contract_calendar_with_an_extra_day_off_is_used() -> None:
    calendar = Calendar.objects.create(name="Cu punte", is_default=False)
    CalendarOverride.objects.create(calendar=calendar, day=at("2026-03-03 00:00").date(), kind="closed")
    customer = factories.customer(plan="expert")
    customer.contracts.update(calendar=calendar)
    ticket = factories.ticket(factories.contact(customer), now=at("2026-03-02 16:00"))
    assert ticket.due_at == at("2026-03-04 14:00")


def test_a_plan_calendar_change_is_seen_at_once() -> None:
    default = Calendar.objects.get(is_default=True)
    assert new_ticket("expert", "2026-03-02 16:00").due_at == at("2026-03-03 14:00")
    CalendarOverride.objects.create(calendar=default, day=at("2026-03-03 00:00").date(), kind="closed")
    assert new_ticket("expert", "2026-03-02 16:00").due_at == at("2026-03-04 14:00")


def test_auto_close_waits_n_working_days(agent, dispatcher, settings) -> None:
    settings.ASISTA_AUTO_CLOSE_WORKING_DAYS = 5
    ticket = new_ticket("expert", "2026-04-07 09:00")
    working(ticket, agent, dispatcher, "2026-04-07 09:10")
    workflow.ticket_resolve(ticket, actor=agent, solution="Gata.", now=at("2026-04-08 11:00"))
    from asista.sla import clocks

    # Thu 9, (Good Friday, weekend, Easter Monday), Tue 14, Wed 15, Thu 16, Fri 17.
    assert clocks.auto_close_deadline(ticket) == at("2026-04-17 11:00")
    assert clocks.auto_close_due_before(at("2026-04-17 11:00")) >= ticket.resolved_at


def test_due_times_are_stored_in_utc() -> None:
    ticket = new_ticket("expert", "2026-07-01 08:00")
    ticket.refresh_from_db()
    assert ticket.due_at == datetime(2026, 7, 1, 11, 30, tzinfo=UTC)


def test_a_change_resolved_while_waiting_resumes_without_the_wait(agent, dispatcher) -> None:
    ticket = new_ticket("expert", "2026-03-02 09:00", kind="change")  # due Tue 10 Mar 09:00
    working(ticket, agent, dispatcher, "2026-03-02 09:05")
    workflow.ticket_ask_customer(ticket, actor=agent, text="Ce coloană?", now=at("2026-03-02 10:00"))
    workflow.ticket_resolve(ticket, actor=agent, solution="Am ghicit.", now=at("2026-03-03 10:00"))
    change = clock(ticket, "change_delivered")
    assert change.outcome == "met" and change.margin_minutes == 2880 - 60
    workflow.ticket_reopen(
        ticket, actor=factories.contact(ticket.customer).user, text="Nu.", now=at("2026-03-04 10:00")
    )
    change.refresh_from_db()
    # Waiting Mon 10:00 -> resolved Tue 10:00 -> reopened Wed 10:00: two days of pause.
    assert change.due_at == at("2026-03-12 09:00")
