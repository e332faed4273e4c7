from datetime import date
from decimal import Decimal

import pytest

from asista.billing.vat import CATEGORY_RULES, VatCategory, percent_for, rate_on


def test_the_rate_follows_the_date_of_the_service() -> None:
    assert rate_on(date(2025, 7, 31)) == Decimal(19)
    assert rate_on(date(2025, 8, 1)) == Decimal(21)
    assert rate_on(date(2026, 1, 2)) == Decimal(21)


def test_it_has_no_rate_before_the_table_starts() -> None:
    with pytest.raises(LookupError):
        rate_on(date(2000, 1, 1))


def test_only_standard_category_carries_a_rate() -> None:
    for category in (VatCategory.REVERSE_CHARGE, VatCategory.EXEMPT, VatCategory.NOT_SUBJECT):
        assert percent_for(category, date(2026, 1, 1)) == 0
        assert CATEGORY_RULES[category].text
    assert percent_for(VatCategory.STANDARD, date(2026, 1, 1)) == 21
