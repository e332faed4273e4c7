"""Prices of hourly work, travel and subscriptions (DOMAIN.md §3–§4): pure rules, EUR, no VAT.

Rules
- Hourly work (programming of new features, on-site work) is summed per request, per kind and per
  billing month, then rounded **up** to the plan's increment (default 30 minutes), with at least
  one increment when any time was logged. Amount = rate × billed minutes / 60, rounded to the cent
  (half up).
- Travel is charged per visit: the flat fee inside Brasov municipality; outside it the flat fee plus
  km × the per-km rate (the km are the customer's road distance unless the entry gives its own).
  Amount rounded to the cent.
- Subscription: monthly = fee_month + workstations × workstation_fee_month. Annual, billed in
  advance = fee_year + workstations × workstation_fee_month × 10 (the same two free months as the
  plan fee: Expert 3000 instead of 12 × 300).
- Proration of a change in the middle of a billing period is by calendar days, both ends included:
  amount × days covered / days in the period, rounded to the cent once per line.
  * A contract that starts or ends inside a period pays the covered days only.
  * More workstations or a dearer plan: the difference is charged for the days from the change to
    the end of the period (for an annual contract, on the next monthly run).
  * Fewer workstations or a cheaper plan: takes effect at the next period; nothing is refunded for
    a period already billed (an annual fee is paid in advance for the whole year).
  * Included units are not prorated: a month with any day of contract gets the full allowance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from asista.billing.money import ZERO, round_money, to_decimal

ANNUAL_PAID_MONTHS = 10  # 12 months for the price of 10: the annual fee's two free months


@dataclass(frozen=True)
class HourlyCharge:
    minutes: int
    billed_minutes: int
    hours: Decimal
    rate: Decimal
    amount: Decimal


def hourly_charge(*, minutes: int, rate: Decimal, increment_minutes: int = 30) -> HourlyCharge:
    """Hourly work rounded up to the increment (at least one increment), priced at `rate`/hour."""
    if minutes < 0 or increment_minutes <= 0:
        raise ValueError("minutes must be >= 0 and the increment > 0")
    steps = max(1, -(-minutes // increment_minutes))
    billed = steps * increment_minutes
    price = to_decimal(rate)
    hours = Decimal(billed) / Decimal(60)
    return HourlyCharge(minutes, billed, hours, price, round_money(price * billed / Decimal(60)))


def travel_charge(
    *,
    inside_brasov: bool,
    km: Decimal | int,
    inside_fee: Decimal,
    outside_base: Decimal,
    per_km: Decimal,
) -> Decimal:
    """One visit's travel: flat inside Brasov, flat plus per km outside."""
    if inside_brasov:
        return round_money(to_decimal(inside_fee))
    distance = to_decimal(km)
    if distance < 0:
        raise ValueError("km must not be negative")
    return round_money(to_decimal(outside_base) + distance * to_decimal(per_km))


def subscription_amount(
    *,
    cycle: str,
    fee_month: Decimal,
    fee_year: Decimal,
    workstation_fee_month: Decimal,
    workstations: int,
) -> Decimal:
    """The fee of one full period: a month (`monthly`) or a year in advance (`annual`)."""
    seats = to_decimal(workstation_fee_month) * workstations
    if cycle == "monthly":
        return round_money(to_decimal(fee_month) + seats)
    if cycle == "annual":
        return round_money(to_decimal(fee_year) + seats * ANNUAL_PAID_MONTHS)
    raise ValueError(f"unknown billing cycle {cycle!r}")


def days_inclusive(start: date, end: date) -> int:
    return (end - start).days + 1


def prorate(
    *, amount: Decimal, period_start: date, period_end: date, covered_start: date, covered_end: date
) -> Decimal:
    """`amount` for the days of [covered_start, covered_end] inside the period, by calendar days."""
    start = max(period_start, covered_start)
    end = min(period_end, covered_end)
    if end < start:
        return ZERO.quantize(Decimal("0.01"))
    days = Decimal(days_inclusive(start, end))
    return round_money(to_decimal(amount) * days / Decimal(days_inclusive(period_start, period_end)))
