"""Reads for the desk: the queue (views, filters, search, keyset pages), the ticket page, boards.

The queue page costs a constant number of queries whatever its size: one for the counts of the
open views, one for the count of all tickets, one for the page of rows (customer, plan and
assignee joined), plus the small lists of the filter form.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from asista.billing.models import TimeEntry
from asista.billing.pricing import HourlyCharge, hourly_charge
from asista.billing.selectors import month_window
from asista.billing.services import time_entry_refusal
from asista.billing.units import units_for
from asista.core.roles import TICKET_TAKERS, is_dispatcher, staff_members
from asista.customers.models import Contact, ContactEmail, Contract, Customer, Plan
from asista.customers.selectors import active_contract
from asista.desk import search
from asista.desk.models import WriteInvitation
from asista.sla.models import Clock
from asista.tickets.models import OPEN_STATES, Attachment, Event, Kind, Message, State, Ticket, TicketQuerySet

MAX_ENTRY_MINUTES = 24 * 60  # one entry is at most a day's work: longer is a typing slip
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
VIEWS = ("mine", "unassigned", "waiting", "breaching", "all")
ACTIVE_STATES = (State.NEW, State.ASSIGNED, State.IN_PROGRESS)


@dataclass(frozen=True)
class QueueFilters:
    view: str = "mine"
    state: str = ""
    customer: str = ""
    plan: int | None = None
    kind: str = ""
    agent: int | None = None
    q: str = ""


@dataclass
class QueuePage:
    rows: list[Ticket]
    next_cursor: str
    counts: dict[str, int]
    size: int
    filters: QueueFilters
    now: datetime = field(default_factory=timezone.now)


def _running_clocks() -> QuerySet[Clock]:
    return Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True)


def _first_warning() -> Subquery:
    """The earliest warning instant of the ticket's running SLA clocks (`warn_at`: when the
    share ASISTA_SLA_WARN_SHARE, 80 % by default, of a target is used), for each row."""
    return Subquery(
        _running_clocks().filter(ticket_id=OuterRef("pk")).order_by("warn_at").values("warn_at")[:1]
    )


def _breaching(now: datetime) -> Q:
    """Working tickets that are overdue, or with a running SLA clock past its warning instant —
    the rule of `asista.sla.selectors.sla_badges`, as a filter (index desk_sla_clock_running_warn)."""
    warned = _running_clocks().filter(warn_at__lte=now).values("ticket_id")
    return Q(state__in=ACTIVE_STATES) & (Q(due_at__lte=now) | Q(pk__in=warned))


def _view_filter(view: str, user: Any, now: datetime) -> Q:
    open_ = Q(state__in=OPEN_STATES)
    if view == "breaching":
        return _breaching(now)
    return {
        "mine": open_ & Q(assignee_id=user.pk),
        "unassigned": open_ & Q(assignee__isnull=True),
        "waiting": Q(state=State.WAITING),
        "all": Q(),
    }.get(view, Q())


def view_counts(*, user: Any, now: datetime) -> dict[str, int]:
    """How many tickets each view holds (before the filters): two queries."""
    views = ("mine", "unassigned", "waiting", "breaching")
    counts = Ticket.objects.filter(state__in=OPEN_STATES).aggregate(
        **{view: Count("pk", filter=_view_filter(view, user, now)) for view in views}
    )
    counts["all"] = Ticket.objects.count()
    return {view: int(counts[view] or 0) for view in VIEWS}


def _filtered(filters: QueueFilters, user: Any, now: datetime) -> TicketQuerySet:
    tickets = Ticket.objects.visible_to(user).filter(_view_filter(filters.view, user, now))
    if filters.state:
        tickets = tickets.filter(state=filters.state)
    if filters.customer:
        value = filters.customer.strip()
        if value.isdigit() and len(value) <= 18:  # a customer's id; longer digits name nobody
            tickets = tickets.filter(customer_id=int(value))
        else:
            by_name = Customer.objects.filter(name__regex=search.folded_pattern(value)).values("pk")
            tickets = tickets.filter(customer_id__in=by_name)
    if filters.plan:
        tickets = tickets.filter(plan_id=filters.plan)
    if filters.kind:
        tickets = tickets.filter(kind=filters.kind)
    if filters.agent:
        tickets = tickets.filter(assignee_id=filters.agent)
    return tickets


# --- keyset pagination over the queue order: urgent desc, due_at asc (NULL last), created_at, id -----


def _encode(ticket: Ticket) -> str:
    due = ticket.due_at.isoformat() if ticket.due_at else ""
    raw = f"{int(ticket.is_urgent)}|{due}|{ticket.created_at.isoformat()}|{ticket.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[bool, datetime | None, datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        urgent, due, created, pk = raw.split("|")
        return (
            urgent == "1",
            datetime.fromisoformat(due) if due else None,
            datetime.fromisoformat(created),
            int(pk),
        )
    except (ValueError, UnicodeDecodeError):
        return None


def _after(cursor: str) -> Q:
    """Rows after the cursor in the queue order."""
    decoded = _decode(cursor)
    return _after_keys(*decoded) if decoded is not None else Q()


def _after_keys(urgent: bool, due: datetime | None, created: datetime, pk: int) -> Q:
    tail = Q(created_at__gt=created) | Q(created_at=created, pk__gt=pk)
    if due is None:
        due_part = Q(due_at__isnull=True) & tail
    else:
        due_part = Q(due_at__gt=due) | (Q(due_at=due) & tail) | Q(due_at__isnull=True)
    if urgent:
        return Q(is_urgent=False) | (Q(is_urgent=True) & due_part)
    return Q(is_urgent=False) & due_part


def queue_page(
    *, user: Any, filters: QueueFilters, cursor: str = "", size: int = PAGE_SIZE, now: datetime | None = None
) -> QueuePage:
    """One page of the queue in DOMAIN.md §2 order, with the counts of every view."""
    now = now or timezone.now()
    size = max(1, min(size, MAX_PAGE_SIZE))
    tickets = _filtered(filters, user, now)
    if cursor:
        tickets = tickets.filter(_after(cursor))
    # Two steps in one query: the page's ids from tickets_ticket alone (an index scan in queue
    # order), then those rows with their customer, plan and assignee.
    page_ids: Any = tickets.in_queue_order().values("pk")[: size + 1]
    if filters.q:
        page_ids = _searched(tickets, filters.q, size + 1)
    rows: list[Ticket] = list(
        Ticket.objects.filter(pk__in=page_ids)
        .in_queue_order()
        .select_related("customer", "plan", "assignee")
        .annotate(warn_at=_first_warning())
        .only(
            "number",
            "subject",
            "state",
            "kind",
            "priority",
            "is_urgent",
            "due_at",
            "created_at",
            "updated_at",
            "customer__name",
            "plan__name",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
        )[: size + 1]
    )
    next_cursor = _encode(rows[size - 1]) if len(rows) > size else ""
    return QueuePage(
        rows=rows[:size],
        next_cursor=next_cursor,
        counts=view_counts(user=user, now=now),
        size=size,
        filters=filters,
        now=now,
    )


def _searched(tickets: TicketQuerySet, query: str, limit: int) -> Any:
    """The first `limit` ticket ids in queue order that match `query`.

    Words in few messages: list the matching messages through the index (a subquery of the
    page's query). Words in many: take the first WALK_TICKETS tickets of the queue and test them
    a slice at a time (`search.first_with_words`). How common the words are: PostgreSQL's
    planner says (`search.estimated_common`); on SQLite a bounded count rides along the query
    that takes the first tickets.
    """
    ordered = tickets.in_queue_order()
    if search.has_plain_words(query):
        common = search.estimated_common(query)
        head: list[int] = []
        if common is None:
            window = ordered.annotate(matches=search.matches_counted(query))
            counted = list(window.values_list("pk", "matches")[: search.WALK_TICKETS])
            head = [pk for pk, _ in counted]
            common = bool(counted) and counted[0][1] >= search.COMMON_MESSAGES
            if not counted:
                return []
        elif common:
            head = list(ordered.values_list("pk", flat=True)[: search.WALK_TICKETS])
        if common:
            found = search.first_with_words(head, query, limit)
            if len(found) == limit or len(head) < search.WALK_TICKETS:
                return found
    return ordered.filter(search.matching_tickets(query)).values("pk")[:limit]


def staff_users() -> QuerySet[Any]:
    """Active members of the support team, for the agent filter."""
    return staff_members()


def assignable_users() -> QuerySet[Any]:
    """Who can take a ticket (`core.roles.TICKET_TAKERS`), for the assign forms."""
    return staff_members(TICKET_TAKERS)


def plans() -> QuerySet[Plan]:
    return Plan.objects.order_by("fee_month", "name")


def sla_badge(ticket: Ticket, now: datetime) -> str:
    """overdue (past its due time), soon (a running SLA clock is past its warning share: the
    `warn_at` the queue and the ticket page annotate) or ok; empty when no clock runs."""
    if ticket.due_at is None:
        return ""
    if ticket.due_at <= now:
        return "overdue"
    warn_at = getattr(ticket, "warn_at", None)
    return "soon" if warn_at is not None and warn_at <= now else "ok"


# --- the ticket page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # message, note, time, event
    at: datetime
    obj: Any


def ticket_for(user: Any, number: int) -> Ticket | None:
    return (
        Ticket.objects.visible_to(user)
        .select_related("customer", "contact", "plan", "assignee")
        .annotate(warn_at=_first_warning())
        .filter(number=number)
        .first()
    )


def timeline(ticket: Ticket, *, include_notes: bool = True) -> list[TimelineItem]:
    """Messages, internal notes, time entries and events of a ticket, in the order they happened."""
    messages = (
        ticket.messages.select_related("author", "contact")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .defer("html", "references")
    )
    if not include_notes:
        messages = messages.exclude(direction=Message.Direction.NOTE)
    items = [
        TimelineItem("note" if m.direction == Message.Direction.NOTE else "message", m.created_at, m)
        for m in messages
    ]
    if include_notes:
        items += [
            TimelineItem("time", e.created_at, e)
            for e in TimeEntry.objects.filter(ticket=ticket).select_related("agent", "remote_session")
        ]
    events = Event.objects.filter(ticket=ticket).select_related("actor__contact")
    if not include_notes:  # customers see the transitions, not the SLA bookkeeping
        events = events.exclude(from_state="")
    items += [TimelineItem("event", e.created_at, e) for e in events]
    return sorted(items, key=lambda item: (item.at, item.kind != "event"))


@dataclass(frozen=True)
class CustomerCard:
    customer: Customer
    contract: Contract | None
    contacts: Sequence[Contact]
    units_used: int
    units_included: int
    open_tickets: Sequence[Ticket]


def _unit_work_this_month(now: datetime) -> Q:
    """Assistance and change work done this calendar month (Bucharest), as the statement counts
    it: work dated later in the month is not this month's yet."""
    local = timezone.localtime(now)
    start, end = month_window(local.year, local.month)
    return Q(
        started_at__gte=start,
        started_at__lt=end,
        kind__in=(TimeEntry.Kind.ASSISTANCE, TimeEntry.Kind.CHANGE),
    )


def units_this_month(customer: Customer, now: datetime, unit_minutes: int = 30) -> int:
    """Units used this month: each ticket's assistance/change minutes rounded up (billing.units)."""
    rows = (
        TimeEntry.objects.filter(_unit_work_this_month(now), customer=customer)
        .values("ticket_id")
        .annotate(minutes=Sum("minutes"))
    )
    return sum(units_for(row["minutes"], unit_minutes) for row in rows)


def customer_card(ticket: Ticket, now: datetime) -> CustomerCard:
    customer = ticket.customer
    contract = active_contract(customer=customer, on=timezone.localdate(now))
    plan = contract.plan if contract else ticket.plan
    return CustomerCard(
        customer=customer,
        contract=contract,
        contacts=list(customer.contacts.filter(is_active=True).prefetch_related("emails")),
        units_used=units_this_month(customer, now, plan.unit_minutes if plan else 30),
        units_included=plan.included_units if plan else 0,
        open_tickets=list(
            Ticket.objects.filter(customer=customer)
            .open()
            .exclude(pk=ticket.pk)
            .only("number", "subject", "state", "created_at")
            .order_by("-created_at")[:10]
        ),
    )


@dataclass(frozen=True)
class TimePreview:
    """What a time entry being typed will cost, by the billing rules (DOMAIN.md §3)."""

    minutes: int
    kind: str
    too_long: bool = False
    units: int = 0  # units this entry adds to its ticket this month (assistance, change)
    ticket_units: int = 0  # the ticket's units this month with it
    beyond: int = 0  # of the added units, how many go past the plan's included units this month
    included: int = 0
    unit_price: Decimal | None = None
    hourly: HourlyCharge | None = None  # programming and on-site work
    currency: str = "EUR"


def units_preview(
    ticket: Ticket, minutes: int, now: datetime, kind: str = TimeEntry.Kind.ASSISTANCE
) -> TimePreview:
    """The units (assistance, change) or the hourly charge (programming, on-site) of `minutes` of
    `kind` on this ticket now; travel is priced per visit, so only the kind comes back."""
    plan = ticket.plan
    preview = TimePreview(minutes=minutes, kind=kind, currency=plan.currency if plan else "EUR")
    if minutes > MAX_ENTRY_MINUTES:
        return replace(preview, too_long=True)
    if kind in (TimeEntry.Kind.PROGRAMMING, TimeEntry.Kind.ONSITE) and plan is not None:
        rate = plan.programming_rate if kind == TimeEntry.Kind.PROGRAMMING else plan.onsite_rate
        return replace(
            preview,
            hourly=hourly_charge(minutes=minutes, rate=rate, increment_minutes=plan.hourly_increment_minutes),
        )
    if kind not in (TimeEntry.Kind.ASSISTANCE, TimeEntry.Kind.CHANGE):
        return preview
    unit_minutes = plan.unit_minutes if plan else 30
    logged = (
        TimeEntry.objects.filter(_unit_work_this_month(now), ticket=ticket).aggregate(total=Sum("minutes"))[
            "total"
        ]
        or 0
    )
    before = units_for(logged, unit_minutes) if logged else 0
    after = units_for(logged + minutes, unit_minutes)
    included = plan.included_units if plan else 0
    used = units_this_month(ticket.customer, now, unit_minutes)
    beyond = max(0, used + after - before - included) - max(0, used - included)
    return replace(
        preview,
        units=after - before,
        ticket_units=after,
        beyond=beyond,
        included=included,
        unit_price=plan.unit_price if plan else None,
    )


def allowed_actions(ticket: Ticket, user: Any) -> set[str]:
    """Which action buttons the desk shows: the workflow's states and the user's role."""
    from asista.tickets.workflow import ALLOWED

    dispatcher = is_dispatcher(user)
    worker = ticket.assignee_id == user.pk or dispatcher
    state = ticket.state
    actions = {"note"}
    if not time_entry_refusal(ticket, user):
        actions.add("time")
    if dispatcher and state in ALLOWED["assign"]:
        actions.add("assign")
    if worker:
        actions |= {a for a in ("start", "ask", "resolve") if state in ALLOWED[_WORKFLOW_NAME[a]]}
        if state != State.CANCELLED:
            actions.add("remote")
        if state in ALLOWED["request_onsite"] and ticket.kind != Kind.ONSITE:
            actions.add("onsite")
    if state in ALLOWED["reply"]:
        actions.add("reply")
    if user.has_perm("tickets.set_priority") and state not in (State.CLOSED, State.CANCELLED):
        actions.add("reclassify")
    if user.has_perm("tickets.cancel_ticket") and state in ALLOWED["cancel"]:
        actions.add("cancel")
    return actions


_WORKFLOW_NAME = {"start": "start", "ask": "ask_customer", "resolve": "resolve"}


def attachment_for(user: Any, pk: int, *, staff: bool) -> Attachment | None:
    """An attachment of a ticket `user` may see; customers never get internal notes' files."""
    found = Attachment.objects.select_related("message").filter(
        pk=pk, message__ticket__in=Ticket.objects.visible_to(user)
    )
    if not staff:
        found = found.exclude(message__direction=Message.Direction.NOTE)
    return found.first()


# --- boards ------------------------------------------------------------------------------------


def agent_loads() -> list[Any]:
    """Each team member with their open tickets by state (the assignment board)."""
    open_ = Q(assigned_tickets__state__in=OPEN_STATES)
    return list(
        assignable_users().annotate(
            open_count=Count("assigned_tickets", filter=open_),
            in_progress=Count("assigned_tickets", filter=Q(assigned_tickets__state=State.IN_PROGRESS)),
            waiting=Count("assigned_tickets", filter=Q(assigned_tickets__state=State.WAITING)),
        )
    )


def unassigned(limit: int = 100) -> list[Ticket]:
    return list(
        Ticket.objects.open()
        .filter(assignee__isnull=True)
        .select_related("customer", "plan")
        .annotate(warn_at=_first_warning())
        .in_queue_order()[:limit]
    )


def onsite_requests(limit: int = 50) -> list[Ticket]:
    """Open tickets whose agent asked for an on-site visit that a dispatcher has not granted yet."""
    return list(
        Ticket.objects.open()
        .exclude(onsite_reason="")
        .exclude(kind=Kind.ONSITE)
        .select_related("customer", "assignee")
        .in_queue_order()[:limit]
    )


# --- phone calls -------------------------------------------------------------------------------


def caller_choices(text: str, limit: int = 20) -> list[ContactEmail]:
    """Addresses of active contacts whose address, name or company contains `text` (2+ letters)."""
    text = text.strip()
    if len(text) < 2:
        return []
    matching = Q(address__icontains=text) | Q(contact__name__icontains=text)
    return list(
        ContactEmail.objects.filter(
            matching | Q(contact__customer__name__icontains=text), contact__is_active=True
        )
        .select_related("contact__customer")
        .order_by("contact__name", "address")[:limit]
    )


def write_invitations(limit: int = 20) -> list[WriteInvitation]:
    """The latest "write to us" emails sent to callers, with who sent them and their outbox state."""
    return list(WriteInvitation.objects.select_related("contact__customer", "sent_by", "email")[:limit])
