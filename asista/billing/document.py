"""An invoice or credit note as plain values, and its arithmetic (DOMAIN.md §4). Pure.

Rules (also in docs/billing.md)
1. Prices are EUR without VAT. A line's EUR net = quantity × EUR unit price, rounded to the cent.
2. Conversion to lei is per unit price: RON unit price = EUR unit price × invoice rate, rounded
   half up to 4 decimals; RON line net = quantity × RON unit price, rounded half up to the ban.
   So |RON net − EUR net × rate| ≤ 0.005 + quantity × 0.00005 + rate × 0.005 (the last term only
   when the EUR net itself had to be rounded).
3. The invoice currency is RON (customers pay in lei); EUR figures are printed for reference.
4. VAT is computed per (category, percent) group on the sum of the group's RON line nets, rounded
   half up to the ban (EN 16931 BR-S-09), never per line; the EUR VAT is computed the same way on
   EUR nets, for reference only.
5. Net total = Σ line nets; VAT total = Σ group VAT; total = net + VAT. A credit note carries
   positive amounts and means the reverse of its original.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from asista.billing.money import ZERO, round_money, to_decimal
from asista.billing.vat import CATEGORY_RULES, VatCategory

PRICE_PLACES = Decimal("0.0001")
INVOICE = "invoice"
CREDIT_NOTE = "credit_note"


@dataclass(frozen=True)
class Party:
    name: str
    tax_id: str  # "RO" + CUI for VAT payers, the bare CUI otherwise
    city: str
    county: str  # ISO 3166-2, e.g. "RO-BV"
    address: str = ""
    postal_code: str = ""
    trade_register: str = ""
    country: str = "RO"
    email: str = ""
    phone: str = ""
    iban: str = ""
    bank: str = ""

    @property
    def is_vat_payer(self) -> bool:
        return self.tax_id.upper().startswith("RO")


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_code: str  # UN/ECE Rec. 20: C62 unit, HUR hour, MON month, ANN year, KMT km
    unit_price_eur: Decimal
    vat_category: VatCategory = VatCategory.STANDARD
    vat_percent: Decimal = Decimal("21")
    detail: str = ""


@dataclass(frozen=True)
class PricedLine:
    line: Line
    net_eur: Decimal
    unit_price_ron: Decimal
    net_ron: Decimal


@dataclass(frozen=True)
class VatGroup:
    category: VatCategory
    percent: Decimal
    taxable_ron: Decimal
    vat_ron: Decimal
    taxable_eur: Decimal
    vat_eur: Decimal

    @property
    def exemption_code(self) -> str:
        return CATEGORY_RULES[self.category].exemption_code

    @property
    def exemption_text(self) -> str:
        return CATEGORY_RULES[self.category].text


@dataclass(frozen=True)
class Totals:
    lines: tuple[PricedLine, ...]
    groups: tuple[VatGroup, ...]
    net_ron: Decimal
    vat_ron: Decimal
    total_ron: Decimal
    net_eur: Decimal
    vat_eur: Decimal
    total_eur: Decimal


@dataclass(frozen=True)
class Document:
    kind: str
    number: str
    issue_date: date
    due_date: date
    seller: Party
    buyer: Party
    totals: Totals
    rate: Decimal  # invoice rate, lei per EUR, markup included
    bnr_rate: Decimal
    bnr_date: date
    markup: Decimal
    period_start: date | None = None
    period_end: date | None = None
    original_number: str = ""  # credit notes: the corrected invoice
    original_date: date | None = None
    notes: tuple[str, ...] = ()


def price_line(line: Line, rate: Decimal) -> PricedLine:
    quantity = to_decimal(line.quantity)
    price_eur = to_decimal(line.unit_price_eur)
    price_ron = (price_eur * to_decimal(rate)).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)
    return PricedLine(line, round_money(quantity * price_eur), price_ron, round_money(quantity * price_ron))


def _group(key: tuple[VatCategory, Decimal], lines: list[PricedLine]) -> VatGroup:
    category, percent = key
    taxable_ron = sum((p.net_ron for p in lines), ZERO)
    taxable_eur = sum((p.net_eur for p in lines), ZERO)
    return VatGroup(
        category,
        percent,
        taxable_ron,
        round_money(taxable_ron * percent / 100),
        taxable_eur,
        round_money(taxable_eur * percent / 100),
    )


def compute(lines: Sequence[Line], rate: Decimal) -> Totals:
    """Price every line in lei and total the document by the rules above."""
    priced = tuple(price_line(line, rate) for line in lines)
    buckets: dict[tuple[VatCategory, Decimal], list[PricedLine]] = {}
    for p in priced:
        buckets.setdefault((p.line.vat_category, to_decimal(p.line.vat_percent)), []).append(p)
    groups = tuple(_group(key, items) for key, items in buckets.items())
    net_ron = sum((p.net_ron for p in priced), ZERO)
    vat_ron = sum((g.vat_ron for g in groups), ZERO)
    net_eur = sum((p.net_eur for p in priced), ZERO)
    vat_eur = sum((g.vat_eur for g in groups), ZERO)
    return Totals(priced, groups, net_ron, vat_ron, net_ron + vat_ron, net_eur, vat_eur, net_eur + vat_eur)
