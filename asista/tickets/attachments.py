"""Storing attachment files: content-addressed, so the same file is kept once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from asista.core.files import store_once
from asista.tickets.models import Attachment, Message, attachment_path


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False


def attachments_store(*, message: Message, attachments: Iterable[NewAttachment]) -> list[Attachment]:
    """Write each file (once per content) and record it on `message`."""
    return attachments_store_many([(message, attachments)])


def attachments_store_many(pairs: Iterable[tuple[Message, Iterable[NewAttachment]]]) -> list[Attachment]:
    """`attachments_store` for several messages, with one INSERT for all their files."""
    rows = []
    for message, attachments in pairs:
        for item in attachments:
            rows.append(_stored(message, item))
    return Attachment.objects.bulk_create(rows) if rows else []


def _stored(message: Message, item: NewAttachment) -> Attachment:
    digest = hashlib.sha256(item.data).hexdigest()
    row = Attachment(
        message=message,
        filename=item.filename[:255] or "attachment",
        size=len(item.data),
        content_type=item.content_type or "application/octet-stream",
        sha256=digest,
        content_id=item.content_id,
        inline=item.inline,
    )
    row.file.name = store_once(attachment_path(row, item.filename), item.data)
    return row
