from __future__ import annotations

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
        memo[day] = (
            customer.contracts.filter(status=Contract.Status.ACTIVE, starts_on__lte=day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
            .select_related("plan")
            .first()
        )
    return memo[day]


def contact_by_email(address: str) -> Contact | None:
    """The active contact owning `address`, whatever its case."""
    return (
        Contact.objects.select_related("customer")
        .filter(emails__address__iexact=address.strip(), is_active=True)
        .first()
    )
