"""A contact chooses the portal's language; pages, dates, money and emails follow it."""

from __future__ import annotations

import pytest

from asista.mail.models import OutboundEmail
from asista.tickets import workflow
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():  # type: ignore[no-untyped-def]
    return factories.contact(factories.customer(plan="expert"), name="Maria Pop")


def _switch(client, language: str, next_url: str = "/portal/tickets/"):  # type: ignore[no-untyped-def]
    return client.post("/portal/language/", {"language": language, "next": next_url})


def test_a_contact_reads_romanian_until_they_switch_to_english_and_back(client, person):  # type: ignore[no-untyped-def]
    client.force_login(person.user)
    page = client.get("/portal/tickets/").content.decode()
    assert '<html lang="ro">' in page and "Solicitările noastre" in page
    assert '<button type="submit" class="link" name="language" value="en" lang="en">English</button>' in page

    response = _switch(client, "en")
    assert (response.status_code, response["Location"]) == (302, "/portal/tickets/")
    person.refresh_from_db()
    assert person.language == "en"
    page = client.get("/portal/tickets/").content.decode()
    assert '<html lang="en">' in page and "Our requests" in page
    assert 'value="ro" lang="ro">Română</button>' in page

    _switch(client, "ro")
    person.refresh_from_db()
    assert person.language == "ro"
    assert "Solicitările noastre" in client.get("/portal/tickets/").content.decode()


def test_the_workflow_writes_to_the_contact_in_the_chosen_language(client, person, dispatcher, agent):  # type: ignore[no-untyped-def]
    ticket = factories.ticket(person, subject="Printer")
    client.force_login(person.user)
    _switch(client, "en")
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_start(ticket, actor=agent)
    started = OutboundEmail.objects.get(ticket=ticket, template="started")
    assert started.language == "en"
    assert started.subject == f"[{ticket.tag}] Work has started on your request"
    assert started.text.startswith("Hello,")


def test_the_switch_returns_only_to_a_page_of_this_site(client, person):  # type: ignore[no-untyped-def]
    client.force_login(person.user)
    assert _switch(client, "en", "https://evil.example/phish")["Location"] == "/portal/"
    assert _switch(client, "en", "")["Location"] == "/portal/"


def test_an_unknown_language_changes_nothing_and_says_so(client, person):  # type: ignore[no-untyped-def]
    client.force_login(person.user)
    response = client.post("/portal/language/", {"language": "de", "next": "/portal/"}, follow=True)
    person.refresh_from_db()
    assert person.language == "ro"
    assert "Alegeți una dintre limbile oferite." in response.content.decode()


def test_the_switch_is_a_post_with_csrf(person):  # type: ignore[no-untyped-def]
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person.user)
    assert strict.get("/portal/language/").status_code == 405
    assert strict.post("/portal/language/", {"language": "en"}).status_code == 403
    person.refresh_from_db()
    assert person.language == "ro"


def test_staff_cannot_use_the_portals_switch(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    assert client.post("/portal/language/", {"language": "en"}).status_code == 404
