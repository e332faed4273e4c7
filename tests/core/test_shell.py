"""The header every page shares: the language switch goes where the person's role saves it,
and the navigation says which section the page belongs to."""

from __future__ import annotations

import re

import pytest

from asista.core.context_processors import current_section
from asista.core.models import Profile
from tests import factories

pytestmark = pytest.mark.django_db


def _current(page: str) -> list[str]:
    """The links of the main navigation marked as the current page."""
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', page, re.S)
    assert nav is not None
    return re.findall(r'<a href="([^"]*)"[^>]*aria-current="page"', nav.group(1))


def test_an_agent_without_djangos_staff_flag_switches_the_desk_language(client, agent) -> None:  # type: ignore[no-untyped-def]
    type(agent).objects.filter(pk=agent.pk).update(is_staff=False)
    client.force_login(agent)
    page = client.get("/desk/").content.decode()
    assert '<form class="logout language-switch" method="post" action="/desk/language/"' in page
    response = client.post("/desk/language/", {"language": "en", "next": "/desk/"})
    assert response.status_code == 302
    assert Profile.objects.get(user=agent).language == "en"


def test_a_contact_switches_on_the_portal(client) -> None:  # type: ignore[no-untyped-def]
    person = factories.contact()
    client.force_login(person.user)
    page = client.get("/portal/").content.decode()
    assert 'action="/portal/language/"' in page


def test_the_desk_marks_its_section_on_every_page(client, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    client.force_login(dispatcher)
    assert _current(client.get("/desk/?view=all").content.decode()) == ["/desk/"]
    assert _current(client.get(f"/desk/t/{ticket.number}/").content.decode()) == ["/desk/"]
    assert _current(client.get("/desk/board/").content.decode()) == ["/desk/board/"]
    assert _current(client.get("/desk/call/").content.decode()) == ["/desk/call/"]


def test_reports_and_tokens_pages_keep_the_staff_navigation(client, dispatcher) -> None:  # type: ignore[no-untyped-def]
    client.force_login(dispatcher)
    assert _current(client.get("/reports/").content.decode()) == ["/reports/"]
    page = client.get("/api/tokens/").content.decode()
    assert _current(page) == ["/api/tokens/"] and '<a href="/desk/">' in page


def test_the_portal_marks_its_section(client) -> None:  # type: ignore[no-untyped-def]
    person = factories.contact()
    ticket = factories.ticket(person)
    client.force_login(person.user)
    assert _current(client.get("/portal/").content.decode()) == ["/portal/"]
    assert _current(client.get(f"/portal/tickets/{ticket.number}/").content.decode()) == ["/portal/tickets/"]
    assert _current(client.get("/portal/tickets/new/").content.decode()) == ["/portal/tickets/new/"]
    assert _current(client.get("/reports/mine/").content.decode()) == ["/reports/mine/"]


def test_the_current_page_is_styled_apart_from_the_others() -> None:
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "asista/core/static/asista/asista.css").read_text()
    assert ".top nav a[aria-current=page]{" in css


def test_the_longest_matching_section_is_the_only_one_marked() -> None:
    sections = ["/desk/", "/desk/call/", "/reports/"]
    assert current_section(sections, "/desk/call/write/") == "/desk/call/"
    assert current_section(sections, "/desk/callers/") == "/desk/"
    assert current_section(sections, "/portal/") == ""


@pytest.mark.django_db
def test_a_wrong_staff_login_names_what_the_page_asks_for(client) -> None:  # type: ignore[no-untyped-def]
    from tests import factories

    factories.staff("agent", username="andrei")
    page = client.post("/login/", {"username": "andrei", "password": "greșită"}).content.decode()
    assert "Adresa de email sau numele de utilizator, ori parola, nu sunt corecte." in page
    assert client.post("/login/", {"username": "andrei", "password": "pw"}).status_code == 302


def test_an_address_that_is_no_page_marks_no_section(client, dispatcher) -> None:  # type: ignore[no-untyped-def]
    client.force_login(dispatcher)
    response = client.get("/desk/nowhere/")
    assert response.status_code == 404 and '<a href="/desk/">' in response.content.decode()
    assert _current(response.content.decode()) == []
