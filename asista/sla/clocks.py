"""SLA clocks of a ticket, driven explicitly by the workflow (no signals).

The workflow calls one `on_*` function per transition, inside its transaction and with the
ticket locked; each keeps `ticket.due_at` (the earliest due time of the running clocks) up to
date and the workflow saves the ticket. Nothing here sends mail. Rules: docs/sla.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings

from asista.customers.models import PlanTarget
from asista.sla.calendar import BusinessCalendar
from asista.sla.models import Calendar, Clock
from asista.sla.rules import (
    RESPONSE_TARGETS,
    Promise,
    plan_due,
    shift_past_pause,
    targets_for_kind,
    warn_instant,
)
from asista.sla.selectors import (
    business_calendar,
    calendar_for_ticket,
    calendar_from_row,
    calendar_row_for_ticket,
    calendar_row_of,
    default_calendar_row,
)

if TYPE_CHECKING:
    from asista.customers.models import Contract
    from asista.tickets.models import Ticket

DEFAULT_WARN_SHARE = 0.8


def promises_for(ticket: Ticket) -> list[Promise]:
    """The ticket's plan targets that apply to its kind; no plan, no promise."""
    if ticket.plan_id is None:
        return []
    rows = ticket.plan.targets.filter(target__in=targets_for_kind(ticket.kind))  # type: ignore[union-attr]
    return _promises(rows, ticket.kind)


def _promises(rows: Iterable[PlanTarget], kind: str) -> list[Promise]:
    wanted = targets_for_kind(kind)
    found = {row.target: Promise(row.target, row.amount, row.unit) for row in rows if row.target in wanted}
    return [found[target] for target in wanted if target in found]


def warn_share() -> float:
    """Share of a target after which the desk warns (ASISTA_SLA_WARN_SHARE, default 0.8)."""
    share = float(getattr(settings, "ASISTA_SLA_WARN_SHARE", DEFAULT_WARN_SHARE))
    return min(max(share, 0.0), 1.0)


# --- the workflow's interface -----------------------------------------------------------------


def _calendar(clock: Clock) -> BusinessCalendar:
    return business_calendar(clock.calendar)


def _clocks(ticket: Ticket) -> list[Clock]:
    return list(Clock.objects.filter(ticket=ticket).select_related("calendar"))


def _refresh_due(ticket: Ticket, clocks: list[Clock]) -> None:
    running = [clock.due_at for clock in clocks if clock.is_running]
    ticket.due_at = min(running) if running else None


def _start(ticket: Ticket, promises: list[Promise], now: datetime, start: datetime) -> list[Clock]:
    if not promises:
        return []
    row = calendar_row_for_ticket(ticket)
    cal = calendar_from_row(row)
    return Clock.objects.bulk_create(
        [_new_clock(ticket, promise, now, start, row, cal) for promise in promises]
    )


def _new_clock(
    ticket: Ticket,
    promise: Promise,
    now: datetime,
    start: datetime,
    row: Calendar | None,
    cal: BusinessCalendar,
) -> Clock:
    begins, due, budget = plan_due(cal, start, promise)
    return Clock(
        ticket=ticket,
        target=promise.target,
        amount=promise.amount,
        unit=promise.unit,
        calendar=row,
        budget_minutes=budget,
        started_at=begins,
        due_at=due,
        warn_at=warn_instant(cal, begins, budget, warn_share()),
        paused_at=now if ticket.state == "waiting" else None,
    )


def start_new(
    tickets: Sequence[Ticket], contracts: Mapping[int, Contract | None], now: datetime
) -> list[Clock]:
    """The clocks of tickets being opened (unsaved), one per applicable target, counting from
    arrival (or the next opening); sets each ticket's due_at before it is written.

    One query for the plans' targets and two per calendar in use, whatever the number of
    tickets: mail intake opens a batch at once. `contracts` holds each customer's active one.
    """
    targets: dict[int, list[PlanTarget]] = defaultdict(list)
    plan_ids = {ticket.plan_id for ticket in tickets if ticket.plan_id is not None}
    for target in PlanTarget.objects.filter(plan_id__in=plan_ids) if plan_ids else ():
        targets[target.plan_id].append(target)
    defaults: list[Calendar | None] = []
    calendars: dict[int | None, BusinessCalendar] = {}

    def default_row() -> Calendar | None:
        if not defaults:
            defaults.append(default_calendar_row())
        return defaults[0]

    started: list[Clock] = []
    for ticket in tickets:
        promises = _promises(targets.get(ticket.plan_id or 0, ()), ticket.kind)
        if not promises:
            ticket.due_at = None
            continue
        row = calendar_row_of(contracts.get(ticket.customer_id), ticket.plan, default_row)
        key = row.pk if row is not None else None
        if key not in calendars:
            calendars[key] = calendar_from_row(row)
        start = ticket.created_at or now
        clocks = [_new_clock(ticket, promise, now, start, row, calendars[key]) for promise in promises]
        _refresh_due(ticket, clocks)
        started.extend(clocks)
    return started


def on_paused(ticket: Ticket, now: datetime) -> None:
    """The ticket waits for the customer: running clocks stop counting."""
    clocks = _clocks(ticket)
    for clock in clocks:
        if clock.is_running:
            clock.paused_at = now
            clock.save(update_fields=["paused_at"])
    _refresh_due(ticket, clocks)


def _resume(clock: Clock, now: datetime) -> None:
    assert clock.paused_at is not None
    cal = _calendar(clock)
    paused = clock.paused_at
    clock.due_at = shift_past_pause(cal, clock.due_at, paused, now)
    clock.warn_at = shift_past_pause(cal, clock.warn_at, paused, now)
    clock.paused_minutes += max(cal.between(paused, now), 0)
    clock.pauses = [*clock.pauses, [paused.isoformat(), now.isoformat()]]
    clock.paused_at = None
    clock.save(update_fields=["due_at", "warn_at", "paused_minutes", "pauses", "paused_at"])


def on_resumed(ticket: Ticket, now: datetime) -> None:
    """The customer answered: paused clocks count again, due times move by the pause."""
    clocks = _clocks(ticket)
    for clock in clocks:
        if clock.paused_at is not None and clock.stopped_at is None:
            _resume(clock, now)
    _refresh_due(ticket, clocks)


def _stop(clock: Clock, now: datetime) -> None:
    """Stop a clock and record the verdict as a ticket event (business minutes early/late)."""
    from asista.tickets.models import Event

    cal = _calendar(clock)
    # Time spent waiting for the customer never counts, even when the ticket is resolved from
    # the waiting state: the verdict is measured at the start of the pause.
    measured_at = clock.paused_at or now
    margin = cal.between(measured_at, clock.due_at)
    met = measured_at <= clock.due_at
    clock.stopped_at = now
    clock.outcome = Clock.Outcome.MET if met else Clock.Outcome.BREACHED
    clock.margin_minutes = margin
    clock.save(update_fields=["stopped_at", "outcome", "margin_minutes"])
    details = {
        "target": clock.target,
        "due_at": clock.due_at.isoformat(),
        "business_minutes_early" if met else "business_minutes_late": abs(margin),
        "paused_minutes": clock.paused_minutes,
    }
    kind = "sla_met" if met else "sla_breached"
    Event.objects.create(ticket_id=clock.ticket_id, kind=kind, details=details, created_at=now)


def on_responded(ticket: Ticket, now: datetime) -> None:
    """The first answer reached the customer: the first-response / urgent-answer clock is met."""
    clocks = _clocks(ticket)
    for clock in clocks:
        if clock.target in RESPONSE_TARGETS and clock.stopped_at is None:
            _stop(clock, now)
    _refresh_due(ticket, clocks)


def on_resolved(ticket: Ticket, now: datetime) -> None:
    """The solution is out: every clock still counting stops with its verdict."""
    clocks = _clocks(ticket)
    for clock in clocks:
        if clock.stopped_at is None:
            _stop(clock, now)
    _refresh_due(ticket, clocks)


def _reopen(clock: Clock, now: datetime) -> None:
    """A reopened delivery counts on; the time the ticket sat resolved counts as a pause."""
    from asista.tickets.models import Event

    assert clock.stopped_at is not None
    verdict = clock.outcome
    # Resolved while waiting: the pause began when the customer was asked, not at resolution.
    clock.paused_at = clock.paused_at or clock.stopped_at
    clock.stopped_at = None
    clock.outcome = Clock.Outcome.RUNNING
    clock.margin_minutes = None
    _resume(clock, now)
    clock.save(update_fields=["stopped_at", "outcome", "margin_minutes"])
    Event.objects.create(
        ticket_id=clock.ticket_id,
        kind="sla_reopened",
        details={"target": clock.target, "previous": verdict, "due_at": clock.due_at.isoformat()},
        created_at=now,
    )


def on_reopened(ticket: Ticket, now: datetime) -> None:
    """Resolution targets (change delivered, on-site visit) run again; responses stay answered."""
    clocks = _clocks(ticket)
    for clock in clocks:
        if clock.target not in RESPONSE_TARGETS and clock.outcome in (
            Clock.Outcome.MET,
            Clock.Outcome.BREACHED,
        ):
            _reopen(clock, now)
    _refresh_due(ticket, clocks)


def _void(clock: Clock, now: datetime) -> None:
    clock.stopped_at = now
    clock.outcome = Clock.Outcome.VOID
    clock.save(update_fields=["stopped_at", "outcome"])


def on_finished(ticket: Ticket, now: datetime) -> None:
    """Closed or cancelled: a cancelled request voids its clocks; a closing one judges them."""
    clocks = _clocks(ticket)
    for clock in clocks:
        if clock.stopped_at is not None:
            continue
        if ticket.state == "cancelled":
            _void(clock, now)
        else:
            _stop(clock, now)
    _refresh_due(ticket, clocks)


def on_reclassified(ticket: Ticket, now: datetime) -> None:
    """Kind changed: clocks that no longer apply are voided, new ones count from now.

    A first-response clock is not restarted once the customer has had an answer.
    """
    clocks = _clocks(ticket)
    wanted = {promise.target: promise for promise in promises_for(ticket)}
    for clock in clocks:
        if clock.stopped_at is None and clock.target not in wanted:
            _void(clock, now)
    have = {clock.target for clock in clocks}
    new = [
        promise
        for target, promise in wanted.items()
        if target not in have and not (target in RESPONSE_TARGETS and ticket.first_response_at is not None)
    ]
    clocks.extend(_start(ticket, new, now, now))
    _refresh_due(ticket, clocks)


# --- auto-close of resolved tickets -----------------------------------------------------------


def auto_close_deadline(ticket: Ticket) -> datetime:
    """When a resolved ticket closes by itself: N working days after resolution, same time."""
    assert ticket.resolved_at is not None
    cal = calendar_for_ticket(ticket)
    return cal.add_working_days(ticket.resolved_at, settings.ASISTA_AUTO_CLOSE_WORKING_DAYS)


def auto_close_due_before(now: datetime) -> datetime:
    """Resolved at or before this instant may be due (a cheap pre-filter for the auto-close job).

    N working days never take fewer than N calendar days, whatever the calendar.
    """
    return now - timedelta(days=settings.ASISTA_AUTO_CLOSE_WORKING_DAYS)
