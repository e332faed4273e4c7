"""Properties of the money paths: totals add up, lei follow the rate, no float anywhere."""

from __future__ import annotations

import ast
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asista.billing import document, fx, money, pricing, units
from asista.billing.document import Document, Line, compute
from tests.billing.strategies import documents, lines, rates

BILLING = Path(units.__file__).resolve().parent
# pdf.py lays out millimetres and font sizes (floats by nature) and holds no money rule.
MONEY_MODULES = [
    "money.py",
    "units.py",
    "pricing.py",
    "vat.py",
    "fx.py",
    "document.py",
    "efactura.py",
]


@given(doc=documents())
def test_line_totals_sum_to_the_invoice_total(doc: Document) -> None:
    totals = doc.totals
    assert sum((p.net_ron for p in totals.lines), Decimal(0)) == totals.net_ron
    assert sum((g.taxable_ron for g in totals.groups), Decimal(0)) == totals.net_ron
    assert sum((g.vat_ron for g in totals.groups), Decimal(0)) == totals.vat_ron
    assert totals.net_ron + totals.vat_ron == totals.total_ron
    assert sum((p.net_eur for p in totals.lines), Decimal(0)) + totals.vat_eur == totals.total_eur


@given(line=lines(), rate=rates)
def test_ron_equals_eur_times_rate_within_the_documented_rounding(line: Line, rate: Decimal) -> None:
    """|RON net − quantity × EUR price × rate| ≤ 0.005 (line) + quantity × 0.00005 (unit price)."""
    priced = document.price_line(line, rate)
    exact = line.quantity * line.unit_price_eur * rate
    assert abs(priced.net_ron - exact) <= Decimal("0.005") + line.quantity * Decimal("0.00005")
    assert priced.net_ron == priced.net_ron.quantize(money.CENT)


@given(line=lines(), rate=rates)
def test_vat_is_per_group_rounded_to_the_ban(line: Line, rate: Decimal) -> None:
    (group,) = compute([line], rate).groups
    assert abs(group.vat_ron - group.taxable_ron * group.percent / 100) <= Decimal("0.005")


def _walk(value: object) -> list[object]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [v for f in dataclasses.fields(value) for v in _walk(getattr(value, f.name))]
    if isinstance(value, tuple | list):
        return [v for item in value for v in _walk(item)]
    if isinstance(value, dict):
        return [v for item in value.values() for v in _walk(item)]
    return [value]


@given(doc=documents())
def test_no_float_reaches_a_document(doc: Document) -> None:
    assert not [v for v in _walk(doc) if isinstance(v, float)]


@pytest.mark.parametrize("module", MONEY_MODULES)
def test_no_float_in_the_source_of_money_modules(module: str) -> None:
    tree = ast.parse((BILLING / module).read_text())
    floats = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, float)]
    calls = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "float"]
    # money.py names `float` once, to refuse it.
    assert floats == [] and len(calls) == (1 if module == "money.py" else 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: money.to_decimal(1.1),  # type: ignore[arg-type]
        lambda: pricing.hourly_charge(minutes=30, rate=60.0),  # type: ignore[arg-type]
        lambda: pricing.travel_charge(
            inside_brasov=False,
            km=1.5,
            inside_fee=Decimal(1),
            outside_base=Decimal(1),
            per_km=Decimal(1),  # type: ignore[arg-type]
        ),
        lambda: fx.invoice_rate(5.0985),  # type: ignore[arg-type]
        lambda: compute([Line("x", 1.5, "C62", Decimal(1))], Decimal(5)),  # type: ignore[arg-type]
    ],
)
def test_every_entry_point_refuses_a_float(call) -> None:
    with pytest.raises(TypeError):
        call()


@given(rate=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100"), places=4))
def test_the_invoice_rate_is_the_bnr_rate_plus_2_percent_to_4_decimals(rate: Decimal) -> None:
    result = fx.invoice_rate(rate)
    assert result == result.quantize(Decimal("0.0001"))
    assert abs(result - rate * Decimal("1.02")) <= Decimal("0.00005")
