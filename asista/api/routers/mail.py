"""The inbound-mail endpoint: an MTA or a mail relay POSTs the raw message (RFC 5322 bytes)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from asista.api.auth import scoped
from asista.api.common import after_write
from asista.api.errors import ERRORS, ApiError, Error
from asista.core.clock import now as clock_now
from asista.core.errors import PermissionRefused
from asista.core.roles import is_staff_member

router = Router(tags=["mail"])
MAX_RAW_BYTES = 40 * 1024 * 1024


class IngestOut(Schema):
    status: str
    raw_id: int | None = None
    ticket_number: int | None = None
    message_id: int | None = None
    duplicate: bool = False


def _describe(result: Any) -> dict[str, Any]:
    """Whatever `mail_ingest` returns (a row or a result object), reduced to the public fields."""
    raw = getattr(result, "raw", None)
    ticket = getattr(result, "ticket", None)
    message = getattr(result, "message", None)
    status = getattr(result, "status", None) or getattr(raw, "status", None) or "received"
    return {
        "status": str(status),
        "raw_id": getattr(result, "raw_id", None) or getattr(raw, "pk", None),
        "ticket_number": getattr(ticket, "number", None),
        "message_id": getattr(message, "pk", None),
        "duplicate": bool(getattr(result, "duplicate", False)),
    }


@router.post(
    "/mail/inbound",
    response={202: IngestOut, 501: Error, **ERRORS},
    auth=scoped("mail:write")["auth"],
    openapi_extra={
        "x-scope": "mail:write",
        "requestBody": {
            "required": True,
            "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
        },
    },
)
def mail_inbound(request: HttpRequest) -> Any:
    """Store and process one raw email exactly like one from IMAP or the MTA pipe (idempotent:
    the same bytes twice are stored once)."""
    if not is_staff_member(request.user):
        raise PermissionRefused("Only a support-team token may deliver mail.")
    raw = request.body
    if not raw.strip():
        raise ApiError(422, "invalid", "The body must be the raw message.")
    if len(raw) > MAX_RAW_BYTES:
        raise ApiError(413, "too_large", "Messages above 40 MB are refused.")
    try:
        from asista.mail.ingest import mail_ingest
    except ImportError as exc:
        raise ApiError(501, "not_implemented", "Mail intake is not installed on this server.") from exc
    result = mail_ingest(raw, source="http", now=clock_now())
    after_write()
    return Status(202, _describe(result))
