"""Portal services: access emails (invitation, password reset) and the statement by email."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from asista.billing.models import Invoice
from asista.billing.selectors import (
    Statement,
    statement_for,
    statement_history,
    statement_invoices,
    statement_text,
)
from asista.billing.services import invoice_pdf
from asista.billing.wording import month_label
from asista.core.errors import PermissionRefused, TransitionRefused
from asista.core.roles import contact_of, is_dispatcher
from asista.customers.models import Contact
from asista.mail.outbox import enqueue
from asista.tickets.attachments import NewAttachment


def _language(user: Any) -> str:
    contact = contact_of(user)
    return str(contact.language) if contact is not None else settings.LANGUAGE_CODE


def access_email_send(
    *, user: Any, to: str, link_path: str, invitation: bool, now: datetime | None = None
) -> None:
    """Queue the email with a one-time link to choose a password (first login or reset)."""
    name = "invitation" if invitation else "password_reset"
    language = _language(user)
    context = {"user": user, "link": settings.SITE_URL.rstrip("/") + link_path, "contact": contact_of(user)}
    with translation.override(language):
        subject = render_to_string(f"portal/email/{name}.subject.txt", context).strip()
        text = render_to_string(f"portal/email/{name}.txt", context)
    enqueue(
        template=f"portal.{name}",
        language=language,
        to=[to],
        subject=" ".join(subject.split()),
        text=text,
        html="",
        now=now or timezone.now(),
    )


@transaction.atomic
def contact_invite(*, contact: Contact, actor: Any, now: datetime | None = None) -> Any:
    """Give a contact a portal login (no password yet) and email them the link to choose one."""
    if not is_dispatcher(actor):
        raise PermissionRefused(_("Only a dispatcher can invite contacts to the portal."))
    address = contact.email
    if not address:
        raise TransitionRefused(_("%(name)s has no email address.") % {"name": contact.name})
    user = contact.user
    if user is None:
        User = get_user_model()
        if User.objects.filter(username__iexact=address).exists():
            raise TransitionRefused(
                _("A login with the address %(email)s already exists.") % {"email": address}
            )
        user = User.objects.create_user(username=address, email=address, password=None)
        contact.user = user
        contact.save(update_fields=["user"])
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("portal:welcome", args=[uid, default_token_generator.make_token(user)])
    access_email_send(user=user, to=address, link_path=path, invitation=True, now=now)
    return user


def contact_language_set(*, contact: Contact, language: str) -> Contact:
    """Save the language a contact reads the portal and receives every email in."""
    contact.language = language
    contact.save(update_fields=["language"])
    return contact


def statement_send(*, actor: Any, year: int, month: int, now: datetime | None = None) -> str:
    """Email the contact their company's month, in their language (DOMAIN.md §2.7): the units
    used and the charges, the written history of its requests, and each issued invoice or
    credit note of the month attached as its PDF (the text also links each one in the portal).
    """
    contact = contact_of(actor)
    if contact is None:
        raise PermissionRefused(_("Only a customer's contact can ask for their statement."))
    customer, language = contact.customer, str(contact.language)
    invoices = statement_invoices(customer=customer, year=year, month=month)
    with translation.override(language):
        statement = statement_for(customer=customer, year=year, month=month)
        context = {
            "contact": contact,
            "statement": statement,
            "period": month_label(year, month),
            "summary": statement_text(statement, language=language),
            "invoices": invoices,
            "history": statement_history(customer=customer, year=year, month=month),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        subject = render_to_string("portal/email/statement.subject.txt", context)
        text = render_to_string("portal/email/statement.txt", context)
    enqueue(
        template="portal.statement",
        language=language,
        to=[contact.email],
        subject=" ".join(subject.split()),
        text=text,
        html="",
        now=now or timezone.now(),
        attachments=[_invoice_file(invoice, statement) for invoice in invoices],
    )
    return contact.email


def _invoice_file(invoice: Invoice, statement: Statement) -> NewAttachment:
    """The invoice's PDF (its appendix is `statement`, the invoice's month), named as the
    portal's download names it."""
    data = invoice_pdf(invoice=invoice, statement=statement)
    return NewAttachment(filename=f"{invoice.full_number}.pdf", content_type="application/pdf", data=data)
