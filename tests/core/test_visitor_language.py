"""Visitors (login, password and invitation pages) read Romanian unless they choose English,
whatever their browser says; a password or invitation link speaks its recipient's language."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests import factories

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _welcome_link(person) -> str:  # type: ignore[no-untyped-def]
    uid = urlsafe_base64_encode(force_bytes(person.user.pk))
    return f"/portal/welcome/{uid}/{default_token_generator.make_token(person.user)}/"


@pytest.mark.parametrize("url", ["/login/", "/portal/login/", "/portal/password/reset/"])
def test_an_english_browser_still_reads_romanian(url: str) -> None:
    page = Client(**ENGLISH_BROWSER).get(url).content.decode()
    assert '<html lang="ro">' in page
    assert '<button type="submit" class="link" name="language" value="en" lang="en">English</button>' in page


def test_a_visitor_chooses_english_and_keeps_it() -> None:
    client = Client()
    response = client.post("/language/", {"language": "en", "next": "/portal/login/"})
    assert (response.status_code, response["Location"]) == (302, "/portal/login/")
    assert response.cookies["django_language"].value == "en"
    assert response.cookies["django_language"]["max-age"] == 365 * 24 * 3600
    page = client.get("/portal/login/").content.decode()
    assert '<html lang="en">' in page and "Support portal" in page
    assert 'value="ro" lang="ro">Română</button>' in page
    client.post("/language/", {"language": "ro", "next": "/login/"})
    assert '<html lang="ro">' in client.get("/login/").content.decode()


def test_the_visitors_switch_returns_only_to_this_site() -> None:
    response = Client().post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing_and_says_so() -> None:
    client = Client()
    response = client.post("/language/", {"language": "de", "next": "/login/"}, follow=True)
    assert "django_language" not in client.cookies or client.cookies["django_language"].value != "de"
    assert "Alegeți una dintre limbile oferite." in response.content.decode()


def test_the_visitors_switch_is_a_post_with_csrf() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/language/").status_code == 405
    assert strict.post("/language/", {"language": "en"}).status_code == 403


def test_a_romanian_invitation_opened_in_an_english_browser_stays_romanian() -> None:
    person = factories.contact(language="ro")
    client = Client(**ENGLISH_BROWSER)
    page = client.get(_welcome_link(person), follow=True).content.decode()
    assert '<html lang="ro">' in page and "Bun venit în portalul de asistență" in page


def test_an_english_contacts_invitation_speaks_english() -> None:
    person = factories.contact(language="en")
    page = Client().get(_welcome_link(person), follow=True).content.decode()
    assert '<html lang="en">' in page and "Welcome to the support portal" in page


def test_a_visitors_own_choice_wins_over_the_invitations_language() -> None:
    person = factories.contact(language="ro")
    client = Client()
    client.post("/language/", {"language": "en"})
    page = client.get(_welcome_link(person), follow=True).content.decode()
    assert '<html lang="en">' in page


def test_a_broken_link_changes_no_language() -> None:
    page = Client(**ENGLISH_BROWSER).get("/portal/welcome/zzzz/abc-def/").content.decode()
    assert '<html lang="ro">' in page


def test_the_staff_switch_still_saves_on_the_profile_for_a_logged_in_agent(client, agent) -> None:  # type: ignore[no-untyped-def]
    client.force_login(agent)
    page = client.get("/desk/").content.decode()
    assert 'class="visitor"' not in page and 'action="/desk/language/"' in page
