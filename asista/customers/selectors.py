from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.utils import timezone

from asista.customers.models import Contact, Contract, Customer


def active_contract(*, customer: Customer, on: date | None = None) -> Contract | None:
    """The customer's active contract covering `on` (today in Bucharest by default).

    Remembered on the customer instance for the day asked: the workflow and the SLA clocks ask
    for the same contract several times in one transaction.
    """
    day = on or timezone.localdate()
    memo: dict[date, Contract | None] = customer.__dict__.setdefault("_active_contracts", {})
    if day not in memo:
        active_contracts([customer], on=day)
    return memo[day]


def active_contracts(customers: Iterable[Customer], *, on: date) -> dict[int, Contract | None]:
    """`active_contract` of several customers in one query, by customer id (None: no contract).

    The plan and the calendars come along: opening a ticket needs them for its SLA clocks.
    """
    wanted = {customer.pk: customer for customer in customers}
    found: dict[int, Contract | None] = dict.fromkeys(wanted)
    rows = (
        Contract.objects.filter(customer_id__in=wanted, status=Contract.Status.ACTIVE, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("plan", "plan__calendar", "calendar")
        .order_by("pk")
    )
    for contract in rows:
        if found[contract.customer_id] is None:  # one active contract per customer, by constraint
            found[contract.customer_id] = contract
    for pk, customer in wanted.items():
        customer.__dict__.setdefault("_active_contracts", {})[on] = found[pk]
    return found


def contact_by_email(address: str) -> Contact | None:
    """The active contact owning `address`, whatever its case."""
    return (
        Contact.objects.select_related("customer")
        .filter(emails__address__iexact=address.strip(), is_active=True)
        .first()
    )
