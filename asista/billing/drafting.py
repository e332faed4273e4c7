"""A customer's month as invoice lines (the monthly run), from plain values. Pure.

What a month's draft holds (docs/billing.md §1–§3):
- the monthly subscription of month M (in arrears, prorated by days when the contract covers
  only part of M), or, for annual contracts, the year that starts in M (in advance);
- the units of assistance/change beyond the included ones;
- programming and on-site hours per request; travel per visit;
- for an annual contract ended early and followed by another contract, a credit of the unused
  prepaid days, so that a change mid-year costs only the difference.
The VAT date (the day the service was performed) of a line is the last day of M, except a travel
line (the day of the visit) and an annual fee billed in advance (the first day of its year).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from asista.billing import pricing, units
from asista.billing.money import ZERO, round_money

ASSISTANCE = "assistance"
CHANGE = "change"
PROGRAMMING = "programming"
ONSITE = "onsite"
TRAVEL = "travel"
UNIT_KINDS = (ASSISTANCE, CHANGE)
MONTHS_RO = (
    "",
    "ianuarie",
    "februarie",
    "martie",
    "aprilie",
    "mai",
    "iunie",
    "iulie",
    "august",
    "septembrie",
    "octombrie",
    "noiembrie",
    "decembrie",
)


@dataclass(frozen=True)
class PlanTerms:
    name: str
    fee_month: Decimal
    fee_year: Decimal
    workstation_fee_month: Decimal
    included_units: int
    unit_price: Decimal
    programming_rate: Decimal
    onsite_rate: Decimal
    travel_inside: Decimal
    travel_outside_base: Decimal
    travel_per_km: Decimal
    unit_minutes: int = 30
    hourly_increment_minutes: int = 30
    carry_over_units: bool = False


@dataclass(frozen=True)
class ContractTerms:
    plan: PlanTerms
    starts_on: date
    ends_on: date | None
    cycle: str  # "monthly" | "annual"
    workstations: int


@dataclass(frozen=True)
class Entry:
    request: str  # the ticket number, as text
    kind: str
    started: datetime
    minutes: int
    km: Decimal | None = None
    inside_brasov: bool = False
    entry_id: int | None = None


@dataclass(frozen=True)
class Wording:
    """What a line says, as a key and its values, so a statement can say it in its reader's
    language (`billing.wording`); the invoice keeps `DraftLine.description`, in Romanian."""

    key: str
    values: tuple[tuple[str, object], ...] = ()
    late: bool = False


@dataclass(frozen=True)
class DraftLine:
    kind: str
    description: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    service_date: date
    request: str = ""
    entry_ids: tuple[int, ...] = ()
    wording: Wording | None = None

    @property
    def amount(self) -> Decimal:
        return round_money(self.quantity * self.unit_price)


@dataclass(frozen=True)
class MonthDraft:
    year: int
    month: int
    lines: tuple[DraftLine, ...]
    usage: units.MonthUnits | None = None
    entry_ids: tuple[int, ...] = field(default=())
    late_ids: tuple[int, ...] = field(default=())

    @property
    def net_eur(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _label(year: int, month: int) -> str:
    return f"{MONTHS_RO[month]} {year}"


def _anniversary(start: date, year: int) -> date:
    # A contract started on 29 February renews on 28 February in common years.
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return date(year, start.month, day)


def _year_end(start: date) -> date:
    return date.fromordinal(_anniversary(start, start.year + 1).toordinal() - 1)


def _monthly_lines(contract: ContractTerms, year: int, month: int) -> list[DraftLine]:
    first, last = month_bounds(year, month)
    start, end = max(first, contract.starts_on), min(last, contract.ends_on or last)
    if end < start:
        return []
    plan, label = contract.plan, _label(year, month)
    days = f" ({start:%d.%m}–{end:%d.%m})" if (start, end) != (first, last) else ""

    def share(amount: Decimal) -> Decimal:
        return pricing.prorate(
            amount=amount, period_start=first, period_end=last, covered_start=start, covered_end=end
        )

    partial = (start, end) if (start, end) != (first, last) else None
    values = (("plan", plan.name), ("year", year), ("month", month), ("days", partial))
    lines = []
    if plan.fee_month:
        text = f"Abonament {plan.name}, {label}{days}"
        words = Wording("subscription", values)
        price = share(plan.fee_month)
        lines.append(DraftLine("subscription", text, Decimal(1), "MON", price, last, wording=words))
    if contract.workstations and plan.workstation_fee_month:
        text = f"Posturi de lucru, {plan.name}, {label}{days}"
        price = share(plan.workstation_fee_month)
        words = Wording("workstations", values)
        quantity = Decimal(contract.workstations)
        lines.append(DraftLine("workstations", text, quantity, "C62", price, last, wording=words))
    return lines


def _annual_lines(contract: ContractTerms, year: int, month: int) -> list[DraftLine]:
    first, last = month_bounds(year, month)
    start = _anniversary(contract.starts_on, year)
    if not (first <= start <= last and contract.starts_on <= start):
        return []
    if contract.ends_on is not None and contract.ends_on < start:
        return []
    end = _year_end(start)
    covered_end = min(end, contract.ends_on or end)
    plan, period = contract.plan, f"{start:%d.%m.%Y}–{covered_end:%d.%m.%Y}"

    def share(amount: Decimal) -> Decimal:
        return pricing.prorate(
            amount=amount,
            period_start=start,
            period_end=end,
            covered_start=start,
            covered_end=covered_end,
        )

    values = (("plan", plan.name), ("start", start), ("end", covered_end))
    lines = []
    if plan.fee_year:
        text = f"Abonament anual {plan.name}, {period}"
        words = Wording("annual_subscription", values)
        price = share(plan.fee_year)
        lines.append(DraftLine("subscription", text, Decimal(1), "ANN", price, start, wording=words))
    if contract.workstations and plan.workstation_fee_month:
        yearly = plan.workstation_fee_month * pricing.ANNUAL_PAID_MONTHS
        text = f"Posturi de lucru, abonament anual {plan.name}, {period}"
        words = Wording("annual_workstations", values)
        quantity = Decimal(contract.workstations)
        lines.append(DraftLine("workstations", text, quantity, "C62", share(yearly), start, wording=words))
    return lines


def unused_annual_credit(contract: ContractTerms, successor_starts: date) -> DraftLine | None:
    """Credit of the prepaid days an annual contract leaves unused when another one replaces it."""
    if contract.cycle != "annual" or contract.ends_on is None or contract.ends_on >= successor_starts:
        return None
    year = contract.ends_on.year
    start = _anniversary(contract.starts_on, year)
    if start > contract.ends_on:
        start = _anniversary(contract.starts_on, year - 1)
    end = _year_end(start)
    if contract.ends_on >= end:
        return None
    plan = contract.plan
    yearly = plan.fee_year + plan.workstation_fee_month * pricing.ANNUAL_PAID_MONTHS * contract.workstations
    credit = pricing.prorate(
        amount=yearly,
        period_start=start,
        period_end=end,
        covered_start=date.fromordinal(contract.ends_on.toordinal() + 1),
        covered_end=end,
    )
    if not credit:
        return None
    text = f"Credit zile neutilizate, abonament anual {plan.name}, după {contract.ends_on:%d.%m.%Y}"
    words = Wording("credit", (("plan", plan.name), ("day", contract.ends_on)))
    return DraftLine("credit", text, Decimal(-1), "C62", credit, successor_starts, wording=words)


def subscription_lines(contracts: Sequence[ContractTerms], year: int, month: int) -> list[DraftLine]:
    """Subscription lines of month M for a customer's contracts (oldest first)."""
    lines: list[DraftLine] = []
    first, last = month_bounds(year, month)
    ordered = sorted(contracts, key=lambda c: c.starts_on)
    for index, contract in enumerate(ordered):
        if contract.cycle == "annual":
            lines += _annual_lines(contract, year, month)
        else:
            lines += _monthly_lines(contract, year, month)
        successor = ordered[index + 1] if index + 1 < len(ordered) else None
        if successor is not None and first <= successor.starts_on <= last:
            credit = unused_annual_credit(contract, successor.starts_on)
            lines += [credit] if credit else []
    return lines


def _hourly_lines(entries: Iterable[Entry], plan: PlanTerms, last: date) -> list[DraftLine]:
    grouped: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        if entry.kind in (PROGRAMMING, ONSITE):
            grouped.setdefault((entry.kind, entry.request), []).append(entry)
    lines = []
    for (kind, request), items in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[1][0].started)):
        rate = plan.programming_rate if kind == PROGRAMMING else plan.onsite_rate
        minutes = sum(e.minutes for e in items)
        charge = pricing.hourly_charge(
            minutes=minutes, rate=rate, increment_minutes=plan.hourly_increment_minutes
        )
        what = "Programare funcționalități noi" if kind == PROGRAMMING else "Intervenție la sediu"
        text = f"{what}, tichet #{request}"
        ids = tuple(e.entry_id for e in items if e.entry_id is not None)
        words = Wording(kind, (("request", request),))
        lines.append(DraftLine(kind, text, charge.hours, "HUR", rate, last, request, ids, words))
    return lines


def _travel_lines(entries: Iterable[Entry], plan: PlanTerms, default_km: int | None) -> list[DraftLine]:
    lines = []
    for entry in sorted((e for e in entries if e.kind == TRAVEL), key=lambda e: e.started):
        km = entry.km if entry.km is not None else Decimal(default_km or 0)
        price = pricing.travel_charge(
            inside_brasov=entry.inside_brasov,
            km=km,
            inside_fee=plan.travel_inside,
            outside_base=plan.travel_outside_base,
            per_km=plan.travel_per_km,
        )
        where = "în Brașov" if entry.inside_brasov else f"în afara Brașovului, {km.normalize():f} km"
        text = f"Deplasare {where}, {entry.started:%d.%m.%Y}, tichet #{entry.request}"
        ids = (entry.entry_id,) if entry.entry_id is not None else ()
        day = entry.started.date()
        values = (("km", None if entry.inside_brasov else km), ("day", day), ("request", entry.request))
        words = Wording(TRAVEL, values)
        lines.append(DraftLine(TRAVEL, text, Decimal(1), "C62", price, day, entry.request, ids, words))
    return lines


def _work_lines(
    entries: Sequence[Entry], plan: PlanTerms, year: int, month: int, included: int, carried_in: int = 0
) -> tuple[list[DraftLine], units.MonthUnits]:
    """Units beyond `included`, hourly work and travel of one month's entries."""
    last = month_bounds(year, month)[1]
    usage = units.month_units(
        work=[units.Work(e.request, e.started, e.minutes) for e in entries if e.kind in UNIT_KINDS],
        included_units=included,
        unit_price=plan.unit_price,
        unit_minutes=plan.unit_minutes,
        carry_over=plan.carry_over_units,
        carried_in=carried_in,
    )
    lines = []
    if usage.overage:
        text = f"Unități de asistență peste cele {usage.allowance} incluse, {_label(year, month)}"
        ids = tuple(e.entry_id for e in entries if e.kind in UNIT_KINDS and e.entry_id is not None)
        words = Wording("units", (("allowance", usage.allowance), ("year", year), ("month", month)))
        quantity = Decimal(usage.overage)
        lines.append(DraftLine("units", text, quantity, "C62", plan.unit_price, last, "", ids, words))
    return lines + _hourly_lines(entries, plan, last), usage


def _late_lines(late: Sequence[Entry], plan: PlanTerms, default_km: int | None) -> list[DraftLine]:
    """Entries logged after their month was invoiced: each month rounded on its own, no included
    units left (that month's allowance was settled by its invoice), VAT by their own month."""
    by_month: dict[tuple[int, int], list[Entry]] = {}
    for entry in late:
        by_month.setdefault((entry.started.year, entry.started.month), []).append(entry)
    lines: list[DraftLine] = []
    for (year, month), items in sorted(by_month.items()):
        work, _ = _work_lines(items, plan, year, month, included=0)
        lines += [
            replace(
                line,
                description=f"{line.description} (înregistrat ulterior)",
                wording=replace(line.wording, late=True) if line.wording else None,
            )
            for line in work
        ]
        lines += _travel_lines(items, plan, default_km)
    return lines


def month_draft(
    *,
    contracts: Sequence[ContractTerms],
    entries: Sequence[Entry],
    year: int,
    month: int,
    default_km: int | None = None,
    carried_in: int = 0,
    late: Sequence[Entry] = (),
) -> MonthDraft:
    """Every billable line of one customer's month M.

    `entries` are M's unbilled time entries; `late` are entries of earlier, already invoiced
    months that were logged after their invoice (billed now, see `_late_lines`).
    """
    if not contracts:
        return MonthDraft(year, month, ())
    plan = max(contracts, key=lambda c: c.starts_on).plan  # the plan in force at month end
    lines = subscription_lines(contracts, year, month)
    work, usage = _work_lines(entries, plan, year, month, plan.included_units, carried_in)
    lines += work + _travel_lines(entries, plan, default_km) + _late_lines(late, plan, default_km)
    all_ids = tuple(e.entry_id for e in (*entries, *late) if e.entry_id is not None)
    late_ids = tuple(e.entry_id for e in late if e.entry_id is not None)
    return MonthDraft(year, month, tuple(lines), usage, all_ids, late_ids)
