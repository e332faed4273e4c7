"""Inbound mail → tickets: store the raw bytes, parse, guard loops, thread, call the workflow.

Every transport (IMAP, MTA pipe, HTTP, file import) calls `mail_ingest`. The rules are in
docs/mail.md; in short:

1. The raw bytes are written to storage (content-addressed) and recorded as a `RawMessage` in
   status `received` before any ticket work, in their own autocommit statement. The insert is the
   idempotency check: the same Message-ID, or the same bytes when there is none, is stored once
   and a second delivery returns what the first one produced.
2. Our own mail coming back (our Message-ID domain, our `X-Asista-Ticket` header, our support
   address as sender) is ignored: that is a loop.
3. Bounces and automatic replies never open a ticket nor get an answer; when they concern a
   ticket (the bounced Message-ID, the thread) they are kept on it as internal notes, and a bounce
   marks the failed addresses of contacts as failing.
4. Threading: In-Reply-To/References against every Message-ID we received or sent, then the
   `[#1234]` tag of the subject (only for a contact of that ticket's customer), else a new ticket.
5. A reply to a resolved ticket reopens it unless it only says thanks; a reply to a closed ticket
   opens a new ticket linked to it (a thank-you within ASISTA_REOPEN_WINDOW_DAYS is just kept).
6. Mail from an address that belongs to no contact waits in triage (`asista.mail.triage`).
7. The rows' final statuses are written last, one statement per batch; a crash in between
   leaves them `received`, and `mail_retry_received` finishes them (the Message a row produced,
   if any, is found by `raw_id`).

Mails are taken in batches (`mail_ingest_many`): one INSERT stores a batch's raw rows, one query
per kind fetches its senders and the tickets it threads into (`asista.mail.lookups`), one UPDATE
records the outcomes; what remains per mail is the workflow's own transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from asista.core.clock import now as clock_now
from asista.core.files import store_once
from asista.customers.models import Contact, ContactEmail
from asista.mail import threads
from asista.mail.lookups import Lookups, Sender, reference_ids
from asista.mail.models import RawMessage, raw_path
from asista.mail.parsing import ParsedMail, parse
from asista.tickets import workflow
from asista.tickets.attachments import NewAttachment
from asista.tickets.models import OPEN_STATES, Channel, Message, State, Ticket

log = logging.getLogger(__name__)

Status = RawMessage.Status
DEFAULT_ACK_LIMIT_PER_HOUR = 10
TICKET_HEADER = "X-Asista-Ticket"


@dataclass(frozen=True)
class IngestResult:
    """What one inbound mail became."""

    raw: RawMessage
    ticket: Ticket | None
    message: Message | None
    created_ticket: bool
    duplicate: bool
    flags: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON line of `asista mail ingest` (without `file`)."""
        message = self.message
        if message is None and self.created_ticket and self.ticket is not None:
            # ticket_create returns the ticket only; ask for its first message when printing.
            message = self.ticket.messages.order_by("pk").first()
        return {
            "raw": self.raw.pk,
            "status": self.raw.status,
            "ticket": self.ticket.number if self.ticket else None,
            "message": message.pk if message else None,
            "created_ticket": self.created_ticket,
            "duplicate": self.duplicate,
            "flags": list(self.flags),
        }


@dataclass
class _Outcome:
    status: str
    flags: list[str] = field(default_factory=list)
    ticket: Ticket | None = None
    message: Message | None = None
    created_ticket: bool = False
    acknowledged: bool = False
    draft: workflow.NewTicket | None = None  # a ticket to open with the batch's others
    reply: workflow.CustomerMessage | None = None  # a message to add with the batch's others
    error: str = ""


@dataclass(frozen=True)
class _Item:
    raw: bytes
    digest: str
    path: str
    mail: ParsedMail


# --- the service ------------------------------------------------------------------------------


def mail_ingest(raw: bytes, *, source: str, now: datetime | None = None) -> IngestResult:
    """Turn one raw inbound mail into the right ticket change; safe to call twice with the same mail.

    Runs in autocommit (each workflow call is its own transaction): call it outside
    `transaction.atomic()` so that the raw row is durable before the ticket work starts.
    """
    return mail_ingest_many([raw], source=source, now=now)[0]


def mail_ingest_many(
    raws: Sequence[bytes], *, source: str, now: datetime | None = None
) -> list[IngestResult]:
    """`mail_ingest` for a batch, in order, with a handful of queries per batch besides the workflow.

    A mail may answer one earlier in the same batch. When this returns, every outcome is committed.
    """
    now = now or clock_now()
    items = [_item(raw) for raw in raws]
    rows = _insert_raws(items, source=source, now=now)
    fresh = [(row, item.mail) for row, item in zip(rows, items, strict=True) if row is not None]
    processed = iter(_process_batch(fresh, now=now))
    results: list[IngestResult | None] = [next(processed) if row else None for row in rows]
    duplicates = [item for item, result in zip(items, results, strict=True) if result is None]
    known = iter(_duplicates(duplicates))
    return [result or next(known) for result in results]


def mail_process(
    row: RawMessage, mail: ParsedMail, *, now: datetime, contact: Contact | None = None
) -> IngestResult:
    """Route one stored raw message (status `received`) and record the outcome on its row.

    `contact` overrides the sender lookup: a dispatcher linking an unknown sender (triage).
    """
    return _process_batch([(row, mail)], now=now, contact=contact)[0]


def _process_batch(
    pairs: list[tuple[RawMessage, ParsedMail]], *, now: datetime, contact: Contact | None = None
) -> list[IngestResult]:
    """Route the mails in order; new tickets and plain replies are written together (`_Deferred`)."""
    if not pairs:
        return []
    lookups = Lookups([mail for _row, mail in pairs], now=now)
    deferred = _Deferred(lookups, now)
    outcomes = []
    for row, mail in pairs:
        deferred.before(mail)
        outcome = _process_one(row, mail, now, lookups, contact)
        deferred.add(mail, outcome)
        outcomes.append(outcome)
    deferred.flush()
    results = [_result(row, outcome) for (row, _mail), outcome in zip(pairs, outcomes, strict=True)]
    _record_outcomes([row for row, _mail in pairs])
    return results


class _Deferred:
    """New tickets and customers' messages to open tickets, written a batch at a time
    (`workflow.tickets_open`, `workflow.tickets_add_customer_messages`), in one transaction each.

    A mail that touches what waits here (a reply to a ticket not opened yet, anything more on a
    ticket with messages waiting) writes the waiting ones first, so the order of events on a
    ticket is the order the mails came in. If writing together fails, each is written on its
    own, so one bad mail cannot hold back the others.
    """

    def __init__(self, lookups: Lookups, now: datetime) -> None:
        self.lookups, self.now = lookups, now
        self.opening: list[tuple[ParsedMail, _Outcome]] = []
        self.opening_ids: set[str] = set()
        self.replies: list[_Outcome] = []
        self.replied: set[int] = set()

    def add(self, mail: ParsedMail, outcome: _Outcome) -> None:
        if outcome.draft is not None:
            self.opening.append((mail, outcome))
            if mail.message_id:
                self.opening_ids.add(mail.message_id)
        elif outcome.reply is not None:
            self.replies.append(outcome)
            self.replied.add(outcome.reply.ticket.pk)

    def before(self, mail: ParsedMail) -> None:
        ids = reference_ids(mail)
        if self.opening_ids and any(mid in self.opening_ids for mid in ids):
            self.flush()
        elif self.replied and (mail.is_bounce or mail.is_auto_reply):
            # Replies wait only for open tickets that do not wait for the customer; the one other
            # thing a mail writes on such a ticket is a note (a bounce, an automatic answer).
            ticket = self.lookups.ticket_by_ids(ids)
            if ticket is not None and ticket.pk in self.replied:
                self.flush()

    def flush(self) -> None:
        self._open()
        self._reply()

    def _open(self) -> None:
        waiting, self.opening, self.opening_ids = self.opening, [], set()
        if not waiting:
            return
        try:
            tickets = workflow.tickets_open([o.draft for _m, o in waiting if o.draft], now=self.now)
        except Exception:
            log.warning("opening %d tickets together failed; opening them one by one", len(waiting))
            for mail, outcome in waiting:
                self._alone(outcome, partial(self._open_one, mail, outcome))
            return
        for (mail, outcome), ticket in zip(waiting, tickets, strict=True):
            self._opened(mail, outcome, ticket)

    def _open_one(self, mail: ParsedMail, outcome: _Outcome) -> None:
        assert outcome.draft is not None
        (ticket,) = workflow.tickets_open([outcome.draft], now=self.now)
        self._opened(mail, outcome, ticket)

    def _opened(self, mail: ParsedMail, outcome: _Outcome, ticket: Ticket) -> None:
        outcome.ticket, outcome.draft = ticket, None
        self.lookups.learn(mail, ticket, acknowledged=False)  # counted when it was decided

    def _reply(self) -> None:
        waiting, self.replies, self.replied = self.replies, [], set()
        if not waiting:
            return
        try:
            messages = workflow.tickets_add_customer_messages(
                [o.reply for o in waiting if o.reply], now=self.now
            )
        except Exception:  # a ticket moved on meanwhile (waiting, resolved): the workflow decides each
            for outcome in waiting:
                self._alone(outcome, partial(self._reply_one, outcome))
            return
        for outcome, message in zip(waiting, messages, strict=True):
            outcome.message, outcome.reply = message, None

    def _reply_one(self, outcome: _Outcome) -> None:
        reply = outcome.reply
        assert reply is not None
        outcome.message = workflow.ticket_add_customer_message(
            reply.ticket, contact=reply.contact, text=reply.text, now=self.now, **reply.fields
        )
        outcome.reply = None

    def _alone(self, outcome: _Outcome, write: Callable[[], None]) -> None:
        try:
            write()
        except Exception as exc:  # the raw row keeps the mail; the retry job tries again
            log.exception("ingest of a mail failed while writing it")
            outcome.status, outcome.flags, outcome.error = Status.RECEIVED, ["error"], _error(exc)
            outcome.created_ticket = outcome.acknowledged = False
            outcome.draft = outcome.reply = None


def _record_outcomes(rows: list[RawMessage]) -> None:
    """One UPDATE per distinct outcome (a batch has a handful), cheaper than a CASE per row."""
    groups: dict[tuple[str, str, bool, str], list[int]] = {}
    for row in rows:
        key = (row.status, json.dumps(row.flags), row.acknowledged, row.error)
        groups.setdefault(key, []).append(row.pk)
    for (status, flags, acknowledged, error), pks in groups.items():
        RawMessage.objects.filter(pk__in=pks).update(
            status=status, flags=json.loads(flags), acknowledged=acknowledged, error=error
        )


def _process_one(
    row: RawMessage, mail: ParsedMail, now: datetime, lookups: Lookups, contact: Contact | None
) -> _Outcome:
    """Route one mail; an unexpected error leaves its row `received`, for `mail_retry_received`."""
    try:
        outcome = _route(row, mail, now, lookups, contact)
    except Exception as exc:  # the raw row keeps the mail; the retry job tries again
        log.exception("ingest of raw message %s failed", row.pk)
        return _Outcome(Status.RECEIVED, ["error"], error=_error(exc))
    lookups.learn(mail, outcome.ticket, acknowledged=outcome.acknowledged)
    return outcome


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _result(row: RawMessage, outcome: _Outcome) -> IngestResult:
    row.status, row.flags, row.acknowledged, row.error = (
        outcome.status,
        outcome.flags,
        outcome.acknowledged,
        outcome.error,
    )
    return IngestResult(
        row, outcome.ticket, outcome.message, outcome.created_ticket, False, tuple(outcome.flags)
    )


def mail_retry_received(*, now: datetime, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Finish raw messages left `received` by a crash or an error; returns how many were retried.

    A row whose Message exists was handled before the crash and only lacked its status.
    """
    rows = list(RawMessage.objects.filter(status=Status.RECEIVED, received_at__lte=now - older_than))
    done = set(Message.objects.filter(raw__in=rows).values_list("raw_id", flat=True))
    RawMessage.objects.filter(pk__in=done).update(status=Status.PROCESSED, error="")
    pending = [(row, parse_safely(raw_read(row))) for row in rows if row.pk not in done]
    _process_batch(pending, now=now)
    return len(rows)


# --- storage ----------------------------------------------------------------------------------


def raw_store_file(digest: str, raw: bytes) -> str:
    """Write the bytes once per content; returns the storage path."""
    return store_once(raw_path(RawMessage(sha256=digest), ""), raw)


def raw_read(row: RawMessage) -> bytes:
    with default_storage.open(str(row.file.name), "rb") as handle:
        return bytes(handle.read())


def parse_safely(raw: bytes) -> ParsedMail:
    """The parser never raises by contract; if it ever does, the mail is still kept, unparsed."""
    try:
        return parse(raw)
    except Exception:
        log.exception("parser raised on a %d-byte message", len(raw))
        return ParsedMail(defects=("unparsed", "parser-exception"))


def _item(raw: bytes) -> _Item:
    digest = hashlib.sha256(raw).hexdigest()
    path = raw_store_file(digest, raw)  # the bytes are on disk before any database work
    return _Item(raw, digest, path, parse_safely(raw))


INSERT_CHUNK = 200


def _insert_raws(items: list[_Item], *, source: str, now: datetime) -> list[RawMessage | None]:
    """Insert the rows of mails not stored yet; None where the mail is a duplicate.

    `INSERT … ON CONFLICT DO NOTHING RETURNING` (SQLite ≥ 3.35, PostgreSQL): the unique
    constraints on sha256 and Message-ID decide, so two workers receiving the same mail store it
    once, and a mail twice in one batch is stored once.
    """
    rows = [_raw_row(item, source, now) for item in items]
    inserted: dict[str, int] = {}
    for start in range(0, len(rows), INSERT_CHUNK):
        inserted.update(_insert_chunk(rows[start : start + INSERT_CHUNK]))
    kept: list[RawMessage | None] = []
    for row in rows:
        pk = inserted.pop(row.sha256, None)  # pop: identical bytes twice, only the first is new
        row.pk = pk
        kept.append(row if pk is not None else None)
    return kept


def _raw_row(item: _Item, source: str, now: datetime) -> RawMessage:
    mail = item.mail
    row = RawMessage(
        sha256=item.digest,
        message_id=mail.message_id[:998],
        size=len(item.raw),
        source=source,
        status=Status.RECEIVED,
        from_address=mail.from_address.lower()[:320],
        subject=mail.subject[:998],
        received_at=now,
        flags=[],
    )
    row.file.name = item.path
    return row


def _insert_chunk(rows: list[RawMessage]) -> dict[str, int]:
    fields = [f for f in RawMessage._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(row, True), connection) for row in rows for f in fields]
    table = connection.ops.quote_name(str(RawMessage._meta.db_table))
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
    sql = f"INSERT INTO {table} ({columns}) VALUES {marks} ON CONFLICT DO NOTHING RETURNING id, sha256"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return {sha: int(pk) for pk, sha in cursor.fetchall()}


def _duplicates(items: list[_Item]) -> list[IngestResult]:
    """What the first delivery of each of these mails became: two queries for the lot."""
    if not items:
        return []
    digests = {i.digest for i in items}
    ids = {i.mail.message_id for i in items if i.mail.message_id}
    rows = list(RawMessage.objects.filter(Q(sha256__in=digests) | Q(message_id__in=ids)).order_by("pk"))
    by_digest = {r.sha256: r for r in rows}
    by_id = {r.message_id: r for r in reversed(rows) if r.message_id}
    messages: dict[int, Message] = {}
    for found in Message.objects.select_related("ticket").filter(raw__in=rows).order_by("-pk"):
        messages[int(found.raw_id or 0)] = found  # ordered newest first: the first one wins
    results = []
    for item in items:
        row = by_digest.get(item.digest) or by_id[item.mail.message_id]
        message = messages.get(row.pk)
        ticket = message.ticket if message else None
        created = bool(ticket and "new" in row.flags)
        results.append(IngestResult(row, ticket, message, created, True, ("duplicate",)))
    return results


# --- routing ----------------------------------------------------------------------------------


def _route(
    row: RawMessage, mail: ParsedMail, now: datetime, lookups: Lookups, forced: Contact | None
) -> _Outcome:
    unparsed = "unparsed" in mail.defects
    if _is_our_own(mail):
        return _Outcome(Status.IGNORED, ["loop"])
    if mail.is_bounce:
        return _route_bounce(row, mail, now, lookups)
    if mail.is_auto_reply:
        return _route_auto_reply(row, mail, now, lookups)
    sender = Sender(forced) if forced else lookups.sender(mail.from_address)
    ticket = lookups.ticket_by_ids(reference_ids(mail))
    flags: list[str] = ["unparsed"] if unparsed else []
    if ticket is not None:
        if sender.contact is not None and sender.contact.customer_id == ticket.customer_id:
            return _route_reply(ticket, sender, mail, row, now, flags)
        member = lookups.staff_member(mail.from_address) if sender.contact is None else None
        if member is not None:
            # Someone of the team answering one of our emails (a notification): for the team's
            # eyes, whatever the ticket's state; the customer is answered from the desk.
            message = _keep_as_note(ticket, mail, row, now, [*flags, "staff_reply"], author=member)
            return _Outcome(Status.PROCESSED, [*flags, "staff_reply"], ticket, message)
        if ticket.state in OPEN_STATES:
            # They hold our Message-ID, so the mail belongs here, from someone we do not know
            # (a colleague in Cc, a forward): kept on the ticket, answering nothing.
            return _add_to_open(ticket, None, mail, row, now, [*flags, "reply", "foreign_sender"])
    tagged = lookups.ticket_by_tag(mail.subject) if ticket is None else None
    if tagged is not None:
        if sender.contact is not None and sender.contact.customer_id == tagged.customer_id:
            return _route_reply(tagged, sender, mail, row, now, flags)
        flags.append("tag_ignored")  # a tag is guessable: only the customer's contacts use it
    if sender.contact is None:
        return _Outcome(Status.TRIAGE, [*flags, "triage"])
    return _new_ticket(sender, mail, row, now, flags)


def _is_our_own(mail: ParsedMail) -> bool:
    if mail.header(TICKET_HEADER):
        return True
    if mail.message_id and threads.is_our_message_id(mail.message_id, domain=settings.ASISTA_MAIL_DOMAIN):
        return True
    support = str(settings.ASISTA_SUPPORT_ADDRESS).lower()
    return bool(mail.from_address) and mail.from_address.lower() == support


def _route_bounce(row: RawMessage, mail: ParsedMail, now: datetime, lookups: Lookups) -> _Outcome:
    original = mail.bounce_original_message_id
    ticket = lookups.ticket_by_ids([original]) if original else None
    if ticket is None:
        return _Outcome(Status.IGNORED, ["bounce"])
    flags = ["bounce"]
    if mail.bounce_recipients:
        _mark_failing(mail.bounce_recipients, mail.text, now)
        flags.append("address_failing")
    message = _keep_as_note(ticket, mail, row, now, ["bounce"])
    return _Outcome(Status.PROCESSED, flags, ticket, message)


def _route_auto_reply(row: RawMessage, mail: ParsedMail, now: datetime, lookups: Lookups) -> _Outcome:
    ticket = lookups.ticket_by_ids(reference_ids(mail))
    if ticket is None:
        return _Outcome(Status.IGNORED, ["auto_reply"])
    message = _keep_as_note(ticket, mail, row, now, ["auto_reply"])
    return _Outcome(Status.PROCESSED, ["auto_reply"], ticket, message)


def _route_reply(
    ticket: Ticket, sender: Sender, mail: ParsedMail, row: RawMessage, now: datetime, flags: list[str]
) -> _Outcome:
    contact = sender.contact
    assert contact is not None
    if ticket.state in OPEN_STATES:
        return _add_to_open(ticket, contact, mail, row, now, [*flags, "reply"])
    thanks = threads.only_says_thanks(mail.text, sender_name=mail.from_name or contact.name)
    if ticket.state == State.RESOLVED:
        if thanks:
            return _keep_thanks(ticket, contact, mail, row, now, flags)
        # The workflow wants words to reopen; an attachment-only reply still reopens.
        text = _text(mail) or _("(no text; see the attachments)")
        message = workflow.ticket_reopen(
            ticket, actor=None, contact=contact, text=text, now=now, **_message_fields(mail, row)
        )
        return _Outcome(Status.PROCESSED, [*flags, "reply", "reopened"], ticket, message)
    if thanks and _within_window(ticket, now):
        return _keep_thanks(ticket, contact, mail, row, now, flags)
    return _new_ticket(sender, mail, row, now, [*flags, "follow_up"], related_to=ticket)


def _add_to_open(
    ticket: Ticket,
    contact: Contact | None,
    mail: ParsedMail,
    row: RawMessage,
    now: datetime,
    flags: list[str],
) -> _Outcome:
    if ticket.state != State.WAITING:  # a plain message: written with the batch's others
        reply = workflow.CustomerMessage(ticket, contact, _text(mail), _message_fields(mail, row))
        return _Outcome(Status.PROCESSED, flags, ticket, reply=reply)
    message = workflow.ticket_add_customer_message(
        ticket, contact=contact, text=_text(mail), now=now, **_message_fields(mail, row)
    )
    return _Outcome(Status.PROCESSED, flags, ticket, message)


def _keep_thanks(
    ticket: Ticket, contact: Contact, mail: ParsedMail, row: RawMessage, now: datetime, flags: list[str]
) -> _Outcome:
    message = workflow.ticket_record_message(
        ticket, text=_text(mail), flags=["thanks"], contact=contact, now=now, **_message_fields(mail, row)
    )
    return _Outcome(Status.PROCESSED, [*flags, "reply", "thanks"], ticket, message)


def _keep_as_note(
    ticket: Ticket, mail: ParsedMail, row: RawMessage, now: datetime, flags: list[str], author: Any = None
) -> Message:
    return workflow.ticket_record_message(
        ticket,
        text=_text(mail),
        flags=flags,
        direction=Message.Direction.NOTE,
        now=now,
        author=author,
        **_message_fields(mail, row),
    )


def _new_ticket(
    sender: Sender,
    mail: ParsedMail,
    row: RawMessage,
    now: datetime,
    flags: list[str],
    related_to: Ticket | None = None,
) -> _Outcome:
    """A new ticket for this mail, opened with the batch's others (`_Opening`)."""
    contact = sender.contact
    assert contact is not None
    acknowledge, why = _may_acknowledge(mail, sender)
    fields = _message_fields(mail, row)
    fields.pop("subject")
    draft = workflow.NewTicket(
        customer=contact.customer,
        contact=contact,
        subject=mail.subject,
        text=_text(mail),
        channel=Channel.EMAIL,
        is_unparsed="unparsed" in mail.defects,
        related_to=related_to,
        acknowledge=acknowledge,
        **fields,
    )
    flags = [*flags, "new", *([why] if why else [])]
    return _Outcome(Status.PROCESSED, flags, None, None, True, acknowledge, draft)


def _may_acknowledge(mail: ParsedMail, sender: Sender) -> tuple[bool, str]:
    """Acknowledge unless the sender asked for no automatic answer or had enough this hour."""
    if mail.suppress_auto_reply:
        return False, "no_ack_requested"
    limit = int(getattr(settings, "ASISTA_MAIL_ACK_LIMIT_PER_HOUR", DEFAULT_ACK_LIMIT_PER_HOUR))
    if sender.recent_acks >= limit:
        return False, "ack_rate_limited"
    return True, ""


def _within_window(ticket: Ticket, now: datetime) -> bool:
    ended = ticket.closed_at or ticket.cancelled_at
    days = int(getattr(settings, "ASISTA_REOPEN_WINDOW_DAYS", 30))
    return ended is not None and now - ended <= timedelta(days=days)


# --- queries ----------------------------------------------------------------------------------


def _mark_failing(addresses: tuple[str, ...], report: str, now: datetime) -> int:
    """Mark contacts' addresses that bounced as failing; the first failure date is kept."""
    lowered = [a.strip().lower() for a in addresses if a.strip()]
    emails = ContactEmail.objects.annotate(lower=Lower("address")).filter(lower__in=lowered)
    failure = report.strip()[:2000] or _("Delivery failed.")
    emails.filter(failing_since__isnull=True).update(failing_since=now, failure=failure)
    return emails.update(failure=failure)


# --- message fields ---------------------------------------------------------------------------


def _text(mail: ParsedMail) -> str:
    """The text as sent (empty stays empty: nothing is invented), except for unreadable mail."""
    if not mail.text.strip() and "unparsed" in mail.defects:
        return _("(This mail could not be read; the original is kept as it arrived.)")
    return mail.text


def _message_fields(mail: ParsedMail, row: RawMessage) -> dict[str, Any]:
    return {
        "from_address": mail.from_address[:320],
        "from_name": mail.from_name[:200],
        "to": [a.address for a in mail.to],
        "cc": [a.address for a in mail.cc],
        "subject": mail.subject[:998],
        "html": mail.html,
        "message_id": mail.message_id[:998],
        "in_reply_to": mail.in_reply_to[:998],
        "references": " ".join(mail.references),
        "raw_id": row.pk,
        "attachments": [
            NewAttachment(
                filename=a.filename,
                content_type=a.content_type,
                data=a.data,
                content_id=a.content_id,
                inline=a.inline,
            )
            for a in mail.attachments
        ],
    }
