"""Ticket services that are not a single transition."""

from __future__ import annotations

import logging
from datetime import datetime

from asista.core.errors import DomainError
from asista.sla import clocks
from asista.tickets import workflow
from asista.tickets.models import State, Ticket

log = logging.getLogger(__name__)


def auto_close_due(*, now: datetime) -> int:
    """Auto-close every resolved ticket past its deadline; returns how many closed."""
    closed = 0
    candidates = Ticket.objects.filter(
        state=State.RESOLVED, resolved_at__lte=clocks.auto_close_due_before(now)
    )
    for ticket in candidates.order_by("resolved_at").iterator():
        if clocks.auto_close_deadline(ticket) > now:
            continue
        try:
            workflow.ticket_auto_close(ticket, now=now)
            closed += 1
        except DomainError as exc:  # another worker got there first, or the customer answered
            log.info("auto-close skipped %s: %s", ticket.tag, exc)
    return closed
