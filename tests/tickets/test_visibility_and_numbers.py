from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections

from asista.mail.models import OutboundEmail
from asista.tickets import workflow
from asista.tickets.models import Message, Ticket
from tests import factories


@pytest.mark.django_db
def test_a_contact_sees_only_their_companys_tickets(agent) -> None:  # type: ignore[no-untyped-def]
    mine = factories.ticket()
    colleague = factories.contact(mine.customer)
    theirs = factories.ticket()
    assert list(Ticket.objects.visible_to(colleague.user)) == [mine]
    assert set(Ticket.objects.visible_to(agent)) == {mine, theirs}
    assert not Ticket.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_numbers_follow_each_other() -> None:
    first, second = factories.ticket(), factories.ticket()
    assert second.number == first.number + 1
    assert second.tag == f"#{second.number}"


@pytest.mark.django_db
def test_a_new_request_is_acknowledged_with_its_number() -> None:
    ticket = factories.ticket()
    mail = OutboundEmail.objects.get(ticket=ticket, template="acknowledgement")
    assert f"[{ticket.tag}]" in mail.subject
    assert mail.to == [ticket.contact.email]
    assert mail.auto_submitted
    assert mail.in_reply_to == ticket.messages.get().message_id


@pytest.mark.django_db
def test_the_solution_email_carries_the_whole_dialogue(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket(text="Eroare la tipărire pe C:\\Users\\Public\\factura.pdf")
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_start(ticket, actor=agent)
    workflow.ticket_ask_customer(ticket, actor=agent, text="Ce imprimantă folosiți?")
    workflow.ticket_customer_replied(ticket, actor=ticket.contact.user, text="HP LaserJet 1020")
    workflow.ticket_add_note(ticket, actor=agent, text="secret internal remark")
    workflow.ticket_resolve(ticket, actor=agent, solution="Am reinstalat driverul.")
    mail = OutboundEmail.objects.get(ticket=ticket, template="resolved")
    for line in [
        "C:\\Users\\Public\\factura.pdf",
        "Ce imprimantă folosiți?",
        "HP LaserJet 1020",
        "Am reinstalat driverul.",
    ]:
        assert line in mail.text
    assert "secret internal remark" not in mail.text
    solution = Message.objects.get(ticket=ticket, is_solution=True)
    assert mail.message_id == solution.message_id
    assert mail.references.split()[0] == ticket.messages.first().message_id


@pytest.mark.django_db
def test_an_english_contact_gets_english_email() -> None:
    contact = factories.contact(language="en")
    ticket = factories.ticket(contact)
    mail = OutboundEmail.objects.get(ticket=ticket)
    assert mail.subject.startswith(f"[{ticket.tag}] We received your request")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ticket_numbers_stay_unique_when_20_threads_create_at_once() -> None:
    contact = factories.contact()
    barrier = threading.Barrier(20)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            numbers.append(factories.ticket(contact).number)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert connection.vendor == "postgresql"
    assert errors == []
    assert sorted(numbers) == list(range(min(numbers), min(numbers) + 20))
