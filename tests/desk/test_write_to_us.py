"""A non-urgent call: one click emails the caller how to write to us (DOMAIN.md §1)."""

from __future__ import annotations

from uuid import uuid4

import pytest
from django.conf import settings
from django.core import mail as django_mail
from django.utils import timezone

from asista.core.models import Profile
from asista.desk.models import WriteInvitation
from asista.mail.models import OutboundEmail
from asista.mail.sending import outbox_send_due
from asista.tickets.models import Ticket
from tests import factories

pytestmark = pytest.mark.django_db

FORM_URL = f"{settings.SITE_URL}/portal/tickets/new/"


@pytest.fixture
def desk(client, agent):  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    client.force_login(agent)
    return client


def _send(client, address: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"address": address, "language": "ro", "note": "", "key": str(uuid4()), **fields}
    return client.post("/desk/call/write/", data, follow=True)


def test_a_known_contact_gets_the_address_and_the_form_link_in_their_language(desk, agent):  # type: ignore[no-untyped-def]
    person = factories.contact(factories.customer(name="Brașovia SRL"), name="Maria Pop", language="en")
    response = _send(desk, person.email.upper(), note="Asks how to export the VAT journal")
    body = response.content.decode()
    assert response.redirect_chain[-1] == ("/desk/call/", 302)
    assert f"Sent to {person.email.upper()}: the support address and the link to the form." in body

    sent = OutboundEmail.objects.get(template="write_to_us")
    assert (sent.language, sent.to, sent.ticket_id) == ("en", [person.email.upper()], None)
    assert sent.subject == f"Write to us at {settings.ASISTA_SUPPORT_ADDRESS} or through the portal's form"
    assert settings.ASISTA_SUPPORT_ADDRESS in sent.text and FORM_URL in sent.text
    assert (
        f'href="mailto:{settings.ASISTA_SUPPORT_ADDRESS}"' in sent.html and f'href="{FORM_URL}"' in sent.html
    )
    assert "portal account" not in sent.text  # Maria has a portal login
    assert not sent.auto_submitted
    assert not Ticket.objects.exists()

    invitation = WriteInvitation.objects.get()
    assert (invitation.contact, invitation.sent_by, invitation.email) == (person, agent, sent)
    assert invitation.note == "Asks how to export the VAT journal"
    assert "Maria Pop" in body and "Brașovia SRL" in body and "Asks how to export the VAT journal" in body


def test_an_unknown_address_gets_the_language_the_agent_chose(desk):  # type: ignore[no-untyped-def]
    _send(desk, "nou@firma.example", language="ro")
    sent = OutboundEmail.objects.get(template="write_to_us")
    assert sent.language == "ro" and sent.to == ["nou@firma.example"]
    assert sent.subject.startswith(f"Scrieți-ne la {settings.ASISTA_SUPPORT_ADDRESS}")
    assert sent.text.startswith("Bună ziua,") and FORM_URL in sent.text
    assert "dacă nu aveți încă un cont în portal" in sent.text
    assert WriteInvitation.objects.get().contact is None
    _send(desk, "new@company.example", language="en")
    assert OutboundEmail.objects.get(to=["new@company.example"]).text.startswith("Hello,")


def test_a_contacts_own_language_wins_over_the_forms(desk):  # type: ignore[no-untyped-def]
    person = factories.contact(language="ro")
    _send(desk, person.email, language="en")
    assert OutboundEmail.objects.get(template="write_to_us").language == "ro"


def test_a_double_click_sends_one_email(desk):  # type: ignore[no-untyped-def]
    key = str(uuid4())
    _send(desk, "nou@firma.example", key=key)
    _send(desk, "nou@firma.example", key=key)
    assert OutboundEmail.objects.filter(template="write_to_us").count() == 1
    assert WriteInvitation.objects.count() == 1


def test_the_outbox_sends_it_exactly_once(desk):  # type: ignore[no-untyped-def]
    _send(desk, "nou@firma.example")
    outbox_send_due(now=timezone.now())
    outbox_send_due(now=timezone.now())
    assert len(django_mail.outbox) == 1
    assert django_mail.outbox[0].to == ["nou@firma.example"]
    assert OutboundEmail.objects.get(template="write_to_us").status == OutboundEmail.Status.SENT
    assert "Sent" in desk.get("/desk/call/").content.decode()


def test_a_wrong_address_is_refused_and_what_was_typed_is_kept(desk):  # type: ignore[no-untyped-def]
    response = desk.post(
        "/desk/call/write/",
        {"address": "maria la firma", "language": "en", "note": "Export TVA", "key": str(uuid4())},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert 'value="maria la firma"' in body and 'value="Export TVA"' in body
    assert not OutboundEmail.objects.exists() and not WriteInvitation.objects.exists()


def test_known_contacts_are_offered_as_the_agent_types(desk):  # type: ignore[no-untyped-def]
    person = factories.contact(factories.customer(name="Carpați SA"), name="George Ionescu")
    factories.contact(name="Altcineva")
    for typed in ("ionescu", "carpați", person.email.split("@")[0] + "@"):
        options = desk.get("/desk/call/callers/", {"address": typed}).content.decode()
        assert f'<option value="{person.email}">George Ionescu — Carpați SA</option>' in options, typed
        assert "Altcineva" not in options
    assert desk.get("/desk/call/callers/", {"address": "g"}).content.decode().strip() == ""


def test_the_phone_page_offers_both_ways(desk):  # type: ignore[no-untyped-def]
    page = desk.get("/desk/call/").content.decode()
    assert "Log an urgent call" in page and "Not urgent: send how to write to us" in page
    assert settings.ASISTA_SUPPORT_ADDRESS in page
    assert 'name="key"' in page and 'list="caller-options"' in page


def test_a_contact_cannot_send_it(client):  # type: ignore[no-untyped-def]
    person = factories.contact()
    client.force_login(person.user)
    assert _send(client, "x@y.example").status_code == 404
    assert not OutboundEmail.objects.filter(template="write_to_us").exists()
