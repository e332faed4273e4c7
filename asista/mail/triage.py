"""Mail from unknown senders waits for a dispatcher, who links it to a contact or rejects it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asista.core.clock import now as clock_now
from asista.core.errors import PermissionRefused, TransitionRefused
from asista.customers.models import Contact
from asista.mail.ingest import IngestResult, mail_process, parse_safely, raw_read
from asista.mail.models import RawMessage

PERMISSION = "mail.triage_mail"


def _require_triage(actor: Any) -> None:
    if actor is None or not actor.has_perm(PERMISSION):
        raise PermissionRefused(_("Only a dispatcher can link or reject mail from unknown senders."))


def _claim(raw: RawMessage, status: str) -> bool:
    """Move the row out of triage; False when someone else did it first."""
    return bool(RawMessage.objects.filter(pk=raw.pk, status=RawMessage.Status.TRIAGE).update(status=status))


def triage_link(
    raw: RawMessage, *, contact: Contact, actor: Any, now: datetime | None = None
) -> IngestResult:
    """Treat a waiting mail as written by `contact`: it joins that customer's thread or opens a ticket.

    The mail goes through the whole pipeline again with the sender known, so a reply to one of
    the customer's tickets joins it, and anything else opens a ticket for the customer.
    """
    _require_triage(actor)
    now = now or clock_now()
    if not contact.is_active:
        raise TransitionRefused(_("%(name)s is not an active contact.") % {"name": contact.name})
    if not _claim(raw, RawMessage.Status.RECEIVED):
        raise TransitionRefused(_("This mail is no longer waiting for triage."))
    raw.status = RawMessage.Status.RECEIVED
    return mail_process(raw, parse_safely(raw_read(raw)), now=now, contact=contact)


@transaction.atomic
def triage_reject(raw: RawMessage, *, actor: Any, reason: str = "") -> RawMessage:
    """Reject a waiting mail (spam, not for us). The raw bytes stay stored; nothing is answered."""
    _require_triage(actor)
    if not _claim(raw, RawMessage.Status.REJECTED):
        raise TransitionRefused(_("This mail is no longer waiting for triage."))
    raw.status = RawMessage.Status.REJECTED
    raw.error = reason.strip()
    flags = [*raw.flags, "rejected"]
    RawMessage.objects.filter(pk=raw.pk).update(error=raw.error, flags=flags)
    raw.flags = flags
    return raw
