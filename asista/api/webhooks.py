"""Webhooks: the workflow calls `webhook_event` inside its transaction; a job delivers.

Deliveries are rows (an outbox) written with the change, so an event is neither lost when the
transaction commits nor sent when it rolls back. Each POST carries
`X-Asista-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's secret>`
and is retried with exponential backoff until it gets a 2xx or runs out of attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q

from asista.api.models import Webhook, WebhookDelivery

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10
# A delivery claimed longer ago than this belongs to a worker that died; it is claimed again.
STALE_CLAIM = timedelta(minutes=5)
EVENTS = Webhook.EVENTS


def new_secret() -> str:
    return secrets.token_hex(24)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (and the tests): recompute the signature and compare in constant time."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        expected = sign(secret, int(parts.get("t", "")), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, header)


def _payload(ticket: Any, kind: str, now: datetime) -> dict[str, Any]:
    return {
        "event": kind,
        "occurred_at": now.isoformat(),
        "ticket": {
            "number": ticket.number,
            "subject": ticket.subject,
            "state": ticket.state,
            "kind": ticket.kind,
            "priority": ticket.priority,
            "customer_id": ticket.customer_id,
            "assignee_id": ticket.assignee_id,
            "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
        },
    }


# Workflow event kinds that have their own webhook event; every other transition is an update.
WORKFLOW_KINDS = {"created": "ticket.created", "resolved": "ticket.resolved"}
ACTIVE_KEY = "asista:webhooks-active"
ACTIVE_TTL = 30  # seconds a new webhook may wait before a process that cached "none" sees it


def webhooks_changed() -> None:
    """Call after adding, removing or (de)activating a webhook."""
    cache.delete(ACTIVE_KEY)


def _any_active() -> bool:
    """Without webhooks (the usual case) a transition pays no query for them."""
    active = cache.get(ACTIVE_KEY)
    if active is None:
        active = Webhook.objects.filter(is_active=True).exists()
        cache.set(ACTIVE_KEY, active, ACTIVE_TTL)
    return bool(active)


def webhook_event(ticket: Any, kind: str, now: datetime) -> int:
    """Queue an event for every webhook of the ticket's customer and every global one.

    `kind` is a webhook event ("ticket.created", "ticket.updated", "ticket.resolved") or a workflow
    Event kind ("created", "assigned", "resolved", ...), mapped to one. Call inside the
    transaction of the change; returns how many deliveries were queued.
    """
    if not kind.startswith("ticket."):
        kind = WORKFLOW_KINDS.get(kind, "ticket.updated")
    if not _any_active():
        return 0
    hooks = [
        hook
        for hook in Webhook.objects.filter(is_active=True).filter(
            Q(customer__isnull=True) | Q(customer_id=ticket.customer_id)
        )
        if kind in hook.events
    ]
    if not hooks:
        return 0
    payload = json.loads(json.dumps(_payload(ticket, kind, now), cls=DjangoJSONEncoder))
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(webhook=hook, event=kind, payload=payload, next_attempt_at=now, created_at=now)
            for hook in hooks
        ]
    )
    from asista.jobs import deliveries_kick

    deliveries_kick()
    return len(hooks)


def webhook_create(
    *, url: str, events: list[str], customer_id: int | None, actor: Any, now: datetime
) -> Webhook:
    from django.core.exceptions import ValidationError

    unknown = sorted(set(events) - set(EVENTS))
    if unknown or not events:
        raise ValidationError(f"Events must be among {', '.join(EVENTS)}.")
    hook = Webhook(
        url=url,
        events=sorted(set(events)),
        customer_id=customer_id,
        secret=new_secret(),
        created_by=actor,
        created_at=now,
    )
    hook.full_clean()
    hook.save()
    webhooks_changed()
    return hook


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def _claim(delivery_id: int, now: datetime) -> bool:
    """Claim one due delivery with a conditional UPDATE, so two workers never send it both."""
    due = Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookDelivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return bool(
        WebhookDelivery.objects.filter(due, pk=delivery_id).update(
            status=WebhookDelivery.Status.SENDING, claimed_at=now
        )
    )


def _post(delivery: WebhookDelivery, now: datetime) -> int:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    stamp = int(now.timestamp())
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Asista-Webhook/1",
            "X-Asista-Event": delivery.event,
            "X-Asista-Delivery": str(delivery.pk),
            "X-Asista-Signature": sign(delivery.webhook.secret, stamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return int(response.status)


def webhook_deliver(delivery_id: int, *, now: datetime) -> bool:
    """Send one delivery if it is due and nobody else holds it; True when it was sent."""
    if not _claim(delivery_id, now):
        return False
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    delivery.attempts += 1
    try:
        status = _post(delivery, now)
        error = ""
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        status, error = 0, f"{type(exc).__name__}: {exc}"
    delivery.response_status = status or None
    if not error and 200 <= status < 300:
        delivery.status, delivery.sent_at, delivery.last_error = WebhookDelivery.Status.SENT, now, ""
    else:
        delivery.last_error = error or f"HTTP {status}"
        failed = delivery.attempts >= MAX_ATTEMPTS
        delivery.status = WebhookDelivery.Status.FAILED if failed else WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = now + _backoff(delivery.attempts)
        log.warning(
            "webhook delivery %s failed (%s): %s", delivery.pk, delivery.attempts, delivery.last_error
        )
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.SENDING).update(
            status=delivery.status,
            attempts=delivery.attempts,
            sent_at=delivery.sent_at,
            next_attempt_at=delivery.next_attempt_at,
            response_status=delivery.response_status,
            last_error=delivery.last_error,
        )
    return delivery.status == WebhookDelivery.Status.SENT


def webhooks_deliver_due(*, now: datetime, limit: int = 200) -> int:
    """Send every due delivery (and those a dead worker left claimed); returns how many were sent."""
    due = Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookDelivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    ids = list(
        WebhookDelivery.objects.filter(due)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(webhook_deliver(pk, now=now) for pk in ids)
