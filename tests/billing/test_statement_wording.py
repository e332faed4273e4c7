"""A statement's lines and period in its reader's language; the invoice keeps its Romanian text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.formats import date_format

from asista.billing import drafting
from asista.billing.wording import line_text, month_label

D = Decimal
EXPERT = drafting.PlanTerms(
    "Expert", D(300), D(3000), D(15), 10, D(25), D(60), D(40), D(100), D(100), D("0.25")
)


def _lines(contract: drafting.ContractTerms, entries: list[drafting.Entry]) -> tuple[drafting.DraftLine, ...]:
    return drafting.month_draft(contracts=[contract], entries=entries, year=2026, month=11).lines


@pytest.fixture
def lines() -> tuple[drafting.DraftLine, ...]:
    """Expert from 16 November (prorated), 12 units, programming, a trip outside Brașov."""
    at = datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Europe/Bucharest"))
    contract = drafting.ContractTerms(EXPERT, date(2026, 11, 16), None, "monthly", 2)
    entries = [
        drafting.Entry("7", "assistance", at, 360),
        drafting.Entry("7", "programming", at, 90),
        drafting.Entry("7", "travel", at, 0, km=D("12.5")),
    ]
    return _lines(contract, entries)


def test_the_invoice_text_stays_romanian(lines) -> None:  # type: ignore[no-untyped-def]
    assert lines[0].description == "Abonament Expert, noiembrie 2026 (16.11–30.11)"


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")  # the language's own short date


def test_lines_are_worded_in_english(lines) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        days = f"({_short(date(2026, 11, 16))}–{_short(date(2026, 11, 30))})"
        assert [line_text(line) for line in lines] == [
            f"Expert subscription, November 2026 {days}",
            f"Workstations, Expert, November 2026 {days}",
            "Assistance units beyond the 10 included, November 2026",
            "Programming of new features, ticket #7",
            f"Travel outside Brașov, 12.5 km, {_short(date(2026, 11, 20))}, ticket #7",
        ]


def test_lines_are_worded_in_romanian(lines) -> None:  # type: ignore[no-untyped-def]
    with translation.override("ro"):
        assert line_text(lines[0]) == "Abonament Expert, noiembrie 2026 (16.11.2026–30.11.2026)"
        assert line_text(lines[-1]) == "Deplasare în afara Brașovului, 12,5 km, 20.11.2026, tichet #7"


def test_an_annual_contract_and_its_credit_are_worded_too() -> None:
    annual = drafting.ContractTerms(EXPERT, date(2026, 1, 1), date(2026, 11, 15), "annual", 0)
    monthly = drafting.ContractTerms(EXPERT, date(2026, 11, 16), None, "monthly", 0)
    lines = drafting.month_draft(contracts=[annual, monthly], entries=[], year=2026, month=11).lines
    with translation.override("en"):
        texts = [line_text(line) for line in lines]
        day = _short(date(2026, 11, 15))
    assert f"Credit for the unused days, annual Expert subscription, after {day}" in texts


def test_the_month_is_named_in_each_language() -> None:
    with translation.override("ro"):
        assert month_label(2026, 11) == "noiembrie 2026"
    with translation.override("en"):
        assert month_label(2026, 11) == "November 2026"


def test_a_line_without_wording_keeps_its_description() -> None:
    line = drafting.DraftLine("other", "Altceva", D(1), "C62", D(1), date(2026, 11, 30))
    assert line_text(line) == "Altceva"
