"""Writes of the SLA app that are not driven by a ticket transition: the periodic clock check."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from asista.core.roles import DISPATCHER
from asista.mail.outbox import enqueue
from asista.sla.models import Clock
from asista.sla.selectors import business_calendar

log = logging.getLogger(__name__)

WARNING = "sla_warning"
BREACH = "sla_breach"
TARGET_LABELS = {
    "ro": {
        "first_response": "primul răspuns",
        "urgent_answer": "răspuns la urgență",
        "change_delivered": "livrarea modificării",
        "onsite_visit": "intervenția la sediu",
    },
    "en": {
        "first_response": "first response",
        "urgent_answer": "urgent answer",
        "change_delivered": "change delivered",
        "onsite_visit": "on-site visit",
    },
}


@dataclass
class CheckResult:
    warned: int = 0
    breached: int = 0


def check_clocks(*, now: datetime, limit: int = 500) -> CheckResult:
    """Warn about running clocks past their warning share, and about breaches, once each.

    Safe with several workers: each notice is claimed with a conditional UPDATE (`warned_at` /
    `breach_notified_at` still NULL), and the claim, the ticket event and the outbox emails are
    written in one transaction, so a notice is neither lost nor sent twice. A clock found past
    due that was never warned gets the breach notice only (and counts as warned).
    """
    result = CheckResult()
    for clock_id in _due_for_breach(now, limit):
        result.breached += _notify(clock_id, now, BREACH)
    for clock_id in _due_for_warning(now, limit):
        result.warned += _notify(clock_id, now, WARNING)
    return result


def _running() -> Any:
    return Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True)


def _due_for_breach(now: datetime, limit: int) -> list[int]:
    rows = _running().filter(due_at__lte=now, breach_notified_at__isnull=True).order_by("due_at")
    return list(rows.values_list("pk", flat=True)[:limit])


def _due_for_warning(now: datetime, limit: int) -> list[int]:
    rows = _running().filter(warned_at__isnull=True, warn_at__lte=now, due_at__gt=now).order_by("warn_at")
    return list(rows.values_list("pk", flat=True)[:limit])


def _claim(clock_id: int, now: datetime, kind: str) -> bool:
    running = _running().filter(pk=clock_id)
    if kind == BREACH:
        claimed = running.filter(breach_notified_at__isnull=True, due_at__lte=now).update(
            breach_notified_at=now
        )
        running.filter(warned_at__isnull=True).update(warned_at=now)
        return claimed == 1
    return running.filter(warned_at__isnull=True, warn_at__lte=now).update(warned_at=now) == 1


@transaction.atomic
def _notify(clock_id: int, now: datetime, kind: str) -> int:
    if not _claim(clock_id, now, kind):
        return 0  # another worker got it, or the clock stopped or paused meanwhile
    from asista.tickets.models import Event

    clock = Clock.objects.select_related("ticket", "ticket__assignee", "calendar").get(pk=clock_id)
    remaining = business_calendar(clock.calendar).between(now, clock.due_at)
    details = {
        "target": clock.target,
        "due_at": clock.due_at.isoformat(),
        "business_minutes_left": remaining,
    }
    event_kind = "sla_warned" if kind == WARNING else "sla_overdue"
    Event.objects.create(ticket=clock.ticket, kind=event_kind, details=details, created_at=now)
    _email(clock, kind, now, remaining)
    return 1


def recipients(clock: Clock) -> list[str]:
    """The assignee and every active dispatcher with an address, each once."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    wanted = Q(groups__name=DISPATCHER)
    if clock.ticket.assignee_id is not None:
        wanted |= Q(pk=clock.ticket.assignee_id)
    addresses = users.filter(wanted).order_by("pk").values_list("email", flat=True).distinct()
    return list(dict.fromkeys(addresses))


def _email(clock: Clock, kind: str, now: datetime, remaining: int) -> None:
    from asista.tickets.notifications import render

    to = recipients(clock)
    if not to:
        log.warning("SLA %s for ticket %s: nobody to tell", kind, clock.ticket_id)
        return
    language = settings.LANGUAGE_CODE.split("-")[0]
    context = {
        "ticket": clock.ticket,
        "clock": clock,
        "target": clock.target,
        "target_label": TARGET_LABELS.get(language, TARGET_LABELS["en"]).get(clock.target, clock.target),
        "due_local": timezone.localtime(clock.due_at),
        "minutes_left": remaining,
        "late": max(-remaining, 0),
        "site_url": settings.SITE_URL,
    }
    subject, text, html = render(kind, language, context)
    enqueue(
        template=kind,
        language=language,
        to=to,
        subject=subject,
        text=text,
        html=html,
        now=now,
        ticket_id=clock.ticket_id,
    )
