"""Pieces the routers share: cursors, attachments in JSON, the outbox kick after a write."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from ninja import Field, Schema

from asista.api.errors import ApiError
from asista.tickets.attachments import NewAttachment

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


class AttachmentIn(Schema):
    filename: str = Field(..., min_length=1, max_length=255)
    content_type: str = Field("application/octet-stream", max_length=255)
    content_base64: str = Field(..., description="The file's bytes, base64-encoded.")


def decode_attachments(items: list[AttachmentIn]) -> list[NewAttachment]:
    decoded = []
    total = 0
    for item in items:
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(422, "invalid", f"{item.filename}: content_base64 is not base64.") from exc
        total += len(data)
        if total > MAX_ATTACHMENT_BYTES:
            raise ApiError(413, "too_large", "Attachments above 25 MB in one request are refused.")
        decoded.append(NewAttachment(item.filename, item.content_type or "application/octet-stream", data))
    return decoded


def encode_cursor(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (time, id) a keyset page starts after; a damaged cursor is the client's error (422)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.rsplit("|", 1)
        parsed = datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            raise ValueError("naive time")
        return parsed, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise ApiError(422, "invalid", "The cursor is damaged; start again without it.") from exc


def encode_id_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id|{pk}".encode()).decode().rstrip("=")


def decode_id_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tag, pk = raw.split("|", 1)
        if tag != "id":
            raise ValueError(tag)
        return int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise ApiError(422, "invalid", "The cursor is damaged; start again without it.") from exc


def after_write() -> None:
    """Let the emails and webhook calls a write queued leave now rather than at the next sweep."""
    from asista.jobs import deliveries_kick

    deliveries_kick()
