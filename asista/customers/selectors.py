from __future__ import annotations

from datetime import date

from django.utils import timezone

from asista.customers.models import Contact, Contract, Customer


def active_contract(*, customer: Customer, on: date | None = None) -> Contract | None:
    """The customer's active contract covering `on` (today in Bucharest by default)."""
    day = on or timezone.localdate()
    for contract in customer.contracts.filter(status=Contract.Status.ACTIVE).select_related("plan"):
        if contract.covers(day):
            return contract
    return None


def contact_by_email(address: str) -> Contact | None:
    """The active contact owning `address`, whatever its case."""
    return (
        Contact.objects.select_related("customer")
        .filter(emails__address__iexact=address.strip(), is_active=True)
        .first()
    )
