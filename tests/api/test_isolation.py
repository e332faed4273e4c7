"""For every operation of the schema: a token without its scope gets 403, and a contact of
company A gets 404 for company B's objects (or 403 where the operation is staff-only)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from asista.api.api import api
from asista.api.models import SCOPES
from tests.api.conftest import api_for, b64

pytestmark = pytest.mark.django_db

OPERATIONS = [
    (method.upper(), path, op)
    for path, item in api.get_openapi_schema()["paths"].items()
    for method, op in item.items()
]

# A valid body for each write, so that what answers is visibility, not validation.
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/tickets"): {"subject": "x", "text": "y"},
    ("POST", "/api/v1/tickets/{number}/assign"): {"assignee_id": 1},
    ("POST", "/api/v1/tickets/{number}/ask"): {"text": "Which version?"},
    ("POST", "/api/v1/tickets/{number}/resolve"): {"solution": "Reinstalled the driver."},
    ("POST", "/api/v1/tickets/{number}/reopen"): {"text": "Still broken."},
    ("POST", "/api/v1/tickets/{number}/cancel"): {"reason": "Duplicate."},
    ("POST", "/api/v1/tickets/{number}/reclassify"): {"priority": "high"},
    ("POST", "/api/v1/tickets/{number}/messages"): {
        "text": "Hello",
        "attachments": [{"filename": "a.txt", "content_type": "text/plain", "content_base64": b64(b"a")}],
    },
    ("POST", "/api/v1/tickets/{number}/notes"): {"text": "note"},
    ("POST", "/api/v1/tickets/{number}/time-entries"): {
        "kind": "assistance",
        "started_at": "2026-01-05T10:00:00+02:00",
        "minutes": 10,
    },
    ("POST", "/api/v1/customers"): {
        "name": "Nou SRL",
        "tax_id": "RO18547290",
        "city": "Brașov",
        "county": "RO-BV",
        "inside_brasov": True,
    },
    ("PATCH", "/api/v1/customers/{customer_id}"): {"phone": "0268 000 000"},
    ("POST", "/api/v1/customers/{customer_id}/contacts"): {"name": "Ion", "emails": ["ion@nou.example"]},
    ("POST", "/api/v1/customers/{customer_id}/contracts"): {
        "plan_id": 1,
        "starts_on": "2030-01-01",
        "status": "draft",
    },
    ("PATCH", "/api/v1/plans/{plan_id}"): {"name": "Expert"},
    ("POST", "/api/v1/webhooks"): {"url": "https://hooks.example/asista"},
}
QUERIES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/v1/customers/{customer_id}/statement"): {"year": 2026, "month": 1},
}
# Operations about no company's object: what a contact gets is their role's answer.
NO_OBJECT = {
    ("GET", "/api/v1/tickets"): 200,
    ("POST", "/api/v1/tickets"): 201,
    ("GET", "/api/v1/customers"): 200,
    ("POST", "/api/v1/customers"): 403,
    ("GET", "/api/v1/plans"): 200,
    ("GET", "/api/v1/plans/{plan_id}"): 200,
    ("PATCH", "/api/v1/plans/{plan_id}"): 403,
    ("GET", "/api/v1/invoices"): 200,
    ("POST", "/api/v1/mail/inbound"): 403,
    ("GET", "/api/v1/webhooks"): 403,
    ("POST", "/api/v1/webhooks"): 403,
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): 403,
}


def _url(path: str, company: Any, plan_id: int) -> str:
    values = {
        "number": company.ticket.number,
        "customer_id": company.customer.pk,
        "contact_id": company.contact.pk,
        "attachment_id": company.attachment.pk,
        "invoice_id": company.invoice.pk,
        "plan_id": plan_id,
        "webhook_id": 1,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def _call(client: Any, method: str, path: str, url: str) -> Any:
    body = BODIES.get((method, path))
    if method == "GET":
        return client.get(url, **QUERIES.get((method, path), {}))
    if method == "PATCH":
        return client.patch(url, body)
    if method == "DELETE":
        return client.delete(url)
    if path.endswith("/mail/inbound"):
        return client.post(url, b"From: a@b.example\r\n\r\nhi", content_type="message/rfc822")
    return client.post(url, body)


def test_every_operation_names_a_known_scope() -> None:
    assert OPERATIONS
    for method, path, op in OPERATIONS:
        assert op.get("x-scope") in SCOPES, (method, path)
        assert op.get("security"), (method, path)


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_a_token_without_the_scope_gets_403(
    method: str, path: str, op: Any, b: Any, administrator: Any, plans: Any
) -> None:
    others = tuple(scope for scope in SCOPES if scope != op["x-scope"])
    client = api_for(administrator, others)
    response = _call(client, method, path, _url(path, b, plans["expert"].pk))
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "missing_scope"


@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_a_contact_of_a_gets_404_for_the_objects_of_b(
    method: str, path: str, op: Any, a: Any, b: Any, plans: Any
) -> None:
    client = api_for(a.contact.user)
    response = _call(client, method, path, _url(path, b, plans["expert"].pk))
    expected = NO_OBJECT.get((method, path), 404)
    assert response.status_code == expected, (response.status_code, response.content)
    if expected >= 400:
        assert set(response.json()["error"]) == {"code", "message", "details"}


def test_lists_show_a_contact_only_their_company(a: Any, b: Any) -> None:
    client = api_for(a.contact.user)
    tickets = client.get("/tickets").json()["items"]
    assert [t["number"] for t in tickets] == [a.ticket.number]
    customers = client.get("/customers").json()["items"]
    assert [c["id"] for c in customers] == [a.customer.pk]
    invoices = client.get("/invoices").json()
    assert [i["id"] for i in invoices] == [a.invoice.pk]


def test_the_same_requests_reach_a_s_own_objects(a: Any, plans: Any) -> None:
    client = api_for(a.contact.user)
    for path in (
        "/tickets/{number}",
        "/tickets/{number}/messages",
        "/tickets/{number}/events",
        "/tickets/{number}/time-entries",
        "/attachments/{attachment_id}",
        "/customers/{customer_id}",
        "/customers/{customer_id}/contacts",
        "/customers/{customer_id}/contracts",
        "/contacts/{contact_id}",
        "/invoices/{invoice_id}",
        "/invoices/{invoice_id}/efactura.xml",
    ):
        response = client.get(_url("/api/v1" + path, a, plans["expert"].pk))
        assert response.status_code == 200, (path, response.content)
