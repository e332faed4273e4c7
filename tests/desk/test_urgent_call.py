"""An urgency phoned in becomes an urgent ticket; a known caller is its requester (DOMAIN.md §1)."""

from __future__ import annotations

import pytest

from asista.core.models import Profile
from asista.mail.models import OutboundEmail
from asista.tickets.models import Kind, Ticket
from tests import factories

pytestmark = pytest.mark.django_db

CALL = {"phone": "0722 000 111", "subject": "Nu pornește casa de marcat", "text": "Blocat la vânzare."}


@pytest.fixture
def desk(client, agent):  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    client.force_login(agent)
    return client


def test_a_known_caller_is_the_requester_and_gets_the_ticket_number(desk):  # type: ignore[no-untyped-def]
    person = factories.contact(name="Maria Pop", language="en", is_phone_contact=True)
    response = desk.post("/desk/call/", {"caller_address": person.email.upper(), **CALL}, follow=True)
    ticket = Ticket.objects.get()
    assert response.redirect_chain[-1][0] == f"/desk/t/{ticket.number}/"
    assert (ticket.contact, ticket.customer, ticket.kind) == (person, person.customer, Kind.URGENT_CALL)
    assert ticket.messages.get().text.startswith("Phoned in by Maria Pop (0722 000 111).")
    acknowledgement = OutboundEmail.objects.get(ticket=ticket)
    assert acknowledgement.to == [person.email] and ticket.tag in acknowledgement.subject
    assert "not one of" not in response.content.decode()


def test_a_caller_who_is_not_a_phone_contact_is_logged_with_a_warning(desk):  # type: ignore[no-untyped-def]
    person = factories.contact(name="Ion Stan", language="ro")
    response = desk.post("/desk/call/", {"caller_address": person.email, **CALL}, follow=True)
    assert "Ion Stan is not one of" in response.content.decode()
    assert Ticket.objects.get().messages.get().text.startswith("Anunțat telefonic de Ion Stan")


def test_an_unknown_caller_needs_the_customer_and_a_name_and_keeps_what_was_typed(desk):  # type: ignore[no-untyped-def]
    customer = factories.customer(name="Hotel Carpați SRL")
    refused = desk.post("/desk/call/", {"caller_address": "cineva@nimeni.example", **CALL})
    assert refused.status_code == 400 and "Blocat la vânzare." in refused.content.decode()
    assert "No active contact has this address" in refused.content.decode()
    missing = desk.post("/desk/call/", CALL)
    assert missing.status_code == 400 and "Choose the customer" in missing.content.decode()
    logged = desk.post("/desk/call/", {"customer": customer.pk, "caller": "Recepția", **CALL})
    assert logged.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.contact is None and ticket.customer == customer and ticket.is_urgent
