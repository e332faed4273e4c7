"""Personal API tokens: hashed, shown once, scoped, revocable, rate limited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from asista.api.models import ApiToken
from asista.api.tokens import digest_of, token_authenticate, token_create, token_revoke
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


def test_it_stores_only_the_digest_of_the_secret(agent: Any) -> None:
    token, secret = token_create(user=agent, name="CI", scopes=["tickets:read"], now=timezone.now())
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("asista_") and secret not in str(stored.__dict__)
    assert stored.digest == digest_of(secret) and secret.startswith(stored.prefix)


def test_it_refuses_unknown_scopes_and_empty_names(agent: Any) -> None:
    with pytest.raises(ValidationError):
        token_create(user=agent, name="x", scopes=["everything"], now=timezone.now())
    with pytest.raises(ValidationError):
        token_create(user=agent, name="  ", scopes=["tickets:read"], now=timezone.now())


def test_a_revoked_token_no_longer_authenticates(agent: Any, dispatcher: Any) -> None:
    now = timezone.now()
    token, secret = token_create(user=agent, name="x", scopes=["tickets:read"], now=now)
    assert not token_revoke(user=dispatcher, token_id=token.pk, now=now)  # not theirs
    assert token_authenticate(secret, now=now) is not None
    assert token_revoke(user=agent, token_id=token.pk, now=now)
    assert token_authenticate(secret, now=now) is None
    assert Api(secret).get("/tickets").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(agent: Any) -> None:
    now = timezone.now()
    token, secret = token_create(user=agent, name="x", scopes=["tickets:read"], now=now)
    token_authenticate(secret, now=now)
    token_authenticate(secret, now=now + timedelta(seconds=30))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now
    token_authenticate(secret, now=now + timedelta(seconds=61))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now + timedelta(seconds=61)


def test_a_token_over_its_rate_limit_gets_429(agent: Any, settings: Any) -> None:
    settings.ASISTA_API_RATE_LIMIT = 3
    _, secret = token_create(user=agent, name="x", scopes=["tickets:read"], now=timezone.now())
    api = Api(secret)
    codes = [api.get("/tickets").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = api.get("/tickets")
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited["Retry-After"]) >= 1
    _, other = token_create(user=agent, name="y", scopes=["tickets:read"], now=timezone.now())
    assert Api(other).get("/tickets").status_code == 200  # the limit is per token


def test_no_token_is_401_in_the_error_format(db: Any) -> None:
    response = Client().get("/api/v1/tickets")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthenticated"


def test_the_tokens_page_shows_the_secret_once_and_revokes(agent: Any) -> None:
    client = Client()
    client.force_login(agent)
    page = client.post("/api/tokens/", {"name": "Zapier", "scopes": ["tickets:read", "tickets:write"]})
    token = ApiToken.objects.get(user=agent)
    assert page.status_code == 200 and token.prefix in page.content.decode()
    secret = page.content.decode().split('<code id="new-token">')[1].split("<")[0]
    assert token_authenticate(secret, now=timezone.now()) is not None
    assert 'id="new-token"' not in client.get("/api/tokens/").content.decode()
    client.post("/api/tokens/", {"revoke": token.pk})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_the_tokens_page_needs_a_login(db: Any) -> None:
    assert Client().get("/api/tokens/").status_code == 302


def test_what_a_read_and_a_list_cost_in_queries_for_staff_and_contacts(agent: Any) -> None:
    from django.db import connection

    from tests import factories

    contact = factories.contact()
    number = factories.ticket(contact).number
    # The token with its user; the user's roles; a contact's company (for a contact only); the
    # ticket or the page; for a page, its customers' names. No session is read or written.
    for user, extra in ((agent, 0), (contact.user, 1)):
        _, secret = token_create(user=user, name="t", scopes=["tickets:read"], now=timezone.now())
        client = Api(secret)
        client.get("/tickets")  # the token's last_used_at is written once a minute
        for path, cost in (("/tickets", 4), (f"/tickets/{number}", 3)):
            queries: list[str] = []

            def record(execute: Any, sql: str, *args: Any, into: list[str] = queries) -> Any:
                into.append(sql)
                return execute(sql, *args)

            with connection.execute_wrapper(record):
                assert client.get(path).status_code == 200
            assert len(queries) == cost + extra, (user, path, queries)
