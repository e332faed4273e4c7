"""Draining the outbox: claim due rows with a conditional UPDATE, send them over SMTP, record the result.

Two workers never send the same row: a row is claimed by one UPDATE that only matches rows still
pending (or abandoned), tagged with the claimer's token, and only the holder records the result.
A worker that dies while holding rows leaves them `sending`; after ASISTA_OUTBOX_CLAIM_TIMEOUT
seconds they are due again. That is the one window where a mail can go out twice (the SMTP server
accepted it, the worker died before writing `sent`); the repeat carries the same Message-ID, so
mail clients show it once in the thread.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q, prefetch_related_objects

from asista.core.clock import now as clock_now
from asista.mail.ingest import TICKET_HEADER
from asista.mail.models import OutboundAttachment, OutboundEmail

log = logging.getLogger(__name__)

Status = OutboundEmail.Status
DEFAULT_CLAIM_TIMEOUT = 600
DEFAULT_MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)


class AttachmentsMissing(Exception):
    """An email's files were never recorded: sending it without them would say less than it
    should (a statement without its invoice), and retrying cannot bring them back."""


@dataclass(frozen=True)
class SendReport:
    claimed: int
    sent: int
    retrying: int
    failed: int

    def __int__(self) -> int:
        """How many went out: what the jobs module counts."""
        return self.sent


def outbox_send_due(*, now: datetime | None = None, limit: int = 100) -> SendReport:
    """Send up to `limit` due outbox rows; safe to run in any number of workers at once."""
    now = now or clock_now()
    token = uuid.uuid4().hex
    rows = _claim(now, limit, token)
    if not rows:
        return SendReport(0, 0, 0, 0)
    sent = retrying = failed = 0
    connection = get_connection(fail_silently=False)
    try:
        for row in rows:
            outcome = _send_one(row, connection, now, token)
            sent += outcome == Status.SENT
            retrying += outcome == Status.PENDING
            failed += outcome == Status.FAILED
    finally:
        try:
            connection.close()
        except Exception:  # a dead connection must not hide what was recorded
            log.warning("closing the mail connection failed", exc_info=True)
    return SendReport(len(rows), sent, retrying, failed)


def claim_timeout() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "ASISTA_OUTBOX_CLAIM_TIMEOUT", DEFAULT_CLAIM_TIMEOUT)))


def _due(now: datetime) -> Q:
    pending = Q(status=Status.PENDING, next_attempt_at__lte=now)
    abandoned = Q(status=Status.SENDING, claimed_at__lte=now - claim_timeout())
    return pending | abandoned


def _claim(now: datetime, limit: int, token: str) -> list[OutboundEmail]:
    """Take due rows for this run: one conditional UPDATE, then read back what it took.

    The UPDATE re-checks the due condition, so a row another worker claimed between our SELECT
    and our UPDATE is not taken twice (on PostgreSQL the second UPDATE waits for the first and
    re-evaluates the condition; SQLite serialises writers).
    """
    due = _due(now)
    oldest_first = OutboundEmail.objects.filter(due).order_by("next_attempt_at", "pk")
    candidates = list(oldest_first.values_list("pk", flat=True)[:limit])
    if not candidates:
        return []
    OutboundEmail.objects.filter(due, pk__in=candidates).update(
        status=Status.SENDING, claimed_at=now, claimed_by=token, attempts=F("attempts") + 1
    )
    rows = list(
        OutboundEmail.objects.select_related("ticket")
        .filter(claimed_by=token, status=Status.SENDING)
        .order_by("next_attempt_at", "pk")
    )
    # One query for the files of the whole run, none when no row has any.
    prefetch_related_objects([row for row in rows if row.attachment_count], "attachments")
    return rows


def build_email(row: OutboundEmail, connection: object = None) -> EmailMultiAlternatives:
    """The email of an outbox row, with the headers that thread it and stop mail loops, and its
    files attached (Django writes a non-ASCII file name as RFC 2231, `filename*=utf-8''…`)."""
    headers = {"Message-ID": row.message_id}
    if row.in_reply_to:
        headers["In-Reply-To"] = row.in_reply_to
    if row.references:
        headers["References"] = row.references
    if row.ticket is not None:
        headers[TICKET_HEADER] = str(row.ticket.number)
    if row.auto_submitted:
        # RFC 3834 for other robots; Exchange's own header so its autoresponders stay quiet.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(row.to),
        cc=list(row.cc),
        reply_to=[settings.ASISTA_SUPPORT_ADDRESS],
        headers=headers,
        connection=connection,
    )
    if row.html:
        email.attach_alternative(row.html, "text/html")
    for item in _attachments_of(row):
        email.attach(item.filename, _content(item), item.content_type)
    return email


def _attachments_of(row: OutboundEmail) -> list[OutboundAttachment]:
    if not row.attachment_count:
        return []
    files = list(row.attachments.all())
    if len(files) != row.attachment_count:
        raise AttachmentsMissing(f"{len(files)} of {row.attachment_count} attachments recorded")
    return files


def _content(item: OutboundAttachment) -> bytes:
    """The file's bytes, checked against its digest: a file not (yet) complete on a shared
    folder raises, and the row is tried again later."""
    with item.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise OSError(f"{item.file.name}: the file does not match its sha256")
    return data


def _still_ours(row: OutboundEmail, token: str, now: datetime) -> bool:
    """Renew this run's claim just before sending, so a long batch never outlives its claim.

    Without it, rows at the end of a slow batch could pass the claim timeout while still queued
    here, be claimed by another worker, and go out twice.
    """
    started = max(now, clock_now())
    return bool(
        OutboundEmail.objects.filter(pk=row.pk, claimed_by=token, status=Status.SENDING).update(
            claimed_at=started
        )
    )


def _send_one(row: OutboundEmail, connection: object, now: datetime, token: str) -> str:
    if not _still_ours(row, token, now):
        return Status.SENDING
    if not row.to:
        return _record(row, token, Status.FAILED, now, "no recipient")
    try:
        build_email(row, connection).send(fail_silently=False)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        return _record(row, token, Status.FAILED, now, f"refused: {exc}")
    except AttachmentsMissing as exc:
        return _record(row, token, Status.FAILED, now, f"not sent: {exc}")
    except Exception as exc:  # network, TLS, a 4xx: try again later
        log.warning("sending outbox row %s failed: %s", row.pk, exc)
        return _retry_or_fail(row, token, now, f"{type(exc).__name__}: {exc}")
    return _record(row, token, Status.SENT, now, "")


def _retry_or_fail(row: OutboundEmail, token: str, now: datetime, error: str) -> str:
    limit = int(getattr(settings, "ASISTA_OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
    if row.attempts >= limit:
        return _record(row, token, Status.FAILED, now, error)
    return _record(row, token, Status.PENDING, now, error, retry_at=now + backoff(row.attempts))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most six hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def _record(
    row: OutboundEmail, token: str, status: str, now: datetime, error: str, retry_at: datetime | None = None
) -> str:
    """Write the outcome, only while this run still holds the row."""
    fields: dict[str, object] = {"status": status, "last_error": error[:4000], "claimed_by": ""}
    if status == Status.SENT:
        fields["sent_at"] = now
    if retry_at is not None:
        fields["next_attempt_at"] = retry_at
    OutboundEmail.objects.filter(pk=row.pk, claimed_by=token).update(**fields)
    return status
