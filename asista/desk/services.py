"""Desk actions: each one takes a validated form and calls the one service that owns the rule.

The workflow (`asista.tickets.workflow`) and billing (`asista.billing.services`) decide and
refuse; this module only maps a form to its call and says what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from asista.billing.services import remote_session_log, time_entry_log
from asista.core.errors import PermissionRefused
from asista.core.models import Profile
from asista.core.roles import is_dispatcher
from asista.desk.forms import (
    AssignForm,
    CancelForm,
    PhoneCallForm,
    ReclassifyForm,
    RemoteSessionForm,
    TextForm,
    TimeForm,
)
from asista.tickets import workflow
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
    time_entry_log(
        ticket=ticket,
        agent=user,
        kind=data["kind"],
        started_at=now - timedelta(minutes=minutes),
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
    "cancel": Action(CancelForm, _cancel, "Cancel"),
}


def profile_language_set(*, user: Any, language: str) -> Profile:
    """Save a staff user's language on their profile, creating the profile if they have none."""
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"language": language})
    return profile


@transaction.atomic
def urgent_call_log(*, actor: Any, data: dict[str, Any], now: datetime) -> Ticket:
    """An urgency taken on the phone becomes an urgent ticket (caller, number, what is blocked)."""
    customer = data["customer"]
    text = _("Phoned in by %(caller)s (%(phone)s).") % {"caller": data["caller"], "phone": data["phone"]}
    return workflow.ticket_create(
        customer=customer,
        subject=data["subject"],
        text=f"{text}\n\n{data['text']}",
        actor=actor,
        kind=Kind.URGENT_CALL,
        channel=Channel.PHONE,
        from_name=data["caller"],
        now=now,
    )


__all__ = ["ACTIONS", "PhoneCallForm", "profile_language_set", "urgent_call_log"]
