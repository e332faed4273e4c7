"""The transitions of a ticket's life (DOMAIN.md §2): assign, start, ask, the customer's answer,
resolve, accept, reopen, close, cancel, reclassify, request an on-site visit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asista.core.clock import now as clock_now
from asista.core.errors import PermissionRefused, TransitionRefused
from asista.core.roles import can_take_tickets, contact_of, is_dispatcher, is_staff_member
from asista.customers.models import Contact
from asista.sla import clocks
from asista.tickets.attachments import NewAttachment
from asista.tickets.models import Kind, Message, Priority, Ticket
from asista.tickets.notifications import (
    ACCEPTED,
    ANSWERED,
    REOPENED,
    STAFF_ASSIGNED,
    StaffNotice,
    notify_assignees,
    notify_customer,
)
from asista.tickets.workflow.common import (
    S,
    _check_state,
    _event,
    _inbound,
    _lock,
    _outbound,
    _refuse_state,
    _require_customer_side,
    _require_dispatcher,
    _require_text,
    _require_worker,
    _responded,
    _tell_assignee,
)


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
    if not can_take_tickets(assignee):
        raise TransitionRefused(
            _("%(name)s is an administrator, not an agent or a dispatcher: they do not take tickets.")
            % {"name": assignee}
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
    _require_worker(actor, ticket, _("request an on-site visit"))
    _lock(ticket)
    _check_state(ticket, "request_onsite")
    if ticket.kind == Kind.ONSITE:
        raise TransitionRefused(_("%(tag)s is already an on-site intervention.") % {"tag": ticket.tag})
    if is_dispatcher(actor):
        return ticket_change_kind_priority(
            ticket, actor=actor, kind=Kind.ONSITE, onsite_reason=reason, now=now
        )
    ticket.onsite_reason = reason
    ticket.save(update_fields=["onsite_reason", "updated_at"])
    _event(ticket, "onsite_requested", actor, now, details={"reason": reason})
    return ticket
