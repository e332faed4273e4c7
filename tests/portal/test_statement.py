"""The month's statement: the page and the email (DOMAIN.md §2.7), in the contact's language."""

from __future__ import annotations

import email
import email.policy
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail as django_mail
from django.utils import timezone

from asista.billing import services
from asista.billing.models import ExchangeRate, Invoice
from asista.mail.models import OutboundEmail
from asista.mail.sending import outbox_send_due
from asista.tickets import workflow
from tests import factories

pytestmark = pytest.mark.django_db

BUCHAREST = ZoneInfo("Europe/Bucharest")
NOVEMBER = datetime(2026, 11, 10, 10, 0, tzinfo=BUCHAREST)


@pytest.fixture
def month_of_work(dispatcher, agent):  # type: ignore[no-untyped-def]
    """An Expert customer's November: one request asked, answered, worked 40 minutes, resolved."""
    person = factories.contact(factories.customer(plan="expert", name="Brașovia SRL"), name="Maria Pop")
    with time_machine.travel(NOVEMBER, tick=False):
        ticket = factories.ticket(person, subject="Nu se tipărește factura", text="Butonul nu face nimic.")
        workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
        workflow.ticket_start(ticket, actor=agent)
        workflow.ticket_ask_customer(ticket, actor=agent, text="Ce imprimantă folosiți?")
        workflow.ticket_add_customer_message(ticket, actor=person.user, text="HP LaserJet.")
        factories.time_entry(ticket, agent, started_at=NOVEMBER, minutes=40)
        workflow.ticket_resolve(ticket, actor=agent, solution="Driverul a fost reinstalat.")
    return person, ticket


def _send(client, person, month: str = "2026-11") -> OutboundEmail:  # type: ignore[no-untyped-def]
    client.force_login(person.user)
    assert client.post("/portal/statement/", {"month": month}).status_code == 302
    return OutboundEmail.objects.get(template="portal.statement")


def _issue_november(customer: Any) -> Invoice:
    """A real November invoice (drafted from the month's time, issued on 1 December)."""
    factories.invoice_series()
    ExchangeRate.objects.create(currency="EUR", day=date(2026, 11, 30), rate=Decimal("5.0900"))
    customer.address = "Str. Lungă nr. 5"
    customer.save(update_fields=["address"])
    (draft,) = services.invoice_drafts_for_month(year=2026, month=11, customer_ids=[customer.pk])
    return services.invoice_issue(invoice=draft, issue_date=date(2026, 12, 1))


def _delivered(sent: OutboundEmail) -> list[email.message.EmailMessage]:
    """Send the outbox (Django's memory backend) and parse what left for this row."""
    outbox_send_due(now=timezone.now())
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.SENT
    return [
        email.message_from_bytes(m.message().as_bytes(), policy=email.policy.default)
        for m in django_mail.outbox
        if m.extra_headers["Message-ID"] == sent.message_id
    ]


def test_the_email_carries_the_written_dialogue_with_the_units(client, month_of_work):  # type: ignore[no-untyped-def]
    person, ticket = month_of_work
    sent = _send(client, person)
    assert sent.to == [person.email] and sent.language == "ro"
    assert sent.subject == "Situația pe noiembrie 2026 — Brașovia SRL"
    text = sent.text
    units = "40 min, 2 unități (2 incluse, 0 peste)"
    assert f"Tichet #{ticket.number} Nu se tipărește factura: {units}" in text
    dialogue = text.split("Istoricul scris al solicitărilor din lună")[1]
    order = ["Butonul nu face nimic.", "Ce imprimantă folosiți?", "HP LaserJet.", "Driverul a fost"]
    positions = [dialogue.index(part) for part in order]
    assert positions == sorted(positions)


def test_the_email_never_carries_internal_notes(client, month_of_work, agent):  # type: ignore[no-untyped-def]
    person, ticket = month_of_work
    with time_machine.travel(NOVEMBER, tick=False):
        workflow.ticket_add_note(ticket, actor=agent, text="Clientul e dificil")
    assert "Clientul e dificil" not in _send(client, person).text


def test_an_english_contact_gets_the_email_in_english(client, month_of_work):  # type: ignore[no-untyped-def]
    person, ticket = month_of_work
    person.language = "en"
    person.save(update_fields=["language"])
    sent = _send(client, person)
    assert sent.language == "en"
    assert sent.subject == "Statement for November 2026 — Brașovia SRL"
    units = "40 min, 2 units (2 included, 0 beyond)"
    assert f"Ticket #{ticket.number} Nu se tipărește factura: {units}" in sent.text
    assert "Expert subscription, November 2026: 1 × 300.00 = 300.00" in sent.text
    assert "Written history of the month's requests" in sent.text
    for romanian in ("Situație", "Tichet", "unități", "Taxe", "noiembrie"):
        assert romanian not in sent.text


def test_the_email_links_each_issued_invoice_of_the_month(client, month_of_work):  # type: ignore[no-untyped-def]
    person, _ = month_of_work
    invoice = _issue_november(person.customer)
    other_month = factories.issued_invoice(person.customer, year=2026, month=10)
    text = _send(client, person).text
    link = f"{settings.SITE_URL.rstrip('/')}/portal/invoices/{invoice.pk}/pdf/"
    assert f"{invoice.full_number}, 01.12.2026: {link}" in text
    assert other_month.full_number not in text


def test_without_an_invoice_the_email_says_none_was_issued_yet(client, month_of_work):  # type: ignore[no-untyped-def]
    person, _ = month_of_work
    sent = _send(client, person)
    assert "nu a fost emisă încă nicio factură" in sent.text
    assert sent.attachment_count == 0 and not sent.attachments.exists()
    [mail] = _delivered(sent)
    assert list(mail.iter_attachments()) == []


def test_the_email_attaches_the_pdf_of_each_issued_invoice_of_the_month(client, month_of_work):  # type: ignore[no-untyped-def]
    person, _ = month_of_work
    invoice = _issue_november(person.customer)
    factories.issued_invoice(person.customer, year=2026, month=10)  # another month: not attached
    sent = _send(client, person)
    assert "Facturile lunii, atașate în format PDF (și în portal):" in sent.text
    assert f"/portal/invoices/{invoice.pk}/pdf/" in sent.text  # the link stays
    assert sent.attachment_count == 1
    [mail] = _delivered(sent)
    [pdf] = mail.iter_attachments()
    assert pdf.get_content_type() == "application/pdf" and pdf.get_filename() == f"{invoice.full_number}.pdf"
    data = pdf.get_content()
    assert data == services.invoice_pdf(invoice=invoice) == sent.attachments.get().file.read()
    assert data.count(b"/Type /Page\n") == 2  # the invoice and its statement appendix


def test_the_english_email_says_the_invoices_are_attached(client, month_of_work):  # type: ignore[no-untyped-def]
    person, _ = month_of_work
    person.language = "en"
    person.save(update_fields=["language"])
    _issue_november(person.customer)
    sent = _send(client, person)
    assert "Invoices of the month, attached as PDF (also in the portal):" in sent.text
    assert sent.attachment_count == 1


def test_the_english_page_words_the_charges_and_the_period_in_english(client, month_of_work):  # type: ignore[no-untyped-def]
    person, _ = month_of_work
    person.language = "en"
    person.save(update_fields=["language"])
    client.force_login(person.user)
    page = client.get("/portal/statement/?month=2026-11").content.decode()
    assert "Statement for November 2026" in page
    assert "Expert subscription, November 2026" in page
    assert "Abonament" not in page and "noiembrie" not in page and "2026-11</h1>" not in page
    assert 'value="2026-11"' in page  # the month picker keeps its machine value


def test_the_romanian_page_says_the_month_by_name(client, month_of_work):  # type: ignore[no-untyped-def]
    person, _ = month_of_work
    client.force_login(person.user)
    page = client.get("/portal/statement/?month=2026-11").content.decode()
    assert "Situația pe noiembrie 2026" in page and "Abonament Expert, noiembrie 2026" in page


def test_each_statement_cell_names_its_column_for_a_phone(client, month_of_work):  # type: ignore[no-untyped-def]
    person, _ = month_of_work
    client.force_login(person.user)
    page = client.get("/portal/statement/?month=2026-11").content.decode()
    for label in ("Tichet", "Minute", "Unități", "din care incluse"):
        assert f'data-label="{label}"' in page


def test_each_invoice_cell_names_its_column_for_a_phone(client, month_of_work):  # type: ignore[no-untyped-def]
    person, _ = month_of_work
    factories.issued_invoice(person.customer, year=2026, month=11)
    client.force_login(person.user)
    page = client.get("/portal/invoices/").content.decode()
    assert 'data-label="Număr"' in page or 'data-label="Numărul"' in page
    assert page.count("data-label=") == 5
