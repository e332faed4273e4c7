"""The customer emails the workflow implies, rendered in the contact's language into the outbox.

Each email is a template triple under templates/mail/<language>/: NAME.subject.txt,
NAME.txt and NAME.html.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from asista.mail.models import OutboundEmail
from asista.mail.outbox import make_message_id, outbox_row, send_after_commit
from asista.tickets.models import Message, Ticket

MAX_REFERENCES = 20


def recipients(ticket: Ticket) -> list[str]:
    """The requester's working addresses; for an unknown requester, whoever wrote first."""
    if ticket.contact is not None:
        emails = sorted(ticket.contact.emails.all(), key=lambda e: (not e.is_primary, e.pk))
        working = [e.address for e in emails if e.failing_since is None]
        if working:
            return working[:1]
        if emails:
            return [emails[0].address]
    first = ticket.messages.filter(direction=Message.Direction.INBOUND).exclude(from_address="").first()
    return [first.from_address] if first else []


def language_of(ticket: Ticket) -> str:
    if ticket.contact is not None:
        return str(ticket.contact.language)
    return str(ticket.customer.language)


def thread_headers(ticket: Ticket) -> tuple[str, str]:
    """In-Reply-To and References that keep our email in the customer's thread."""
    ids = [
        mid
        for mid in ticket.messages.exclude(message_id="")
        .exclude(direction=Message.Direction.NOTE)
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    ]
    if not ids:
        return "", ""
    return ids[-1], references_chain(ids)


def references_chain(ids: list[str]) -> str:
    """A References header: the thread's first Message-ID and the most recent ones after it."""
    chain = ids[:1] + ids[1:][-(MAX_REFERENCES - 1) :] if len(ids) > MAX_REFERENCES else ids
    return " ".join(chain)


def render(name: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    with translation.override(language):
        base = f"mail/{language}/{name}"
        subject = render_to_string(f"{base}.subject.txt", context).strip()
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    return " ".join(subject.split()), text, html


def notify_customer(ticket: Ticket, name: str, **options: Any) -> OutboundEmail | None:
    """Queue email `name` about `ticket` to its requester (options: those of `customer_email`).
    Call inside the workflow's transaction; it leaves when the transaction commits."""
    email = customer_email(ticket, name, **options)
    if email is not None:
        email.save(force_insert=True)
        send_after_commit()
    return email


def customer_email(
    ticket: Ticket,
    name: str,
    *,
    now: datetime,
    message: Message | None = None,
    auto_submitted: bool = True,
    extra: dict[str, Any] | None = None,
    thread: tuple[str, str] | None = None,
) -> OutboundEmail | None:
    """The email `name` about `ticket` to its requester, not saved yet (None: nobody to write
    to); `notify_customer` saves one, callers that write many save them together.

    When `message` is given (a reply, a question, the solution) the email carries its
    Message-ID, so the customer's answer threads back to it. `thread` (In-Reply-To, References)
    spares the look-up when the caller knows the conversation, as on a new ticket.
    """
    to = recipients(ticket)
    if not to:
        return None
    language = language_of(ticket)
    in_reply_to, references = thread if thread is not None else thread_headers(ticket)
    message_id = (
        message.message_id
        if message is not None and message.message_id
        else make_message_id(ticket_number=ticket.number)
    )
    if message is not None and message.message_id and in_reply_to == message_id:
        # The message itself is already stored: thread to the one before it.
        chain = references.split()[:-1]
        in_reply_to = chain[-1] if chain else ""
        references = " ".join(chain)
    context = {
        "ticket": ticket,
        "message": message,
        "site_url": settings.SITE_URL,
        "support_address": settings.ASISTA_SUPPORT_ADDRESS,
        **(extra or {}),
    }
    subject, text, html = render(name, language, context)
    return outbox_row(
        template=name,
        language=language,
        to=to,
        subject=subject,
        text=text,
        html=html,
        now=now,
        ticket_id=ticket.pk,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        auto_submitted=auto_submitted,
    )
