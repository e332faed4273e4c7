from __future__ import annotations

import pytest

from asista.customers.models import Contact
from asista.mail.ingest import mail_ingest
from asista.mail.models import RawMessage
from asista.tickets.models import Ticket
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

MAIL = (
    b"From: Necunoscut <nou@firma-noua.example>\r\nTo: suport@asista.localhost\r\n"
    b"Subject: Nu pot emite facturi\r\nMessage-ID: <unknown-1@firma-noua.example>\r\n"
    b"Date: Thu, 26 Nov 2026 09:00:00 +0200\r\n\r\nBuna ziua, nu merge.\r\n"
)


def test_a_dispatcher_adds_an_unknown_sender_to_a_customer_and_the_mail_becomes_a_ticket(client):  # type: ignore[no-untyped-def]
    dispatcher = factories.staff("dispatcher")
    customer = factories.customer()
    mail_ingest(MAIL, source="file")
    raw = RawMessage.objects.get()
    assert raw.status == RawMessage.Status.TRIAGE
    client.force_login(dispatcher)
    assert "nou@firma-noua.example" in client.get("/desk/board/").content.decode()
    response = client.post(f"/desk/triage/{raw.pk}/link/", {"customer": customer.pk, "name": "Ion Nou"})
    assert response.status_code == 302
    contact = Contact.objects.get(name="Ion Nou")
    assert contact.customer == customer
    assert Ticket.objects.get(customer=customer).subject == "Nu pot emite facturi"


def test_an_agent_cannot_triage_nor_see_the_board(client):  # type: ignore[no-untyped-def]
    agent = factories.staff("agent")
    mail_ingest(MAIL, source="file")
    raw = RawMessage.objects.get()
    client.force_login(agent)
    assert client.get("/desk/board/").status_code == 404
    client.post(f"/desk/triage/{raw.pk}/reject/")
    raw.refresh_from_db()
    assert raw.status == RawMessage.Status.TRIAGE


def test_the_dispatcher_reads_the_mail_and_gets_the_sender_s_company_suggested(client):  # type: ignore[no-untyped-def]
    dispatcher = factories.staff("dispatcher")
    colleague_customer = factories.customer(name="Firma Nouă SRL")
    factories.contact(colleague_customer, emails=["sef@firma-noua.example"])
    mail_ingest(MAIL, source="file")
    raw = RawMessage.objects.get()
    client.force_login(dispatcher)
    page = client.get("/desk/board/").content.decode()
    assert "Buna ziua, nu merge." in page  # the text, before deciding
    assert f'<option value="{colleague_customer.pk}" selected>Firma Nouă SRL</option>' in page
    response = client.post(f"/desk/triage/{raw.pk}/link/", {"address": "SEF@firma-noua.example"})
    assert response.status_code == 302
    assert Ticket.objects.get().contact.emails.filter(address="sef@firma-noua.example").exists()


def test_a_rejection_keeps_its_reason(client):  # type: ignore[no-untyped-def]
    dispatcher = factories.staff("dispatcher")
    mail_ingest(MAIL, source="file")
    raw = RawMessage.objects.get()
    client.force_login(dispatcher)
    assert client.post(f"/desk/triage/{raw.pk}/reject/", {"reason": "reclamă"}).status_code == 302
    raw.refresh_from_db()
    assert raw.status == RawMessage.Status.REJECTED
    assert raw.error == "reclamă"  # the reason is kept with the stored mail


def test_the_board_assigns_only_to_agents_chosen_on_purpose_and_stays_on_the_board(client):  # type: ignore[no-untyped-def]
    dispatcher = factories.staff("dispatcher")
    agent = factories.staff("agent", first_name="Ioana", last_name="Pop")
    admin = factories.staff("administrator", first_name="Ana", last_name="Admin")
    ticket = factories.ticket()
    client.force_login(dispatcher)
    page = client.get("/desk/board/").content.decode()
    assert '<option value="">' in page and "Ioana Pop (0)" in page
    assert "Ana Admin" not in page
    response = client.post(
        f"/desk/t/{ticket.number}/assign/", {"assign-assignee": agent.pk, "assign-next": "/desk/board/"}
    )
    assert response.status_code == 302 and response["Location"] == "/desk/board/"
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert (
        client.post(f"/desk/t/{factories.ticket().number}/assign/", {"assign-assignee": admin.pk}).status_code
        == 400
    )
