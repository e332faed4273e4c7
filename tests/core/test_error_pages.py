"""Error pages speak the visitor's language, look like the rest of Asista and lead back.

Django's own pages are English and unstyled; these tests run with DEBUG off, as in service.
"""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import Client

from asista.core.models import Profile
from tests import factories


@pytest.fixture(autouse=True)
def _as_in_service(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.core.urls_errors"


def _page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


@pytest.mark.django_db
def test_an_unknown_address_is_not_found_in_romanian_with_a_way_to_log_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/nu-exista/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    page = _page(response)
    assert response.status_code == 404
    assert '<html lang="ro">' in page
    assert '<h1 id="error-title">Pagina nu a fost găsită</h1>' in page
    assert '<a class="button" href="/login/">Autentificare</a>' in page
    assert 'href="/static/asista/asista.css"' in page


@pytest.mark.django_db
def test_staff_are_led_back_to_the_queue_in_their_language(client, agent) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    client.force_login(agent)
    page = _page(client.get("/desk/t/999999/"))
    assert '<html lang="en">' in page and "Page not found" in page
    assert '<a class="button" href="/desk/">Back to the queue</a>' in page


@pytest.mark.django_db
def test_a_contact_is_led_back_to_the_portal(client) -> None:  # type: ignore[no-untyped-def]
    person = factories.contact()
    client.force_login(person.user)
    response = client.get("/portal/tickets/999999/")
    assert response.status_code == 404
    assert '<a class="button" href="/portal/">Înapoi la portalul de asistență</a>' in _page(response)


@pytest.mark.django_db
def test_a_refused_permission_says_so_in_romanian(client, agent) -> None:  # type: ignore[no-untyped-def]
    client.force_login(agent)
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    assert "Nu aveți acces" in _page(response) and 'href="/desk/"' in _page(response)


@pytest.mark.django_db
def test_an_expired_form_is_explained_with_a_way_back() -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "x", "password": "y"})
    page = _page(response)
    assert response.status_code == 403
    assert "Formularul a expirat" in page and "CSRF verification failed" not in page
    assert '<a class="button" href="/login/">Autentificare</a>' in page


@pytest.mark.django_db
def test_a_bad_request_is_answered_in_romanian() -> None:
    response = Client().get("/test-errors/suspicious/")
    page = _page(response)
    assert response.status_code == 400
    assert '<html lang="ro">' in page and "Nu am putut înțelege această cerere" in page
    assert '<a class="button" href="/">' in page


@pytest.mark.django_db
def test_a_bug_shows_the_styled_500_page_in_the_users_language(agent) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    response = client.get("/test-errors/boom/")
    page = _page(response)
    assert response.status_code == 500
    assert '<html lang="en">' in page and "Something went wrong on our side" in page
    assert '<a class="button" href="/">Go to the start page</a>' in page
    assert "RuntimeError" not in page and "a bug" not in page


def test_the_500_page_renders_with_an_empty_context_and_no_database() -> None:
    """No django_db mark: any query here fails the test, as a broken database would."""
    from django.utils import translation

    with translation.override("ro"):
        page = loader.get_template("500.html").render()
    assert "A apărut o eroare la noi" in page and 'href="/"' in page
