"""Logging a remote session from the ticket page (DOMAIN.md §1)."""

from __future__ import annotations

import pytest

from asista.billing.models import RemoteSession, TimeEntry
from asista.core.models import Profile
from asista.tickets import workflow
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY, SATURDAY = "2026-11-23", "2026-11-21"


@pytest.fixture
def ticket(dispatcher, agent):  # type: ignore[no-untyped-def]
    found = factories.ticket()
    workflow.ticket_assign(found, actor=dispatcher, assignee=agent)
    workflow.ticket_start(found, actor=agent)
    for user in (dispatcher, agent):
        Profile.objects.create(user=user, language="en")
    return found


def _session(day: str, starts: str, ends: str, note: str = "Driver reinstalled") -> dict[str, str]:
    return {
        "remote-tool": "anydesk",
        "remote-day": day,
        "remote-starts": starts,
        "remote-ends": ends,
        "remote-note": note,
    }


def test_the_assignee_logs_a_session_and_sees_it_on_the_timeline(client, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    page = client.get(f"/desk/t/{ticket.number}/").content.decode()
    assert 'id="act-remote"' in page and "Log a remote session" in page
    response = client.post(
        f"/desk/t/{ticket.number}/remote/", _session(MONDAY, "09:00", "09:45"), follow=True
    )
    assert response.redirect_chain[-1][0] == f"/desk/t/{ticket.number}/"
    body = response.content.decode()
    assert "Remote session logged: 45 minutes of assistance." in body
    assert "remote session (AnyDesk)" in body and "Driver reinstalled" in body
    assert "23 Nov 2026 09:00" in body and "09:45" in body
    session = RemoteSession.objects.get(ticket=ticket)
    assert (session.agent, session.time_entry.kind, session.time_entry.minutes) == (agent, "assistance", 45)


def test_a_dispatcher_may_log_one_for_the_agent(client, dispatcher, ticket):  # type: ignore[no-untyped-def]
    client.force_login(dispatcher)
    assert (
        client.post(f"/desk/t/{ticket.number}/remote/", _session(MONDAY, "16:00", "16:30")).status_code == 302
    )
    assert RemoteSession.objects.get(ticket=ticket).agent == dispatcher


@pytest.mark.parametrize(
    ("day", "starts", "ends", "reason"),
    [
        (MONDAY, "08:29", "09:00", "Monday to Friday, 08:30–16:30 Bucharest time"),
        (MONDAY, "16:00", "16:31", "Monday to Friday, 08:30–16:30 Bucharest time"),
        (SATURDAY, "10:00", "11:00", "Monday to Friday, 08:30–16:30 Bucharest time"),
        (MONDAY, "11:00", "10:00", "A remote session must end after it starts."),
    ],
)
def test_a_refused_session_says_why_and_keeps_what_was_typed(
    client, agent, ticket, day, starts, ends, reason
):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    response = client.post(f"/desk/t/{ticket.number}/remote/", _session(day, starts, ends, "Notă păstrată"))
    assert response.status_code == 400
    body = response.content.decode()
    assert reason in body
    assert 'id="act-remote" open' in body
    assert "Notă păstrată" in body and f'value="{starts}"' in body and f'value="{day}"' in body
    assert not RemoteSession.objects.exists() and not TimeEntry.objects.exists()


def test_a_missing_end_is_shown_next_to_the_field(client, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    data = _session(MONDAY, "09:00", "")
    response = client.post(f"/desk/t/{ticket.number}/remote/", data)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not RemoteSession.objects.exists()


def test_another_agent_neither_sees_the_form_nor_can_log(client, ticket):  # type: ignore[no-untyped-def]
    other = factories.staff("agent")
    Profile.objects.create(user=other, language="en")
    client.force_login(other)
    assert 'id="act-remote"' not in client.get(f"/desk/t/{ticket.number}/").content.decode()
    response = client.post(f"/desk/t/{ticket.number}/remote/", _session(MONDAY, "09:00", "09:30"))
    assert response.status_code == 400
    assert "Only the assignee" in response.content.decode()
    assert not RemoteSession.objects.exists()
