"""Webhooks of ticket events, managed by administrators (global or for one customer)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from asista.api.auth import scoped
from asista.api.errors import ERRORS, not_found
from asista.api.models import Webhook
from asista.api.webhooks import EVENTS, webhook_create, webhooks_changed
from asista.core.clock import now as clock_now
from asista.core.errors import PermissionRefused
from asista.core.roles import is_administrator
from asista.customers.models import Customer

router = Router(tags=["webhooks"])


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    customer_id: int | None
    is_active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(..., description="The signing secret; shown only now.")


class WebhookIn(Schema):
    url: str = Field(..., min_length=8, max_length=500, description="An http(s) URL.")
    events: list[str] = Field(default_factory=lambda: list(EVENTS), description=", ".join(EVENTS))
    customer_id: int | None = Field(None, ge=1, le=2_147_483_647, description="Empty: every customer.")


def _admin(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise PermissionRefused("Only an administrator can manage webhooks.")


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS}, **scoped("webhooks:manage"))
def webhook_list(request: HttpRequest) -> Any:
    _admin(request)
    return list(Webhook.objects.order_by("id"))


@router.post("/webhooks", response={201: WebhookCreated, **ERRORS}, **scoped("webhooks:manage"))
def webhook_add(request: HttpRequest, payload: WebhookIn) -> Any:
    _admin(request)
    if payload.customer_id is not None and not Customer.objects.filter(pk=payload.customer_id).exists():
        raise not_found("customer")
    hook = webhook_create(
        url=payload.url,
        events=payload.events,
        customer_id=payload.customer_id,
        actor=request.user,
        now=clock_now(),
    )
    return Status(201, hook)


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS}, **scoped("webhooks:manage"))
def webhook_remove(request: HttpRequest, webhook_id: int = Path(..., ge=1, le=2_147_483_647)) -> Any:
    _admin(request)
    deleted, _ = Webhook.objects.filter(pk=webhook_id).delete()
    webhooks_changed()
    if not deleted:
        raise not_found("webhook")
    return Status(204, None)
