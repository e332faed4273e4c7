"""Staff choose the desk's language in the header; it is read once per session."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asista.core.models import Profile
from tests import factories

pytestmark = pytest.mark.django_db


def _preference_queries(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The queries of one page that read a language preference (contact or profile)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "core_profile" in q["sql"]]


def test_a_staff_member_without_a_profile_switches_to_english(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    page = client.get("/desk/?view=all").content.decode()
    assert '<html lang="ro">' in page and ">Coada de tichete<" in page
    response = client.post("/desk/language/", {"language": "en", "next": "/desk/?view=all"})
    assert (response.status_code, response["Location"]) == (302, "/desk/?view=all")
    assert Profile.objects.get(user=agent).language == "en"
    page = client.get("/desk/?view=all").content.decode()
    assert '<html lang="en">' in page and ">Queue<" in page


def test_the_preference_costs_one_query_per_session_then_none(client, agent):  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    client.force_login(agent)
    assert len(_preference_queries(client, "/desk/")) == 1
    assert _preference_queries(client, "/desk/") == []
    assert '<html lang="en">' in client.get("/desk/").content.decode()


def test_the_login_page_keeps_the_preference_so_the_first_page_reads_none(client, agent):  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    assert client.post("/login/", {"username": agent.username, "password": "pw"}).status_code == 302
    assert _preference_queries(client, "/desk/") == []
    assert '<html lang="en">' in client.get("/desk/").content.decode()


def test_another_session_of_a_new_login_reads_the_saved_preference(client, agent):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    client.post("/desk/language/", {"language": "en", "next": "/desk/"})
    client.logout()
    client.force_login(agent)
    assert '<html lang="en">' in client.get("/desk/").content.decode()


def test_the_queue_shows_due_times_in_the_active_language(client, dispatcher):  # type: ignore[no-untyped-def]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from asista.tickets.models import Ticket

    ticket = factories.ticket()
    due = datetime(2030, 1, 7, 14, 30, tzinfo=ZoneInfo("Europe/Bucharest"))
    Ticket.objects.filter(pk=ticket.pk).update(due_at=due)
    client.force_login(dispatcher)
    assert "07.01.2030, 14:30" in client.get("/desk/?view=all").content.decode()
    client.post("/desk/language/", {"language": "en"})
    assert "07 Jan 2030, 14:30" in client.get("/desk/?view=all").content.decode()


def test_a_contact_cannot_use_the_desks_switch(client):  # type: ignore[no-untyped-def]
    person = factories.contact()
    client.force_login(person.user)
    assert client.post("/desk/language/", {"language": "en"}).status_code == 404
    person.refresh_from_db()
    assert person.language == "ro"
