"""A customer switches the portal to English and back in a real browser (Debian's Chromium).

Screenshots go to test-artifacts/language-*.png.
"""

from __future__ import annotations

import pytest

from tests.portal.browser import Person

pytestmark = [pytest.mark.browser, pytest.mark.service]


@pytest.mark.django_db(transaction=True)
def test_a_customer_switches_to_english_and_back(browser, live_server):  # type: ignore[no-untyped-def]
    from asista.customers.models import Contact
    from tests import factories

    person = factories.contact(factories.customer(plan="expert", name="Brașovia SRL"), name="Maria Pop")
    factories.ticket(person, subject="Nu se tipărește factura")
    customer = Person(browser, live_server.url, person.email, "pw", "/portal/login/", prefix="language")
    page = customer.go("/portal/tickets/")
    assert page.locator("html").get_attribute("lang") == "ro"
    assert page.locator("h1").inner_text() == "Solicitările noastre"
    customer.shot("01-portal-romanian")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.url == live_server.url + "/portal/tickets/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Our requests"
    assert page.get_by_role("link", name="New request").count() == 1
    assert Contact.objects.get(pk=person.pk).language == "en"
    customer.shot("02-portal-english")

    page = customer.go("/portal/")  # every later page follows
    assert page.get_by_role("link", name="All requests").count() == 1

    with page.expect_navigation():
        page.get_by_role("button", name="Română").click()
    assert page.locator("html").get_attribute("lang") == "ro"
    assert page.get_by_role("link", name="Toate solicitările").count() == 1
    assert Contact.objects.get(pk=person.pk).language == "ro"
    customer.shot("03-portal-romanian-again")
    customer.context.close()
