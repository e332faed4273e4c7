"""Bearer-token authentication with scopes and a rate limit per token.

Each operation names the scope it needs (`**scoped("tickets:read")`); the check runs before the
request body is parsed, so a token without the scope gets 403 whatever it sends.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from asista.api.errors import ApiError
from asista.api.models import ApiToken
from asista.api.tokens import token_authenticate
from asista.core.clock import now as clock_now

DEFAULT_RATE_LIMIT = 1200  # requests per minute per token


def rate_limit() -> int:
    return int(getattr(settings, "ASISTA_API_RATE_LIMIT", DEFAULT_RATE_LIMIT))


def rate_check(token: ApiToken, *, at: float | None = None) -> None:
    """A fixed one-minute window per token in Django's cache (shared when the cache is Redis)."""
    limit = rate_limit()
    if limit <= 0:
        return
    at = time.time() if at is None else at
    window = int(at // 60)
    key = f"asista:api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        used = 1
    if used > limit:
        retry = str(int(60 - at % 60) + 1)
        raise ApiError(
            429,
            "rate_limited",
            f"More than {limit} requests a minute with this token.",
            headers={"Retry-After": retry},
        )


class TokenAuth(HttpBearer):
    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token, now=clock_now())
        if found is None:
            return None
        if self.scope not in found.scopes:
            raise ApiError(403, "missing_scope", f"This token lacks the scope {self.scope!r}.")
        rate_check(found)
        request.user = found.user
        return found


def scoped(scope: str) -> dict[str, Any]:
    """Keyword arguments of a router decorator: the token auth for `scope`, and the scope documented."""
    return {"auth": TokenAuth(scope), "openapi_extra": {"x-scope": scope}}
