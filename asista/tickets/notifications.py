"""The emails the workflow implies, rendered in the recipient's language into the outbox: to the
customer (the contact's language), and to the assignee (`notify_assignees`, the language of
their staff profile).

Each email is a template triple under templates/mail/<language>/: NAME.subject.txt,
NAME.txt and NAME.html (the staff ones, `staff_*`, in this app's templates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from asista.mail.models import OutboundEmail
from asista.mail.outbox import make_message_id, outbox_row, outbox_save
from asista.tickets.models import Message, Ticket

MAX_REFERENCES = 20


def recipients(ticket: Ticket) -> list[str]:
    """The requester's working addresses; for an unknown requester, whoever wrote first."""
    if ticket.contact is not None:
        emails = sorted(ticket.contact.emails.all(), key=lambda e: (not e.is_primary, e.pk))
        working = [e.address for e in emails if e.failing_since is None]
        if working:
            return working[:1]
        if emails:
            return [emails[0].address]
    first = ticket.messages.filter(direction=Message.Direction.INBOUND).exclude(from_address="").first()
    return [first.from_address] if first else []


def language_of(ticket: Ticket) -> str:
    if ticket.contact is not None:
        return str(ticket.contact.language)
    return str(ticket.customer.language)


def thread_headers(ticket: Ticket) -> tuple[str, str]:
    """In-Reply-To and References that keep our email in the customer's thread."""
    ids = [
        mid
        for mid in ticket.messages.exclude(message_id="")
        .exclude(direction=Message.Direction.NOTE)
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    ]
    if not ids:
        return "", ""
    return ids[-1], references_chain(ids)


def references_chain(ids: list[str]) -> str:
    """A References header: the thread's first Message-ID and the most recent ones after it."""
    chain = ids[:1] + ids[1:][-(MAX_REFERENCES - 1) :] if len(ids) > MAX_REFERENCES else ids
    return " ".join(chain)


def render(name: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    with translation.override(language):
        base = f"mail/{language}/{name}"
        subject = render_to_string(f"{base}.subject.txt", context).strip()
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    return " ".join(subject.split()), text, html


def notify_customer(ticket: Ticket, name: str, **options: Any) -> OutboundEmail | None:
    """Queue email `name` about `ticket` to its requester (options: those of `customer_email`).
    Call inside the workflow's transaction; it leaves when the transaction commits."""
    email = customer_email(ticket, name, **options)
    if email is not None:
        outbox_save([email])
    return email


def customer_email(
    ticket: Ticket,
    name: str,
    *,
    now: datetime,
    message: Message | None = None,
    auto_submitted: bool = True,
    extra: dict[str, Any] | None = None,
    thread: tuple[str, str] | None = None,
) -> OutboundEmail | None:
    """The email `name` about `ticket` to its requester, not saved yet (None: nobody to write
    to); `notify_customer` saves one, callers that write many save them together.

    When `message` is given (a reply, a question, the solution) the email carries its
    Message-ID, so the customer's answer threads back to it. `thread` (In-Reply-To, References)
    spares the look-up when the caller knows the conversation, as on a new ticket.
    """
    to = recipients(ticket)
    if not to:
        return None
    language = language_of(ticket)
    in_reply_to, references = thread if thread is not None else thread_headers(ticket)
    message_id = (
        message.message_id
        if message is not None and message.message_id
        else make_message_id(ticket_number=ticket.number)
    )
    if message is not None and message.message_id and in_reply_to == message_id:
        # The message itself is already stored: thread to the one before it.
        chain = references.split()[:-1]
        in_reply_to = chain[-1] if chain else ""
        references = " ".join(chain)
    context = {
        "ticket": ticket,
        "message": message,
        "site_url": settings.SITE_URL,
        "support_address": settings.ASISTA_SUPPORT_ADDRESS,
        **(extra or {}),
    }
    subject, text, html = render(name, language, context)
    return outbox_row(
        template=name,
        language=language,
        to=to,
        subject=subject,
        text=text,
        html=html,
        now=now,
        ticket_id=ticket.pk,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        auto_submitted=auto_submitted,
    )


# --- to the assignee -----------------------------------------------------------------------------

STAFF_ASSIGNED = "staff_assigned"
STAFF_CUSTOMER = "staff_customer"
# What the customer did, for STAFF_CUSTOMER (the template words each).
WROTE, ANSWERED, REOPENED, ACCEPTED = "wrote", "answered", "reopened", "accepted"


@dataclass(frozen=True)
class StaffNotice:
    """Something the assignee of `ticket` should hear about by email (see `notify_assignees`)."""

    ticket: Ticket
    template: str  # STAFF_ASSIGNED or STAFF_CUSTOMER
    actor: Any = None  # who acted: nobody is told of what they did themselves
    what: str = ""  # for STAFF_CUSTOMER: WROTE, ANSWERED, REOPENED or ACCEPTED
    message: Message | None = None  # the customer's message, when they wrote one
    who: str = ""  # the customer's person who acted, when no message names them


@dataclass(frozen=True)
class _Assignee:
    email: str
    first_name: str
    language: str
    customer: str
    contact: str


def notify_assignees(notices: Sequence[StaffNotice], *, now: datetime) -> list[OutboundEmail]:
    """Queue an email to each notice's assignee, in their language, with the desk's link.

    Nothing for a ticket without an assignee (the dispatcher's board shows those), for the
    assignee's own act, for an inactive user or one without an address, or for one who switched
    these emails off (`Profile.notify_by_email`). One query reads the assignees, their profiles
    and the tickets' customers, one INSERT writes the emails, whatever the number of notices (mail
    intake sends a batch); none at all when no notice has an assignee to tell. Call inside the
    workflow's transaction, after the ticket's `assignee_id` is current.
    """
    wanted = [n for n in notices if n.ticket.assignee_id is not None and _by_someone_else(n)]
    if not wanted:
        return []
    assignees = _assignees({n.ticket.pk for n in wanted})
    emails = [
        _staff_email(notice, assignee, now)
        for notice in wanted
        if (assignee := assignees.get(notice.ticket.pk)) is not None
    ]
    return outbox_save(emails)


def _by_someone_else(notice: StaffNotice) -> bool:
    return getattr(notice.actor, "pk", None) != notice.ticket.assignee_id


def _assignees(ticket_ids: set[int]) -> dict[int, _Assignee]:
    """The tickets' assignees who want these emails, by ticket: one query."""
    rows = (
        Ticket.objects.filter(pk__in=ticket_ids, assignee__is_active=True)
        .exclude(assignee__email="")
        .filter(Q(assignee__profile__isnull=True) | Q(assignee__profile__notify_by_email=True))
        .values_list(
            "pk",
            "assignee__email",
            "assignee__first_name",
            "assignee__profile__language",
            "customer__name",
            "contact__name",
        )
    )
    return {
        pk: _Assignee(email, first_name, _staff_language(language), customer, contact or "")
        for pk, email, first_name, language, customer, contact in rows
    }


def _staff_language(language: str | None) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else "ro"  # no profile yet: the desk's default


def staff_thread_id(ticket: Ticket) -> str:
    """The Message-ID every staff email about `ticket` answers, so that an agent's mail client
    shows them as one conversation per ticket. No email carries it: the customer's thread and
    ours to the staff stay apart, and a reply to a staff email never threads into the ticket
    through it."""
    return f"<asista.{ticket.number}.desk@{settings.ASISTA_MAIL_DOMAIN}>"


def desk_link(ticket: Ticket) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("desk:ticket", kwargs={"number": ticket.number})


def _staff_email(notice: StaffNotice, assignee: _Assignee, now: datetime) -> OutboundEmail:
    ticket, message = notice.ticket, notice.message
    actor = notice.actor
    context = {
        "ticket": ticket,
        "what": notice.what,
        "message": message,
        "first_name": assignee.first_name,
        "customer": assignee.customer,
        "contact": (message.from_name or message.from_address) if message else notice.who or assignee.contact,
        "actor": (actor.get_full_name() or actor.get_username()) if actor is not None else "",
        "link": desk_link(ticket),
    }
    subject, text, html = render(notice.template, assignee.language, context)
    root = staff_thread_id(ticket)
    return outbox_row(
        template=notice.template,
        language=assignee.language,
        to=[assignee.email],
        subject=subject,
        text=text,
        html=html,
        now=now,
        ticket_id=ticket.pk,
        message_id=make_message_id(ticket_number=ticket.number),
        in_reply_to=root,
        references=root,
    )
