"""Fixtures of the API tests: two companies with one of everything each, and tokens."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from asista.api.models import SCOPES
from asista.api.tokens import token_create
from asista.tickets import workflow
from asista.tickets.attachments import NewAttachment
from tests import factories

ALL_SCOPES = tuple(SCOPES)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Users are made by the dozen here; PBKDF2 at full strength would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _huey_immediate() -> Any:
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class Api:
    """A test client speaking to /api/v1 with one token."""

    def __init__(self, secret: str) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {secret}"})
        self.secret = secret

    def _url(self, path: str) -> str:
        return path if path.startswith("/api/") else f"/api/v1{path}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(self._url(path), params)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        if "content_type" in kw:
            return self.client.post(self._url(path), body, **kw)
        return self.client.post(self._url(path), body or {}, content_type="application/json")

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(self._url(path), body, content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(self._url(path))


def api_for(user: Any, scopes: tuple[str, ...] = ALL_SCOPES) -> Api:
    _, secret = token_create(user=user, name="test", scopes=scopes, now=timezone.now())
    return Api(secret)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass
class Company:
    customer: Any
    contact: Any
    ticket: Any
    attachment: Any
    time_entry: Any
    invoice: Any
    contract: Any


def issued_invoice(customer: Any) -> Any:
    """An issued invoice row, written directly (issuing is billing's business, tested there)."""
    from asista.billing.models import Invoice

    return Invoice.objects.create(
        customer=customer,
        status=Invoice.Status.ISSUED,
        year=2026,
        month=1,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        number=customer.pk,
        full_number=f"AS{customer.pk:06d}",
        issue_date=date(2026, 2, 2),
        bnr_rate=Decimal("5.0900"),
        rate=Decimal("5.1918"),
        efactura_xml="<Invoice/>",
    )


def company(agent: Any) -> Company:
    from asista.billing.services import time_entry_log

    customer = factories.customer()
    contact = factories.contact(customer)
    ticket = factories.ticket(
        contact,
        attachments=[NewAttachment("eroare.png", "image/png", b"\x89PNG fake")],
    )
    attachment = ticket.messages.get().attachments.get()
    workflow.ticket_add_note(ticket, actor=agent, text="Internal: check the printer driver.")
    entry = time_entry_log(
        ticket=ticket,
        agent=agent,
        kind="assistance",
        started_at=timezone.now() - timedelta(hours=1),
        minutes=20,
    )
    return Company(
        customer,
        contact,
        ticket,
        attachment,
        entry,
        issued_invoice(customer),
        customer.contracts.get(),
    )


@pytest.fixture
def a(db: Any, agent: Any) -> Company:
    return company(agent)


@pytest.fixture
def b(db: Any, agent: Any) -> Company:
    return company(agent)
