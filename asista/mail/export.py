"""A ticket as plain JSON-ready data: for `asista ticket export`, support and tests."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from asista.tickets.models import Attachment, Event, Message, Ticket


def ticket_export(number: int) -> dict[str, Any]:
    """Everything the ticket says, in order; raises Ticket.DoesNotExist. Four queries."""
    ticket = Ticket.objects.select_related("customer", "contact", "related_to").get(number=number)
    messages = (
        Message.objects.filter(ticket=ticket)
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    events = Event.objects.filter(ticket=ticket).order_by("created_at", "pk")
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "state": ticket.state,
        "kind": ticket.kind,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "is_unparsed": ticket.is_unparsed,
        "related_to": ticket.related_to.number if ticket.related_to else None,
        "customer": {"id": ticket.customer_id, "name": ticket.customer.name},
        "contact": {"id": ticket.contact_id, "name": ticket.contact.name} if ticket.contact else None,
        "created_at": ticket.created_at.isoformat(),
        "messages": [_message(m) for m in messages],
        "events": [_event(e) for e in events],
    }


def _message(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "direction": message.direction,
        "from_address": message.from_address,
        "from_name": message.from_name,
        "to": message.to,
        "cc": message.cc,
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "message_id": message.message_id,
        "in_reply_to": message.in_reply_to,
        "flags": message.flags,
        "raw": message.raw_id,
        "created_at": message.created_at.isoformat(),
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "content_id": a.content_id,
                "inline": a.inline,
            }
            for a in message.attachments.all()
        ],
    }


def _event(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "details": event.details,
        "created_at": event.created_at.isoformat(),
    }
