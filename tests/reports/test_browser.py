"""The reports in a real browser (Debian's Chromium), on a synthetic year of 1,500 tickets.

Screenshots go to test-artifacts/reports-*.png.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import need_service

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.service]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        need_service(f"Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _login(browser: Any, base: str, username: str, path: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + path)
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.django_db(transaction=True)
def test_the_reports_pages_render_their_charts_and_tables(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    from asista.reports.synthetic import seed

    seed(tickets=1500, messages=1500, months=12, now=timezone.now(), rng_seed=3)
    dispatcher = factories.staff("dispatcher", username="dispatcher-reports")
    page = _login(browser, live_server.url, dispatcher.username, "/reports/")
    ARTIFACTS.mkdir(exist_ok=True)
    for slug, name in (("", "times"), ("sla/", "sla"), ("money/", "money"), ("workload/", "workload")):
        page.goto(f"{live_server.url}/reports/{slug}")
        assert page.locator("section.report svg").count() >= 1
        assert page.locator("section.report table tbody tr").count() >= 2
        page.screenshot(path=str(ARTIFACTS / f"reports-{name}.png"), full_page=True)
    page.goto(f"{live_server.url}/reports/")
    with page.expect_download() as download:
        page.click("#times-month a.csv")
    assert download.value.suggested_filename == "asista-times-month.csv"

    from asista.customers.models import Customer

    contact = factories.contact(Customer.objects.order_by("id").first())
    mine = _login(browser, live_server.url, contact.user.username, "/reports/mine/")
    assert mine.locator("section.report svg").count() == 2
    mine.screenshot(path=str(ARTIFACTS / "reports-customer.png"), full_page=True)
