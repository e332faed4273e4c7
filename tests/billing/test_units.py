from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asista.billing.units import Work, month_units, units_for


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour)


@pytest.mark.parametrize(("minutes", "units"), [(0, 1), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3)])
def test_it_rounds_a_request_up_to_whole_units_with_a_minimum_of_one(minutes: int, units: int) -> None:
    assert units_for(minutes) == units


def test_an_expert_month_with_14_units_charges_4_over_the_10_included() -> None:
    """Expert: 10 included units, 25 EUR per unit beyond.

    Requests in order of work: A 95 min → ⌈95/30⌉ = 4 units; B 120 → 4; C 61 → 3; D 30 → 1;
    E 31 → 2. Total 4 + 4 + 3 + 1 + 2 = 14 units.
    Included consumed first in order: A 4 (left 6), B 4 (left 2), C 2 of its 3 (left 0, 1 over),
    D 1 over, E 2 over → 4 units over × 25 EUR = 100.00 EUR.
    """
    work = [
        Work("E", at(20), 31),
        Work("A", at(2), 50),
        Work("A", at(3), 45),
        Work("B", at(5), 120),
        Work("C", at(9), 61),
        Work("D", at(12), 30),
    ]
    month = month_units(work=work, included_units=10, unit_price=Decimal("25.00"))
    assert month.units == 14
    assert month.included == 10
    assert month.overage == 4
    assert month.amount == Decimal("100.00")
    assert [(r.request, r.units, r.included, r.overage) for r in month.requests] == [
        ("A", 4, 4, 0),
        ("B", 4, 4, 0),
        ("C", 3, 2, 1),
        ("D", 1, 0, 1),
        ("E", 2, 0, 2),
    ]


def test_a_tip_0_request_of_31_minutes_is_2_units_at_50_eur() -> None:
    """Tip 0: 0 included, 50 EUR per unit. 31 min → ⌈31/30⌉ = 2 units → 2 × 50 = 100.00 EUR."""
    month = month_units(work=[Work("T-1", at(4), 31)], included_units=0, unit_price=Decimal("50"))
    assert (month.units, month.overage, month.amount) == (2, 2, Decimal("100.00"))


def test_a_request_spanning_two_months_is_rounded_in_each_month() -> None:
    """20 min on 31 March and 20 min on 1 April: each month counts ⌈20/30⌉ = 1 unit (2 in all),
    because each month is invoiced and closed on its own (docs/billing.md)."""
    march = month_units(
        work=[Work("X", datetime(2026, 3, 31, 16), 20)], included_units=0, unit_price=Decimal(50)
    )
    april = month_units(
        work=[Work("X", datetime(2026, 4, 1, 9), 20)], included_units=0, unit_price=Decimal(50)
    )
    assert (march.units, april.units) == (1, 1)


def test_unused_units_are_lost_unless_the_plan_carries_them_over() -> None:
    """Expert with 10 included, 3 used: 7 unused. Without carry-over none pass on; with it 7 do,
    and a month can carry at most one month's allowance."""
    work = [Work("A", at(2), 90)]
    assert month_units(work=work, included_units=10, unit_price=Decimal(25)).carry_out == 0
    carried = month_units(work=work, included_units=10, unit_price=Decimal(25), carry_over=True)
    assert carried.carry_out == 7
    idle = month_units(work=[], included_units=10, unit_price=Decimal(25), carry_over=True, carried_in=10)
    assert idle.carry_out == 10


def test_it_refuses_a_float_price() -> None:
    with pytest.raises(TypeError):
        month_units(work=[Work("A", at(2), 10)], included_units=0, unit_price=25.0)  # type: ignore[arg-type]


@given(
    minutes=st.lists(st.integers(min_value=0, max_value=600), min_size=0, max_size=30),
    included=st.integers(min_value=0, max_value=20),
)
def test_units_split_into_included_and_overage(minutes: list[int], included: int) -> None:
    """Σ units = included used + overage; the allowance is used before anything is charged."""
    work = [Work(f"R{i}", at(1 + i % 28), m) for i, m in enumerate(minutes)]
    month = month_units(work=work, included_units=included, unit_price=Decimal(25))
    assert month.units == sum(max(1, -(-m // 30)) for m in minutes)
    assert month.included + month.overage == month.units
    assert month.included == min(included, month.units)
    assert month.amount == Decimal(25) * month.overage
