"""Writing to the transactional outbox. Sending is the job of `asista.mail.sending`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings

from asista.mail.models import OutboundEmail


def make_message_id(*, ticket_number: int | None = None) -> str:
    local = f"asista.{ticket_number}.{uuid.uuid4().hex}" if ticket_number else f"asista.{uuid.uuid4().hex}"
    return f"<{local}@{settings.ASISTA_MAIL_DOMAIN}>"


def enqueue(**fields: Any) -> OutboundEmail:
    """Add one email to the outbox (the fields of `outbox_row`). Call inside the transaction of
    the change it reports."""
    email = outbox_row(**fields)
    email.save(force_insert=True)
    send_after_commit()
    return email


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
) -> OutboundEmail:
    """An outbox email not saved yet, for callers that write many at once (`enqueue` saves one)."""
    return OutboundEmail(
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
    )
