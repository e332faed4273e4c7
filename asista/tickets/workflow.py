"""The ticket workflow of DOMAIN.md §2: one function per transition.

Every function takes the acting user (None for the system), checks who may act and from which
state, records an Event, and queues the emails the transition implies (to the customer; to the
assignee when they are assigned or the customer acts, `notifications.notify_assignees`) — all in
one transaction. A refusal raises PermissionRefused or TransitionRefused with a message that says why.

Transitions (from → to):
    create            → new
    assign            new → assigned; assigned / in progress / waiting keep their state (reassign)
    start             assigned → in progress
    ask_customer      in progress → waiting
    customer_replied  waiting → in progress
    resolve           in progress / waiting → resolved
    accept            resolved → closed
    reopen            resolved → in progress
    auto_close        resolved → closed (N working days after resolution, by the system)
    cancel            new / assigned / in progress / waiting → cancelled
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
from django.utils.translation import gettext_lazy

from asista.api.webhooks import webhook_event
from asista.core.clock import now as clock_now
from asista.core.counters import next_values
from asista.core.errors import PermissionRefused, TransitionRefused
from asista.core.roles import contact_of, is_dispatcher, is_staff_member
from asista.customers.models import Contact, Contract, Customer
from asista.customers.selectors import active_contracts
from asista.mail.models import OutboundEmail
from asista.mail.outbox import make_message_id, send_after_commit
from asista.sla import clocks
from asista.sla.models import Clock
from asista.tickets.attachments import NewAttachment, attachments_store, attachments_store_many
from asista.tickets.models import Channel, Event, Kind, Message, Priority, State, Ticket
from asista.tickets.notifications import (
    ACCEPTED,
    ANSWERED,
    REOPENED,
    STAFF_ASSIGNED,
    STAFF_CUSTOMER,
    WROTE,
    StaffNotice,
    customer_email,
    notify_assignees,
    notify_customer,
    references_chain,
)

S = State
ALLOWED: dict[str, tuple[str, ...]] = {
    "assign": (S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING),
    "start": (S.ASSIGNED,),
    "ask_customer": (S.IN_PROGRESS,),
    "customer_replied": (S.WAITING,),
    "resolve": (S.IN_PROGRESS, S.WAITING),
    "accept": (S.RESOLVED,),
    "reopen": (S.RESOLVED,),
    "auto_close": (S.RESOLVED,),
    "cancel": (S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING),
    "reply": (S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING),
    "customer_message": (S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING),
    "request_onsite": (S.ASSIGNED, S.IN_PROGRESS, S.WAITING),
}

_HINTS = {
    S.NEW: gettext_lazy("assign it first"),
    S.ASSIGNED: gettext_lazy("start it first"),
    S.RESOLVED: gettext_lazy("it waits for the customer to accept or reopen it"),
    S.CLOSED: gettext_lazy("closed tickets cannot change; open a new request"),
    S.CANCELLED: gettext_lazy("cancelled tickets cannot change"),
}


def _refuse_state(ticket: Ticket, action: str) -> TransitionRefused:
    state = State(ticket.state)
    hint = _HINTS.get(state, "")
    message = _("Ticket %(tag)s is %(state)s: cannot %(action)s") % {
        "tag": ticket.tag,
        "state": state.label,
        "action": _ACTION_LABELS.get(action, action),
    }
    return TransitionRefused(f"{message} ({hint})." if hint else f"{message}.")


_ACTION_LABELS = {
    "assign": gettext_lazy("assign it"),
    "start": gettext_lazy("start work on it"),
    "ask_customer": gettext_lazy("ask the customer"),
    "customer_replied": gettext_lazy("record the customer's reply as an answer"),
    "resolve": gettext_lazy("resolve it"),
    "accept": gettext_lazy("accept the solution"),
    "reopen": gettext_lazy("reopen it"),
    "auto_close": gettext_lazy("close it automatically"),
    "cancel": gettext_lazy("cancel it"),
    "reply": gettext_lazy("reply"),
    "customer_message": gettext_lazy("add a message"),
    "request_onsite": gettext_lazy("request an on-site visit"),
}


def _check_state(ticket: Ticket, action: str) -> None:
    if ticket.state not in ALLOWED[action]:
        raise _refuse_state(ticket, action)


def _lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock so concurrent transitions queue."""
    ticket.refresh_from_db(from_queryset=Ticket.objects.select_for_update())
    return ticket


def _event(
    ticket: Ticket,
    kind: str,
    actor: Any,
    now: datetime,
    from_state: str = "",
    details: dict[str, Any] | None = None,
) -> Event:
    event = _new_event(ticket, kind, actor, now, from_state, details)
    event.save(force_insert=True)
    return event


def _new_event(
    ticket: Ticket,
    kind: str,
    actor: Any,
    now: datetime,
    from_state: str = "",
    details: dict[str, Any] | None = None,
) -> Event:
    """The event of a transition, not saved yet; queues the webhooks it triggers."""
    webhook_event(ticket, kind, now)
    return Event(
        ticket=ticket,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        from_state=from_state,
        to_state=ticket.state if from_state else "",
        details=details or {},
        created_at=now,
    )


# --- who may act ------------------------------------------------------------------------------


def _require_staff(actor: Any, what: str) -> None:
    if not is_staff_member(actor):
        raise PermissionRefused(_("Only the support team can %(what)s.") % {"what": what})


def _require_dispatcher(actor: Any, what: str) -> None:
    if not is_dispatcher(actor):
        raise PermissionRefused(_("Only a dispatcher can %(what)s.") % {"what": what})


def _require_worker(actor: Any, ticket: Ticket, what: str) -> None:
    """The assignee works the ticket; a dispatcher may step in."""
    _require_staff(actor, what)
    if ticket.assignee_id != getattr(actor, "pk", None) and not is_dispatcher(actor):
        raise PermissionRefused(
            _("Only the assignee of %(tag)s or a dispatcher can %(what)s.")
            % {"tag": ticket.tag, "what": what}
        )


def _require_customer_side(actor: Any, ticket: Ticket, what: str) -> Contact | None:
    """A contact of the ticket's customer, or staff allowed to act on the customer's behalf."""
    contact = contact_of(actor)
    if contact is not None:
        if contact.customer_id != ticket.customer_id:
            raise PermissionRefused(_("Ticket %(tag)s belongs to another company.") % {"tag": ticket.tag})
        return contact
    if actor is not None and getattr(actor, "has_perm", None) and actor.has_perm("tickets.act_for_customer"):
        return None
    raise PermissionRefused(_("Only the customer can %(what)s.") % {"what": what})


# --- transitions -----------------------------------------------------------------------------


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
    if OutboundEmail.objects.bulk_create([email for email in acknowledgements if email is not None]):
        send_after_commit()
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


@transaction.atomic
def ticket_assign(ticket: Ticket, *, actor: Any, assignee: Any, now: datetime | None = None) -> Ticket:
    """Give the ticket a responsible agent (new → assigned; a reassignment keeps the state); the
    agent hears of it by email, unless they assigned it to themselves."""
    now = now or clock_now()
    _lock(ticket)
    _check_state(ticket, "assign")
    _require_dispatcher(actor, _("assign tickets"))
    if not is_staff_member(assignee) or not assignee.is_active:
        raise TransitionRefused(
            _("%(name)s is not an active member of the support team.") % {"name": assignee}
        )
    previous = ticket.assignee_id
    from_state = ticket.state
    ticket.assignee = assignee
    if ticket.state == S.NEW:
        ticket.state = S.ASSIGNED
    ticket.assigned_at = now
    ticket.save(update_fields=["assignee", "state", "assigned_at", "updated_at"])
    _event(ticket, "assigned", actor, now, from_state, {"assignee": assignee.pk, "previous": previous})
    if previous != assignee.pk:
        notify_assignees([StaffNotice(ticket, STAFF_ASSIGNED, actor=actor)], now=now)
    return ticket


@transaction.atomic
def ticket_start(ticket: Ticket, *, actor: Any, now: datetime | None = None) -> Ticket:
    """The agent starts work (assigned → in progress); the customer hears that work has started."""
    now = now or clock_now()
    _lock(ticket)
    _check_state(ticket, "start")
    _require_worker(actor, ticket, _("start work on this ticket"))
    ticket.state = S.IN_PROGRESS
    ticket.started_at = now
    ticket.save(update_fields=["state", "started_at", "updated_at"])
    _event(ticket, "started", actor, now, S.ASSIGNED)
    notify_customer(ticket, "started", now=now)
    return ticket


@transaction.atomic
def ticket_ask_customer(
    ticket: Ticket,
    *,
    actor: Any,
    text: str,
    attachments: Iterable[NewAttachment] = (),
    now: datetime | None = None,
) -> Message:
    """The agent writes the open questions (in progress → waiting); the SLA clock pauses."""
    now = now or clock_now()
    _lock(ticket)
    _check_state(ticket, "ask_customer")
    _require_worker(actor, ticket, _("ask the customer"))
    _require_text(text)
    message = _outbound(ticket, actor, text, now, attachments)
    ticket.state = S.WAITING
    ticket.waiting_since = now
    _responded(ticket, now)
    clocks.on_paused(ticket, now)
    ticket.save(update_fields=["state", "waiting_since", "first_response_at", "due_at", "updated_at"])
    _event(ticket, "asked", actor, now, S.IN_PROGRESS, {"message": message.pk})
    notify_customer(ticket, "question", now=now, message=message, auto_submitted=False)
    return message


@transaction.atomic
def ticket_customer_replied(
    ticket: Ticket,
    *,
    actor: Any = None,
    text: str,
    contact: Contact | None = None,
    now: datetime | None = None,
    **message_fields: Any,
) -> Message:
    """The customer answers the open questions (waiting → in progress); the clock resumes and the
    assignee hears of it."""
    now = now or clock_now()
    if actor is not None:
        contact = _require_customer_side(actor, ticket, _("answer the questions")) or contact
    _lock(ticket)
    _check_state(ticket, "customer_replied")
    message = _inbound(ticket, actor, contact, text, now, **message_fields)
    ticket.state = S.IN_PROGRESS
    ticket.waiting_since = None
    clocks.on_resumed(ticket, now)
    ticket.save(update_fields=["state", "waiting_since", "due_at", "updated_at"])
    _event(ticket, "customer_replied", actor, now, S.WAITING, {"message": message.pk})
    _tell_assignee(ticket, ANSWERED, actor, now, message=message)
    return message


@transaction.atomic
def ticket_resolve(
    ticket: Ticket,
    *,
    actor: Any,
    solution: str,
    attachments: Iterable[NewAttachment] = (),
    now: datetime | None = None,
) -> Message:
    """The solution is written down (→ resolved) and goes to the customer with the whole dialogue."""
    now = now or clock_now()
    _lock(ticket)
    _check_state(ticket, "resolve")
    _require_worker(actor, ticket, _("resolve this ticket"))
    _require_text(solution)
    from_state = ticket.state
    message = _outbound(ticket, actor, solution, now, attachments, is_solution=True)
    ticket.state = S.RESOLVED
    ticket.resolved_at = now
    ticket.waiting_since = None
    _responded(ticket, now)
    clocks.on_resolved(ticket, now)
    ticket.save(
        update_fields=[
            "state",
            "resolved_at",
            "waiting_since",
            "first_response_at",
            "due_at",
            "updated_at",
        ]
    )
    _event(ticket, "resolved", actor, now, from_state, {"message": message.pk})
    dialogue = list(ticket.messages.exclude(direction=Message.Direction.NOTE).order_by("created_at", "id"))
    notify_customer(
        ticket,
        "resolved",
        now=now,
        message=message,
        auto_submitted=False,
        extra={"dialogue": dialogue},
    )
    return message


@transaction.atomic
def ticket_accept(ticket: Ticket, *, actor: Any, now: datetime | None = None) -> Ticket:
    """The requester accepts the solution (resolved → closed); the assignee hears of it."""
    now = now or clock_now()
    _lock(ticket)
    _check_state(ticket, "accept")
    contact = _require_customer_side(actor, ticket, _("accept the solution"))
    ticket.state = S.CLOSED
    ticket.closed_at = now
    clocks.on_finished(ticket, now)
    ticket.save(update_fields=["state", "closed_at", "due_at", "updated_at"])
    _event(ticket, "accepted", actor, now, S.RESOLVED)
    _tell_assignee(ticket, ACCEPTED, actor, now, who=contact.name if contact else "")
    return ticket


@transaction.atomic
def ticket_reopen(
    ticket: Ticket, *, actor: Any, text: str, now: datetime | None = None, **message_fields: Any
) -> Message:
    """The requester says what must still change (resolved → in progress, same ticket); the
    customer hears it is reopened, the assignee reads what must change."""
    now = now or clock_now()
    _lock(ticket)
    _check_state(ticket, "reopen")
    contact = message_fields.pop("contact", None)
    if actor is not None or contact is None or contact.customer_id != ticket.customer_id:
        # Mail intake acts with no user but names the sender, a contact of this customer.
        contact = _require_customer_side(actor, ticket, _("reopen the ticket")) or contact
    _require_text(text)
    message = _inbound(ticket, actor, contact, text, now, **message_fields)
    ticket.state = S.IN_PROGRESS
    ticket.resolved_at = None
    ticket.reopen_count += 1
    clocks.on_reopened(ticket, now)
    ticket.save(update_fields=["state", "resolved_at", "reopen_count", "due_at", "updated_at"])
    _event(ticket, "reopened", actor, now, S.RESOLVED, {"message": message.pk})
    notify_customer(ticket, "reopened", now=now)
    _tell_assignee(ticket, REOPENED, actor, now, message=message)
    return message


@transaction.atomic
def ticket_auto_close(ticket: Ticket, *, now: datetime | None = None) -> Ticket:
    """Close a resolved ticket nobody answered within the configured working days."""
    now = now or clock_now()
    _lock(ticket)
    _check_state(ticket, "auto_close")
    deadline = clocks.auto_close_deadline(ticket)
    if now < deadline:
        raise TransitionRefused(
            _("Ticket %(tag)s closes by itself only from %(when)s.") % {"tag": ticket.tag, "when": deadline}
        )
    ticket.state = S.CLOSED
    ticket.closed_at = now
    clocks.on_finished(ticket, now)
    ticket.save(update_fields=["state", "closed_at", "due_at", "updated_at"])
    _event(ticket, "auto_closed", None, now, S.RESOLVED)
    notify_customer(ticket, "auto_closed", now=now)
    return ticket


@transaction.atomic
def ticket_cancel(ticket: Ticket, *, actor: Any, reason: str, now: datetime | None = None) -> Ticket:
    """Withdraw a request: by a dispatcher, or by the customer themselves."""
    now = now or clock_now()
    if contact_of(actor) is not None:
        _require_customer_side(actor, ticket, _("cancel the request"))
    elif not (actor is not None and actor.has_perm("tickets.cancel_ticket")):
        raise PermissionRefused(_("Only a dispatcher or the customer can cancel a request."))
    _lock(ticket)
    _check_state(ticket, "cancel")
    _require_text(reason)
    from_state = ticket.state
    ticket.state = S.CANCELLED
    ticket.cancelled_at = now
    clocks.on_finished(ticket, now)
    ticket.save(update_fields=["state", "cancelled_at", "due_at", "updated_at"])
    _event(ticket, "cancelled", actor, now, from_state, {"reason": reason})
    notify_customer(ticket, "cancelled", now=now, extra={"reason": reason})
    return ticket


# --- messages without a transition -------------------------------------------------------------


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
def ticket_change_kind_priority(
    ticket: Ticket,
    *,
    actor: Any,
    kind: str | None = None,
    priority: str | None = None,
    onsite_reason: str = "",
    now: datetime | None = None,
) -> Ticket:
    """A dispatcher re-classifies a request; urgency puts it at the top of the queue."""
    now = now or clock_now()
    if not (actor is not None and actor.has_perm("tickets.set_priority")):
        raise PermissionRefused(_("Only a dispatcher can change the kind or the priority."))
    _lock(ticket)
    if ticket.state in (S.CLOSED, S.CANCELLED):
        raise _refuse_state(ticket, "assign")
    changes: dict[str, Any] = {}
    if kind and kind != ticket.kind:
        if kind == Kind.ONSITE and not (onsite_reason.strip() or ticket.onsite_reason):
            raise TransitionRefused(_("An on-site visit needs its reason: what was tried and why it failed."))
        changes["kind"] = [ticket.kind, kind]
        ticket.kind = kind
        if onsite_reason.strip():
            ticket.onsite_reason = onsite_reason.strip()
    if priority and priority != ticket.priority:
        changes["priority"] = [ticket.priority, priority]
        ticket.priority = priority
    if not changes:
        return ticket
    ticket.is_urgent = ticket.kind == Kind.URGENT_CALL or ticket.priority == Priority.URGENT
    clocks.on_reclassified(ticket, now)
    ticket.save(update_fields=["kind", "priority", "is_urgent", "onsite_reason", "due_at", "updated_at"])
    _event(ticket, "reclassified", actor, now, details=changes)
    return ticket


@transaction.atomic
def ticket_request_onsite(ticket: Ticket, *, actor: Any, reason: str, now: datetime | None = None) -> Ticket:
    """The agent working a ticket asks for an on-site visit, the last resort (DOMAIN.md §1): the
    reason (what was tried, why it failed) is recorded. A dispatcher's request makes the ticket
    an on-site intervention at once; an agent's waits on the board for a dispatcher to decide."""
    now = now or clock_now()
    reason = reason.strip()
    if not reason:
        raise TransitionRefused(_("An on-site visit needs its reason: what was tried and why it failed."))
    dispatcher = actor is not None and actor.has_perm("tickets.set_priority")
    if not dispatcher and (actor is None or ticket.assignee_id != actor.pk):
        raise PermissionRefused(
            _("Only the assignee of %(tag)s or a dispatcher can request an on-site visit.")
            % {"tag": ticket.tag}
        )
    _lock(ticket)
    _check_state(ticket, "request_onsite")
    if ticket.kind == Kind.ONSITE:
        raise TransitionRefused(_("%(tag)s is already an on-site intervention.") % {"tag": ticket.tag})
    if dispatcher:
        return ticket_change_kind_priority(
            ticket, actor=actor, kind=Kind.ONSITE, onsite_reason=reason, now=now
        )
    ticket.onsite_reason = reason
    ticket.save(update_fields=["onsite_reason", "updated_at"])
    _event(ticket, "onsite_requested", actor, now, details={"reason": reason})
    return ticket


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


# --- helpers ---------------------------------------------------------------------------------


def _require_text(text: str) -> None:
    if not text or not text.strip():
        raise TransitionRefused(_("Write the text first: it cannot be empty."))


def _tell_assignee(ticket: Ticket, what: str, actor: Any, now: datetime, **notice: Any) -> None:
    """Email the assignee what the customer did (nothing when unassigned: the board shows it)."""
    notify_assignees([StaffNotice(ticket, STAFF_CUSTOMER, actor=actor, what=what, **notice)], now=now)


def _responded(ticket: Ticket, now: datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        clocks.on_responded(ticket, now)


def _outbound(
    ticket: Ticket,
    actor: Any,
    text: str,
    now: datetime,
    attachments: Iterable[NewAttachment],
    is_solution: bool = False,
) -> Message:
    from django.conf import settings

    message = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        author=actor,
        from_address=settings.ASISTA_SUPPORT_ADDRESS,
        from_name=actor.get_full_name() or actor.get_username(),
        subject=ticket.subject,
        text=text,
        message_id=make_message_id(ticket_number=ticket.number),
        is_solution=is_solution,
        created_at=now,
    )
    attachments_store(message=message, attachments=attachments)
    return message


def _inbound(
    ticket: Ticket, actor: Any, contact: Contact | None, text: str, now: datetime, **fields: Any
) -> Message:
    attachments = fields.pop("attachments", ())
    message = _inbound_message(ticket, actor, contact, text, now, **fields)
    message.save(force_insert=True)
    attachments_store(message=message, attachments=attachments)
    return message


def _inbound_message(
    ticket: Ticket, actor: Any, contact: Contact | None, text: str, now: datetime, **fields: Any
) -> Message:
    contact = contact or contact_of(actor)
    if "from_address" not in fields:  # contact.email costs a query: only when mail gave none
        fields["from_address"] = contact.email if contact else ""
    fields.setdefault("from_name", contact.name if contact else "")
    fields.setdefault("subject", ticket.subject)
    fields.setdefault("message_id", make_message_id(ticket_number=ticket.number))
    return Message(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        contact=contact,
        text=text,
        created_at=now,
        **fields,
    )
