"""The desk's remote-session log and the "write to us" email in a real browser (Debian's Chromium).

Screenshots go to test-artifacts/desk-*.png.
"""

from __future__ import annotations

import pytest

from tests.portal.browser import Person

pytestmark = [pytest.mark.browser, pytest.mark.service]


@pytest.mark.django_db(transaction=True)
def test_an_agent_logs_a_remote_session_and_answers_a_non_urgent_call(browser, live_server):  # type: ignore[no-untyped-def]
    from asista.billing.models import RemoteSession
    from asista.desk.models import WriteInvitation
    from asista.mail.models import OutboundEmail
    from asista.tickets import workflow
    from tests import factories

    dispatcher = factories.staff("dispatcher")
    agent = factories.staff("agent", first_name="Andrei", last_name="Agent")
    person = factories.contact(factories.customer(name="Brașovia SRL"), name="Maria Pop")
    ticket = factories.ticket(person, subject="Nu se tipărește factura")
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_start(ticket, actor=agent)

    desk = Person(browser, live_server.url, agent.username, "pw", "/login/", prefix="desk")
    page = desk.go(f"/desk/t/{ticket.number}/")
    page.locator("details#act-remote summary").click()
    page.select_option("#id_remote-tool", "anydesk")
    page.fill("#id_remote-day", "2026-11-21")  # a Saturday: refused, and the form stays filled
    page.fill("#id_remote-starts", "10:00")
    page.fill("#id_remote-ends", "10:40")
    page.fill("#id_remote-note", "Am reinstalat driverul imprimantei.")
    desk.submit("remote")
    assert "de luni până vineri" in page.locator("[role=alert]").inner_text()
    assert page.locator("#id_remote-note").input_value() == "Am reinstalat driverul imprimantei."
    desk.shot("01-remote-session-refused")
    page.fill("#id_remote-day", "2026-11-23")
    desk.submit("remote")
    assert page.locator(".entry.time.remote").count() == 1
    assert "sesiune la distanță (AnyDesk)" in page.locator(".entry.time.remote").inner_text()
    assert RemoteSession.objects.get(ticket=ticket).time_entry.minutes == 40
    desk.shot("02-remote-session-logged")

    page = desk.go("/desk/call/")
    page.locator("#id_address").press_sequentially("Maria", delay=30)
    page.wait_for_function("document.querySelectorAll('#caller-options option').length === 1")
    assert page.locator("#caller-options option").get_attribute("value") == person.email
    page.fill("#id_address", person.email)
    page.fill("#id_note", "Întreabă cum exportă jurnalul de TVA")
    desk.shot("03-phone-page")
    with page.expect_navigation():
        page.click("form[action$='/call/write/'] button[type=submit]")
    assert person.email in page.locator(".flash").inner_text()
    assert page.locator("#sent-title + .table-wrap tbody tr").count() == 1
    assert OutboundEmail.objects.filter(template="write_to_us", to=[person.email]).count() == 1
    assert WriteInvitation.objects.get().sent_by == agent
    desk.shot("04-write-to-us-sent")
    desk.page.set_viewport_size({"width": 390, "height": 844})
    desk.go("/desk/call/")
    desk.shot("05-phone-page-on-a-phone")
    desk.context.close()
