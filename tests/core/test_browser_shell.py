"""The site-wide shell in a real browser (Debian's Chromium) on a 375 px wide phone.

Screenshots go to test-artifacts/shell-*.png (set SHELL_SHOTS=before to keep a "before" set).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.portal.browser import ARTIFACTS, browser

__all__ = ["browser"]  # Chromium, the fixture of tests/portal/browser.py
pytestmark = [pytest.mark.browser, pytest.mark.service]

PHONE = {"width": 375, "height": 740}
SET = os.environ.get("SHELL_SHOTS", "after")


def _phone(browser: Any, base: str, login: str, path: str) -> Any:
    context = browser.new_context(viewport=PHONE, locale="en-US", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base + path)
    page.fill("#id_username", login)
    page.fill("#id_password", "pw")
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"shell-{SET}-{name}.png"))


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_header_leaves_the_queue_above_the_fold(browser, live_server):  # type: ignore[no-untyped-def]
    from tests import factories

    agent = factories.staff("dispatcher", first_name="Andrei", last_name="Popescu")
    person = factories.contact(factories.customer(name="Brașovia SRL"), name="Maria Pop")
    factories.ticket(person, subject="Nu se tipărește factura")
    page = _phone(browser, live_server.url, agent.username, "/login/")
    page.goto(live_server.url + "/desk/?view=all")
    _shot(page, "desk-queue-375")
    header = page.locator("header.top").bounding_box()
    if SET == "after":
        assert header["height"] <= 110
        assert page.locator("h1").first.bounding_box()["y"] < 200


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_portal_header_is_compact(browser, live_server):  # type: ignore[no-untyped-def]
    from tests import factories

    person = factories.contact(factories.customer(name="Brașovia SRL"), name="Maria Pop")
    factories.ticket(person, subject="Nu se tipărește factura")
    page = _phone(browser, live_server.url, person.email, "/portal/login/")
    page.goto(live_server.url + "/portal/")
    _shot(page, "portal-home-375")
    header = page.locator("header.top").bounding_box()
    if SET == "after":
        assert header["height"] <= 110


@pytest.mark.django_db(transaction=True)
def test_the_phone_navigation_scrolls_to_a_section_reached_by_keyboard(browser, live_server):  # type: ignore[no-untyped-def]
    from tests import factories

    person = factories.contact(factories.customer(name="Brașovia SRL"), name="Maria Pop")
    page = _phone(browser, live_server.url, person.email, "/portal/login/")
    page.goto(live_server.url + "/portal/invoices/")
    last = page.get_by_role("navigation").get_by_role("link", name="Cifrele noastre")
    assert (
        page.get_by_role("navigation").get_by_role("link", name="Facturi").get_attribute("aria-current")
        == "page"
    )
    last.focus()
    box = last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    _shot(page, "portal-invoices-375-focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/reports/mine/")


@pytest.mark.django_db(transaction=True)
def test_a_visitor_in_an_english_browser_reads_romanian_and_switches(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + "/portal/login/")
    assert page.locator("html").get_attribute("lang") == "ro"
    _shot(page, "portal-login-375-ro")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.url == live_server.url + "/portal/login/"
    assert page.locator("h1").inner_text() == "Support portal"
    _shot(page, "portal-login-375-en")
    page.goto(live_server.url + "/no-such-page/")
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.get_by_role("link", name="Log in").get_attribute("href") == "/login/"
    _shot(page, "not-found-375-en")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_on_a_wide_screen_the_current_section_stands_out(browser, live_server):  # type: ignore[no-untyped-def]
    from tests import factories

    agent = factories.staff("agent", first_name="Ioana", last_name="Radu")
    context = browser.new_context(viewport={"width": 1280, "height": 700}, locale="ro-RO")
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", agent.username)
    page.fill("#id_password", "pw")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(live_server.url + "/desk/call/")
    current = page.get_by_role("navigation").get_by_role("link", name="Apel telefonic")
    other = page.get_by_role("navigation").get_by_role("link", name="Rapoarte")
    assert current.get_attribute("aria-current") == "page"
    weight = "el => getComputedStyle(el).fontWeight"
    assert int(current.evaluate(weight)) > int(other.evaluate(weight))
    border = "el => getComputedStyle(el).borderBottomColor"
    assert current.evaluate(border) != other.evaluate(border)
    assert page.locator("header.top").bounding_box()["height"] < 60
    _shot(page, "desk-phone-call-1280")
    context.close()
