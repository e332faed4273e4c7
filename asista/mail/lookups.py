"""What routing a batch of mails needs from the database, fetched in a few queries per batch.

Senders (contacts and their acknowledgements this hour), the tickets their In-Reply-To and
References point at (Message-IDs we received or sent), and the tickets their subject tags name.
Routing then asks this object instead of the database, and tells it what each mail produced, so
that a reply later in the same batch finds the ticket an earlier mail opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Lower

from asista.core.roles import staff_members
from asista.customers.models import Contact, ContactEmail
from asista.mail import threads
from asista.mail.models import OutboundEmail, RawMessage
from asista.mail.parsing import ParsedMail
from asista.tickets.models import Message, Ticket


@dataclass
class Sender:
    contact: Contact | None
    recent_acks: int = 0


def reference_ids(mail: ParsedMail) -> list[str]:
    """The Message-IDs that may tie `mail` to a ticket: its thread, or the mail a bounce returns."""
    ids = threads.reference_ids(in_reply_to=mail.in_reply_to, references=mail.references)
    if mail.is_bounce and mail.bounce_original_message_id:
        ids.insert(0, mail.bounce_original_message_id)
    return ids


class Lookups:
    """The batch's view of senders and tickets; at most four queries, whatever the batch size."""

    def __init__(self, mails: Sequence[ParsedMail], *, now: datetime) -> None:
        self.addresses = {m.from_address.strip().lower() for m in mails} - {""}
        self.senders = _senders(self.addresses, now)
        self._staff: dict[str, Any] | None = None
        ids = {mid for m in mails for mid in reference_ids(m)}
        pairs = _ticket_ids_by_message_id(ids) if ids else {}
        numbers = {n for m in mails if (n := threads.subject_ticket_number(m.subject)) is not None}
        tickets = _tickets(set(pairs.values()), numbers) if pairs or numbers else []
        by_pk = {t.pk: t for t in tickets}
        self.by_message_id = {mid: by_pk[pk] for mid, pk in pairs.items() if pk in by_pk}
        self.by_number = {t.number: t for t in tickets}

    def sender(self, address: str) -> Sender:
        return self.senders.get(address.strip().lower()) or Sender(None)

    def staff_member(self, address: str) -> Any:
        """The active member of the support team writing from `address`, or None. Read for the
        whole batch at the first question only: mail from the team is rare."""
        if self._staff is None:
            unknown = {a for a in self.addresses if a not in self.senders}
            self._staff = _staff_by_address(unknown) if unknown else {}
        return self._staff.get(address.strip().lower())

    def ticket_by_ids(self, ids: Iterable[str]) -> Ticket | None:
        """The newest ticket holding one of these Message-IDs.

        Newest wins because a follow-up ticket's thread also quotes its closed predecessor's ids.
        """
        found = [t for mid in ids if (t := self.by_message_id.get(mid)) is not None]
        return max(found, key=lambda t: t.number) if found else None

    def ticket_by_tag(self, subject: str) -> Ticket | None:
        number = threads.subject_ticket_number(subject)
        return self.by_number.get(number) if number is not None else None

    def learn(self, mail: ParsedMail, ticket: Ticket | None, *, acknowledged: bool) -> None:
        """Remember what a mail produced, for the mails after it in the batch."""
        if ticket is not None:
            self.by_number[ticket.number] = ticket
            if mail.message_id:
                self.by_message_id[mail.message_id] = ticket
        if acknowledged:
            self.sender(mail.from_address).recent_acks += 1


def _staff_by_address(addresses: set[str]) -> dict[str, Any]:
    """Active support-team members by lower-cased email address: one query."""
    team = staff_members().annotate(lower=Lower("email")).filter(lower__in=addresses)
    return {user.lower: user for user in team}


def _senders(addresses: set[str], now: datetime) -> dict[str, Sender]:
    """Active contacts by lower-cased address, with their acknowledgements of the last hour.

    One query: the count is a correlated subquery (index `raw_sender_recent`), the address match
    uses the `contact_email_unique_ci` index on lower(address).
    """
    if not addresses:
        return {}
    recent = (
        RawMessage.objects.filter(
            from_address=OuterRef("lower"), acknowledged=True, received_at__gte=now - timedelta(hours=1)
        )
        .order_by()
        .values("from_address")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        ContactEmail.objects.annotate(lower=Lower("address"), recent_acks=Subquery(recent))
        .select_related("contact__customer")
        .filter(lower__in=addresses, contact__is_active=True)
    )
    return {row.lower: Sender(row.contact, int(row.recent_acks or 0)) for row in rows}


def _ticket_ids_by_message_id(ids: set[str]) -> dict[str, int]:
    # order_by(): both models have a default ordering, which a compound statement refuses.
    received = Message.objects.filter(message_id__in=ids).order_by().values_list("message_id", "ticket_id")
    sent = (
        OutboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False)
        .order_by()
        .values_list("message_id", "ticket_id")
    )
    found: dict[str, int] = {}
    for mid, pk in received.union(sent, all=True):
        if pk is not None:  # one id on two tickets (a follow-up quoting): the newest ticket
            found[mid] = max(found.get(mid, 0), int(pk))
    return found


def _tickets(pks: set[int], numbers: set[int]) -> list[Ticket]:
    return list(Ticket.objects.filter(Q(pk__in=pks) | Q(number__in=numbers)))
