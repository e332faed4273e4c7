"""BNR reference rates (DOMAIN.md §4): parser, lookup and the invoice rate. Pure except `fetch`.

Rules
- One parser for the daily feed (`nbrfxrates.xml`), the 10-day feed (`nbrfxrates10days.xml`) and
  the yearly archives (`files/xml/years/nbrfxratesYYYY.xml`): they are the same `DataSet` with one
  or many `Cube` elements. Elements are matched by local name, so both the old
  `http://www.bnr.ro/xsd` and the new `https://www.bnr.ro/xsd` namespaces parse.
- A value with `multiplier="100"` is for 100 units; the stored rate is per one unit, exact
  (value / multiplier, no rounding).
- The rate for a day is the last rate published on or before that day (weekends, holidays and
  the hours before BNR publishes fall back to the previous publication).
- Invoice rate = BNR rate × (1 + markup), markup 2 % by default, rounded half up to 4 decimals,
  the precision BNR itself publishes. It is stored on the invoice and printed with the BNR date.
"""

from __future__ import annotations

import bisect
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from asista.billing.money import to_decimal

DEFAULT_MARKUP = Decimal("0.02")
RATE_PLACES = Decimal("0.0001")
DAILY_PATH = "nbrfxrates.xml"
TEN_DAYS_PATH = "nbrfxrates10days.xml"


class BnrFormatError(ValueError):
    pass


@dataclass(frozen=True)
class DayRates:
    day: date
    rates: Mapping[str, Decimal] = field(default_factory=dict)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _rate(element: etree._Element) -> tuple[str, Decimal]:
    currency = (element.get("currency") or "").strip().upper()
    text = (element.text or "").strip()
    if len(currency) != 3 or not text:
        raise BnrFormatError(f"bad Rate element: {etree.tostring(element)!r}")
    multiplier = Decimal(element.get("multiplier") or "1")
    return currency, Decimal(text) / multiplier


def parse(document: bytes) -> list[DayRates]:
    """Every Cube of a BNR document, oldest first."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as exc:
        raise BnrFormatError(str(exc)) from exc
    if _local(root.tag) != "DataSet":
        raise BnrFormatError(f"not a BNR DataSet: <{_local(root.tag)}>")
    days = []
    for cube in root.iter():
        if _local(cube.tag) != "Cube":
            continue
        rates = dict(_rate(r) for r in cube if _local(r.tag) == "Rate")
        try:
            day = date.fromisoformat(cube.get("date", ""))
        except ValueError as exc:
            raise BnrFormatError(f"bad Cube date {cube.get('date')!r}") from exc
        days.append(DayRates(day, rates))
    if not days:
        raise BnrFormatError("no Cube in document")
    return sorted(days, key=lambda d: d.day)


def rate_on_or_before(series: Mapping[date, Decimal], day: date) -> tuple[date, Decimal]:
    """The last (date, rate) published on or before `day`; LookupError when none is known."""
    days = sorted(series)
    index = bisect.bisect_right(days, day)
    if index == 0:
        raise LookupError(f"no rate published on or before {day.isoformat()}")
    found = days[index - 1]
    return found, series[found]


def invoice_rate(bnr_rate: Decimal, markup: Decimal = DEFAULT_MARKUP) -> Decimal:
    """BNR rate plus markup, rounded half up to 4 decimals."""
    value = to_decimal(bnr_rate) * (1 + to_decimal(markup))
    return value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def feed_urls(daily_url: str) -> dict[str, str]:
    """The three BNR documents, next to the configured daily URL."""
    base = daily_url.rsplit("/", 1)[0]
    return {
        "daily": daily_url,
        "10days": f"{base}/{TEN_DAYS_PATH}",
        "year": f"{base}/files/xml/years/nbrfxrates{{year}}.xml",
    }


def fetch(url: str, *, timeout: int = 20) -> bytes:
    """GET one BNR document (a redirect to an HTML page raises BnrFormatError when parsed)."""
    request = urllib.request.Request(url, headers={"User-Agent": "Asista/1 (+BNR rates)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return bytes(response.read())
