"""Writes of the reports app: refresh the fact tables from the live ones.

`facts_refresh` is the one entry point (the periodic job, `asista reports refresh`, and tests call
it). Incremental by default: tickets changed since the last run (their `updated_at`, which every
workflow transition and SLA verdict bumps) and the customer-months from the month before the last
run on. `full=True` rebuilds everything. Safe to run twice or concurrently: every write is an
upsert of a whole row computed from the live tables, batch by batch in short transactions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from asista.billing import units as unit_rules
from asista.billing.models import TimeEntry
from asista.customers.models import Contract, Plan
from asista.reports.durations import ticket_durations
from asista.reports.models import CustomerMonth, RefreshMark, SlaFact, Snapshot, TicketFact
from asista.sla.calendar import BusinessCalendar
from asista.sla.models import Calendar, Clock
from asista.sla.selectors import business_calendar
from asista.tickets.models import Event, Ticket

MARK = "facts"
BATCH = 2000
# A transaction that started before the previous run and committed after it is still caught.
SAFETY = timedelta(minutes=10)
UNIT_KINDS = ("assistance", "change")
TICKET_FIELDS = (
    "id",
    "customer_id",
    "plan_id",
    "assignee_id",
    "kind",
    "created_at",
    "first_response_at",
    "resolved_at",
)


@dataclass(frozen=True)
class RefreshResult:
    tickets: int
    clocks: int
    customer_months: int
    full: bool
    generation: int


def local_month(instant: datetime) -> date:
    """The first day of the month of `instant` in the site's zone (Europe/Bucharest)."""
    return timezone.localtime(instant).date().replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def facts_refresh(*, now: datetime, full: bool = False) -> RefreshResult:
    """Bring TicketFact, SlaFact and CustomerMonth up to date; see the module docstring.

    The job to schedule (asista/jobs.py): incrementally every 10 minutes, fully once a night.
    """
    mark = RefreshMark.objects.filter(name=MARK).first()
    since = None if full or mark is None else mark.started_at - SAFETY
    tickets = Ticket.objects.all() if since is None else Ticket.objects.filter(updated_at__gte=since)
    ids = list(tickets.order_by("id").values_list("id", flat=True))
    calendars = _Calendars()
    clock_count = 0
    for chunk in _chunks(ids, BATCH):
        clock_count += _refresh_tickets(chunk, calendars, now)
    first_month = None if since is None else add_months(local_month(since), -1)
    months = _refresh_customer_months(first_month, now)
    generation = (mark.generation if mark else 0) + 1
    RefreshMark.objects.update_or_create(name=MARK, defaults={"started_at": now, "generation": generation})
    from asista.reports.selectors import warm

    this_month = local_month(now)
    warm(first=add_months(this_month, -11), last=this_month)
    Snapshot.objects.exclude(generation=generation).delete()
    return RefreshResult(len(ids), clock_count, months, since is None, generation)


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Calendars:
    """Built business calendars by Calendar id (None: today's default), one lookup each."""

    def __init__(self) -> None:
        self._by_id: dict[int | None, BusinessCalendar] = {}

    def get(self, calendar_id: int | None) -> BusinessCalendar:
        if calendar_id not in self._by_id:
            row = Calendar.objects.filter(pk=calendar_id).first() if calendar_id is not None else None
            self._by_id[calendar_id] = business_calendar(row)
        return self._by_id[calendar_id]


@transaction.atomic
def _refresh_tickets(ids: Sequence[int], calendars: _Calendars, now: datetime) -> int:
    """Recompute the facts of these tickets and of their judged clocks; returns the clock count."""
    rows = list(Ticket.objects.filter(id__in=ids).values_list(*TICKET_FIELDS))
    transitions: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    events = Event.objects.filter(ticket_id__in=ids).exclude(to_state="")
    for ticket_id, at, to_state in events.values_list("ticket_id", "created_at", "to_state"):
        transitions[ticket_id].append((at, to_state))
    clock_rows = list(
        Clock.objects.filter(ticket_id__in=ids).values_list(
            "id", "ticket_id", "calendar_id", "target", "outcome", "stopped_at"
        )
    )
    calendar_of = {ticket_id: calendar_id for _, ticket_id, calendar_id, *_ in clock_rows}
    facts = [
        _ticket_fact(row, calendars.get(calendar_of.get(row[0])), transitions.get(row[0], []), now)
        for row in rows
    ]
    TicketFact.objects.bulk_create(
        facts,
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=[f.name for f in TicketFact._meta.concrete_fields if not f.primary_key],
    )
    owner = {row[0]: (row[1], row[2]) for row in rows}
    SlaFact.objects.filter(ticket_id__in=ids).delete()
    judged = [
        SlaFact(
            clock_id=clock_id,
            ticket_id=ticket_id,
            customer_id=owner[ticket_id][0],
            plan_id=owner[ticket_id][1],
            target=target,
            met=outcome == Clock.Outcome.MET,
            month=local_month(stopped_at),
        )
        for clock_id, ticket_id, _, target, outcome, stopped_at in clock_rows
        if outcome in (Clock.Outcome.MET, Clock.Outcome.BREACHED) and stopped_at is not None
    ]
    SlaFact.objects.bulk_create(judged)
    return len(judged)


def _ticket_fact(
    row: tuple[Any, ...], cal: BusinessCalendar, transitions: list[tuple[datetime, str]], now: datetime
) -> TicketFact:
    pk, customer_id, plan_id, assignee_id, kind, created, responded, resolved = row
    assert isinstance(created, datetime)
    durations = ticket_durations(
        cal,
        created=created,
        responded=responded if isinstance(responded, datetime) else None,
        resolved=resolved if isinstance(resolved, datetime) else None,
        transitions=transitions,
    )
    local = timezone.localtime(created)
    return TicketFact(
        ticket_id=pk,
        customer_id=customer_id,
        plan_id=plan_id,
        assignee_id=assignee_id,
        kind=kind,
        created_at=created,
        arrival_month=local.date().replace(day=1),
        arrival_weekday=local.isoweekday(),
        arrival_hour=local.hour,
        first_response_minutes=durations.first_response,
        resolved_month=local_month(resolved) if isinstance(resolved, datetime) else None,
        resolution_minutes=durations.resolution,
        waiting_minutes=durations.waiting,
        refreshed_at=now,
    )


# --- customer months -------------------------------------------------------------------------


def _month_start(month: date) -> datetime:
    return datetime.combine(month, datetime.min.time(), tzinfo=timezone.get_default_timezone())


def _refresh_customer_months(first_month: date | None, now: datetime) -> int:
    """Recompute every customer-month from `first_month` (None: all) to the current month."""
    last_month = local_month(now)
    if first_month is None:
        bounds = TimeEntry.objects.aggregate(first=Min("started_at"), last=Max("started_at"))
        starts = [c for c in Contract.objects.aggregate(first=Min("starts_on")).values() if c is not None]
        candidates = [local_month(bounds["first"])] if bounds["first"] else []
        candidates += [d.replace(day=1) for d in starts]
        if bounds["last"] is not None:
            last_month = max(last_month, local_month(bounds["last"]))
        if not candidates:
            return 0
        first_month = min(candidates)
    rows = _customer_month_rows(first_month, last_month, now)
    with transaction.atomic():
        CustomerMonth.objects.filter(month__gte=first_month, month__lte=last_month).delete()
        CustomerMonth.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _plans_in_force(first_month: date, last_month: date) -> dict[tuple[int, date], int]:
    """(customer, month) -> the plan of the latest-starting contract covering a day of the month."""
    contracts = (
        Contract.objects.exclude(status=Contract.Status.DRAFT)
        .filter(starts_on__lt=add_months(last_month, 1))
        .values_list("customer_id", "plan_id", "starts_on", "ends_on")
        .order_by("starts_on", "id")
    )
    found: dict[tuple[int, date], int] = {}
    for customer_id, plan_id, starts_on, ends_on in contracts:
        month = max(starts_on.replace(day=1), first_month)
        final = min(ends_on.replace(day=1), last_month) if ends_on else last_month
        while month <= final:
            found[(customer_id, month)] = plan_id  # later starts overwrite earlier ones
            month = add_months(month, 1)
    return found


def _customer_month_rows(first_month: date, last_month: date, now: datetime) -> list[CustomerMonth]:
    plans = {plan.pk: plan for plan in Plan.objects.all()}
    in_force = _plans_in_force(first_month, last_month)
    work: dict[tuple[int, date], list[unit_rules.Work]] = defaultdict(list)
    hourly: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: {"programming": 0, "onsite": 0})
    entries = TimeEntry.objects.filter(
        started_at__gte=_month_start(first_month), started_at__lt=_month_start(add_months(last_month, 1))
    ).values_list("customer_id", "ticket_id", "kind", "started_at", "minutes")
    for customer_id, ticket_id, kind, started, minutes in entries.iterator(chunk_size=BATCH):
        key = (customer_id, local_month(started))
        if kind in UNIT_KINDS:
            work[key].append(unit_rules.Work(str(ticket_id), started, minutes))
        elif kind in ("programming", "onsite"):
            hourly[key][kind] += minutes
    rows = []
    for key in sorted(set(in_force) | set(work) | set(hourly)):
        plan = plans.get(in_force[key]) if key in in_force else None
        usage = unit_rules.month_units(
            work=work.get(key, ()),
            included_units=plan.included_units if plan else 0,
            unit_price=plan.unit_price if plan else Decimal(0),
            unit_minutes=plan.unit_minutes if plan else 30,
        )
        hours = hourly.get(key, {"programming": 0, "onsite": 0})
        rows.append(
            CustomerMonth(
                customer_id=key[0],
                month=key[1],
                plan_id=plan.pk if plan else None,
                included_units=usage.allowance,
                units=usage.units,
                included_used=usage.included,
                overage_units=usage.overage,
                overage_eur=usage.amount,
                programming_minutes=hours["programming"],
                onsite_minutes=hours["onsite"],
                refreshed_at=now,
            )
        )
    return rows
