"""Tickets over the API: the whole workflow, refusals as 409 with the reason, lists and pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asista.mail.models import OutboundEmail
from asista.tickets.models import Ticket
from tests import factories
from tests.api.conftest import api_for, b64

pytestmark = pytest.mark.django_db


def test_a_contact_opens_a_request_for_their_company(a: Any) -> None:
    client = api_for(a.contact.user)
    response = client.post(
        "/tickets",
        {
            "subject": "Nu pot emite bonuri",
            "text": "Casa de marcat nu răspunde.",
            "attachments": [
                {"filename": "log.txt", "content_type": "text/plain", "content_base64": b64(b"ERR")}
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "new" and body["channel"] == "api" and body["customer_id"] == a.customer.pk
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.contact == a.contact
    assert ticket.messages.get().attachments.get().filename == "log.txt"
    assert OutboundEmail.objects.filter(ticket=ticket, template="acknowledgement").exists()


def test_the_whole_workflow_through_the_api(a: Any, dispatcher: Any, agent: Any) -> None:
    desk, customer = api_for(dispatcher), api_for(a.contact.user)
    number = a.ticket.number
    assert desk.post(f"/tickets/{number}/assign", {"assignee_id": agent.pk}).json()["state"] == "assigned"
    worker = api_for(agent)
    assert worker.post(f"/tickets/{number}/start").json()["state"] == "in_progress"
    assert worker.post(f"/tickets/{number}/ask", {"text": "Ce versiune?"}).json()["state"] == "waiting"
    reply = customer.post(f"/tickets/{number}/messages", {"text": "Versiunea 5.2"})
    assert reply.status_code == 201
    assert customer.get(f"/tickets/{number}").json()["state"] == "in_progress"
    assert (
        worker.post(f"/tickets/{number}/resolve", {"solution": "Actualizați."}).json()["state"] == "resolved"
    )
    assert (
        customer.post(f"/tickets/{number}/reopen", {"text": "Tot nu merge"}).json()["state"] == "in_progress"
    )
    worker.post(f"/tickets/{number}/resolve", {"solution": "Reinstalat."})
    assert customer.post(f"/tickets/{number}/accept").json()["state"] == "closed"
    kinds = [e["kind"] for e in worker.get(f"/tickets/{number}/events").json()]
    assert kinds[-3:] == ["reopened", "resolved", "accepted"]


def test_a_refused_transition_is_409_with_the_reason(a: Any, agent: Any) -> None:
    response = api_for(agent).post(f"/tickets/{a.ticket.number}/resolve", {"solution": "x"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and f"#{a.ticket.number}" in error["message"]


def test_a_refused_permission_is_403(a: Any, agent: Any) -> None:
    response = api_for(agent).post(f"/tickets/{a.ticket.number}/assign", {"assignee_id": agent.pk})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_invalid_input_is_422_in_the_same_format(a: Any) -> None:
    response = api_for(a.contact.user).post("/tickets", {"subject": ""})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["details"]


def test_notes_are_for_staff_and_messages_exclude_them(a: Any, agent: Any) -> None:
    staff, customer = api_for(agent), api_for(a.contact.user)
    assert [n["direction"] for n in staff.get(f"/tickets/{a.ticket.number}/notes").json()] == ["note"]
    assert customer.get(f"/tickets/{a.ticket.number}/notes").status_code == 403
    messages = customer.get(f"/tickets/{a.ticket.number}/messages").json()
    assert [m["direction"] for m in messages] == ["inbound"]
    attachment = messages[0]["attachments"][0]
    download = customer.client.get(attachment["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG fake"


def test_staff_log_time_and_contacts_cannot(a: Any, agent: Any) -> None:
    body = {"kind": "assistance", "started_at": "2026-03-02T10:00:00+02:00", "minutes": 31}
    created = api_for(agent).post(f"/tickets/{a.ticket.number}/time-entries", body)
    assert created.status_code == 201 and created.json()["minutes"] == 31
    assert api_for(a.contact.user).post(f"/tickets/{a.ticket.number}/time-entries", body).status_code == 403
    assert len(api_for(a.contact.user).get(f"/tickets/{a.ticket.number}/time-entries").json()) == 2


def test_the_list_filters_and_pages_with_a_cursor(a: Any, agent: Any) -> None:
    for n in range(5):
        factories.ticket(a.contact, subject=f"Raport {n}")
    client = api_for(agent)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "q": "Raport", "customer_id": a.customer.pk}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/tickets", **params).json()
        seen += [t["number"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    expected = list(
        Ticket.objects.filter(subject__startswith="Raport")
        .order_by("-created_at", "-id")
        .values_list("number", flat=True)
    )
    assert seen == expected and len(seen) == 5
    assert client.get("/tickets", state=["closed"]).json()["items"] == []
    assert client.get("/tickets", cursor="not-a-cursor").status_code == 422


def test_the_list_costs_the_same_queries_for_3_or_30_tickets(a: Any, agent: Any) -> None:
    client = api_for(agent)
    client.get("/tickets")  # warm up the token's last_used write

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/tickets", limit=100).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(27):
        factories.ticket(a.contact)
    assert count() == few <= 5
