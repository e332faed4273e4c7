"""Reads for the portal: always through the contact's company, so nothing else can leak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from asista.billing.models import Invoice
from asista.customers.models import Contact, Contract, PlanTarget
from asista.customers.selectors import active_contract
from asista.desk.selectors import units_this_month
from asista.tickets.models import FINAL_STATES, Ticket


@dataclass(frozen=True)
class Glance:
    contract: Contract | None
    units_used: int
    units_included: int
    open_count: int
    urgent_phones: list[str]
    urgent_answer: PlanTarget | None = None


def glance(contact: Contact, now: datetime) -> Glance:
    """The contract and this month's units, at a glance."""
    contract = active_contract(customer=contact.customer, on=timezone.localdate(now))
    plan = contract.plan if contract else None
    return Glance(
        contract=contract,
        units_used=units_this_month(contact.customer, now, plan.unit_minutes if plan else 30),
        units_included=plan.included_units if plan else 0,
        open_count=Ticket.objects.filter(customer=contact.customer).open().count(),
        urgent_phones=plan.urgent_phone_list() if plan else [],
        urgent_answer=_urgent_answer(contract),
    )


def _urgent_answer(contract: Contract | None) -> PlanTarget | None:
    """The plan's promised answer time for urgencies; None when it promises none (Tip 0)."""
    if contract is None:
        return None
    return contract.plan.targets.filter(target=PlanTarget.Target.URGENT_ANSWER).first()


SHOWS = ("all", "open", "closed")  # a contact's ticket list; "open" includes resolved (to decide)


def tickets_of(user: Any, *, show: str = "all") -> QuerySet[Ticket]:
    """The company's tickets, newest first; `show` "open" (not closed or cancelled) or "closed"."""
    query = Ticket.objects.visible_to(user).select_related("contact", "assignee")
    if show == "open":
        query = query.exclude(state__in=FINAL_STATES)
    elif show == "closed":
        query = query.filter(state__in=FINAL_STATES)
    return query.order_by("-created_at", "-id")


def ticket_counts(user: Any) -> dict[str, int]:
    """How many tickets each of `SHOWS` lists, in one query."""
    final = Q(state__in=FINAL_STATES)
    return Ticket.objects.visible_to(user).aggregate(
        all=Count("pk"), open=Count("pk", filter=~final), closed=Count("pk", filter=final)
    )


def ticket_of(user: Any, number: int) -> Ticket | None:
    return Ticket.objects.visible_to(user).select_related("customer", "contact").filter(number=number).first()


def invoices_of(contact: Contact) -> QuerySet[Invoice]:
    return Invoice.objects.filter(customer=contact.customer, status=Invoice.Status.ISSUED).order_by(
        "-issue_date", "-number"
    )


def invoice_of(contact: Contact, pk: int) -> Invoice | None:
    return invoices_of(contact).filter(pk=pk).first()
