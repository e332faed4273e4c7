"""Mail from unknown senders, waiting for a dispatcher: link it to a contact or reject it.

The decisions belong to the mail intake (`asista.mail.triage.triage_link` / `triage_reject`);
this module only finds or creates the contact the dispatcher chose, and shows each mail's text
and the customers whose contacts write from its domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from asista.core.errors import PermissionRefused, TransitionRefused
from asista.core.roles import is_dispatcher
from asista.customers.models import Contact, ContactEmail, Customer
from asista.customers.selectors import contact_by_email
from asista.customers.services import contact_create
from asista.mail.models import RawMessage
from asista.mail.parsing import parse
from asista.mail.triage import triage_link, triage_reject

PREVIEW_CHARS = 2000
# A shared mailbox provider says nothing about which company someone works for.
FREE_MAIL = frozenset(
    ["gmail.com", "yahoo.com", "yahoo.ro", "outlook.com", "hotmail.com", "icloud.com", "live.com", "mail.com"]
)


@dataclass(frozen=True)
class Waiting:
    """A mail from an unknown sender, with what the dispatcher needs to decide: its text and the
    customers whose contacts write from the same domain."""

    raw: RawMessage
    text: str
    suggested: list[Customer]


def waiting(limit: int = 50) -> list[Waiting]:
    raws = list(RawMessage.objects.filter(status=RawMessage.Status.TRIAGE).order_by("received_at")[:limit])
    domains = {_domain(raw.from_address) for raw in raws} - {""}
    by_domain: dict[str, list[int]] = {}
    if domains:
        senders = ContactEmail.objects.filter(
            _any_domain(domains), contact__is_active=True, contact__customer__is_active=True
        ).values_list("address", "contact__customer")
        for address, customer in senders:
            customers = by_domain.setdefault(_domain(address), [])
            if customer not in customers:
                customers.append(customer)
    names = Customer.objects.in_bulk({pk for pks in by_domain.values() for pk in pks})
    return [
        Waiting(
            raw=raw,
            text=_text(raw),
            suggested=[names[pk] for pk in by_domain.get(_domain(raw.from_address), []) if pk in names],
        )
        for raw in raws
    ]


def _domain(address: str) -> str:
    domain = address.rpartition("@")[2].strip().lower()
    return "" if domain in FREE_MAIL else domain


def _any_domain(domains: set[str]) -> Q:
    found = Q()
    for domain in domains:
        found |= Q(address__iendswith=f"@{domain}")
    return found


def _text(raw: RawMessage) -> str:
    """The start of the mail's text, parsed from its stored bytes; a mail that cannot be read says so."""
    try:
        with raw.file.open("rb") as stored:
            text = parse(stored.read()).text.strip()
    except (OSError, ValueError):
        return _("(the stored message cannot be read)")
    return text[:PREVIEW_CHARS] + ("…" if len(text) > PREVIEW_CHARS else "")


def _contact(data: Any, raw: RawMessage) -> Contact:
    address = str(data.get("address", "")).strip()
    if address:
        known = contact_by_email(address)
        if known is None:
            raise TransitionRefused(_("No active contact writes from %(address)s.") % {"address": address})
        return known
    customer_id = str(data.get("customer", "")).strip()
    customer = (
        Customer.objects.filter(pk=int(customer_id), is_active=True).first()
        if customer_id.isdigit() and len(customer_id) <= 18
        else None
    )
    if customer is None:
        raise TransitionRefused(_("Choose a contact, or a customer to add the sender to."))
    name = str(data.get("name", "")).strip() or raw.from_address
    return contact_create(customer=customer, name=name, emails=[raw.from_address])


@transaction.atomic
def decide(*, pk: int, decision: str, data: Any, actor: Any) -> str:
    """Link the mail to a contact (creating the contact if asked) or reject it."""
    if not is_dispatcher(actor):
        raise PermissionRefused(_("Only a dispatcher can triage mail from unknown senders."))
    raw = RawMessage.objects.filter(pk=pk, status=RawMessage.Status.TRIAGE).first()
    if raw is None:
        raise TransitionRefused(_("This message was already triaged."))
    if decision == "reject":
        triage_reject(raw, actor=actor, reason=str(data.get("reason", "")))
        return _("Message rejected.")
    contact = _contact(data, raw)
    triage_link(raw, contact=contact, actor=actor)
    return _("Message linked to %(name)s.") % {"name": contact.name}
