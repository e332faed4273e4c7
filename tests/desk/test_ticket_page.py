from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from asista.billing.models import TimeEntry
from asista.tickets import workflow
from asista.tickets.attachments import NewAttachment
from asista.tickets.models import State
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():  # type: ignore[no-untyped-def]
    return factories.ticket(
        attachments=[
            NewAttachment("ecran.png", "image/png", b"\x89PNG fake"),
            NewAttachment("pagina.html", "text/html", b"<script>alert(1)</script>"),
        ]
    )


def test_an_agent_cannot_assign(client, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    page = client.get(f"/desk/t/{ticket.number}/").content.decode()
    assert f"/desk/t/{ticket.number}/assign/" not in page
    response = client.post(f"/desk/t/{ticket.number}/assign/", {"assign-assignee": agent.pk})
    assert response.status_code == 400
    assert "dispecer" in response.content.decode() or "dispatcher" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.NEW and ticket.assignee is None


def test_a_dispatcher_assigns_and_the_agent_starts(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(dispatcher)
    response = client.post(f"/desk/t/{ticket.number}/assign/", {"assign-assignee": agent.pk})
    assert response.status_code == 302
    client.force_login(agent)
    assert client.post(f"/desk/t/{ticket.number}/start/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS


def test_a_refusal_says_why_and_keeps_the_text(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    client.force_login(agent)
    response = client.post(f"/desk/t/{ticket.number}/resolve/", {"resolve-text": "Soluția mea lungă"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Soluția mea lungă" in body
    assert "start it first" in body or "începe" in body.lower() or "#" in body


def test_logging_time_previews_and_records_units(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    client.force_login(agent)
    preview = client.get(f"/desk/t/{ticket.number}/units/?time-minutes=40").content.decode()
    assert "40" in preview and "2" in preview
    response = client.post(
        f"/desk/t/{ticket.number}/time/", {"time-minutes": "40", "time-kind": "assistance"}
    )
    assert response.status_code == 302
    assert TimeEntry.objects.get(ticket=ticket).minutes == 40


def test_images_show_inline_and_other_files_download(client, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    image, page = ticket.messages.first().attachments.order_by("id")
    shown = client.get(f"/desk/file/{image.pk}/")
    assert shown["Content-Type"] == "image/png"
    assert not shown["Content-Disposition"].startswith("attachment")
    download = client.get(f"/desk/file/{page.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/octet-stream"


def test_the_page_shows_timeline_and_customer_card(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_add_note(ticket, actor=agent, text="Notă internă")
    client.force_login(agent)
    page = client.get(f"/desk/t/{ticket.number}/").content.decode()
    assert "Notă internă" in page
    assert ticket.customer.name in page
    assert "ecran.png" in page


def test_blocked_files_are_refused_with_the_reason(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        f"/desk/t/{ticket.number}/note/", {"note-text": "Vezi fișierul", "note-attachments": upload}
    )
    assert response.status_code == 400
    assert "virus.exe" in response.content.decode()
    assert "Vezi fișierul" in response.content.decode()


def test_the_ticket_page_reads_in_a_bounded_number_of_queries(
    client, agent, ticket, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    for i in range(10):
        workflow.ticket_add_note(ticket, actor=agent, text=f"notă {i}")
    with django_assert_max_num_queries(30):
        assert client.get(f"/desk/t/{ticket.number}/").status_code == 200
