"""BNR documents, served over real HTTP on 127.0.0.1 from shared/fixtures/bnr/.

The daily files are served byte-for-byte. The 10-day feed and the yearly archive are the same
`DataSet` with many `Cube` elements; shared/ holds no such file, so the tests assemble them from the
real daily Cubes (newest first, old namespace, as BNR serves them)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from asista.billing import fx
from tests.billing.conftest import need_shared

CUBE = re.compile(rb"<Cube .*?</Cube>", re.S)


def daily(day: str) -> bytes:
    return (need_shared("fixtures/bnr/daily") / f"nbrfxrates-{day}.xml").read_bytes()


def many_cubes(days: list[str]) -> bytes:
    cubes = b"".join(CUBE.search(daily(d)).group(0) for d in sorted(days, reverse=True))  # type: ignore[union-attr]
    return (
        b'<?xml version="1.0" encoding="utf-8"?><DataSet xmlns="http://www.bnr.ro/xsd">'
        b"<Header><Publisher>National Bank of Romania</Publisher><PublishingDate>"
        + max(days).encode()
        + b"</PublishingDate><MessageType>DR</MessageType></Header><Body><Subject>Reference rates"
        b"</Subject><OrigCurrency>RON</OrigCurrency>" + cubes + b"</Body></DataSet>"
    )


def serve(root: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def test_it_parses_every_real_daily_file() -> None:
    files = sorted(need_shared("fixtures/bnr/daily").glob("*.xml"))
    assert len(files) == 13
    for path in files:
        (day,) = fx.parse(path.read_bytes())
        assert day.day.isoformat() in path.name
        assert day.rates["EUR"] > Decimal(4)


def test_it_reads_both_namespaces() -> None:
    """2026-07-31 is the last `http://www.bnr.ro/xsd` document, 2026-08-03 the first `https://`."""
    (old,) = fx.parse(daily("2026-07-31"))
    (new,) = fx.parse(daily("2026-08-03"))
    assert new.rates["EUR"] == Decimal("5.2460")
    assert old.rates["EUR"] > Decimal(5)


def test_a_multiplier_of_100_gives_the_rate_of_one_unit() -> None:
    """<Rate currency="HUF" multiplier="100">1.4404</Rate> → 0.014404 lei per forint."""
    (day,) = fx.parse(daily("2026-08-03"))
    assert day.rates["HUF"] == Decimal("0.014404")
    assert day.rates["JPY"] == Decimal("0.028989")


def test_2026_drops_bgn_and_2022_still_has_hrk() -> None:
    assert "BGN" not in fx.parse(daily("2026-01-05"))[0].rates
    assert "HRK" in fx.parse(daily("2022-06-17"))[0].rates


@pytest.mark.parametrize(
    "document",
    [
        b"<html><body>Banca Nationala a Romaniei</body></html>",
        b"not xml at all",
        b'<DataSet xmlns="https://www.bnr.ro/xsd"><Body></Body></DataSet>',
        b'<DataSet xmlns="https://www.bnr.ro/xsd"><Cube date="2026-13-01">'
        b'<Rate currency="EUR">5</Rate></Cube></DataSet>',
        b'<DataSet xmlns="https://www.bnr.ro/xsd"><Cube date="2026-01-05">'
        b'<Rate currency="EUR"></Rate></Cube></DataSet>',
    ],
)
def test_it_refuses_what_is_not_a_bnr_document(document: bytes) -> None:
    with pytest.raises(fx.BnrFormatError):
        fx.parse(document)


def test_an_invoice_of_friday_2026_01_02_uses_the_2025_12_31_rate_plus_2_percent(http_root) -> None:
    """Nothing is published on 1–2 January (holidays) or 3–4 January (weekend);
    the yearly archive of 2025 ends on Wed 2025-12-31 with EUR 5.0985.
    Invoice rate = 5.0985 × 1.02 = 5.200470 → 5.2005
    (half up, 4 decimals). The 2026-01-05 rate (next publication) must not be used."""
    root, base = http_root
    serve(
        root,
        {
            "files/xml/years/nbrfxrates2025.xml": many_cubes(
                ["2025-04-17", "2025-04-22", "2025-07-31", "2025-08-01", "2025-12-31"]
            ),
            "nbrfxrates.xml": daily("2026-01-05"),
        },
    )
    urls = fx.feed_urls(f"{base}/nbrfxrates.xml")
    series: dict[date, Decimal] = {}
    for url in (urls["year"].format(year=2025), urls["daily"]):
        series |= {d.day: d.rates["EUR"] for d in fx.parse(fx.fetch(url))}
    found, bnr = fx.rate_on_or_before(series, date(2026, 1, 2))
    assert (found, bnr) == (date(2025, 12, 31), Decimal("5.0985"))
    assert fx.invoice_rate(bnr) == Decimal("5.2005")


def test_the_10_day_feed_covers_the_easter_gap(http_root) -> None:
    """Good Friday 2025-04-18 to Easter Monday 04-21: the rate is the one of Thu 04-17."""
    root, base = http_root
    serve(root, {"nbrfxrates10days.xml": many_cubes(["2025-04-17", "2025-04-22"])})
    days = fx.parse(fx.fetch(fx.feed_urls(f"{base}/nbrfxrates.xml")["10days"]))
    series = {d.day: d.rates["EUR"] for d in days}
    assert [d.day for d in days] == [date(2025, 4, 17), date(2025, 4, 22)]
    for holiday in (date(2025, 4, 18), date(2025, 4, 21)):
        assert fx.rate_on_or_before(series, holiday)[0] == date(2025, 4, 17)
    assert fx.rate_on_or_before(series, date(2025, 4, 22))[0] == date(2025, 4, 22)


def test_the_daily_rates_agree_with_the_captured_csv() -> None:
    """Every daily file's EUR equals the hourly capture in the CSV for that day."""
    csv = need_shared("fixtures/bnr/bnr-eur-ron-2024-09-05_2026-08-05.csv").read_text().splitlines()[1:]
    captured = {row.split(",")[0]: Decimal(row.split(",")[1]) for row in csv}
    for path in need_shared("fixtures/bnr/daily").glob("nbrfxrates-202[4-6]-*.xml"):
        (day,) = fx.parse(path.read_bytes())
        assert captured[day.day.isoformat()] == day.rates["EUR"]


def test_it_has_no_rate_before_the_first_publication() -> None:
    with pytest.raises(LookupError):
        fx.rate_on_or_before({date(2025, 1, 3): Decimal("4.97")}, date(2025, 1, 2))
