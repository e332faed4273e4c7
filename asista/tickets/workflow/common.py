"""What every transition shares: the table of allowed states, the refusals that say why, the
row lock, events, the checks of who acts, and the messages a transition writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asista.api.webhooks import webhook_event
from asista.core.errors import PermissionRefused, TransitionRefused
from asista.core.roles import contact_of, is_dispatcher, is_staff_member
from asista.customers.models import Contact
from asista.mail.outbox import make_message_id
from asista.sla import clocks
from asista.tickets.attachments import NewAttachment, attachments_store
from asista.tickets.models import Event, Message, State, Ticket
from asista.tickets.notifications import (
    STAFF_CUSTOMER,
    StaffNotice,
    notify_assignees,
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
