"""Opening tickets: one (`ticket_create`) or a batch (`tickets_open`, mail intake's path), with
numbers, contracts, SLA clocks, first messages and acknowledgements written once per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from asista.core.clock import now as clock_now
from asista.core.counters import next_values
from asista.core.errors import PermissionRefused, TransitionRefused
from asista.core.roles import contact_of
from asista.customers.models import Contact, Contract, Customer
from asista.customers.selectors import active_contracts
from asista.mail.outbox import make_message_id, outbox_save
from asista.sla import clocks
from asista.sla.models import Clock
from asista.tickets.attachments import NewAttachment, attachments_store_many
from asista.tickets.models import Channel, Event, Kind, Message, Priority, Ticket
from asista.tickets.notifications import (
    customer_email,
    references_chain,
)
from asista.tickets.workflow.common import _new_event, _require_staff


@dataclass
class NewTicket:
    """A request to open: the ticket's first message and who it is for (see `ticket_create`)."""

    customer: Customer
    subject: str
    text: str
    contact: Contact | None = None
    kind: str = Kind.SUPPORT
    channel: str = Channel.WEB
    priority: str | None = None
    html: str = ""
    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    raw_id: int | None = None
    attachments: Sequence[NewAttachment] = ()
    is_unparsed: bool = False
    related_to: Ticket | None = None
    onsite_reason: str = ""
    acknowledge: bool = True


def ticket_create(
    *,
    customer: Customer,
    subject: str,
    text: str,
    actor: Any = None,
    contact: Contact | None = None,
    kind: str = Kind.SUPPORT,
    channel: str = Channel.WEB,
    priority: str | None = None,
    html: str = "",
    from_address: str = "",
    from_name: str = "",
    to: list[str] | None = None,
    cc: list[str] | None = None,
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
    raw_id: int | None = None,
    attachments: Iterable[NewAttachment] = (),
    is_unparsed: bool = False,
    related_to: Ticket | None = None,
    onsite_reason: str = "",
    acknowledge: bool = True,
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket → new, with its first message, and acknowledge it to the requester.

    `actor` is the contact who writes (portal, API), a staff member logging a phone call or
    writing for a customer, or None for mail intake (then `contact` is the matched sender).
    """
    actor_contact = contact_of(actor)
    if actor_contact is not None:
        if actor_contact.customer_id != customer.pk:
            raise PermissionRefused(_("You can only open requests for your own company."))
        contact = actor_contact
    elif actor is not None:
        _require_staff(actor, _("open a request for a customer"))
    if kind == Kind.URGENT_CALL and actor_contact is not None:
        raise PermissionRefused(_("Urgencies are phoned in: call the urgent numbers of your plan."))
    draft = NewTicket(
        customer=customer,
        subject=subject,
        text=text,
        contact=contact,
        kind=kind,
        channel=channel,
        priority=priority,
        html=html,
        from_address=from_address,
        from_name=from_name,
        to=to or [],
        cc=cc or [],
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        raw_id=raw_id,
        attachments=list(attachments),
        is_unparsed=is_unparsed,
        related_to=related_to,
        onsite_reason=onsite_reason,
        acknowledge=acknowledge,
    )
    return tickets_open([draft], actor=actor, now=now)[0]


@transaction.atomic
def tickets_open(
    drafts: Sequence[NewTicket], *, actor: Any = None, now: datetime | None = None
) -> list[Ticket]:
    """Open tickets → new, each with its first message, SLA clocks, event and acknowledgement.

    One statement per table for the lot (mail intake opens a batch at once); the caller has
    checked who acts (`ticket_create`), this checks what each request says.
    """
    now = now or clock_now()
    for draft in drafts:
        _check_new(draft)
    contracts = active_contracts({d.customer for d in drafts}, on=timezone.localdate(now))
    contacts = {id(d.contact): d.contact for d in drafts if d.contact is not None}
    prefetch_related_objects(
        [c for c in contacts.values() if "emails" not in getattr(c, "_prefetched_objects_cache", {})],
        "emails",
    )
    first = next_values("ticket", len(drafts))
    tickets = [
        _new_ticket(draft, first + i, contracts[draft.customer.pk], now) for i, draft in enumerate(drafts)
    ]
    started = clocks.start_new(tickets, contracts, now)  # sets due_at before the INSERT
    Ticket.objects.bulk_create(tickets)
    author = actor if getattr(actor, "is_authenticated", False) else None
    messages = Message.objects.bulk_create(
        [_first_message(draft, ticket, author, now) for draft, ticket in zip(drafts, tickets, strict=True)]
    )
    attachments_store_many((m, d.attachments) for m, d in zip(messages, drafts, strict=True) if d.attachments)
    Clock.objects.bulk_create(started)
    Event.objects.bulk_create(
        [
            _new_event(t, "created", actor, now, details={"channel": t.channel, "kind": t.kind})
            for t in tickets
        ]
    )
    acknowledgements = [
        customer_email(
            ticket,
            "acknowledgement",
            now=now,
            thread=(message.message_id, references_chain([*draft.references.split(), message.message_id])),
        )
        for draft, ticket, message in zip(drafts, tickets, messages, strict=True)
        if draft.acknowledge
    ]
    outbox_save([email for email in acknowledgements if email is not None])
    return tickets


def _check_new(draft: NewTicket) -> None:
    if draft.contact is not None and draft.contact.customer_id != draft.customer.pk:
        raise PermissionRefused(
            _("%(contact)s is not a contact of %(customer)s.")
            % {"contact": draft.contact.name, "customer": draft.customer.name}
        )
    if draft.kind == Kind.ONSITE and not draft.onsite_reason.strip():
        raise TransitionRefused(_("An on-site visit needs its reason: what was tried and why it failed."))


def _new_ticket(draft: NewTicket, number: int, contract: Contract | None, now: datetime) -> Ticket:
    urgent = draft.kind == Kind.URGENT_CALL or draft.priority == Priority.URGENT
    return Ticket(
        number=number,
        customer=draft.customer,
        contact=draft.contact,
        plan=contract.plan if contract else None,
        kind=draft.kind,
        channel=draft.channel,
        priority=Priority.URGENT if urgent else (draft.priority or _default_priority(contract)),
        is_urgent=urgent,
        subject=" ".join(draft.subject.split())[:255] or _("(no subject)"),
        is_unparsed=draft.is_unparsed,
        related_to=draft.related_to,
        onsite_reason=draft.onsite_reason,
        created_at=now,
    )


def _first_message(draft: NewTicket, ticket: Ticket, author: Any, now: datetime) -> Message:
    contact = draft.contact
    return Message(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        author=author,
        contact=contact,
        from_address=draft.from_address or (contact.email if contact else ""),
        from_name=draft.from_name or (contact.name if contact else ""),
        to=draft.to,
        cc=draft.cc,
        subject=ticket.subject,
        text=draft.text,
        html=draft.html,
        message_id=draft.message_id or make_message_id(ticket_number=ticket.number),
        in_reply_to=draft.in_reply_to,
        references=draft.references,
        raw_id=draft.raw_id,
        flags=["unparsed"] if draft.is_unparsed else [],
        created_at=now,
    )


def _default_priority(contract: Any) -> str:
    if contract is not None and contract.plan.priority == "maximum":
        return Priority.HIGH
    return Priority.NORMAL
