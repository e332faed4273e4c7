"""Mail from unknown senders, waiting for a dispatcher: link it to a contact or reject it.

The decisions belong to the mail intake (`asista.mail.triage.triage_link` / `triage_reject`);
this module only finds or creates the contact the dispatcher chose.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from asista.core.errors import PermissionRefused, TransitionRefused
from asista.core.roles import is_dispatcher
from asista.customers.models import Contact, Customer
from asista.customers.services import contact_create
from asista.mail.models import RawMessage
from asista.mail.triage import triage_link, triage_reject


def waiting(limit: int = 50) -> list[RawMessage]:
    return list(RawMessage.objects.filter(status=RawMessage.Status.TRIAGE).order_by("received_at")[:limit])


def _contact(data: Any, raw: RawMessage) -> Contact:
    contact_id = str(data.get("contact", "")).strip()
    if contact_id.isdigit():
        found = Contact.objects.filter(pk=int(contact_id), is_active=True).first()
        if found is None:
            raise TransitionRefused(_("No active contact has the id %(id)s.") % {"id": contact_id})
        return found
    customer_id = str(data.get("customer", "")).strip()
    customer = Customer.objects.filter(pk=int(customer_id)).first() if customer_id.isdigit() else None
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
