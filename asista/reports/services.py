"""Writes of the reports app: refresh the fact tables and their rollups from the live ones.

`facts_refresh` is the one entry point (the periodic job, `asista reports refresh`, and tests call
it). Incremental by default: tickets changed since the last run (their `updated_at`, which every
workflow transition and SLA verdict bumps), the customer-months from the month before the last
run on, and the rollups of the months those tickets counted in (before and after); revenue is
recomputed whole. `full=True` rebuilds everything. Safe to run twice or concurrently: every fact
write is an upsert of a whole row computed from the live tables, batch by batch in short
transactions, and the rollups are rebuilt under one lock.
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, Max, Min, Model, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from asista.billing import units as unit_rules
from asista.billing.models import Invoice, InvoiceLine, TimeEntry
from asista.customers.models import Contract, Plan
from asista.reports.durations import ticket_durations
from asista.reports.models import (
    ArrivalRollup,
    CustomerMonth,
    RefreshMark,
    RevenueMonth,
    SlaFact,
    Snapshot,
    TicketFact,
    TimeRollup,
)
from asista.sla.calendar import BusinessCalendar
from asista.sla.models import Calendar, Clock
from asista.sla.selectors import business_calendar
from asista.tickets.models import Event, Ticket

MARK = "facts"
CENT = Decimal("0.01")
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
FACT_COLUMNS = (
    "ticket_id",
    "customer_id",
    "plan_id",
    "assignee_id",
    "kind",
    "created_at",
    "arrival_month",
    "arrival_weekday",
    "arrival_hour",
    "first_response_minutes",
    "resolved_month",
    "resolution_minutes",
    "waiting_minutes",
    "refreshed_at",
)
SLA_COLUMNS = ("clock_id", "ticket_id", "customer_id", "plan_id", "target", "met", "month")
CUSTOMER_MONTH_COLUMNS = (
    "customer_id",
    "month",
    "plan_id",
    "included_units",
    "units",
    "included_used",
    "overage_units",
    "overage_eur",
    "programming_minutes",
    "onsite_minutes",
    "refreshed_at",
)
# measure -> (TicketFact column of the minutes, column of the month it counts in)
MEASURES = {
    "first_response": ("first_response_minutes", "arrival_month"),
    "resolution": ("resolution_minutes", "resolved_month"),
}
# The rollup's sorted minutes: packed 32-bit integers, little-endian whatever the machine.
PACK = "i"
assert array(PACK).itemsize == 4


@dataclass(frozen=True)
class RefreshResult:
    tickets: int
    clocks: int
    customer_months: int
    full: bool
    generation: int


def local_month(instant: datetime) -> date:
    """The first day of the month of `instant` in the site's zone (Europe/Bucharest)."""
    return instant.astimezone(timezone.get_default_timezone()).date().replace(day=1)


def pack_minutes(values: Iterable[int]) -> bytes:
    """Sorted business minutes as the rollup stores them (see `unpack_minutes`)."""
    packed = array(PACK, sorted(values))
    if sys.byteorder == "big":  # pragma: no cover - every supported machine is little-endian
        packed.byteswap()
    return packed.tobytes()


def unpack_minutes(data: bytes | memoryview) -> array[int]:
    values = array(PACK)
    values.frombytes(data)
    if sys.byteorder == "big":  # pragma: no cover
        values.byteswap()
    return values


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def facts_refresh(*, now: datetime, full: bool = False) -> RefreshResult:
    """Bring TicketFact, SlaFact, CustomerMonth and the rollups up to date; see the module docstring.

    The job to schedule (asista/jobs.py): incrementally every 10 minutes, fully once a night.
    """
    mark = RefreshMark.objects.filter(name=MARK).first()
    since = None if full or mark is None else mark.started_at - SAFETY
    tickets = Ticket.objects.all() if since is None else Ticket.objects.filter(updated_at__gte=since)
    ids = list(tickets.order_by("id").values_list("id", flat=True))
    calendars = _Calendars()
    touched = None if since is None else _Touched()
    clock_count = 0
    for chunk in _chunks(ids, BATCH):
        clock_count += _refresh_tickets(chunk, calendars, now, touched, every=since is None)
    first_month = None if since is None else add_months(local_month(since), -1)
    months = _refresh_customer_months(first_month, now)
    rollup_rebuild(touched)
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


def _write(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], key: str = "") -> None:
    """Plain INSERTs of `rows` (values already adapted for the database); with `key`, an upsert
    on that unique column. Model instances and bulk_create cost more than the refresh itself.

    SQLite takes the rows through executemany (no round trips). PostgreSQL takes them through
    COPY (an upsert: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT), as a
    statement per row costs a round trip and a multi-row VALUES costs psycopg its parsing."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c != key)
    conflict = f" ON CONFLICT ({quote(key)}) DO UPDATE SET {updates}" if key else ""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))}){conflict}"
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])
            return
        target = table
        if key:
            target = quote(f"{model._meta.db_table}_load")
            cursor.execute(f"CREATE TEMPORARY TABLE {target} (LIKE {table})")
        with cursor.cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if key:
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {target}{conflict}")
            cursor.execute(f"DROP TABLE {target}")


class _Calendars:
    """Built business calendars by Calendar id (None: today's default), one lookup each."""

    def __init__(self) -> None:
        self._by_id: dict[int | None, BusinessCalendar] = {}

    def get(self, calendar_id: int | None) -> BusinessCalendar:
        if calendar_id not in self._by_id:
            row = Calendar.objects.filter(pk=calendar_id).first() if calendar_id is not None else None
            self._by_id[calendar_id] = business_calendar(row)
        return self._by_id[calendar_id]


@dataclass
class _Touched:
    """The months whose rollups an incremental refresh must rebuild: the months each changed
    ticket counted in before and after the refresh, per measure, and of its arrival."""

    months: dict[str, set[date]] = field(default_factory=lambda: {m: set() for m in MEASURES})
    arrivals: set[date] = field(default_factory=set)

    def add(self, arrival_month: Any, resolved_month: Any) -> None:
        self.arrivals.add(arrival_month)
        self.months["first_response"].add(arrival_month)
        if resolved_month is not None:
            self.months["resolution"].add(resolved_month)


@transaction.atomic
def _refresh_tickets(
    ids: Sequence[int], calendars: _Calendars, now: datetime, touched: _Touched | None, every: bool = False
) -> int:
    """Recompute the facts of these tickets and of their judged clocks; returns the clock count.

    `every`: `ids` are consecutive ids of all the tickets (a full refresh), so they are selected
    by range, which costs the database and Django far less than 2,000 parameters in IN (…)."""

    def among(field: str) -> dict[str, Any]:
        if every:
            return {f"{field}__gte": ids[0], f"{field}__lte": ids[-1]}
        return {f"{field}__in": ids}

    rows = list(Ticket.objects.filter(**among("id")).values_list(*TICKET_FIELDS))
    transitions: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    events = Event.objects.filter(**among("ticket_id")).exclude(to_state="")
    for ticket_id, at, to_state in events.values_list("ticket_id", "created_at", "to_state"):
        transitions[ticket_id].append((at, to_state))
    clock_rows = list(
        Clock.objects.filter(**among("ticket_id")).values_list(
            "id", "ticket_id", "calendar_id", "target", "outcome", "stopped_at"
        )
    )
    calendar_of = {ticket_id: calendar_id for _, ticket_id, calendar_id, *_ in clock_rows}
    if touched is not None:
        for before in TicketFact.objects.filter(**among("ticket_id")).values_list(
            "arrival_month", "resolved_month"
        ):
            touched.add(*before)
    zone = timezone.get_default_timezone()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    facts = []
    for row in rows:
        fact = _ticket_fact(row, calendars.get(calendar_of.get(row[0])), transitions.get(row[0], []), zone)
        if touched is not None:
            touched.add(fact[6], fact[10])
        fact[5] = ops.adapt_datetimefield_value(fact[5])
        fact.append(stamp)
        facts.append(fact)
    _write(TicketFact, FACT_COLUMNS, facts, key="ticket_id")
    owner = {row[0]: (row[1], row[2]) for row in rows}
    SlaFact.objects.filter(**among("ticket_id")).delete()
    judged = [
        (
            clock_id,
            ticket_id,
            owner[ticket_id][0],
            owner[ticket_id][1],
            target,
            outcome == Clock.Outcome.MET,
            stopped_at.astimezone(zone).date().replace(day=1),
        )
        for clock_id, ticket_id, _, target, outcome, stopped_at in clock_rows
        if outcome in (Clock.Outcome.MET, Clock.Outcome.BREACHED) and stopped_at is not None
    ]
    _write(SlaFact, SLA_COLUMNS, judged)
    return len(judged)


def _ticket_fact(
    row: tuple[Any, ...], cal: BusinessCalendar, transitions: list[tuple[datetime, str]], zone: Any
) -> list[Any]:
    """The FACT_COLUMNS of one ticket but the last (refreshed_at)."""
    pk, customer_id, plan_id, assignee_id, kind, created, responded, resolved = row
    assert isinstance(created, datetime)
    durations = ticket_durations(
        cal,
        created=created,
        responded=responded if isinstance(responded, datetime) else None,
        resolved=resolved if isinstance(resolved, datetime) else None,
        transitions=transitions,
    )
    local = created.astimezone(zone)
    return [
        pk,
        customer_id,
        plan_id,
        assignee_id,
        kind,
        created,
        local.date().replace(day=1),
        local.isoweekday(),
        local.hour,
        durations.first_response,
        resolved.astimezone(zone).date().replace(day=1) if isinstance(resolved, datetime) else None,
        durations.resolution,
        durations.waiting,
    ]


# --- rollups ---------------------------------------------------------------------------------


def rollup_rebuild(touched: _Touched | None = None) -> int:
    """Rebuild TimeRollup and ArrivalRollup from TicketFact (the months in `touched`, or all),
    and RevenueMonth from the invoices.

    One transaction; on PostgreSQL an advisory lock keeps two refreshes from interleaving their
    delete-and-insert (SQLite's writers queue at BEGIN IMMEDIATE). Returns the time rows written.
    """
    rows = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x5245504F525453])  # "REPORTS"
        for measure in MEASURES:
            rows += _rebuild_time_rollup(measure, None if touched is None else touched.months[measure])
        _rebuild_arrival_rollup(None if touched is None else touched.arrivals)
        _refresh_revenue()
    return rows


def _month_filter(column: str, months: set[date] | None) -> tuple[str, list[Any]]:
    if months is None:
        return "", []
    ordered = sorted(months)
    marks = ", ".join(["%s"] * len(ordered))
    return f" AND {column} IN ({marks})", [connection.ops.adapt_datefield_value(m) for m in ordered]


ROLLUP_DIMENSIONS = ("month", "plan", "agent", "kind")


def rollup_key(value: Any) -> str:
    """A dimension's value as TimeRollup.key: the id or kind as text, "" for none."""
    return "" if value is None else str(value)


def _rebuild_time_rollup(measure: str, months: set[date] | None) -> int:
    if months is not None and not months:
        return 0
    value, month = MEASURES[measure]
    quote = connection.ops.quote_name
    rollup, facts = quote(TimeRollup._meta.db_table), quote(TicketFact._meta.db_table)
    where, params = _month_filter(quote("month"), months)
    fact_where, _ = _month_filter(month, months)
    groups: dict[tuple[Any, str, str], list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {rollup} WHERE measure = %s{where}", [measure, *params])
        cursor.execute(
            f"SELECT {month}, plan_id, assignee_id, kind, {value} FROM {facts} "
            f"WHERE {value} IS NOT NULL{fact_where}",
            params,
        )
        for month_value, plan_id, assignee_id, kind, minutes in cursor.fetchall():
            groups[(month_value, "month", "")].append(minutes)
            groups[(month_value, "plan", rollup_key(plan_id))].append(minutes)
            groups[(month_value, "agent", rollup_key(assignee_id))].append(minutes)
            groups[(month_value, "kind", kind)].append(minutes)
    adapt = connection.ops.adapt_datefield_value
    rows = [
        (measure, adapt(_as_date(m)), dimension, key, len(values), sum(values), pack_minutes(values))
        for (m, dimension, key), values in groups.items()
    ]
    columns = ("measure", "month", "dimension", "key", "count", "total_minutes", "minutes")
    _write(TimeRollup, columns, rows)
    return len(rows)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _rebuild_arrival_rollup(months: set[date] | None) -> None:
    """Counts per (month, weekday, hour), in one INSERT … SELECT … GROUP BY."""
    if months is not None and not months:
        return
    quote = connection.ops.quote_name
    rollup, facts = quote(ArrivalRollup._meta.db_table), quote(TicketFact._meta.db_table)
    where, params = _month_filter(quote("month"), months)
    fact_where, _ = _month_filter("arrival_month", months)
    columns = ", ".join(quote(c) for c in ("month", "weekday", "hour", "count"))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {rollup} WHERE 1 = 1{where}", params)
        cursor.execute(
            f"INSERT INTO {rollup} ({columns}) "
            f"SELECT arrival_month, arrival_weekday, arrival_hour, COUNT(*) FROM {facts} "
            f"WHERE 1 = 1{fact_where} GROUP BY arrival_month, arrival_weekday, arrival_hour",
            params,
        )


# --- revenue ---------------------------------------------------------------------------------


def _refresh_revenue() -> int:
    """Recompute RevenueMonth whole: one GROUP BY over the issued invoices' lines (a few hundred
    rows out), so an invoice issued, or a credit note, since the last run is always counted."""
    sign = Case(When(invoice__kind=Invoice.Kind.CREDIT_NOTE, then=Value(-1)), default=Value(1))
    sums = (
        InvoiceLine.objects.filter(invoice__status=Invoice.Status.ISSUED)
        .values_list("invoice__year", "invoice__month", "kind")
        .annotate(
            eur=Sum(F("net_eur") * sign),
            ron=Sum(Coalesce(F("net_ron"), Value(Decimal(0))) * sign),
        )
        .order_by()
    )
    ops = connection.ops
    rows = [
        (
            ops.adapt_datefield_value(date(year, month, 1)),
            kind,
            ops.adapt_decimalfield_value(Decimal(eur or 0).quantize(CENT)),
            ops.adapt_decimalfield_value(Decimal(ron or 0).quantize(CENT)),
        )
        for year, month, kind, eur, ron in sums
    ]
    RevenueMonth.objects.all().delete()
    _write(RevenueMonth, ("month", "kind", "eur", "ron"), rows)
    return len(rows)


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
        _write(CustomerMonth, CUSTOMER_MONTH_COLUMNS, rows)
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


def _customer_month_rows(first_month: date, last_month: date, now: datetime) -> list[tuple[Any, ...]]:
    """The CUSTOMER_MONTH_COLUMNS of every customer-month in the range, adapted for the database."""
    plans = {plan.pk: plan for plan in Plan.objects.all()}
    zone = timezone.get_default_timezone()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    in_force = _plans_in_force(first_month, last_month)
    work: dict[tuple[int, date], list[unit_rules.Work]] = defaultdict(list)
    hourly: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: {"programming": 0, "onsite": 0})
    entries = TimeEntry.objects.filter(
        started_at__gte=_month_start(first_month), started_at__lt=_month_start(add_months(last_month, 1))
    ).values_list("customer_id", "ticket_id", "kind", "started_at", "minutes")
    for customer_id, ticket_id, kind, started, minutes in entries.iterator(chunk_size=BATCH):
        key = (customer_id, started.astimezone(zone).date().replace(day=1))
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
            (
                key[0],
                ops.adapt_datefield_value(key[1]),
                plan.pk if plan else None,
                usage.allowance,
                usage.units,
                usage.included,
                usage.overage,
                ops.adapt_decimalfield_value(usage.amount, max_digits=14, decimal_places=2),
                hours["programming"],
                hours["onsite"],
                stamp,
            )
        )
    return rows
