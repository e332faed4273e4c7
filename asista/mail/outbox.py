"""Writing to the transactional outbox. Sending is the job of `asista.mail.sending`."""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from asista.core.files import store_once
from asista.mail.models import OutboundAttachment, OutboundEmail, outbound_attachment_path
from asista.tickets.attachments import NewAttachment


def make_message_id(*, ticket_number: int | None = None) -> str:
    local = f"asista.{ticket_number}.{uuid.uuid4().hex}" if ticket_number else f"asista.{uuid.uuid4().hex}"
    return f"<{local}@{settings.ASISTA_MAIL_DOMAIN}>"


def enqueue(**fields: Any) -> OutboundEmail:
    """Add one email to the outbox (the fields of `outbox_row`, files in `attachments=`). Call
    inside the transaction of the change it reports."""
    (email,) = outbox_save([outbox_row(**fields)])
    return email


def outbox_save(emails: Sequence[OutboundEmail]) -> list[OutboundEmail]:
    """Write emails built by `outbox_row`, one INSERT for all (and one for all their files), and
    let them leave when the transaction commits. No query for none. Call inside the transaction
    of the change they report."""
    if not emails:
        return []
    if any(email.pending_attachments for email in emails):
        # The emails and their files become visible together, or a sender could find one without them.
        with transaction.atomic():
            saved = OutboundEmail.objects.bulk_create(emails)
            outbox_attachments_save(saved)
    else:
        saved = OutboundEmail.objects.bulk_create(emails)
    send_after_commit()
    return saved


def outbox_attachments_save(emails: Sequence[OutboundEmail]) -> list[OutboundAttachment]:
    """Write the files of emails built by `outbox_row` and just saved (`outbox_save` calls it;
    so must a caller that `bulk_create`s them itself): each file once per content, then one
    INSERT for all their rows.

    No query when none of them has files. Call in the transaction that saved the emails.
    """
    rows = [_stored(email, item) for email in emails for item in email.pending_attachments]
    if not rows:
        return []
    saved = OutboundAttachment.objects.bulk_create(rows)
    for email in emails:
        email.pending_attachments = ()
    return saved


def send_after_commit() -> None:
    """Let what was just queued leave when the transaction commits, not at the next sweep."""
    from asista.jobs import deliveries_kick

    deliveries_kick()


def outbox_row(
    *,
    template: str,
    language: str,
    to: list[str],
    subject: str,
    text: str,
    html: str,
    now: datetime,
    ticket_id: int | None = None,
    cc: list[str] | None = None,
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    auto_submitted: bool = True,
    attachments: Sequence[NewAttachment] = (),
) -> OutboundEmail:
    """An outbox email not saved yet, for callers that write many at once (`enqueue` saves one).

    Its `attachments` wait on the row until `outbox_save` writes them with it; a caller that
    bulk-creates rows with files itself must call `outbox_attachments_save`, or the sender fails
    those rows for good rather than send them without their files.
    """
    email = OutboundEmail(
        ticket_id=ticket_id,
        template=template,
        language=language,
        to=to,
        cc=cc or [],
        subject=subject,
        text=text,
        html=html,
        message_id=message_id or make_message_id(),
        in_reply_to=in_reply_to,
        references=references,
        auto_submitted=auto_submitted,
        next_attempt_at=now,
        created_at=now,
        attachment_count=len(attachments),
    )
    if attachments:
        email.pending_attachments = tuple(attachments)
    return email


def _stored(email: OutboundEmail, item: NewAttachment) -> OutboundAttachment:
    digest = hashlib.sha256(item.data).hexdigest()
    content_type = item.content_type or mimetypes.guess_type(item.filename)[0] or "application/octet-stream"
    row = OutboundAttachment(
        email=email,
        filename=item.filename[:255] or "attachment",
        content_type=content_type,
        size=len(item.data),
        sha256=digest,
    )
    row.file.name = store_once(outbound_attachment_path(row, item.filename), item.data)
    return row
