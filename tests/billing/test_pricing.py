from datetime import date
from decimal import Decimal

from asista.billing.pricing import hourly_charge, prorate, subscription_amount, travel_charge

EXPERT = {
    "fee_month": Decimal("300"),
    "fee_year": Decimal("3000"),
    "workstation_fee_month": Decimal("15"),
}


def test_an_annual_expert_contract_with_3_workstations_costs_3450_eur() -> None:
    """Annual = fee_year + workstations × 15 EUR × 10 paid months (two free, like the fee):
    3000 + 3 × 15 × 10 = 3000 + 450 = 3450.00 EUR, instead of 12 × (300 + 45) = 4140 monthly."""
    assert subscription_amount(cycle="annual", workstations=3, **EXPERT) == Decimal("3450.00")
    assert subscription_amount(cycle="monthly", workstations=3, **EXPERT) * 12 == Decimal("4140.00")


def test_an_expert_onsite_visit_of_3_hours_120_km_outside_brasov_costs_250_eur() -> None:
    """On-site 3 h = 180 min, already a multiple of 30 → 3 h × 40 EUR = 120.00 EUR.
    Travel outside Brasov: 100 + 120 km × 0.25 = 130.00 EUR. Visit total 250.00 EUR."""
    onsite = hourly_charge(minutes=180, rate=Decimal("40"), increment_minutes=30)
    travel = travel_charge(
        inside_brasov=False,
        km=120,
        inside_fee=Decimal(100),
        outside_base=Decimal(100),
        per_km=Decimal("0.25"),
    )
    assert (onsite.hours, onsite.amount, travel) == (
        Decimal(3),
        Decimal("120.00"),
        Decimal("130.00"),
    )
    assert onsite.amount + travel == Decimal("250.00")


def test_travel_inside_brasov_is_flat() -> None:
    assert travel_charge(
        inside_brasov=True,
        km=7,
        inside_fee=Decimal(100),
        outside_base=Decimal(100),
        per_km=Decimal("0.25"),
    ) == Decimal("100.00")


def test_hourly_work_rounds_up_to_the_increment() -> None:
    """Programming 61 min at 60 EUR/h, 30-min increment → 90 min → 1.5 h × 60 = 90.00 EUR;
    with a 15-min increment → 75 min → 75.00 EUR; 1 minute still bills one increment."""
    assert hourly_charge(minutes=61, rate=Decimal(60)).amount == Decimal("90.00")
    assert hourly_charge(minutes=61, rate=Decimal(60), increment_minutes=15).amount == Decimal("75.00")
    assert hourly_charge(minutes=1, rate=Decimal(60)).billed_minutes == 30


def test_a_contract_starting_on_the_16th_of_a_30_day_month_pays_15_days() -> None:
    """345 EUR × 15/30 (16–30 June inclusive) = 172.50 EUR."""
    amount = prorate(
        amount=Decimal(345),
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
        covered_start=date(2026, 6, 16),
        covered_end=date(2026, 6, 30),
    )
    assert amount == Decimal("172.50")


def test_two_workstations_added_mid_year_pay_the_remaining_days() -> None:
    """Annual period 2026-01-01..2026-12-31 (365 days); 2 workstations added on 2026-10-01:
    2 × 15 × 10 = 300 EUR a year × 92/365 days = 75.616… → 75.62 EUR."""
    amount = prorate(
        amount=Decimal(300),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        covered_start=date(2026, 10, 1),
        covered_end=date(2026, 12, 31),
    )
    assert amount == Decimal("75.62")
