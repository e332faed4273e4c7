"""Emails to the assignee: a ticket assigned to them, and what the customer does on their ticket."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from asista.core.models import Profile
from asista.mail.ingest import mail_ingest_many
from asista.mail.models import OutboundEmail, RawMessage
from asista.tickets import workflow
from asista.tickets.models import Message
from tests import factories
from tests.mail.ingest_support import DOMAIN, SUPPORT, known, raw_mail

pytestmark = pytest.mark.django_db

SITE = "https://desk.vendor.example"


@pytest.fixture(autouse=True)
def _mail_settings(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE
    settings.ASISTA_MAIL_DOMAIN = DOMAIN
    settings.ASISTA_SUPPORT_ADDRESS = SUPPORT


def staff_emails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(template__startswith="staff_").order_by("pk"))


def the_one_to(user) -> OutboundEmail:  # type: ignore[no-untyped-def]
    (email,) = staff_emails()
    assert email.to == [user.email]
    return email


def assigned(contact, dispatcher, agent):  # type: ignore[no-untyped-def]
    ticket = factories.ticket(contact)
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    OutboundEmail.objects.filter(template__startswith="staff_").delete()
    return ticket


def waiting(contact, dispatcher, agent):  # type: ignore[no-untyped-def]
    ticket = assigned(contact, dispatcher, agent)
    workflow.ticket_start(ticket, actor=agent)
    workflow.ticket_ask_customer(ticket, actor=agent, text="Which printer?")
    return ticket


def resolved(contact, dispatcher, agent):  # type: ignore[no-untyped-def]
    ticket = assigned(contact, dispatcher, agent)
    workflow.ticket_start(ticket, actor=agent)
    workflow.ticket_resolve(ticket, actor=agent, solution="Reinstalled the driver.")
    return ticket


@pytest.fixture
def contact(db):  # type: ignore[no-untyped-def]
    return factories.contact(name="Ana Pop")


# --- assignment --------------------------------------------------------------------------------


def test_it_tells_the_agent_a_dispatcher_assigned_them_a_ticket(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket(contact, subject="Nu merge tipărirea")
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    email = the_one_to(agent)
    assert email.template == "staff_assigned" and email.language == "ro" and email.ticket_id == ticket.pk
    assert email.subject == f"[#{ticket.number}] V-a fost alocată: Nu merge tipărirea"
    assert f"{SITE}/desk/t/{ticket.number}/" in email.text and f"{SITE}/desk/t/{ticket.number}/" in email.html
    assert contact.customer.name in email.text and "Ana Pop" in email.text
    assert dispatcher.get_full_name() in email.text


def test_it_writes_to_the_agent_in_the_language_of_their_profile(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    ticket = factories.ticket(contact, subject="Printing fails")
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    email = the_one_to(agent)
    assert email.language == "en"
    assert email.subject == f"[#{ticket.number}] Assigned to you: Printing fails"
    assert "assigned request" in email.text and "State: assigned" in email.text


def test_staff_emails_of_a_ticket_thread_apart_from_the_customers(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket(contact)
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_add_customer_message(ticket, actor=contact.user, text="Și pe al doilea PC.")
    first, second = staff_emails()
    root = f"<asista.{ticket.number}.desk@{DOMAIN}>"
    assert first.in_reply_to == second.in_reply_to == first.references == root
    assert first.message_id != second.message_id
    assert f"#{ticket.number}" in first.subject and f"#{ticket.number}" in second.subject


def test_it_does_not_tell_a_dispatcher_who_assigned_the_ticket_to_themselves(contact, dispatcher) -> None:  # type: ignore[no-untyped-def]
    workflow.ticket_assign(factories.ticket(contact), actor=dispatcher, assignee=dispatcher)
    assert staff_emails() == []


def test_assigning_the_same_agent_again_tells_them_nothing_new(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = assigned(contact, dispatcher, agent)
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    assert staff_emails() == []


def test_a_reassignment_tells_the_new_agent(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = assigned(contact, dispatcher, agent)
    other = factories.staff("agent")
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=other)
    the_one_to(other)


def test_an_agent_who_switched_the_emails_off_gets_none(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en", notify_by_email=False)
    ticket = factories.ticket(contact)
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_add_customer_message(ticket, actor=contact.user, text="Și pe al doilea PC.")
    assert staff_emails() == []


# --- what the customer does --------------------------------------------------------------------


def test_a_portal_message_goes_to_the_assignee_with_its_text(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = assigned(contact, dispatcher, agent)
    workflow.ticket_add_customer_message(ticket, actor=contact.user, text="Și pe al doilea PC.")
    email = the_one_to(agent)
    assert email.template == "staff_customer" and email.language == "ro"
    assert email.subject == f"[#{ticket.number}] Clientul a scris: {ticket.subject}"
    assert "Și pe al doilea PC." in email.text and "Și pe al doilea PC." in email.html
    assert "Ana Pop" in email.text and contact.customer.name in email.text
    assert f"{SITE}/desk/t/{ticket.number}/" in email.text


def test_a_mailed_reply_goes_to_the_assignee(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    sender = known("ana@client.example")
    ticket = factories.ticket(sender, channel="email", message_id="<root@client.example>")
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    OutboundEmail.objects.filter(template__startswith="staff_").delete()
    mail_ingest_many(
        [raw_mail(in_reply_to="<root@client.example>", text="The printer is an HP.")],
        source=RawMessage.Source.FILE,
        now=timezone.now(),
    )
    email = the_one_to(agent)
    assert email.subject == f"[#{ticket.number}] The customer wrote: {ticket.subject}"
    assert "The printer is an HP." in email.text


def test_an_answer_to_the_questions_goes_to_the_assignee(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    ticket = waiting(contact, dispatcher, agent)
    workflow.ticket_add_customer_message(ticket, actor=contact.user, text="An HP LaserJet.")
    email = the_one_to(agent)
    assert email.subject == f"[#{ticket.number}] The customer answered your questions: {ticket.subject}"
    assert "An HP LaserJet." in email.text and "in progress again" in email.text
    assert f"{SITE}/desk/t/{ticket.number}/" in email.text


def test_a_reopening_goes_to_the_assignee_with_what_must_change(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = resolved(contact, dispatcher, agent)
    workflow.ticket_reopen(ticket, actor=contact.user, text="Tot nu merge pe PC 2.")
    email = the_one_to(agent)
    assert email.subject == f"[#{ticket.number}] Redeschisă de client: {ticket.subject}"
    assert "Tot nu merge pe PC 2." in email.text and "a redeschis solicitarea" in email.text


def test_an_acceptance_goes_to_the_assignee(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.create(user=agent, language="en")
    ticket = resolved(contact, dispatcher, agent)
    workflow.ticket_accept(ticket, actor=contact.user)
    email = the_one_to(agent)
    assert email.subject == f"[#{ticket.number}] Solution accepted: {ticket.subject}"
    assert "Ana Pop" in email.text and "accepted the solution" in email.text
    assert f"{SITE}/desk/t/{ticket.number}/" in email.text


def test_a_message_on_an_unassigned_ticket_tells_nobody(contact) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket(contact)
    workflow.ticket_add_customer_message(ticket, actor=contact.user, text="Și pe al doilea PC.")
    assert staff_emails() == []


def test_a_deactivated_assignee_gets_nothing(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = assigned(contact, dispatcher, agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    workflow.ticket_add_customer_message(ticket, actor=contact.user, text="Și pe al doilea PC.")
    assert staff_emails() == []


def test_an_assignee_without_an_address_gets_nothing(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = assigned(contact, dispatcher, agent)
    agent.email = ""
    agent.save(update_fields=["email"])
    workflow.ticket_add_customer_message(ticket, actor=contact.user, text="Și pe al doilea PC.")
    assert staff_emails() == []


def test_the_assignee_is_not_told_of_what_they_wrote_for_the_customer(contact, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = assigned(contact, dispatcher, dispatcher)  # a dispatcher may act for the customer
    workflow.ticket_add_customer_message(ticket, actor=dispatcher, contact=contact, text="Phoned: HP.")
    assert staff_emails() == []


# --- mail intake in bulk -----------------------------------------------------------------------


def replies_to_assigned_tickets(n: int, dispatcher, agents) -> list[bytes]:  # type: ignore[no-untyped-def]
    sender = known(f"ana{n}@client.example")
    raws = []
    for i in range(n):
        ticket = factories.ticket(sender, channel="email", message_id=f"<root{n}-{i}@client.example>")
        workflow.ticket_assign(ticket, actor=dispatcher, assignee=agents[i % len(agents)])
        raws.append(raw_mail(sender=sender.email, in_reply_to=f"<root{n}-{i}@client.example>", text=f"r{i}"))
    OutboundEmail.objects.filter(template__startswith="staff_").delete()
    return raws


def statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"][:100] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_batch_of_mailed_replies_tells_each_assignee_in_fixed_statements(dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    """20 replies to 20 tickets: 20 emails, written like the replies, a batch at a time."""
    english = factories.staff("agent")
    Profile.objects.create(user=english, language="en")
    quiet = factories.staff("agent")
    Profile.objects.create(user=quiet, notify_by_email=False)
    agents = [agent, english, quiet, dispatcher]
    counts = []
    for n in (4, 20):
        raws = replies_to_assigned_tickets(n, dispatcher, agents)
        with CaptureQueriesContext(connection) as queries:
            results = mail_ingest_many(raws, source=RawMessage.Source.FILE, now=timezone.now())
        assert all("reply" in r.flags and r.message is not None for r in results)
        counts.append(len(statements(queries)))
    assert counts[0] == counts[1], counts
    emails = staff_emails()
    assert len(emails) == 15  # 20 replies; the quiet agent's five tickets tell nobody
    assert {e.to[0] for e in emails} == {agent.email, english.email, dispatcher.email}
    assert {e.language for e in emails if e.to == [english.email]} == {"en"}
    assert all(f"{SITE}/desk/t/" in e.text for e in emails)


def test_the_batch_adds_one_read_and_one_insert_for_the_assignees(dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    sender = known("ana@client.example")
    tickets = [factories.ticket(sender, subject=f"T{i}") for i in range(20)]
    for ticket in tickets:
        workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    OutboundEmail.objects.filter(template__startswith="staff_").delete()
    items = [workflow.CustomerMessage(t, sender, f"reply {t.subject}", {}) for t in tickets]
    with CaptureQueriesContext(connection) as queries:
        workflow.tickets_add_customer_messages(items, now=timezone.now())
    # lock, messages, tickets' updated_at — then the assignees and their emails
    assert len(statements(queries)) == 5, "\n".join(statements(queries))
    emails = staff_emails()
    assert len(emails) == 20 and {e.to[0] for e in emails} == {agent.email}
    assert sorted(e.ticket_id for e in emails) == sorted(t.pk for t in tickets)


def test_the_batch_reads_nothing_more_for_unassigned_tickets() -> None:
    sender = known("ana@client.example")
    tickets = [factories.ticket(sender, subject=f"T{i}") for i in range(3)]
    items = [workflow.CustomerMessage(t, sender, "reply", {}) for t in tickets]
    with CaptureQueriesContext(connection) as queries:
        workflow.tickets_add_customer_messages(items, now=timezone.now())
    assert len(statements(queries)) == 3, "\n".join(statements(queries))
    assert staff_emails() == []


def test_an_agent_s_reply_to_one_of_these_emails_is_an_internal_note(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    """An agent who answers one of these emails writes to the support address; intake keeps the
    mail on the ticket it threads to as their internal note: the customer does not see it, and
    it is no news to anyone."""
    ticket = factories.ticket(contact)
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    (notice,) = staff_emails()
    [result] = mail_ingest_many(
        [
            raw_mail(
                sender=agent.email.upper(), in_reply_to=notice.message_id, subject=f"Re: {notice.subject}"
            )
        ],
        source=RawMessage.Source.FILE,
        now=timezone.now(),
    )
    assert "staff_reply" in result.flags
    note = ticket.messages.get(from_address__iexact=agent.email)
    assert (note.direction, note.author) == (Message.Direction.NOTE, agent)
    assert staff_emails() == [notice]


def test_a_reply_from_someone_who_left_the_team_is_no_internal_note(contact, dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    """Only an active member of the team writes notes by mail: a deactivated agent's mail, or
    one from a user with no role, joins the open ticket as a stranger's (foreign_sender)."""
    from django.contrib.auth import get_user_model

    ticket = factories.ticket(contact)
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    (notice,) = staff_emails()
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    outsider = get_user_model().objects.create_user(username="outsider", email="outsider@vendor.example")
    results = mail_ingest_many(
        [
            raw_mail(sender=user.email, in_reply_to=notice.message_id, subject=f"Re: {notice.subject}")
            for user in (agent, outsider)
        ],
        source=RawMessage.Source.FILE,
        now=timezone.now(),
    )
    assert ["staff_reply" in r.flags for r in results] == [False, False]
    assert ["foreign_sender" in r.flags for r in results] == [True, True]
    assert not ticket.messages.filter(direction=Message.Direction.NOTE).exists()
