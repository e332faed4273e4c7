"""Statement lines and periods in the reader's language (the active one).

Invoices are Romanian documents and keep the Romanian `DraftLine.description`; a statement is read
by a contact in their own language, so it words each line again from `DraftLine.wording`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from asista.billing.drafting import TRAVEL, DraftLine, Wording

MONTHS = (
    "",
    pgettext_lazy("month of a statement", "January"),
    pgettext_lazy("month of a statement", "February"),
    pgettext_lazy("month of a statement", "March"),
    pgettext_lazy("month of a statement", "April"),
    pgettext_lazy("month of a statement", "May"),
    pgettext_lazy("month of a statement", "June"),
    pgettext_lazy("month of a statement", "July"),
    pgettext_lazy("month of a statement", "August"),
    pgettext_lazy("month of a statement", "September"),
    pgettext_lazy("month of a statement", "October"),
    pgettext_lazy("month of a statement", "November"),
    pgettext_lazy("month of a statement", "December"),
)


def month_label(year: int, month: int) -> str:
    """ "noiembrie 2026" / "November 2026"."""
    return pgettext("a month and its year", "%(month)s %(year)d") % {"month": MONTHS[month], "year": year}


def _day(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if isinstance(value, date) else ""


def _text(words: Wording) -> str:
    v = dict(words.values)
    key = words.key
    if key in ("subscription", "workstations"):
        period = month_label(int(v["year"]), int(v["month"]))  # type: ignore[call-overload]
        days = v.get("days")
        if isinstance(days, tuple):
            start, end = days
            period = _("%(period)s (%(start)s–%(end)s)") % {
                "period": period,
                "start": _day(start),
                "end": _day(end),
            }
        if key == "subscription":
            return _("%(plan)s subscription, %(period)s") % {"plan": v["plan"], "period": period}
        return _("Workstations, %(plan)s, %(period)s") % {"plan": v["plan"], "period": period}
    if key in ("annual_subscription", "annual_workstations"):
        values = {"plan": v["plan"], "start": _day(v["start"]), "end": _day(v["end"])}
        if key == "annual_subscription":
            return _("Annual %(plan)s subscription, %(start)s–%(end)s") % values
        return _("Workstations, annual %(plan)s subscription, %(start)s–%(end)s") % values
    if key == "credit":
        return _("Credit for the unused days, annual %(plan)s subscription, after %(day)s") % {
            "plan": v["plan"],
            "day": _day(v["day"]),
        }
    if key == "units":
        period = month_label(int(v["year"]), int(v["month"]))  # type: ignore[call-overload]
        return _("Assistance units beyond the %(allowance)s included, %(period)s") % {
            "allowance": v["allowance"],
            "period": period,
        }
    if key == "programming":
        return _("Programming of new features, ticket #%(number)s") % {"number": v["request"]}
    if key == "onsite":
        return _("On-site intervention, ticket #%(number)s") % {"number": v["request"]}
    if key == TRAVEL:
        km = v["km"]
        shown = number_format(Decimal(str(km)).normalize()) if km is not None else ""
        values = {"day": _day(v["day"]), "number": v["request"], "km": shown}
        if km is None:
            return _("Travel inside Brașov, %(day)s, ticket #%(number)s") % values
        return _("Travel outside Brașov, %(km)s km, %(day)s, ticket #%(number)s") % values
    raise KeyError(key)


def line_text(line: DraftLine) -> str:
    """What a statement line says, in the active language (the invoice's text when it has no
    wording)."""
    if line.wording is None:
        return line.description
    text = _text(line.wording)
    return _("%(text)s (logged later)") % {"text": text} if line.wording.late else text


@dataclass(frozen=True)
class WordedLine:
    text: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


def worded_lines(lines: Iterable[DraftLine]) -> list[WordedLine]:
    """A statement's charges as the page shows them, worded in the active language."""
    return [WordedLine(line_text(line), line.quantity, line.unit_price, line.amount) for line in lines]
