"""schemathesis against the OpenAPI schema: bounded examples, no 5xx, every answer matches the schema.

Run with more examples: SCHEMATHESIS_EXAMPLES=200 pytest tests/api/test_schema_fuzz.py
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis import checks

from asista.api.tokens import token_create
from tests import factories
from tests.api.conftest import ALL_SCOPES

# Schema-valid input may still break a rule the schema cannot express (a CUI check digit, an opaque
# cursor), so "positive data acceptance" is not asked; what is asked: no 5xx, and every response
# (status, content type, headers, body) as documented.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))


@schemathesis.serializer("message/rfc822")
def _raw_mail(ctx: Any, value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """schemathesis calls the WSGI app directly, and Django closes the database connection at the
    end of every request — on PostgreSQL that would end the test's transaction. Django's own test
    client does the same disconnecting."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: Any, administrator: Any) -> str:
    # Something for the fuzzer to find: ticket #1.. of a company with a contact.
    contact = factories.contact()
    factories.ticket(contact)
    return token_create(user=administrator, name="fuzz", scopes=ALL_SCOPES, now=timezone.now())[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_never_fails_and_matches_its_schema(case: Any, token: str, settings: Any) -> None:
    settings.ASISTA_API_RATE_LIMIT = 0
    # Each request in its own savepoint, as each is its own transaction in service: a statement
    # PostgreSQL refuses must not poison the requests after it.
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
