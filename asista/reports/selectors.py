"""The reporting query layer: every figure of the reports, aggregated in SQL or read from rollups.

All functions take a month range [first, last] (first days of months, both included) and return
plain rows. Durations come from the monthly rollup of the fact tables (`TimeRollup`, filled by
`services.facts_refresh` with every value sorted, so medians and p90 stay exact); money from
issued invoices; backlog from the live tickets (open ones only, a small share). Percentiles are
interpolated like PostgreSQL's `percentile_cont`: from the rollup's sorted values, and for a
customer's own figures from the facts (`percentile_cont` itself on PostgreSQL, window functions
on SQLite), so both databases and both paths give the same numbers. See docs/reports.md.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When

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
from asista.reports.services import ROLLUP_DIMENSIONS, unpack_minutes
from asista.tickets.models import OPEN_STATES, Ticket

Measure = Literal["first_response", "resolution"]
Dimension = Literal["month", "plan", "agent", "kind", "customer"]

# Identifiers come from these tables only, never from a request.
_MEASURES: dict[str, tuple[str, str]] = {
    "first_response": ("first_response_minutes", "arrival_month"),
    "resolution": ("resolution_minutes", "resolved_month"),
}
_DIMENSIONS: dict[str, str] = {
    "month": "{month}",
    "plan": "plan_id",
    "agent": "assignee_id",
    "kind": "kind",
    "customer": "customer_id",
}
AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0-1d", 1),
    ("1-3d", 3),
    ("3-7d", 7),
    ("7-30d", 30),
    ("30d+", None),
)


@dataclass(frozen=True)
class TimeRow:
    key: Any
    count: int
    median: float
    p90: float
    mean: float


def _as_date(value: Any) -> Any:
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value[:4].isdigit() else value


def _generation() -> int:
    mark = RefreshMark.objects.filter(name="facts").values_list("generation", flat=True).first()
    return mark or 0


def _snapshot(name: str, params: str, compute: Any) -> Any:
    """The stored result of `compute()` for this generation of the facts, computed when missing."""
    generation = _generation()
    found = Snapshot.objects.filter(name=name, params=params, generation=generation).values_list(
        "data", flat=True
    )
    for data in found:
        return data
    data = compute()
    Snapshot.objects.update_or_create(
        name=name, params=params, defaults={"generation": generation, "data": data}
    )
    return data


def time_stats(
    *,
    measure: Measure,
    by: Dimension,
    first: date,
    last: date,
    customer_id: int | None = None,
    fresh: bool = False,
) -> list[TimeRow]:
    """Count, median, 90th percentile and mean business minutes of `measure`, grouped by `by`.

    First response counts in the month of arrival, resolution in the month of resolution. Staff
    figures (no customer) come from the monthly TimeRollup, a few rows per month whatever the
    period, so they need no Snapshot; a customer's come from the facts (a small query on an
    index). `fresh` reads the facts instead of the rollup: the reference the rollup is tested
    against.
    """
    if customer_id is not None or fresh or by not in ROLLUP_DIMENSIONS:
        rows = _time_stats(measure, by, first, last, customer_id)
    else:
        rows = _rollup_time_stats(measure, by, first, last)
    return sorted(
        (
            TimeRow(_as_date(key), int(n), round(float(p50), 1), round(float(p90), 1), round(float(mean), 1))
            for key, n, p50, p90, mean in rows
        ),
        key=lambda row: (row.key is None, str(row.key)),
    )


def _rollup_time_stats(
    measure: str, by: str, first: date, last: date
) -> list[tuple[Any, int, float, float, float]]:
    """The figures from the TimeRollup rows of the range: counts and sums added up; the median
    and p90 picked across the months' sorted runs without merging them (`percentile`)."""
    found = TimeRollup.objects.filter(
        measure=measure, dimension=by, month__gte=first, month__lte=last
    ).values_list("month" if by == "month" else "key", "count", "total_minutes", "minutes")
    groups: dict[Any, tuple[list[int], list[array[int]]]] = {}
    for key, count, total, data in found:
        sums, runs = groups.setdefault(key, ([0, 0], []))
        sums[0] += count
        sums[1] += total
        runs.append(unpack_minutes(data))
    rows = []
    for key, ((count, total), runs) in groups.items():
        rows.append(
            (
                _rollup_group(by, key),
                count,
                percentile(runs, 0.5),
                percentile(runs, 0.9),
                total / count,
            )
        )
    return rows


def _rollup_group(by: str, key: Any) -> Any:
    """TimeRollup's month or key back as time_stats' group: the month, an id or None, a kind."""
    if by == "month":
        return key.isoformat() if isinstance(key, date) else str(key)[:10]
    if by in ("plan", "agent"):
        return int(key) if key else None
    return key


def percentile(runs: Sequence[Sequence[int]], p: float) -> float:
    """PostgreSQL's percentile_cont over the union of sorted runs: the sorted values' position
    p·(n−1) (0-based), interpolated linearly between the values on either side of it."""
    n = sum(len(run) for run in runs)
    position = p * (n - 1)
    low, high = math.floor(position), math.ceil(position)
    a = _kth(runs, low)
    b = a if high == low else _kth(runs, high)
    return float(a + (b - a) * (position - low))


def _kth(runs: Sequence[Sequence[int]], k: int) -> int:
    """The k-th smallest (0-based) integer across sorted runs: a binary search on the value,
    counting the values at most `mid` in every run by bisection (no merge, no sort)."""
    if len(runs) == 1:
        return runs[0][k]
    lo = min(run[0] for run in runs if len(run))
    hi = max(run[-1] for run in runs if len(run))
    while lo < hi:
        mid = (lo + hi) // 2
        if sum(bisect_right(run, mid) for run in runs) > k:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _time_stats(
    measure: str, by: str, first: date, last: date, customer_id: int | None
) -> list[tuple[Any, int, float, float, float]]:
    value, month = _MEASURES[measure]
    group = _DIMENSIONS[by].format(month=month)
    where = f"{value} IS NOT NULL AND {month} >= %s AND {month} <= %s"
    params: list[Any] = [first, last]
    if customer_id is not None:
        where += " AND customer_id = %s"
        params.append(customer_id)
    table = TicketFact._meta.db_table
    sql = _percentile_sql(connection.vendor, table, group, value, where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        (key.isoformat() if isinstance(key, date) else key, int(n), float(p50), float(p90), float(mean))
        for key, n, p50, p90, mean in rows
    ]


def _percentile_sql(vendor: str, table: str, group: str, value: str, where: str) -> str:
    if vendor == "postgresql":
        return (
            f"SELECT {group}, COUNT(*), "
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {value}), "
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {value}), AVG({value}) "
            f"FROM {table} WHERE {where} GROUP BY {group}"
        )
    # Row i (0-based) of n sorted values; percentile p sits at position p*(n-1), interpolated
    # between the rows on either side — exactly percentile_cont's definition.
    picks = []
    for p in ("0.5", "0.9"):
        pos = f"({p} * (n - 1))"
        low = f"CAST({pos} AS INTEGER)"
        picks.append(
            f"SUM(CASE WHEN i = {low} THEN v * (1 - ({pos} - {low})) "
            f"WHEN i = {low} + 1 THEN v * ({pos} - {low}) ELSE 0 END)"
        )
    return (
        f"WITH r AS (SELECT {group} AS g, {value} AS v, "
        f"ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY {value}) - 1 AS i, "
        f"COUNT(*) OVER (PARTITION BY {group}) AS n FROM {table} WHERE {where}) "
        f"SELECT g, MAX(n), {picks[0]}, {picks[1]}, AVG(v) FROM r GROUP BY g"
    )


@dataclass(frozen=True)
class SlaRow:
    month: date
    plan_id: int | None
    target: str
    met: int
    breached: int

    @property
    def share_met(self) -> float | None:
        total = self.met + self.breached
        return round(100 * self.met / total, 1) if total else None


def _period(first: date, last: date) -> str:
    return f"{first.isoformat()}:{last.isoformat()}"


def sla_compliance(*, first: date, last: date) -> list[SlaRow]:
    """Met and breached SLA verdicts per month of the verdict, plan and target (a Snapshot)."""

    def compute() -> list[list[Any]]:
        rows = (
            SlaFact.objects.filter(month__gte=first, month__lte=last)
            .values_list("month", "plan_id", "target")
            .annotate(met_n=Count("pk", filter=Q(met=True)), breached_n=Count("pk", filter=Q(met=False)))
            .order_by("month", "plan_id", "target")
        )
        return [[str(m)[:10], *rest] for m, *rest in rows]

    rows = _snapshot("sla", _period(first, last), compute)
    return [SlaRow(_as_date(m), plan, target, met, breached) for m, plan, target, met, breached in rows]


@dataclass(frozen=True)
class UnitsRow:
    key: Any
    included_units: int
    units: int
    included_used: int
    overage_units: int
    overage_eur: Decimal
    programming_minutes: int
    onsite_minutes: int


_UNIT_SUMS = {
    "included_units_sum": Sum("included_units"),
    "units_sum": Sum("units"),
    "included_used_sum": Sum("included_used"),
    "overage_units_sum": Sum("overage_units"),
    "overage_eur_sum": Sum("overage_eur"),
    "programming_sum": Sum("programming_minutes"),
    "onsite_sum": Sum("onsite_minutes"),
}


def units_per_month(*, first: date, last: date, customer_id: int | None = None) -> list[UnitsRow]:
    """Units used vs included, overage (units, EUR by the plan's price) and hourly work, per month."""

    def compute() -> list[list[Any]]:
        qs = CustomerMonth.objects.filter(month__gte=first, month__lte=last)
        if customer_id is not None:
            qs = qs.filter(customer_id=customer_id)
        rows = qs.values_list("month").annotate(**_UNIT_SUMS).order_by("month")
        return [
            [str(row[0])[:10], *(str(v) if isinstance(v, Decimal) else v for v in row[1:])] for row in rows
        ]

    if customer_id is not None:
        return [_units_row(_as_date(row[0]), row[1:]) for row in compute()]
    return [
        _units_row(_as_date(row[0]), row[1:])
        for row in _snapshot("units_month", _period(first, last), compute)
    ]


def _units_row(key: Any, sums: Any) -> UnitsRow:
    included, used, within, beyond, eur, programming, onsite = sums
    return UnitsRow(
        key,
        int(included or 0),
        int(used or 0),
        int(within or 0),
        int(beyond or 0),
        Decimal(eur or 0),
        int(programming or 0),
        int(onsite or 0),
    )


def units_per_customer(*, first: date, last: date, limit: int | None = None) -> list[UnitsRow]:
    """The same sums per customer over the range, most units first (`limit`: the top ones)."""

    def compute() -> list[list[Any]]:
        rows: Any = (
            CustomerMonth.objects.filter(month__gte=first, month__lte=last)
            .values_list("customer_id")
            .annotate(**_UNIT_SUMS)
            .order_by("-units_sum", "customer_id")  # type: ignore[misc]
        )
        if limit is not None:
            rows = rows[:limit]
        return [[*(str(v) if isinstance(v, Decimal) else v for v in row)] for row in rows]

    rows = _snapshot("units_customer", f"{_period(first, last)}:{limit}", compute)
    return [_units_row(row[0], row[1:]) for row in rows]


def customer_month_lines(*, first: date, last: date) -> list[tuple[int, str | None, str, int | None, str]]:
    """Every customer-month of the range for the CSV, by customer and month: (customer id, the
    customer's name, month as YYYY-MM, plan id, and the rest of the line as CSV text made by the
    database: included, used, within the included, beyond, beyond EUR with two decimals, hours
    of programming and on site with one decimal, rounded half up).

    At 1,000 customers a year is 12,000 rows; formatted in SQL and read as four columns they
    cost half what a dozen values a row cost Python to read, format and write.
    """
    from asista.customers.models import Customer

    quote = connection.ops.quote_name
    table, customers = quote(CustomerMonth._meta.db_table), quote(Customer._meta.db_table)
    if connection.vendor == "postgresql":
        label, eur = "to_char(m.month, 'YYYY-MM')", "CAST(m.overage_eur AS TEXT)"
    else:  # SQLite keeps a date as 'YYYY-MM-DD' text and NUMERIC as a REAL or an INTEGER
        label, eur = "substr(m.month, 1, 7)", "printf('%%.2f', m.overage_eur)"

    def tenths(column: str) -> str:  # minutes as hours with one decimal, half up, in integers
        t = f"((m.{column} * 10 + 30) / 60)"
        return f"CAST({t} / 10 AS TEXT) || '.' || CAST({t} %% 10 AS TEXT)"

    numbers = [f"CAST(m.{c} AS TEXT)" for c in ("included_units", "units", "included_used", "overage_units")]
    rest = " || ',' || ".join([*numbers, eur, tenths("programming_minutes"), tenths("onsite_minutes")])
    sql = (
        f"SELECT m.customer_id, c.name, {label}, m.plan_id, {rest} FROM {table} m "
        f"LEFT JOIN {customers} c ON c.id = m.customer_id "
        f"WHERE m.month >= %s AND m.month <= %s ORDER BY m.customer_id, m.month"
    )
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [adapt(first), adapt(last)])
        return cursor.fetchall()


@dataclass(frozen=True)
class RevenueRow:
    month: date
    kind: str
    eur: Decimal
    ron: Decimal


def revenue(*, first: date, last: date) -> list[RevenueRow]:
    """Net (VAT excluded) amounts of issued invoices per billed month and line kind, EUR and RON,
    as of the last refresh (RevenueMonth, recomputed by every refresh).

    A credit note counts negative. Overage revenue is the kind "units".
    """
    rows = (
        RevenueMonth.objects.filter(month__gte=first, month__lte=last)
        .order_by("month", "kind")
        .values_list("month", "kind", "eur", "ron")
    )
    cent = Decimal("0.01")
    return [
        RevenueRow(_as_date(month), kind, Decimal(eur).quantize(cent), Decimal(ron).quantize(cent))
        for month, kind, eur, ron in rows
    ]


def backlog(*, now: datetime) -> list[tuple[str, str, int]]:
    """Open tickets by state and age (calendar days since arrival): (state, bucket, count)."""
    whens = [
        When(created_at__gt=now - timedelta(days=days), then=Value(index))
        for index, (_, days) in enumerate(AGE_BUCKETS)
        if days is not None
    ]
    rows = (
        Ticket.objects.filter(state__in=OPEN_STATES)
        .annotate(bucket=Case(*whens, default=Value(len(AGE_BUCKETS) - 1), output_field=IntegerField()))
        .values_list("state", "bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(state, AGE_BUCKETS[bucket][0], n) for state, bucket, n in rows]


def arrivals(*, first: date, last: date) -> dict[tuple[int, int], int]:
    """Tickets that arrived per (ISO weekday, hour), local time, summed from the monthly
    ArrivalRollup (at most 168 rows a month, so no Snapshot)."""
    rows = (
        ArrivalRollup.objects.filter(month__gte=first, month__lte=last)
        .values_list("weekday", "hour")
        .annotate(n=Sum("count"))
        .order_by()
    )
    return {(weekday, hour): int(n) for weekday, hour, n in rows}


def warm(*, first: date, last: date) -> int:
    """Compute the Snapshots of a period (the refresh calls it for the default year)."""
    sla_compliance(first=first, last=last)
    units_per_month(first=first, last=last)
    units_per_customer(first=first, last=last, limit=20)
    return 3
