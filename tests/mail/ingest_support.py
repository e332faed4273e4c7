"""Helpers for the ingest tests: build raw mails, known senders, the mail settings."""

from __future__ import annotations

import itertools
import uuid
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from django.utils import timezone

from asista.customers.models import Contact
from tests import factories

DOMAIN = "vendor.example"
SUPPORT = "suport@vendor.example"
_ids = itertools.count(1)


def raw_mail(
    *,
    sender: str = "ana@client.example",
    subject: str = "Nu merge tipărirea",
    text: str = "Bună ziua, nu se tipărește factura.",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    html: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    if message_id != "":
        msg["Message-ID"] = message_id or f"<m{next(_ids)}.{uuid.uuid4().hex[:8]}@client.example>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def known(address: str = "ana@client.example", **fields: Any) -> Contact:
    """A contact owning `address` (and a login-less one: mail intake needs no portal user)."""
    return factories.contact(emails=[address], login=False, **fields)
