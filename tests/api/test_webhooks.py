"""Webhooks: queued with the change, signed with HMAC-SHA256, retried, claimed once."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from asista.api.models import Webhook, WebhookDelivery
from asista.api.webhooks import verify, webhook_create, webhook_deliver, webhook_event, webhooks_deliver_due
from tests import factories
from tests.api.conftest import api_for

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers), body))
            self.send_response(state.statuses.pop(0) if state.statuses else 204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def hook(url: str, customer: Any = None) -> Webhook:
    return webhook_create(
        url=url,
        events=list(Webhook.EVENTS),
        customer_id=customer and customer.pk,
        actor=None,
        now=timezone.now(),
    )


def test_an_event_is_signed_and_delivered_once(receiver: Any, a: Any) -> None:
    state, url = receiver
    secret = hook(url).secret
    now = timezone.now()
    assert webhook_event(a.ticket, "ticket.updated", now) == 1
    assert webhooks_deliver_due(now=now) == 1
    assert webhooks_deliver_due(now=now) == 0
    headers, body = state.requests[0]
    assert headers["X-Asista-Event"] == "ticket.updated"
    assert verify(secret, headers["X-Asista-Signature"], body)
    assert not verify("other", headers["X-Asista-Signature"], body)
    assert b'"number":%d' % a.ticket.number in body


def test_a_customer_s_webhook_hears_only_its_tickets(receiver: Any, a: Any, b: Any) -> None:
    _, url = receiver
    hook(url, customer=a.customer)
    now = timezone.now()
    assert webhook_event(b.ticket, "ticket.created", now) == 0
    assert webhook_event(a.ticket, "ticket.created", now) == 1


def test_a_failed_delivery_is_retried_with_backoff_then_sent(receiver: Any, a: Any) -> None:
    state, url = receiver
    state.statuses = [500]
    hook(url)
    now = timezone.now()
    webhook_event(a.ticket, "ticket.resolved", now)
    assert webhooks_deliver_due(now=now) == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.next_attempt_at > now
    assert webhooks_deliver_due(now=now + timedelta(seconds=5)) == 0  # not due yet
    assert webhooks_deliver_due(now=now + timedelta(minutes=1)) == 1
    assert WebhookDelivery.objects.get().status == "sent" and len(state.requests) == 2


def test_a_delivery_claimed_by_a_dead_worker_is_claimed_again(receiver: Any, a: Any) -> None:
    _, url = receiver
    hook(url)
    now = timezone.now()
    webhook_event(a.ticket, "ticket.updated", now)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=now)
    assert not webhook_deliver(delivery.pk, now=now + timedelta(minutes=1))  # held by a live worker
    assert webhook_deliver(delivery.pk, now=now + timedelta(minutes=6))


def test_an_unreachable_endpoint_fails_after_the_last_attempt(a: Any) -> None:
    hook("http://127.0.0.1:9/nothing-listens")
    now = timezone.now()
    webhook_event(a.ticket, "ticket.updated", now)
    for hours in range(0, 200, 6):
        webhooks_deliver_due(now=now + timedelta(hours=hours))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 8 and delivery.last_error


def test_administrators_manage_webhooks_over_the_api(administrator: Any, agent: Any, a: Any) -> None:
    admin = api_for(administrator)
    created = admin.post("/webhooks", {"url": "https://hooks.example/x", "customer_id": a.customer.pk})
    assert created.status_code == 201 and len(created.json()["secret"]) == 48
    assert "secret" not in admin.get("/webhooks").json()[0]
    assert api_for(agent).get("/webhooks").status_code == 403
    assert (
        admin.post("/webhooks", {"url": "https://x.example", "events": ["ticket.deleted"]}).status_code == 422
    )
    assert admin.delete(f"/webhooks/{created.json()['id']}").status_code == 204
    assert admin.delete(f"/webhooks/{created.json()['id']}").status_code == 404


def test_no_webhook_means_no_rows(a: Any) -> None:
    assert webhook_event(factories.ticket(a.contact), "ticket.created", timezone.now()) == 0
    assert not WebhookDelivery.objects.exists()


def test_the_workflow_queues_created_updated_and_resolved(a: Any, dispatcher: Any, agent: Any) -> None:
    hook("https://hooks.example/all")
    ticket = factories.ticket(a.contact)
    from asista.tickets import workflow

    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_start(ticket, actor=agent)
    workflow.ticket_resolve(ticket, actor=agent, solution="Gata.")
    events = list(WebhookDelivery.objects.order_by("id").values_list("event", "payload__ticket__state"))
    assert events == [
        ("ticket.created", "new"),
        ("ticket.updated", "assigned"),
        ("ticket.updated", "in_progress"),
        ("ticket.resolved", "resolved"),
    ]
