"""Units of assistance (DOMAIN.md §4): pure rules, no database.

Rules
- A request's assistance and change time in one billing month rounds **up** to whole units of
  `unit_minutes` (30), with a minimum of one unit per request per month (1 min → 1, 30 → 1, 31 → 2).
- A request that spans two months is counted separately in each month in which time was logged:
  the minutes of each month round up on their own. A month is invoiced and closed on its own, so
  a later month can never reopen an issued invoice; the cost to the customer is at most one extra
  partial unit per month boundary crossed. A time entry belongs to the month of its start
  (Europe/Bucharest wall time), never split at midnight.
- The month's included units are consumed first, by requests in the order their work started in
  that month (first entry's start, then the request key for ties); the request that crosses the
  allowance is split into included and overage units. Overage is priced at the plan's unit price.
- Unused included units do not carry over unless the plan says so; when they do, at most one
  month's allowance is carried and carried units are spent first (they expire a month later).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from asista.billing.money import ZERO, round_money, to_decimal


@dataclass(frozen=True)
class Work:
    """Minutes of assistance/change on one request, started at `started` (aware or naive local)."""

    request: str
    started: datetime
    minutes: int


@dataclass(frozen=True)
class RequestUnits:
    request: str
    first_started: datetime
    minutes: int
    units: int
    included: int
    overage: int
    amount: Decimal


@dataclass(frozen=True)
class MonthUnits:
    requests: tuple[RequestUnits, ...]
    units: int
    allowance: int
    included: int
    overage: int
    unit_price: Decimal
    amount: Decimal
    carry_out: int


def units_for(minutes: int, unit_minutes: int = 30) -> int:
    """Whole units for one request in one month: rounded up, never less than one."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if unit_minutes <= 0:
        raise ValueError("unit_minutes must be positive")
    return max(1, -(-minutes // unit_minutes))


def _by_request(work: Iterable[Work]) -> list[tuple[str, datetime, int]]:
    first: dict[str, datetime] = {}
    minutes: dict[str, int] = {}
    for item in work:
        if item.minutes < 0:
            raise ValueError(f"negative minutes on {item.request}")
        minutes[item.request] = minutes.get(item.request, 0) + item.minutes
        if item.request not in first or item.started < first[item.request]:
            first[item.request] = item.started
    ordered = sorted(first, key=lambda key: (first[key], key))
    return [(key, first[key], minutes[key]) for key in ordered]


def month_units(
    *,
    work: Iterable[Work],
    included_units: int,
    unit_price: Decimal,
    unit_minutes: int = 30,
    carry_over: bool = False,
    carried_in: int = 0,
) -> MonthUnits:
    """Units of one customer's month: `work` must hold only that month's entries."""
    price = to_decimal(unit_price)
    allowance = included_units + carried_in
    left = allowance
    rows: list[RequestUnits] = []
    for key, first, minutes in _by_request(work):
        units = units_for(minutes, unit_minutes)
        included = min(units, left)
        left -= included
        overage = units - included
        rows.append(RequestUnits(key, first, minutes, units, included, overage, round_money(price * overage)))
    used = allowance - left
    overage_total = sum((row.overage for row in rows), 0)
    # Carried units are spent first, so what is left over is this month's own allowance.
    carry_out = min(left, included_units) if carry_over else 0
    return MonthUnits(
        requests=tuple(rows),
        units=sum((row.units for row in rows), 0),
        allowance=allowance,
        included=used,
        overage=overage_total,
        unit_price=price,
        amount=sum((row.amount for row in rows), ZERO),
        carry_out=carry_out,
    )
