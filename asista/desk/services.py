"""Desk writes: the ticket page's actions, phone calls and the staff's language preference.

Each ticket action takes a validated form and calls the one service that owns the rule: the
workflow (`asista.tickets.workflow`) and billing (`asista.billing.services`) decide and refuse;
this module only maps a form to its call and says what happened. Phone calls: an urgency becomes
a ticket (`urgent_call_log`); a non-urgent caller is emailed how to write (`write_invitation_send`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asista.billing.services import remote_session_log, time_entry_log
from asista.core.errors import PermissionRefused
from asista.core.models import Profile
from asista.core.roles import is_dispatcher, is_staff_member
from asista.customers.selectors import contact_by_email
from asista.desk.forms import (
    AssignForm,
    CancelForm,
    OnsiteForm,
    PhoneCallForm,
    ReclassifyForm,
    RemoteSessionForm,
    TextForm,
    TimeForm,
    work_ended_at,
)
from asista.desk.models import WriteInvitation
from asista.mail.outbox import enqueue
from asista.tickets import notifications, workflow
from asista.tickets.models import Channel, Kind, Ticket


@dataclass(frozen=True)
class Action:
    form: type[forms.Form]
    run: Callable[[Ticket, Any, dict[str, Any], datetime], str]
    label: str


def _reply(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    workflow.ticket_reply(ticket, actor=user, text=data["text"], attachments=data["attachments"], now=now)
    return _("Reply sent.")


def _ask(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    workflow.ticket_ask_customer(
        ticket, actor=user, text=data["text"], attachments=data["attachments"], now=now
    )
    return _("Question sent; the ticket waits for the customer.")


def _resolve(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    workflow.ticket_resolve(
        ticket, actor=user, solution=data["text"], attachments=data["attachments"], now=now
    )
    return _("Resolved; the solution went to the customer with the whole dialogue.")


def _note(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    workflow.ticket_add_note(ticket, actor=user, text=data["text"], attachments=data["attachments"], now=now)
    return _("Internal note added.")


def _start(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    workflow.ticket_start(ticket, actor=user, now=now)
    return _("Work started; the customer was told.")


def _assign(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    assignee = data["assignee"]
    workflow.ticket_assign(ticket, actor=user, assignee=assignee, now=now)
    return _("Assigned to %(name)s.") % {"name": assignee.get_full_name() or assignee.username}


def _time(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    minutes = data["minutes"]
    day = data.get("day")
    if day is not None and day > timezone.localdate(now):
        raise ValidationError(_("Time is logged once the work is done: the day is in the future."))
    ended_at = work_ended_at(day, now)
    time_entry_log(
        ticket=ticket,
        agent=user,
        kind=data["kind"],
        started_at=ended_at - timedelta(minutes=minutes),
        minutes=minutes,
        km=data.get("km"),
        inside_brasov=data.get("inside_brasov", False),
        note=data.get("note", ""),
    )
    return _("%(minutes)d minutes logged.") % {"minutes": minutes}


def _remote(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    if ticket.assignee_id != user.pk and not is_dispatcher(user):
        raise PermissionRefused(
            _("Only the assignee of %(tag)s or a dispatcher can log a remote session.") % {"tag": ticket.tag}
        )
    session = remote_session_log(
        ticket=ticket,
        agent=user,
        tool=data["tool"],
        started_at=data["started_at"],
        ended_at=data["ended_at"],
        note=data.get("note", ""),
    )
    return _("Remote session logged: %(minutes)d minutes of assistance.") % {
        "minutes": session.time_entry.minutes
    }


def _reclassify(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    workflow.ticket_change_kind_priority(
        ticket,
        actor=user,
        kind=data["kind"],
        priority=data["priority"],
        onsite_reason=data.get("onsite_reason", ""),
        now=now,
    )
    return _("Kind and priority saved.")


def _onsite(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    workflow.ticket_request_onsite(ticket, actor=user, reason=data["reason"], now=now)
    if ticket.kind == Kind.ONSITE:
        return _("%(tag)s is now an on-site intervention.") % {"tag": ticket.tag}
    return _("On-site visit requested; a dispatcher decides on the board.")


def _cancel(ticket: Ticket, user: Any, data: dict[str, Any], now: datetime) -> str:
    workflow.ticket_cancel(ticket, actor=user, reason=data["reason"], now=now)
    return _("Ticket cancelled.")


ACTIONS: dict[str, Action] = {
    "reply": Action(TextForm, _reply, "Reply"),
    "ask": Action(TextForm, _ask, "Ask the customer"),
    "resolve": Action(TextForm, _resolve, "Resolve"),
    "note": Action(TextForm, _note, "Internal note"),
    "start": Action(forms.Form, _start, "Start work"),
    "assign": Action(AssignForm, _assign, "Assign"),
    "time": Action(TimeForm, _time, "Log time"),
    "remote": Action(RemoteSessionForm, _remote, "Log a remote session"),
    "reclassify": Action(ReclassifyForm, _reclassify, "Kind and priority"),
    "onsite": Action(OnsiteForm, _onsite, "Request an on-site visit"),
    "cancel": Action(CancelForm, _cancel, "Cancel"),
}


def profile_language_set(*, user: Any, language: str) -> Profile:
    """Save a staff user's language on their profile, creating the profile if they have none."""
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"language": language})
    return profile


@transaction.atomic
def urgent_call_log(*, actor: Any, data: dict[str, Any], now: datetime) -> Ticket:
    """An urgency taken on the phone becomes an urgent ticket (caller, number, what is blocked).

    A known caller (`contact`) is the ticket's requester and gets the acknowledgement with its
    number; the line saying who phoned is written in the requester's (or the customer's)
    language, as the customer reads it in the portal too."""
    contact = data.get("contact")
    customer = contact.customer if contact else data["customer"]
    caller = (data.get("caller") or "").strip() or (contact.name if contact else "")
    with translation.override(contact.language if contact else customer.language):
        line = _("Phoned in by %(caller)s (%(phone)s).") % {"caller": caller, "phone": data["phone"]}
    return workflow.ticket_create(
        customer=customer,
        contact=contact,
        subject=data["subject"],
        text=f"{line}\n\n{data['text']}",
        actor=actor,
        kind=Kind.URGENT_CALL,
        channel=Channel.PHONE,
        from_name=caller,
        from_address=data.get("caller_address") or "",
        now=now,
    )


def write_invitation_send(
    *,
    actor: Any,
    key: UUID,
    address: str,
    now: datetime,
    language: str = "",
    note: str = "",
) -> WriteInvitation:
    """Email a non-urgent caller the support address and the portal's new-request link, once.

    A known contact (by `address`) gets the email in their language, else in `language`. The
    email goes through the outbox in the same transaction as the WriteInvitation that records
    who sent it, when and to whom; no ticket is opened. `key` identifies the form: submitting it
    again (a double click, a reload) returns the first invitation and sends nothing.
    """
    if not is_staff_member(actor):
        raise PermissionRefused(_("Only the support team can send this email."))
    found = WriteInvitation.objects.filter(key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return _write_invitation(
                actor=actor, key=key, address=address, now=now, language=language, note=note
            )
    except IntegrityError:  # the same form submitted twice at once: the other request sent it
        found = WriteInvitation.objects.filter(key=key).first()
        if found is None:
            raise
        return found


def _write_invitation(
    *, actor: Any, key: UUID, address: str, now: datetime, language: str, note: str
) -> WriteInvitation:
    contact = contact_by_email(address)
    if contact is not None:
        language = str(contact.language)
    elif language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    invitation = WriteInvitation.objects.create(
        key=key,
        address=address,
        contact=contact,
        language=language,
        note=note,
        sent_by=actor,
        sent_at=now,
    )
    context = {
        "contact": contact,
        "support_address": settings.ASISTA_SUPPORT_ADDRESS,
        "form_url": settings.SITE_URL.rstrip("/") + reverse("portal:new"),
        "has_login": bool(contact is not None and contact.user_id),
    }
    subject, text, html = notifications.render("write_to_us", language, context)
    invitation.email = enqueue(
        template="write_to_us",
        language=language,
        to=[address],
        subject=subject,
        text=text,
        html=html,
        now=now,
        auto_submitted=False,  # an agent's message to a person who just called
    )
    invitation.save(update_fields=["email"])
    return invitation


__all__ = ["ACTIONS", "PhoneCallForm", "profile_language_set", "urgent_call_log", "write_invitation_send"]
