"""Reads for the SLA app: which business calendar applies, built from the database.

The pure calendar (`asista.sla.calendar`) is costly to build (~0.1 s: sixteen years of opening
intervals) and cheap to use, so built calendars are kept per process, keyed by their *content*
(the CalendarSpec: week, zone, holiday country and every override). Any change to a Calendar or
to one of its overrides gives a different key, so a stale calendar can never be served, on any
process, without signals or cross-process invalidation. The price is one small query for the
overrides per lookup.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from asista.sla.calendar import (
    DEFAULT_HOURS,
    BusinessCalendar,
    CalendarSpec,
    DayHours,
    normalize_hours,
    parse_week,
)
from asista.sla.models import Calendar, CalendarOverride

if TYPE_CHECKING:
    from asista.customers.models import Contract, Plan
    from asista.tickets.models import Ticket

CACHE_SIZE = 32
_built: OrderedDict[CalendarSpec, BusinessCalendar] = OrderedDict()


def override_hours(override: CalendarOverride) -> DayHours:
    """A day off is (); a worked day defaults to 08:30-16:30 (the model's documented default)."""
    if override.kind == CalendarOverride.Kind.CLOSED:
        return ()
    opens = override.opens or None
    closes = override.closes or None
    if opens is None and closes is None:
        return DEFAULT_HOURS
    default_opens, default_closes = DEFAULT_HOURS[0]
    return normalize_hours([(opens or default_opens, closes or default_closes)])


def calendar_spec(calendar: Calendar) -> CalendarSpec:
    """The plain data of a Calendar row and its overrides."""
    overrides = tuple(
        (override.day, override_hours(override)) for override in calendar.overrides.order_by("day")
    )
    return CalendarSpec(
        week=parse_week(calendar.week or {}),
        time_zone=calendar.time_zone,
        holiday_country=calendar.holiday_country,
        overrides=overrides,
    )


def build_calendar(spec: CalendarSpec) -> BusinessCalendar:
    """The BusinessCalendar for `spec`, from the per-process cache when already built."""
    found = _built.get(spec)
    if found is not None:
        _built.move_to_end(spec)
        return found
    built = BusinessCalendar(spec)
    _built[spec] = built
    while len(_built) > CACHE_SIZE:
        _built.popitem(last=False)
    return built


def default_calendar_row() -> Calendar | None:
    return Calendar.objects.filter(is_default=True).first()


def business_calendar(calendar: Calendar | None = None) -> BusinessCalendar:
    """The pure calendar of `calendar`; None means the default one (built-in when none is set)."""
    if calendar is None:
        calendar = default_calendar_row()
    spec = calendar_spec(calendar) if calendar is not None else CalendarSpec()
    return build_calendar(spec)


def calendar_row_for_ticket(ticket: Ticket) -> Calendar | None:
    """The contract's calendar, else the plan's, else the default (None: the built-in default)."""
    from asista.customers.selectors import active_contract

    on: date = timezone.localdate(ticket.created_at) if ticket.created_at else timezone.localdate()
    contract = active_contract(customer=ticket.customer, on=on) if ticket.customer_id else None
    return calendar_row_of(contract, ticket.plan, default_calendar_row)


def calendar_row_of(
    contract: Contract | None, plan: Plan | None, default: Callable[[], Calendar | None]
) -> Calendar | None:
    """The contract's calendar, else the plan's, else `default()` (asked only when needed)."""
    if contract is not None and contract.calendar_id is not None:
        return contract.calendar
    plan = plan or (contract.plan if contract is not None else None)
    if plan is not None and plan.calendar_id is not None:
        return plan.calendar
    return default()


def calendar_for_ticket(ticket: Ticket) -> BusinessCalendar:
    """The business calendar that measures `ticket`'s clocks."""
    return calendar_from_row(calendar_row_for_ticket(ticket))


def calendar_from_row(row: Calendar | None) -> BusinessCalendar:
    """The pure calendar of a row; None is the built-in default (no default row is configured)."""
    return build_calendar(calendar_spec(row)) if row is not None else build_calendar(CalendarSpec())


def sla_badges(ticket_ids: list[int], *, now: datetime) -> dict[int, str]:
    """For the desk: "breached" or "warning" per ticket with a running clock past a threshold.

    One query for any number of tickets; tickets with nothing to flag are left out.
    """
    from asista.sla.models import Clock

    badges: dict[int, str] = {}
    running = Clock.objects.filter(ticket_id__in=ticket_ids, stopped_at__isnull=True, paused_at__isnull=True)
    for ticket_id, due_at, warn_at in running.values_list("ticket_id", "due_at", "warn_at"):
        if due_at <= now:
            badges[ticket_id] = "breached"
        elif warn_at <= now and badges.get(ticket_id) != "breached":
            badges[ticket_id] = "warning"
    return badges
