"""Romanian company identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CUI_KEY = "753217532"
_TAX_ID = re.compile(r"^(RO)?(\d{2,10})$")


def normalize_tax_id(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def cui_check_digit(body: str) -> int:
    """Control digit for the CUI digits `body` (without its last digit), key 753217532."""
    padded = body.rjust(len(CUI_KEY), "0")
    total = sum(int(d) * int(k) for d, k in zip(padded, CUI_KEY, strict=True))
    digit = total * 10 % 11
    return 0 if digit == 10 else digit


def is_valid_cui(value: str) -> bool:
    match = _TAX_ID.match(normalize_tax_id(value))
    if not match:
        return False
    digits = match.group(2)
    return cui_check_digit(digits[:-1]) == int(digits[-1])


def validate_tax_id(value: str) -> None:
    normalized = normalize_tax_id(value)
    match = _TAX_ID.match(normalized)
    if not match:
        raise ValidationError(
            _("%(value)s is not a CUI: 2 to 10 digits, with the prefix RO for VAT payers."),
            code="format",
            params={"value": value},
        )
    digits = match.group(2)
    expected = cui_check_digit(digits[:-1])
    if expected != int(digits[-1]):
        raise ValidationError(
            _("CUI %(value)s fails its check digit: the last digit should be %(expected)s."),
            code="check_digit",
            params={"value": value, "expected": expected},
        )


# ISO 3166-2:RO
COUNTIES = [
    ("RO-AB", "Alba"),
    ("RO-AR", "Arad"),
    ("RO-AG", "Argeș"),
    ("RO-BC", "Bacău"),
    ("RO-BH", "Bihor"),
    ("RO-BN", "Bistrița-Năsăud"),
    ("RO-BT", "Botoșani"),
    ("RO-BV", "Brașov"),
    ("RO-BR", "Brăila"),
    ("RO-B", "București"),
    ("RO-BZ", "Buzău"),
    ("RO-CS", "Caraș-Severin"),
    ("RO-CL", "Călărași"),
    ("RO-CJ", "Cluj"),
    ("RO-CT", "Constanța"),
    ("RO-CV", "Covasna"),
    ("RO-DB", "Dâmbovița"),
    ("RO-DJ", "Dolj"),
    ("RO-GL", "Galați"),
    ("RO-GR", "Giurgiu"),
    ("RO-GJ", "Gorj"),
    ("RO-HR", "Harghita"),
    ("RO-HD", "Hunedoara"),
    ("RO-IL", "Ialomița"),
    ("RO-IS", "Iași"),
    ("RO-IF", "Ilfov"),
    ("RO-MM", "Maramureș"),
    ("RO-MH", "Mehedinți"),
    ("RO-MS", "Mureș"),
    ("RO-NT", "Neamț"),
    ("RO-OT", "Olt"),
    ("RO-PH", "Prahova"),
    ("RO-SM", "Satu Mare"),
    ("RO-SJ", "Sălaj"),
    ("RO-SB", "Sibiu"),
    ("RO-SV", "Suceava"),
    ("RO-TR", "Teleorman"),
    ("RO-TM", "Timiș"),
    ("RO-TL", "Tulcea"),
    ("RO-VS", "Vaslui"),
    ("RO-VL", "Vâlcea"),
    ("RO-VN", "Vrancea"),
]
