from datetime import date, datetime
from decimal import Decimal

from asista.billing.drafting import (
    ONSITE,
    PROGRAMMING,
    TRAVEL,
    ContractTerms,
    Entry,
    PlanTerms,
    month_draft,
)

EXPERT = PlanTerms(
    name="Expert",
    fee_month=Decimal(300),
    fee_year=Decimal(3000),
    workstation_fee_month=Decimal(15),
    included_units=10,
    unit_price=Decimal(25),
    programming_rate=Decimal(60),
    onsite_rate=Decimal(40),
    travel_inside=Decimal(100),
    travel_outside_base=Decimal(100),
    travel_per_km=Decimal("0.25"),
)
TIP0 = PlanTerms(
    name="Tip 0",
    fee_month=Decimal(0),
    fee_year=Decimal(0),
    workstation_fee_month=Decimal(0),
    included_units=0,
    unit_price=Decimal(50),
    programming_rate=Decimal(100),
    onsite_rate=Decimal(70),
    travel_inside=Decimal(100),
    travel_outside_base=Decimal(100),
    travel_per_km=Decimal("0.25"),
)


def amounts(draft) -> list[tuple[str, Decimal]]:
    return [(line.kind, line.amount) for line in draft.lines]


def test_an_expert_month_with_an_onsite_visit() -> None:
    """Expert monthly, 2 workstations, March 2026: fee 300 + 2 × 15 = 30; 14 units → 4 × 25 = 100;
    on-site 3 h × 40 = 120; travel 100 + 120 × 0.25 = 130; programming 61 min → 1.5 h × 60 = 90.
    Net 300 + 30 + 100 + 120 + 130 + 90 = 770.00 EUR."""
    contract = ContractTerms(EXPERT, date(2025, 1, 1), None, "monthly", 2)
    entries = [
        Entry("1", "assistance", datetime(2026, 3, 2, 9), 95, entry_id=1),
        Entry("2", "assistance", datetime(2026, 3, 3, 9), 120, entry_id=2),
        Entry("3", "change", datetime(2026, 3, 4, 9), 61, entry_id=3),
        Entry("4", "assistance", datetime(2026, 3, 5, 9), 30, entry_id=4),
        Entry("5", "assistance", datetime(2026, 3, 6, 9), 31, entry_id=5),
        Entry("6", ONSITE, datetime(2026, 3, 10, 9), 180, entry_id=6),
        Entry("6", TRAVEL, datetime(2026, 3, 10, 8), 0, km=Decimal(120), entry_id=7),
        Entry("7", PROGRAMMING, datetime(2026, 3, 12, 9), 61, entry_id=8),
    ]
    draft = month_draft(contracts=[contract], entries=entries, year=2026, month=3)
    assert amounts(draft) == [
        ("subscription", Decimal("300.00")),
        ("workstations", Decimal("30.00")),
        ("units", Decimal("100.00")),
        ("onsite", Decimal("120.00")),
        ("programming", Decimal("90.00")),
        ("travel", Decimal("130.00")),
    ]
    assert draft.net_eur == Decimal("770.00")
    assert draft.entry_ids == (1, 2, 3, 4, 5, 6, 7, 8)


def test_a_tip_0_month_without_work_has_nothing_to_invoice() -> None:
    contract = ContractTerms(TIP0, date(2025, 1, 1), None, "monthly", 0)
    assert month_draft(contracts=[contract], entries=[], year=2026, month=3).lines == ()


def test_an_annual_contract_is_billed_in_the_month_its_year_starts() -> None:
    """Annual Expert from 2025-04-01, 3 workstations: April 2026 bills 3000 + 3 × 15 × 10 = 3450;
    May 2026 bills no subscription."""
    contract = ContractTerms(EXPERT, date(2025, 4, 1), None, "annual", 3)
    april = month_draft(contracts=[contract], entries=[], year=2026, month=4)
    assert april.net_eur == Decimal("3450.00")
    assert april.lines[0].service_date == date(2026, 4, 1)
    assert month_draft(contracts=[contract], entries=[], year=2026, month=5).lines == ()


def test_a_plan_change_mid_month_prorates_both_contracts_by_days() -> None:
    """Tip 0 until 2026-06-15, Expert from 2026-06-16 (30-day June): Expert 300 × 15/30 = 150.00,
    Tip 0 costs nothing."""
    old = ContractTerms(TIP0, date(2025, 1, 1), date(2026, 6, 15), "monthly", 0)
    new = ContractTerms(EXPERT, date(2026, 6, 16), None, "monthly", 0)
    draft = month_draft(contracts=[new, old], entries=[], year=2026, month=6)
    assert amounts(draft) == [("subscription", Decimal("150.00"))]


def test_an_annual_contract_replaced_mid_year_credits_its_unused_days() -> None:
    """Annual Expert, 1 workstation, year 2026-01-01..12-31 (3150 EUR), ended 2026-09-30,
    replaced by an annual Expert with 3 workstations from 2026-10-01 (3450 EUR for its own year).
    Credit: 3150 × 92/365 = 793.97 EUR. October 2026 net: 3450 − 793.97 = 2656.03 EUR."""
    old = ContractTerms(EXPERT, date(2026, 1, 1), date(2026, 9, 30), "annual", 1)
    new = ContractTerms(EXPERT, date(2026, 10, 1), None, "annual", 3)
    draft = month_draft(contracts=[old, new], entries=[], year=2026, month=10)
    assert ("credit", Decimal("-793.97")) in amounts(draft)
    assert draft.net_eur == Decimal("2656.03")
