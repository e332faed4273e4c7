"""Isolation through the UI, in a real browser (Debian's Chromium): a contact of one company opens
another company's things by URL and gets 404; an agent has no assign control and a forged
assignment is refused.

Screenshots go to test-artifacts/isolation-*.png.
"""

from __future__ import annotations

import pytest

from tests.portal.browser import Person

pytestmark = [pytest.mark.browser, pytest.mark.service]


@pytest.mark.django_db(transaction=True)
def test_a_contact_gets_404_for_another_companys_things_and_an_agent_cannot_assign(  # type: ignore[no-untyped-def]
    browser, live_server
):
    from asista.tickets.attachments import NewAttachment
    from asista.tickets.models import State, Ticket
    from tests import factories

    ours = factories.contact(factories.customer(plan="expert", name="Brașovia SRL"), name="Maria Pop")
    theirs = factories.contact(factories.customer(plan="tip-0", name="Carpați SRL"), name="George Ion")
    secret = factories.ticket(
        theirs,
        subject="Secretul Carpați",
        attachments=[NewAttachment("bilant.pdf", "application/pdf", b"%PDF-1.4 secret")],
    )
    file_id = secret.messages.get().attachments.get().pk
    invoice = factories.issued_invoice(theirs.customer, year=2026, month=10)
    agent = factories.staff("agent", first_name="Andrei", last_name="Agent")

    customer = Person(browser, live_server.url, ours.email, "pw", "/portal/login/", prefix="isolation")
    assert customer.page.url.endswith("/portal/")  # logged in through the login page
    for path in (
        f"/portal/tickets/{secret.number}/",
        f"/portal/file/{file_id}/",
        f"/portal/invoices/{invoice.pk}/pdf/",
        f"/desk/t/{secret.number}/",
    ):
        response = customer.page.goto(live_server.url + path)
        assert response is not None and response.status == 404, path
        assert "Secretul Carpați" not in customer.page.content()
    customer.shot("01-another-companys-ticket-404")
    # A statement is always the contact's own company: no URL names another one.
    page = customer.go(f"/portal/statement/?month=2026-10&customer={theirs.customer.pk}")
    assert "Carpați" not in page.content() and invoice.full_number not in page.content()
    page = customer.go("/portal/invoices/")
    assert invoice.full_number not in page.content()
    customer.context.close()

    worker = Person(browser, live_server.url, agent.username, "pw", "/login/", prefix="isolation")
    page = worker.go(f"/desk/t/{secret.number}/")
    assert page.locator("h1", has_text="Secretul Carpați").count() == 1
    assert page.locator("form[action$='/assign/']").count() == 0
    assert page.locator("[name='assign-assignee']").count() == 0
    worker.shot("02-agent-ticket-without-assign")
    token = next(c["value"] for c in worker.context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        f"{live_server.url}/desk/t/{secret.number}/assign/",
        form={"assign-assignee": str(agent.pk)},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert forged.status in (400, 403, 404)
    secret = Ticket.objects.get(pk=secret.pk)
    assert (secret.assignee_id, secret.state) == (None, State.NEW)
    worker.context.close()
