"""Tickets: list, read, create, every workflow transition, messages, notes, events, time entries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import FileResponse, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from asista.api.auth import scoped
from asista.api.common import (
    AttachmentIn,
    after_write,
    decode_attachments,
    decode_cursor,
    encode_cursor,
)
from asista.api.errors import ERRORS, ApiError, not_found
from asista.core.clock import now as clock_now
from asista.core.errors import PermissionRefused
from asista.core.roles import contact_of, is_staff_member
from asista.customers.models import Contact, Customer
from asista.tickets import workflow
from asista.tickets.models import Attachment, Channel, Event, Kind, Message, Priority, State, Ticket

router = Router(tags=["tickets"])
MAX_ID = 2_147_483_647
Number = Path(..., ge=1, le=MAX_ID, description="The ticket number (#123 → 123).")


# --- schemas ---------------------------------------------------------------------------------


class TicketOut(Schema):
    number: int
    subject: str
    state: State
    kind: Kind
    priority: Priority
    is_urgent: bool
    channel: Channel
    customer_id: int
    customer_name: str
    contact_id: int | None
    assignee_id: int | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_customer_name(obj: Ticket) -> str:
        # A resolver, not alias="customer.name": the alias made ninja parse a template Variable
        # for every ticket of every page.
        return obj.customer.name


# The columns a page of TicketOut reads (a ticket row has three times as many).
LIST_COLUMNS = [name for name in TicketOut.model_fields if name != "customer_name"]


class TicketDetail(TicketOut):
    contact_name: str | None
    assignee_name: str | None
    plan_id: int | None
    onsite_reason: str
    reopen_count: int
    assigned_at: datetime | None
    started_at: datetime | None
    first_response_at: datetime | None
    waiting_since: datetime | None
    cancelled_at: datetime | None

    @staticmethod
    def resolve_contact_name(obj: Ticket) -> str | None:
        return obj.contact.name if obj.contact else None

    @staticmethod
    def resolve_assignee_name(obj: Ticket) -> str | None:
        return (obj.assignee.get_full_name() or obj.assignee.get_username()) if obj.assignee else None


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null at the end.")


class TicketFilters(Schema):
    state: list[State] | None = Field(None, description="One or more states.")
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    assignee_id: int | None = Field(None, ge=1, le=MAX_ID)
    kind: Kind | None = None
    priority: Priority | None = None
    urgent: bool | None = None
    q: str | None = Field(None, max_length=200, description="Words in the subject.")
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


class TicketIn(Schema):
    subject: str = Field(..., min_length=1, max_length=255)
    text: str = Field(..., min_length=1, max_length=200_000)
    customer_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Required for staff; a contact opens for their own company."
    )
    contact_id: int | None = Field(None, ge=1, le=MAX_ID)
    kind: Kind = Kind.SUPPORT
    priority: Priority | None = None
    onsite_reason: str = Field("", max_length=5000)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)


class AssignIn(Schema):
    assignee_id: int = Field(..., ge=1, le=MAX_ID)


class TextIn(Schema):
    text: str = Field(..., min_length=1, max_length=200_000)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)


class SolutionIn(Schema):
    solution: str = Field(..., min_length=1, max_length=200_000)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)


class ReopenIn(Schema):
    text: str = Field(..., min_length=1, max_length=200_000)


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5000)


class ReclassifyIn(Schema):
    kind: Kind | None = None
    priority: Priority | None = None
    onsite_reason: str = Field("", max_length=5000)


class AttachmentOut(Schema):
    id: int
    filename: str
    size: int
    content_type: str
    inline: bool
    url: str

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return f"/api/v1/attachments/{obj.pk}"


class MessageOut(Schema):
    id: int
    direction: Message.Direction
    author_id: int | None
    contact_id: int | None
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    html: str
    message_id: str
    is_solution: bool
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Message) -> list[Attachment]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_to(obj: Message) -> list[str]:
        return [str(a) for a in obj.to] if isinstance(obj.to, list) else []

    @staticmethod
    def resolve_cc(obj: Message) -> list[str]:
        return [str(a) for a in obj.cc] if isinstance(obj.cc, list) else []


class EventOut(Schema):
    id: int
    kind: str
    actor_id: int | None
    from_state: str
    to_state: str
    details: dict[str, Any]
    created_at: datetime


class TimeEntryOut(Schema):
    id: int
    kind: str
    agent_id: int
    started_at: datetime
    ended_at: datetime | None
    minutes: int
    km: Decimal | None
    inside_brasov: bool
    note: str
    invoice_id: int | None


class TimeEntryIn(Schema):
    kind: str = Field(..., max_length=16, description="assistance, change, programming, onsite or travel")
    started_at: datetime
    ended_at: datetime | None = None
    minutes: int | None = Field(None, ge=1, le=100_000)
    km: Decimal | None = Field(None, ge=0, le=99999, max_digits=6, decimal_places=1)
    inside_brasov: bool = False
    note: str = Field("", max_length=5000)


# --- lookups ---------------------------------------------------------------------------------


def visible_ticket(request: HttpRequest, number: int) -> Ticket:
    ticket = (
        Ticket.objects.visible_to(request.user)
        .select_related("customer", "contact", "assignee")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise not_found("ticket")
    return ticket


def _require_staff(request: HttpRequest, what: str) -> None:
    if not is_staff_member(request.user):
        raise PermissionRefused(f"Only the support team can {what}.")


def _customer_for_create(request: HttpRequest, payload: TicketIn) -> tuple[Customer, Contact | None]:
    own = contact_of(request.user)
    if own is not None:
        if payload.customer_id not in (None, own.customer_id):
            raise not_found("customer")
        return own.customer, own
    _require_staff(request, "open a request for a customer")
    if payload.customer_id is None:
        raise ApiError(422, "invalid", "customer_id is required when staff open a request.")
    customer = Customer.objects.filter(pk=payload.customer_id).first()
    if customer is None:
        raise not_found("customer")
    contact = None
    if payload.contact_id is not None:
        contact = Contact.objects.filter(pk=payload.contact_id, customer=customer).first()
        if contact is None:
            raise not_found("contact")
    return customer, contact


def _detail(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("customer", "contact", "assignee").get(pk=ticket.pk)


# --- tickets ---------------------------------------------------------------------------------


@router.get("/tickets", response={200: TicketPage, **ERRORS}, **scoped("tickets:read"))
def ticket_list(request: HttpRequest, filters: Query[TicketFilters]) -> Any:
    """Tickets you may see, newest first, a page at a time (keyset cursor)."""
    # The customers' names come in a second query (the page's few customers by primary key), not
    # by a join: PostgreSQL estimates `subject ILIKE '%word%'` to match almost nothing, and with a
    # join it then sorted every ticket × customer pair (78 ms for 5,000 tickets instead of 7).
    qs = (
        Ticket.objects.visible_to(request.user)
        .only(*LIST_COLUMNS)
        .prefetch_related(Prefetch("customer", queryset=Customer.objects.only("id", "name")))
    )
    if filters.state:
        qs = qs.filter(state__in=filters.state)
    for name in ("customer_id", "assignee_id", "kind", "priority"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if filters.urgent is not None:
        qs = qs.filter(is_urgent=filters.urgent)
    if filters.q:
        qs = qs.filter(subject__icontains=filters.q)
    if filters.created_after:
        qs = qs.filter(created_at__gt=filters.created_after)
    if filters.created_before:
        qs = qs.filter(created_at__lt=filters.created_before)
    if filters.updated_after:
        qs = qs.filter(updated_at__gt=filters.updated_after)
    if filters.cursor:
        moment, pk = decode_cursor(filters.cursor)
        qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=pk))
    rows = list(qs.order_by("-created_at", "-id")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    cursor = encode_cursor(rows[-1].created_at, rows[-1].pk) if more else None
    return {"items": rows, "next_cursor": cursor}


@router.post("/tickets", response={201: TicketDetail, **ERRORS}, **scoped("tickets:write"))
def ticket_create(request: HttpRequest, payload: TicketIn) -> Any:
    """Open a request (channel "api"); the requester gets the acknowledgement email."""
    customer, contact = _customer_for_create(request, payload)
    ticket = workflow.ticket_create(
        customer=customer,
        contact=contact,
        subject=payload.subject,
        text=payload.text,
        actor=request.user,
        kind=payload.kind,
        channel=Channel.API,
        priority=payload.priority,
        onsite_reason=payload.onsite_reason,
        attachments=decode_attachments(payload.attachments),
    )
    after_write()
    return Status(201, _detail(ticket))


@router.get("/tickets/{number}", response={200: TicketDetail, **ERRORS}, **scoped("tickets:read"))
def ticket_read(request: HttpRequest, number: int = Number) -> Any:
    return visible_ticket(request, number)


def _transition(request: HttpRequest, number: int, action: Any, **kwargs: Any) -> Ticket:
    ticket = visible_ticket(request, number)
    action(ticket, actor=request.user, now=clock_now(), **kwargs)
    after_write()
    return _detail(ticket)


@router.post("/tickets/{number}/assign", response={200: TicketDetail, **ERRORS}, **scoped("tickets:write"))
def ticket_assign(request: HttpRequest, payload: AssignIn, number: int = Number) -> Any:
    """new → assigned (or reassign). Dispatchers only."""
    ticket = visible_ticket(request, number)
    if not is_staff_member(request.user):
        raise PermissionRefused("Only a dispatcher can assign tickets.")
    assignee = get_user_model().objects.filter(pk=payload.assignee_id).first()
    if assignee is None:
        raise not_found("user")
    workflow.ticket_assign(ticket, actor=request.user, assignee=assignee, now=clock_now())
    after_write()
    return _detail(ticket)


@router.post("/tickets/{number}/start", response={200: TicketDetail, **ERRORS}, **scoped("tickets:write"))
def ticket_start(request: HttpRequest, number: int = Number) -> Any:
    """assigned → in progress; the customer hears that work has started."""
    return _transition(request, number, workflow.ticket_start)


@router.post("/tickets/{number}/ask", response={200: TicketDetail, **ERRORS}, **scoped("tickets:write"))
def ticket_ask_customer(request: HttpRequest, payload: TextIn, number: int = Number) -> Any:
    """in progress → waiting for customer, with the open questions."""
    return _transition(
        request,
        number,
        workflow.ticket_ask_customer,
        text=payload.text,
        attachments=decode_attachments(payload.attachments),
    )


@router.post("/tickets/{number}/resolve", response={200: TicketDetail, **ERRORS}, **scoped("tickets:write"))
def ticket_resolve(request: HttpRequest, payload: SolutionIn, number: int = Number) -> Any:
    """→ resolved; the solution goes to the customer with the whole dialogue."""
    return _transition(
        request,
        number,
        workflow.ticket_resolve,
        solution=payload.solution,
        attachments=decode_attachments(payload.attachments),
    )


@router.post("/tickets/{number}/accept", response={200: TicketDetail, **ERRORS}, **scoped("tickets:write"))
def ticket_accept(request: HttpRequest, number: int = Number) -> Any:
    """resolved → closed, by the requester (or staff acting for the customer)."""
    return _transition(request, number, workflow.ticket_accept)


@router.post("/tickets/{number}/reopen", response={200: TicketDetail, **ERRORS}, **scoped("tickets:write"))
def ticket_reopen(request: HttpRequest, payload: ReopenIn, number: int = Number) -> Any:
    """resolved → in progress, with what must still change."""
    return _transition(request, number, workflow.ticket_reopen, text=payload.text)


@router.post("/tickets/{number}/cancel", response={200: TicketDetail, **ERRORS}, **scoped("tickets:write"))
def ticket_cancel(request: HttpRequest, payload: CancelIn, number: int = Number) -> Any:
    """Withdraw an open request: a dispatcher, or the customer."""
    return _transition(request, number, workflow.ticket_cancel, reason=payload.reason)


@router.post(
    "/tickets/{number}/reclassify", response={200: TicketDetail, **ERRORS}, **scoped("tickets:write")
)
def ticket_reclassify(request: HttpRequest, payload: ReclassifyIn, number: int = Number) -> Any:
    """Change kind and/or priority (dispatchers); the SLA clocks follow."""
    return _transition(
        request,
        number,
        workflow.ticket_change_kind_priority,
        kind=payload.kind,
        priority=payload.priority,
        onsite_reason=payload.onsite_reason,
    )


# --- messages, notes, events -----------------------------------------------------------------


def _messages(ticket: Ticket, *, notes: bool) -> list[Message]:
    qs = ticket.messages.prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
    if notes:
        return list(qs.filter(direction=Message.Direction.NOTE))
    return list(qs.exclude(direction=Message.Direction.NOTE))


@router.get(
    "/tickets/{number}/messages", response={200: list[MessageOut], **ERRORS}, **scoped("tickets:read")
)
def message_list(request: HttpRequest, number: int = Number) -> Any:
    """The conversation with the customer, oldest first (internal notes are under /notes)."""
    return _messages(visible_ticket(request, number), notes=False)


@router.post("/tickets/{number}/messages", response={201: MessageOut, **ERRORS}, **scoped("tickets:write"))
def message_create(request: HttpRequest, payload: TextIn, number: int = Number) -> Any:
    """Staff: a reply to the customer. A contact: a message (it answers open questions)."""
    ticket = visible_ticket(request, number)
    attachments = decode_attachments(payload.attachments)
    if is_staff_member(request.user):
        message = workflow.ticket_reply(
            ticket, actor=request.user, text=payload.text, attachments=attachments, now=clock_now()
        )
    else:
        message = workflow.ticket_add_customer_message(
            ticket, actor=request.user, text=payload.text, attachments=attachments, now=clock_now()
        )
    after_write()
    return Status(201, message)


@router.get("/tickets/{number}/notes", response={200: list[MessageOut], **ERRORS}, **scoped("tickets:read"))
def note_list(request: HttpRequest, number: int = Number) -> Any:
    """Internal notes: the support team only."""
    ticket = visible_ticket(request, number)
    _require_staff(request, "read internal notes")
    return _messages(ticket, notes=True)


@router.post("/tickets/{number}/notes", response={201: MessageOut, **ERRORS}, **scoped("tickets:write"))
def note_create(request: HttpRequest, payload: TextIn, number: int = Number) -> Any:
    ticket = visible_ticket(request, number)
    message = workflow.ticket_add_note(
        ticket,
        actor=request.user,
        text=payload.text,
        attachments=decode_attachments(payload.attachments),
        now=clock_now(),
    )
    return Status(201, message)


@router.get("/tickets/{number}/events", response={200: list[EventOut], **ERRORS}, **scoped("tickets:read"))
def event_list(request: HttpRequest, number: int = Number) -> Any:
    """Transitions, assignments and SLA verdicts, oldest first."""
    return list(Event.objects.filter(ticket=visible_ticket(request, number)).order_by("created_at", "id"))


@router.get("/attachments/{attachment_id}", response={200: None, **ERRORS}, **scoped("tickets:read"))
def attachment_download(
    request: HttpRequest, attachment_id: int = Path(..., ge=1, le=MAX_ID)
) -> FileResponse:
    """The file of an attachment, if its ticket is visible (and, for notes, to staff only)."""
    visible = Ticket.objects.visible_to(request.user)
    qs = Attachment.objects.select_related("message").filter(message__ticket__in=visible)
    if not is_staff_member(request.user):
        qs = qs.exclude(message__direction=Message.Direction.NOTE)
    attachment = qs.filter(pk=attachment_id).first()
    if attachment is None:
        raise not_found("attachment")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


# --- time entries ----------------------------------------------------------------------------


@router.get(
    "/tickets/{number}/time-entries", response={200: list[TimeEntryOut], **ERRORS}, **scoped("tickets:read")
)
def time_entry_list(request: HttpRequest, number: int = Number) -> Any:
    from asista.billing.models import TimeEntry

    return list(TimeEntry.objects.filter(ticket=visible_ticket(request, number)).order_by("started_at", "id"))


@router.post(
    "/tickets/{number}/time-entries", response={201: TimeEntryOut, **ERRORS}, **scoped("tickets:write")
)
def time_entry_create(request: HttpRequest, payload: TimeEntryIn, number: int = Number) -> Any:
    """Log time on the ticket (staff with the right to log time)."""
    from asista.billing.services import time_entry_log

    ticket = visible_ticket(request, number)
    if not request.user.has_perm("billing.add_timeentry"):
        raise PermissionRefused("Only the support team can log time.")
    entry = time_entry_log(
        ticket=ticket,
        agent=request.user,
        kind=payload.kind,
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        minutes=payload.minutes,
        km=payload.km,
        inside_brasov=payload.inside_brasov,
        note=payload.note,
    )
    return Status(201, entry)
