"""VAT as dated data (DOMAIN.md §4). Pure: the rate table is passed in (the database keeps it as
`VatRate` rows loaded by a data migration; `ROMANIA_STANDARD` is the same table for pure code).

Rules
- The rate follows the date the service was performed (the last day of the billed month for
  monthly work, the first day of the period for a subscription billed in advance), not the issue
  date: July 2025 work invoiced in August 2025 carries 19 %.
- VAT is computed per rate and category on the sum of the line net amounts in lei (EN 16931
  BR-S-09 / BR-CO-17), rounded half up to the ban, never per line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class VatCategory(StrEnum):
    """UNCL5305 codes used by Asista; EN 16931 names them S, AE, E, O."""

    STANDARD = "S"
    REVERSE_CHARGE = "AE"
    EXEMPT = "E"
    NOT_SUBJECT = "O"


@dataclass(frozen=True)
class CategoryRule:
    code: str
    name: str
    exemption_code: str  # VATEX code for the e-Factura XML (BT-121); empty for S
    text: str  # the mention Romanian law requires on the invoice (BT-120); empty for S


CATEGORY_RULES: dict[VatCategory, CategoryRule] = {
    VatCategory.STANDARD: CategoryRule("S", "Cota standard", "", ""),
    VatCategory.REVERSE_CHARGE: CategoryRule(
        "AE",
        "Taxare inversă",
        "VATEX-EU-AE",
        "Taxare inversă (art. 331 / art. 278 alin. (2) Cod fiscal) — TVA datorată de beneficiar",
    ),
    VatCategory.EXEMPT: CategoryRule("E", "Scutit", "", "Scutit de TVA conform art. 292 Cod fiscal"),
    VatCategory.NOT_SUBJECT: CategoryRule(
        "O",
        "Neimpozabil",
        "VATEX-EU-O",
        "Operațiune neimpozabilă în România / furnizor neînregistrat în scopuri de TVA",
    ),
}


@dataclass(frozen=True)
class DatedRate:
    valid_from: date
    valid_to: date | None
    percent: Decimal


ROMANIA_STANDARD: tuple[DatedRate, ...] = (
    DatedRate(date(2017, 1, 1), date(2025, 7, 31), Decimal("19")),
    DatedRate(date(2025, 8, 1), None, Decimal("21")),
)


def rate_on(day: date, rates: Iterable[DatedRate] = ROMANIA_STANDARD) -> Decimal:
    """The standard rate in force on `day` (the day the service was performed)."""
    for rate in rates:
        if rate.valid_from <= day and (rate.valid_to is None or day <= rate.valid_to):
            return rate.percent
    raise LookupError(f"no VAT rate in force on {day.isoformat()}")


def percent_for(category: VatCategory, day: date, rates: Iterable[DatedRate] = ROMANIA_STANDARD) -> Decimal:
    """0 for AE/E/O, the dated standard rate for S."""
    if category is VatCategory.STANDARD:
        return rate_on(day, rates)
    return Decimal("0")
