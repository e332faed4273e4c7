from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from asista.customers.models import Contact, ContactEmail, Customer
from asista.customers.selectors import active_contract

# Without an active contract a customer gets the strictest plan's limit.
DEFAULT_PHONE_CONTACTS = 1


def phone_contact_limit(*, customer: Customer) -> tuple[int, str]:
    contract = active_contract(customer=customer)
    if contract is None:
        return DEFAULT_PHONE_CONTACTS, _("no active contract")
    return contract.plan.phone_contacts_limit, contract.plan.name


def check_phone_contact_limit(*, customer: Customer, contact: Contact | None = None) -> None:
    """Refuse one more phone contact than the customer's plan allows."""
    limit, plan_name = phone_contact_limit(customer=customer)
    others = customer.contacts.filter(is_phone_contact=True, is_active=True)
    if contact is not None and contact.pk:
        others = others.exclude(pk=contact.pk)
    if others.count() + 1 > limit:
        raise ValidationError(
            {
                "is_phone_contact": _(
                    "%(customer)s may have at most %(limit)d phone contact(s) under %(plan)s; "
                    "untick another contact first."
                )
                % {"customer": customer.name, "limit": limit, "plan": plan_name}
            }
        )


@transaction.atomic
def contact_create(
    *,
    customer: Customer,
    name: str,
    emails: list[str],
    phone: str = "",
    is_phone_contact: bool = False,
    language: str = "ro",
) -> Contact:
    """Add a contact with its addresses; the first address is the primary one."""
    contact = Contact(
        customer=customer,
        name=name,
        phone=phone,
        is_phone_contact=is_phone_contact,
        language=language,
    )
    contact.full_clean()
    contact.save()
    for index, address in enumerate(emails):
        email = ContactEmail(contact=contact, address=address, is_primary=index == 0)
        email.full_clean()
        email.save()
    return contact
