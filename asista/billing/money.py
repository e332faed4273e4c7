"""Decimal helpers shared by the billing cores. Money never touches float: every entry point
refuses one, because a float has already lost the cent before we could round it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Accept Decimal, int or a decimal string; refuse float (and bool, which is an int)."""
    if isinstance(value, bool | float):
        raise TypeError(f"money must not be {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        return value
    return Decimal(value)


def round_money(value: Decimal, places: Decimal = CENT) -> Decimal:
    """Commercial rounding (half up, away from zero on .5), as Romanian accounting expects."""
    return to_decimal(value).quantize(places, rounding=ROUND_HALF_UP)
