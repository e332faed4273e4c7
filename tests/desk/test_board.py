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
