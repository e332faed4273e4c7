"""The whole workflow of DOMAIN.md §2 in a real browser (Debian's Chromium), desk and portal.

Screenshots of each step go to test-artifacts/workflow-NN-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.portal.browser import Person

pytestmark = [pytest.mark.browser, pytest.mark.service]


def _open(page: Any, action: str) -> None:
    details = page.locator(f"details#act-{action}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


@pytest.mark.django_db(transaction=True)
def test_the_whole_workflow_in_the_browser(browser, live_server):  # type: ignore[no-untyped-def]
    from asista.tickets.models import State, Ticket
    from tests import factories

    dispatcher = factories.staff("dispatcher", first_name="Dana", last_name="Dispecer")
    agent = factories.staff("agent", first_name="Andrei", last_name="Agent")
    person = factories.contact(factories.customer(plan="expert", name="Brașovia SRL"), name="Maria Pop")
    url = live_server.url

    customer = Person(browser, url, person.email, "pw", "/portal/login/")
    page = customer.go("/portal/tickets/new/")
    page.fill("#id_subject", "Nu se tipărește factura")
    page.check("input[name=kind][value=support]")
    page.fill("#id_text", "Din meniul Facturi, butonul Tipărește nu face nimic.")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "eroare.txt", "mimeType": "text/plain", "buffer": b"Eroare 42 la tiparire"}],
    )
    with page.expect_navigation():
        page.click("form.request-form button[type=submit]")
    number = int(re.search(r"/portal/tickets/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    assert page.locator("a", has_text="eroare.txt").count() == 1
    customer.shot("01-customer-submitted")

    desk = Person(browser, url, dispatcher.username, "pw", "/login/")
    page = desk.go(f"/desk/t/{number}/")
    page.select_option("#id_assign-assignee", str(agent.pk))
    desk.submit("assign")
    desk.shot("02-dispatcher-assigned")

    worker = Person(browser, url, agent.username, "pw", "/login/")
    page = worker.go("/desk/")
    assert page.locator(f"a[href='/desk/t/{number}/']").count() >= 1
    worker.shot("03-agent-queue")
    page = worker.go(f"/desk/t/{number}/")
    worker.submit("start")
    _open(page, "ask")
    page.fill("#id_ask-text", "Ce imprimantă folosiți și ce mesaj apare?")
    worker.submit("ask")
    assert Ticket.objects.get(number=number).state == State.WAITING
    worker.shot("04-agent-asked")

    page = customer.go(f"/portal/tickets/{number}/")
    page.fill("#id_message-text", "HP LaserJet; nu apare niciun mesaj.")
    customer.submit("message")
    assert Ticket.objects.get(number=number).state == State.IN_PROGRESS
    customer.shot("05-customer-answered")

    page = worker.go(f"/desk/t/{number}/")
    _open(page, "time")
    page.fill("#id_time-minutes", "40")
    page.wait_for_function("document.querySelector('#units-preview').textContent.includes('2')")
    worker.shot("06-agent-units-preview")
    worker.submit("time")
    _open(page, "resolve")
    page.fill("#id_resolve-text", "Driverul imprimantei a fost reinstalat.")
    worker.submit("resolve")
    assert Ticket.objects.get(number=number).state == State.RESOLVED
    worker.shot("07-agent-resolved")

    page = customer.go(f"/portal/tickets/{number}/")
    page.fill("#id_reopen-text", "Merge, dar tipărește pe două pagini.")
    customer.submit("reopen")
    assert Ticket.objects.get(number=number).state == State.IN_PROGRESS
    customer.shot("08-customer-reopened")

    page = worker.go(f"/desk/t/{number}/")
    _open(page, "resolve")
    page.fill("#id_resolve-text", "Am setat formatul A4 în șablonul de tipărire.")
    worker.submit("resolve")
    worker.shot("09-agent-resolved-again")

    page = customer.go(f"/portal/tickets/{number}/")
    customer.submit("accept")
    assert Ticket.objects.get(number=number).state == State.CLOSED
    customer.shot("10-customer-accepted")

    page = customer.go("/portal/statement/")
    assert page.locator(".units-used").inner_text().strip() == "2"
    customer.shot("11-customer-statement")
    page = customer.go("/portal/tickets/new/")
    page.check("input[name=kind][value=urgent]")
    assert page.locator(".urgent-box").is_visible()
    assert not page.locator("#send-request").is_visible()  # urgencies are phoned in
    customer.shot("12-customer-urgent-explained")
    page.check("input[name=kind][value=support]")
    assert page.locator("#send-request").is_enabled() and not page.locator(".urgent-box").is_visible()
    customer.page.set_viewport_size({"width": 375, "height": 812})
    page = customer.go("/portal/statement/")
    units = page.locator("table.statement td[data-label='Unități']").first
    label = units.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Unități: "' and units.inner_text().strip().endswith("2")
    customer.shot("13-phone-statement")
    for who, path in ((customer, f"/portal/tickets/{number}/"), (worker, "/desk/?view=all")):
        who.page.set_viewport_size({"width": 390, "height": 844})
        who.go(path)
        who.shot(f"14-phone-{'portal' if who is customer else 'desk'}")
    for who in (customer, desk, worker):
        who.context.close()
