from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail as django_mail
from django.core.files.uploadedfile import SimpleUploadedFile

from asista.billing.models import Invoice
from asista.mail.models import OutboundEmail
from asista.tickets import workflow
from asista.tickets.attachments import NewAttachment
from asista.tickets.models import State, Ticket
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours():  # type: ignore[no-untyped-def]
    return factories.contact(factories.customer(plan="expert"))


@pytest.fixture
def theirs():  # type: ignore[no-untyped-def]
    return factories.contact(factories.customer(plan="tip-0"))


def _issued_invoice(customer):  # type: ignore[no-untyped-def]
    return Invoice.objects.create(
        customer=customer,
        year=2026,
        month=10,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        status=Invoice.Status.ISSUED,
        number=7,
        full_number=f"AS{customer.pk:04d}",
        rate=Decimal("5.1"),
    )


def test_a_contact_gets_404_for_another_companys_things_by_any_url(client, ours, theirs):  # type: ignore[no-untyped-def]
    ticket = factories.ticket(theirs, attachments=[NewAttachment("x.pdf", "application/pdf", b"%PDF")])
    file_id = ticket.messages.first().attachments.first().pk
    invoice = _issued_invoice(theirs.customer)
    client.force_login(ours.user)
    for url in (
        f"/portal/tickets/{ticket.number}/",
        f"/portal/file/{file_id}/",
        f"/portal/invoices/{invoice.pk}/pdf/",
        f"/desk/t/{ticket.number}/",
        f"/desk/file/{file_id}/",
    ):
        assert client.get(url).status_code == 404, url
    for action in ("message", "accept", "reopen"):
        assert (
            client.post(f"/portal/tickets/{ticket.number}/{action}/", {"message-text": "x"}).status_code
            == 404
        )
    statement = client.get(f"/portal/statement/?customer={theirs.customer.pk}").content.decode()
    assert theirs.customer.name not in statement
    assert invoice.full_number not in client.get("/portal/invoices/").content.decode()


def test_a_contact_never_gets_files_of_internal_notes(client, ours, agent):  # type: ignore[no-untyped-def]
    ticket = factories.ticket(ours)
    note = workflow.ticket_add_note(
        ticket, actor=agent, text="intern", attachments=[NewAttachment("n.txt", "text/plain", b"secret")]
    )
    client.force_login(ours.user)
    assert client.get(f"/portal/file/{note.attachments.first().pk}/").status_code == 404
    assert "intern" not in client.get(f"/portal/tickets/{ticket.number}/").content.decode()


def test_a_contact_opens_a_request_with_an_attachment(client, ours):  # type: ignore[no-untyped-def]
    client.force_login(ours.user)
    upload = SimpleUploadedFile("ecran.png", b"\x89PNG", content_type="image/png")
    response = client.post(
        "/portal/tickets/new/",
        {"subject": "Eroare", "kind": "support", "text": "Detalii", "attachments": upload},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(customer=ours.customer)
    assert ticket.messages.first().attachments.get().filename == "ecran.png"


def test_a_refused_file_keeps_everything_typed(client, ours):  # type: ignore[no-untyped-def]
    client.force_login(ours.user)
    upload = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        "/portal/tickets/new/",
        {"subject": "Subiectul meu", "kind": "change", "text": "Descrierea mea", "attachments": upload},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "setup.exe" in body and "Subiectul meu" in body and "Descrierea mea" in body
    assert not Ticket.objects.exists()


def test_urgent_shows_the_plans_phone_numbers_and_opens_nothing(client, ours, plans):  # type: ignore[no-untyped-def]
    plan = plans["expert"]
    plan.urgent_phones = "0268 000 111\n0268 000 222"
    plan.save()
    client.force_login(ours.user)
    assert "0268 000 111" in client.get("/portal/tickets/new/").content.decode()
    response = client.post(
        "/portal/tickets/new/", {"subject": "Blocat", "kind": "urgent", "text": "Nu pot factura"}
    )
    assert response.status_code == 400
    assert "0268 000 222" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_customer_accepts_or_reopens_a_resolved_ticket(client, ours, dispatcher, agent):  # type: ignore[no-untyped-def]
    first, second = factories.ticket(ours), factories.ticket(ours)
    for ticket in (first, second):
        workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
        workflow.ticket_start(ticket, actor=agent)
        workflow.ticket_resolve(ticket, actor=agent, solution="Gata")
    client.force_login(ours.user)
    assert client.post(f"/portal/tickets/{first.number}/accept/").status_code == 302
    response = client.post(f"/portal/tickets/{second.number}/reopen/", {"reopen-text": "Mai trebuie X"})
    assert response.status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.state, second.state) == (State.CLOSED, State.IN_PROGRESS)
    refused = client.post(f"/portal/tickets/{first.number}/reopen/", {"reopen-text": "Încă ceva"})
    assert refused.status_code == 400
    assert "Încă ceva" in refused.content.decode()


def test_the_statement_goes_by_email_through_the_outbox(client, ours):  # type: ignore[no-untyped-def]
    client.force_login(ours.user)
    assert client.post("/portal/statement/", {"month": "2026-10"}).status_code == 302
    sent = OutboundEmail.objects.get(template="portal.statement")
    assert sent.to == [ours.email]
    assert ours.customer.name in sent.text


def test_invoices_list_and_pdf_of_our_company(client, ours):  # type: ignore[no-untyped-def]
    invoice = _issued_invoice(ours.customer)
    client.force_login(ours.user)
    assert invoice.full_number in client.get("/portal/invoices/").content.decode()


def test_password_reset_link_goes_through_the_outbox(client, ours):  # type: ignore[no-untyped-def]
    response = client.post("/portal/password/reset/", {"email": ours.email.upper()})
    assert response.status_code == 302
    sent = OutboundEmail.objects.get(template="portal.password_reset")
    assert sent.to == [ours.email]
    assert "/portal/password/reset/" in sent.text
    assert not django_mail.outbox


def test_a_dispatcher_invites_a_contact_who_then_chooses_a_password(client, dispatcher):  # type: ignore[no-untyped-def]
    person = factories.contact(login=False)
    client.force_login(dispatcher)
    assert client.post(f"/desk/contact/{person.pk}/invite/").status_code == 302
    link = (
        OutboundEmail.objects.get(template="portal.invitation").text.split("/portal/welcome/")[1].split()[0]
    )
    client.logout()
    form = client.get(f"/portal/welcome/{link}", follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else f"/portal/welcome/{link}",
        {"new_password1": "o-parola-lunga-2026", "new_password2": "o-parola-lunga-2026"},
    )
    assert response.status_code == 302
    assert client.login(username=person.email, password="o-parola-lunga-2026")


def test_an_agent_cannot_invite(client, agent):  # type: ignore[no-untyped-def]
    person = factories.contact(login=False)
    client.force_login(agent)
    client.post(f"/desk/contact/{person.pk}/invite/")
    person.refresh_from_db()
    assert person.user is None
