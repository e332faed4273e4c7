"""The IMAP poller: read new mail from every active `Mailbox`, ingest it, then mark it done.

A message is flagged (or moved) only after `mail_ingest` returned, that is after its raw row was
committed: a crash before that leaves it unmarked, and the next poll delivers it again, which
the ingest's Message-ID/sha256 check turns into a no-op.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from imapclient import IMAPClient

from asista.core.clock import now as clock_now
from asista.mail.ingest import mail_ingest_many
from asista.mail.models import Mailbox, RawMessage

log = logging.getLogger(__name__)

FETCH_CHUNK = 25
DEFAULT_LIMIT = 500
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class PollReport:
    mailbox: str
    ingested: int
    duplicates: int
    error: str = ""


def imap_poll_all(*, now: datetime | None = None, limit: int = DEFAULT_LIMIT) -> list[PollReport]:
    """Poll every active mailbox once; a failing mailbox is recorded and does not stop the others."""
    now = now or clock_now()
    reports = []
    for mailbox in Mailbox.objects.filter(is_active=True).order_by("pk"):
        try:
            report = imap_poll(mailbox, now=now, limit=limit)
        except Exception as exc:  # network, login, TLS: recorded on the mailbox for the admin
            log.warning("polling %s failed: %s", mailbox, exc)
            report = PollReport(mailbox.name, 0, 0, f"{type(exc).__name__}: {exc}")
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=now, last_error=report.error[:2000])
        reports.append(report)
    return reports


def imap_poll(mailbox: Mailbox, *, now: datetime, limit: int = DEFAULT_LIMIT) -> PollReport:
    """Ingest up to `limit` unprocessed messages of one mailbox."""
    ingested = duplicates = 0
    with imap_connect(mailbox) as client:
        client.select_folder(mailbox.folder)
        uids = sorted(client.search(_unprocessed(mailbox)))[:limit]
        for start in range(0, len(uids), FETCH_CHUNK):
            chunk = uids[start : start + FETCH_CHUNK]
            fetched = client.fetch(chunk, ["BODY.PEEK[]"])  # PEEK: a person's \Seen stays theirs
            # A uid missing from the answer was expunged meanwhile by someone else.
            done = [uid for uid in chunk if fetched.get(uid, {}).get(b"BODY[]") is not None]
            raws = [bytes(fetched[uid][b"BODY[]"]) for uid in done]
            results = mail_ingest_many(raws, source=RawMessage.Source.IMAP, now=now)
            duplicates += sum(r.duplicate for r in results)
            ingested += sum(not r.duplicate for r in results)
            _mark_done(client, mailbox, done)  # every outcome above is committed
    return PollReport(mailbox.name, ingested, duplicates)


def _unprocessed(mailbox: Mailbox) -> list[str]:
    if mailbox.processed_folder:
        return ["NOT", "DELETED"]
    return ["NOT", "DELETED", "NOT", "KEYWORD", mailbox.processed_flag]


def _mark_done(client: IMAPClient, mailbox: Mailbox, uids: list[int]) -> None:
    if not uids:
        return
    if not mailbox.processed_folder:
        client.add_flags(uids, [mailbox.processed_flag.encode()], silent=True)
        return
    if client.has_capability("MOVE"):
        client.move(uids, mailbox.processed_folder)
        return
    client.copy(uids, mailbox.processed_folder)
    client.add_flags(uids, [b"\\Deleted"], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:
        client.expunge()


@contextmanager
def imap_connect(mailbox: Mailbox) -> Iterator[IMAPClient]:
    """A logged-in client for `mailbox` (TLS, STARTTLS or, for tests, plain), logged out after."""
    context = ssl.create_default_context()
    use_tls = mailbox.security == Mailbox.Security.TLS
    client = IMAPClient(
        mailbox.host, port=mailbox.port, ssl=use_tls, ssl_context=context, timeout=TIMEOUT_SECONDS
    )
    try:
        if mailbox.security == Mailbox.Security.STARTTLS:
            client.starttls(context)
        client.login(mailbox.user, mailbox.password)
        yield client
    finally:
        try:
            client.logout()
        except Exception:  # the session may already be gone; nothing left to clean up
            log.debug("IMAP logout failed", exc_info=True)


def imap_check(mailbox: Mailbox) -> str:
    """Log in and count the folder's unprocessed mail: for the admin's "test connection" action."""
    with imap_connect(mailbox) as client:
        client.select_folder(mailbox.folder, readonly=True)
        count = len(client.search(_unprocessed(mailbox)))
    return _("%(count)d message(s) waiting in %(folder)s.") % {"count": count, "folder": mailbox.folder}
