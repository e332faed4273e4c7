"""Business-time durations of one ticket: pure functions over its timestamps and transitions.

Rules (docs/reports.md):
- first response: business minutes from arrival to the first answer the customer received;
- resolution: business minutes from arrival to the (last) resolution, not counting the time the
  ticket waited for the customer or sat resolved before a reopening — the time the vendor held it.
Both are whole minutes (truncated), on the ticket's business calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from asista.sla.calendar import BusinessCalendar

# States in which the vendor is not the one holding the ticket.
PAUSED_STATES = frozenset({"waiting", "resolved"})
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Durations:
    first_response: int | None
    resolution: int | None
    waiting: int


def first_response_minutes(
    cal: BusinessCalendar, created: datetime, responded: datetime | None
) -> int | None:
    if responded is None:
        return None
    return max(cal.between(created, responded), 0)


def resolution_minutes(
    cal: BusinessCalendar,
    created: datetime,
    resolved: datetime | None,
    transitions: Iterable[tuple[datetime, str]],
) -> tuple[int | None, int]:
    """(held minutes to resolution or None, paused minutes) from the (time, new state) transitions."""
    end = resolved
    state, since = "new", created
    held, paused = timedelta(0), timedelta(0)
    for at, to_state in sorted(transitions, key=lambda item: item[0]):
        if end is not None and at > end:
            break
        span = max(cal.between_exact(since, at), timedelta(0))
        if state in PAUSED_STATES:
            paused += span
        else:
            held += span
        state, since = to_state, at
    if end is None:
        return None, paused // MINUTE
    if end > since and state not in PAUSED_STATES:
        held += max(cal.between_exact(since, end), timedelta(0))
    return held // MINUTE, paused // MINUTE


def ticket_durations(
    cal: BusinessCalendar,
    *,
    created: datetime,
    responded: datetime | None,
    resolved: datetime | None,
    transitions: Iterable[tuple[datetime, str]],
) -> Durations:
    resolution, waiting = resolution_minutes(cal, created, resolved, transitions)
    return Durations(first_response_minutes(cal, created, responded), resolution, waiting)
