"""`asista fx fetch|import` against a local HTTP server, and `asista billing preview`."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from asista.billing import services
from asista.billing.models import ExchangeRate
from tests import factories
from tests.billing.conftest import need_shared
from tests.billing.test_fx import many_cubes

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_fx_fetch_reads_the_configured_daily_url(http_root, settings) -> None:
    root, base = http_root
    root.joinpath("nbrfxrates.xml").write_bytes(
        (need_shared("fixtures/bnr/daily") / "nbrfxrates-2026-08-03.xml").read_bytes()
    )
    settings.ASISTA_BNR_URL = f"{base}/nbrfxrates.xml"
    assert "37 rates stored" in run("fx", "fetch")
    assert ExchangeRate.objects.get(currency="EUR", day=date(2026, 8, 3)).rate == Decimal("5.2460")
    assert ExchangeRate.objects.get(currency="JPY", day=date(2026, 8, 3)).rate == Decimal("0.028989")


def test_fx_fetch_of_a_year_archive_then_the_rate_for_2026_01_02(http_root, settings) -> None:
    root, base = http_root
    archive = root / "files/xml/years/nbrfxrates2025.xml"
    archive.parent.mkdir(parents=True)
    archive.write_bytes(many_cubes(["2025-07-31", "2025-08-01", "2025-12-31"]))
    settings.ASISTA_BNR_URL = f"{base}/nbrfxrates.xml"
    run("fx", "fetch", "--feed", "year", "--year", "2025")
    from asista.billing.selectors import rate_for

    assert rate_for(day=date(2026, 1, 2)) == (date(2025, 12, 31), Decimal("5.0985"))


def test_fx_fetch_reports_a_page_that_is_not_bnr(http_root, settings) -> None:
    root, base = http_root
    root.joinpath("nbrfxrates.xml").write_text("<html><body>redirected</body></html>")
    settings.ASISTA_BNR_URL = f"{base}/nbrfxrates.xml"
    with pytest.raises(CommandError):
        run("fx", "fetch")


def test_fx_import_reads_a_file_twice_without_duplicates() -> None:
    path = need_shared("fixtures/bnr/daily") / "nbrfxrates-2022-06-17.xml"
    run("fx", "import", str(path))
    run("fx", "import", str(path))
    assert ExchangeRate.objects.filter(day=date(2022, 6, 17)).count() == 32


def test_billing_preview_prints_json_and_a_table(agent) -> None:
    customer = factories.customer(plan="tip-0", address="Str. Mare 1")
    ticket = factories.ticket(factories.contact(customer))
    when = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Europe/Bucharest"))
    services.time_entry_log(ticket=ticket, agent=agent, kind="assistance", started_at=when, minutes=31)
    data = json.loads(
        run("billing", "preview", "--customer", str(customer.pk), "--month", "2026-03", "--json")
    )
    assert (data["units"], data["overage_units"], data["net_eur"]) == (2, 2, "100.00")
    table = run("billing", "preview", "--customer", str(customer.pk), "--month", "2026-03")
    assert "Total fără TVA: 100.00 EUR" in table


def test_billing_preview_refuses_a_bad_month() -> None:
    with pytest.raises(CommandError):
        run("billing", "preview", "--customer", "1", "--month", "2026-13")
