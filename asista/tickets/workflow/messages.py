"""Messages that do not move a ticket's state (or move it back to work): replies, internal notes,
the customer's messages one by one and in mail intake's batches, recorded bounces and auto-replies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asista.core.clock import now as clock_now
from asista.customers.models import Contact
from asista.tickets.attachments import NewAttachment, attachments_store, attachments_store_many
from asista.tickets.models import Message, Ticket
from asista.tickets.notifications import (
    STAFF_CUSTOMER,
    WROTE,
    StaffNotice,
    notify_assignees,
    notify_customer,
)
from asista.tickets.workflow.common import (
    S,
    _check_state,
    _event,
    _inbound,
    _inbound_message,
    _lock,
    _outbound,
    _refuse_state,
    _require_customer_side,
    _require_staff,
    _require_text,
    _responded,
    _tell_assignee,
)
from asista.tickets.workflow.transitions import ticket_customer_replied


@transaction.atomic
def ticket_reply(
    ticket: Ticket,
    *,
    actor: Any,
    text: str,
    attachments: Iterable[NewAttachment] = (),
    now: datetime | None = None,
) -> Message:
    """An agent's answer that does not change the state (it counts as the first response)."""
    now = now or clock_now()
    _require_staff(actor, _("reply to customers"))
    _lock(ticket)
    _check_state(ticket, "reply")
    _require_text(text)
    message = _outbound(ticket, actor, text, now, attachments)
    _responded(ticket, now)
    ticket.save(update_fields=["first_response_at", "due_at", "updated_at"])
    _event(ticket, "replied", actor, now, details={"message": message.pk})
    notify_customer(ticket, "reply", now=now, message=message, auto_submitted=False)
    return message


@transaction.atomic
def ticket_add_note(
    ticket: Ticket,
    *,
    actor: Any,
    text: str,
    attachments: Iterable[NewAttachment] = (),
    now: datetime | None = None,
) -> Message:
    """An internal note: seen by the support team only, in any state."""
    now = now or clock_now()
    _require_staff(actor, _("write internal notes"))
    _require_text(text)
    message = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.NOTE,
        author=actor,
        from_name=actor.get_full_name() or actor.get_username(),
        text=text,
        created_at=now,
    )
    attachments_store(message=message, attachments=attachments)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    return message


@transaction.atomic
def ticket_add_customer_message(
    ticket: Ticket,
    *,
    actor: Any = None,
    text: str,
    contact: Contact | None = None,
    now: datetime | None = None,
    **message_fields: Any,
) -> Message:
    """A customer's message to an open ticket; it answers the questions when the ticket waits.
    The assignee gets it by email."""
    if ticket.state == S.WAITING:
        return ticket_customer_replied(
            ticket, actor=actor, text=text, contact=contact, now=now, **message_fields
        )
    now = now or clock_now()
    if actor is not None:
        contact = _require_customer_side(actor, ticket, _("write to this ticket")) or contact
    _lock(ticket)
    _check_state(ticket, "customer_message")
    message = _inbound(ticket, actor, contact, text, now, **message_fields)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    _tell_assignee(ticket, WROTE, actor, now, message=message)
    return message


@dataclass
class CustomerMessage:
    """A customer's message to an open ticket, for `tickets_add_customer_messages`."""

    ticket: Ticket
    contact: Contact | None
    text: str
    fields: dict[str, Any] = field(default_factory=dict)  # as `ticket_add_customer_message` takes


@transaction.atomic
def tickets_add_customer_messages(items: Sequence[CustomerMessage], *, now: datetime) -> list[Message]:
    """`ticket_add_customer_message` for many messages to tickets that do not wait for the
    customer (mail intake, in bulk): one lock for all the tickets, one INSERT, one UPDATE; for
    the tickets that have an assignee, one query for the assignees and one INSERT of their emails.

    Refused as a whole when one of the tickets has moved on (waiting, resolved): send those
    one by one, through `ticket_add_customer_message`.
    """
    tickets = {item.ticket.pk: item.ticket for item in items}
    locked = Ticket.objects.select_for_update().filter(pk__in=tickets)
    for pk, state, assignee_id in locked.values_list("pk", "state", "assignee_id"):
        tickets[pk].state, tickets[pk].assignee_id = state, assignee_id
    for ticket in tickets.values():
        if ticket.state == S.WAITING:
            raise _refuse_state(ticket, "customer_replied")
        _check_state(ticket, "customer_message")
    messages = Message.objects.bulk_create(
        [
            _inbound_message(item.ticket, None, item.contact, item.text, now, **_without_files(item.fields))
            for item in items
        ]
    )
    attachments_store_many(
        (m, i.fields["attachments"])
        for m, i in zip(messages, items, strict=True)
        if i.fields.get("attachments")
    )
    Ticket.objects.filter(pk__in=tickets).update(updated_at=now)
    notify_assignees(
        [StaffNotice(tickets[m.ticket_id], STAFF_CUSTOMER, what=WROTE, message=m) for m in messages],
        now=now,
    )
    return messages


def _without_files(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name != "attachments"}


@transaction.atomic
def ticket_record_message(
    ticket: Ticket,
    *,
    text: str,
    flags: list[str],
    direction: str = Message.Direction.INBOUND,
    contact: Contact | None = None,
    now: datetime | None = None,
    **message_fields: Any,
) -> Message:
    """Keep a mail on the ticket without any transition (by the system, for mail intake).

    For what must not move the ticket: a thank-you to a resolved or closed ticket, a bounce or an
    automatic reply to our mail (those as internal notes, `direction=NOTE`). Any state.
    """
    now = now or clock_now()
    attachments = message_fields.pop("attachments", ())
    message = Message.objects.create(
        ticket=ticket,
        direction=direction,
        contact=contact,
        text=text,
        flags=flags,
        created_at=now,
        **message_fields,
    )
    attachments_store(message=message, attachments=attachments)
    return message
