"""The pure rules of SLA clocks: which targets apply, and when a promise falls due.

No database and no settings: the calendar and every instant are passed in. `clocks` applies
these rules to tickets; `asista sla due` and the benchmark call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from asista.sla.calendar import BusinessCalendar

FIRST_RESPONSE = "first_response"
URGENT_ANSWER = "urgent_answer"
CHANGE_DELIVERED = "change_delivered"
ONSITE_VISIT = "onsite_visit"
BUSINESS_HOURS = "business_hours"
WORKING_DAYS = "working_days"
# Met by the first answer to the customer; the others are met when the ticket is resolved.
RESPONSE_TARGETS = (FIRST_RESPONSE, URGENT_ANSWER)


@dataclass(frozen=True)
class Promise:
    """A plan's target as plain data: `amount` `unit` (business hours or working days)."""

    target: str
    amount: int
    unit: str


def targets_for_kind(kind: str) -> tuple[str, ...]:
    """Which targets a ticket kind is measured against (a plan may still lack some)."""
    first = URGENT_ANSWER if kind == "urgent_call" else FIRST_RESPONSE
    extra = {"change": (CHANGE_DELIVERED,), "onsite": (ONSITE_VISIT,)}.get(kind, ())
    return (first, *extra)


def plan_due(cal: BusinessCalendar, start: datetime, promise: Promise) -> tuple[datetime, datetime, int]:
    """(counting starts, due, business minutes allowed) for a promise starting at `start`.

    A start in closed time counts from the next opening. Working days keep the wall-clock time
    (rolled to the next opening when that time is closed on the due day).
    """
    begins = cal.next_opening(start)
    if promise.unit == WORKING_DAYS:
        due = cal.add_working_days(begins, promise.amount)
        return begins, due, cal.between(begins, due)
    return begins, cal.add(begins, promise.amount * 60), promise.amount * 60


def due_with_pauses(
    cal: BusinessCalendar,
    start: datetime,
    promise: Promise,
    pauses: list[tuple[datetime, datetime]],
) -> datetime:
    """The due time of a promise whose clock paused over `pauses` (for `asista sla due`)."""
    _, due, _ = plan_due(cal, start, promise)
    for paused, resumed in sorted(pauses):
        due = shift_past_pause(cal, due, paused, resumed)
    return due


def shift_past_pause(
    cal: BusinessCalendar, instant: datetime, paused: datetime, resumed: datetime
) -> datetime:
    """Move a deadline later by the business time of a pause; one already passed stays put."""
    if instant <= paused:
        return instant
    return cal.add_exact(instant, max(cal.between_exact(paused, resumed), timedelta(0)))


def warn_instant(cal: BusinessCalendar, started: datetime, budget: int, share: float) -> datetime:
    return cal.add(started, int(budget * share))
