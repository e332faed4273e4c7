"""Personal API tokens: create (the secret is returned once), revoke, authenticate."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from asista.api.models import SCOPES, ApiToken

TOKEN_PREFIX = "asista_"
# last_used_at is written at most this often, so reading the API does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough (no slow KDF needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_create(*, user: Any, name: str, scopes: Iterable[str], now: datetime) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the secret, which is never shown again."""
    wanted = sorted(set(scopes))
    unknown = [scope for scope in wanted if scope not in SCOPES]
    if unknown:
        raise ValidationError(_("Unknown scopes: %s") % ", ".join(unknown))
    if not wanted:
        raise ValidationError(_("Choose at least one scope."))
    name = " ".join(name.split())[:80]
    if not name:
        raise ValidationError(_("Give the token a name, to recognise it later."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=digest_of(secret),
        scopes=wanted,
        created_at=now,
    )
    return token, secret


def token_revoke(*, user: Any, token_id: int, now: datetime) -> bool:
    """Revoke one of `user`'s tokens; True when it was active. Other users' tokens are untouched."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=now)
    )


def token_authenticate(secret: str, *, now: datetime) -> ApiToken | None:
    """The active token with this secret (its user loaded), or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
