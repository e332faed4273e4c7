"""Threading: references, the subject tag, resolved and closed tickets, bounces; and the pure rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from asista.mail import threads
from asista.mail.ingest import mail_ingest
from asista.mail.models import OutboundEmail, RawMessage
from asista.tickets import workflow
from asista.tickets.models import Message, State, Ticket
from tests.mail.ingest_support import DOMAIN, SUPPORT, known, raw_mail

# --- pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject",
    [
        "[#1234] Nu merge",
        "Re: [#1234] Nu merge",
        "RE: RE: [#1234] Nu merge",
        "Fwd: [#1234] Nu merge",
        "AW: [#1234] Nu merge",
        "Răspuns: [#1234] Nu merge",
        "Re:[ # 1234 ]Nu merge",
        "Re: [#1234 ] Nu merge",
        "TR: [Asista #1234] Nu merge",
        "Re: Am primit solicitarea [#1234]",
    ],
)
def test_it_reads_the_ticket_tag_whatever_the_prefixes_and_spacing(subject: str) -> None:
    assert threads.subject_ticket_number(subject) == 1234


@pytest.mark.parametrize("subject", ["Factura #1234", "[1234] x", "Re: problema", "", "[#] x", "[#12a]"])
def test_it_finds_no_tag_where_there_is_none(subject: str) -> None:
    assert threads.subject_ticket_number(subject) is None


def test_reference_ids_put_in_reply_to_first_then_the_newest_references() -> None:
    ids = threads.reference_ids(in_reply_to="<c@x>", references=("<a@x>", "<b@x>", "<c@x>"))
    assert ids == ["<c@x>", "<b@x>", "<a@x>"]


def test_reference_ids_are_capped() -> None:
    refs = tuple(f"<{i}@x>" for i in range(500))
    assert len(threads.reference_ids(in_reply_to="", references=refs)) == threads.MAX_REFERENCES


@pytest.mark.parametrize(
    "text",
    [
        "Mulțumesc!",
        "Multumesc frumos,\nAna",
        "Mulţumesc mult pentru ajutor!\n\n-- \nAna Pop\nClient SRL",
        "Thanks, it works now.\n\nOn Mon, 3 Nov 2025, Support <suport@x> wrote:\n> Rezolvat?\n> da",
        "Mersi, acum merge!\nO zi bună,\nIoana Ionescu",
        "Thank you very much!",
        "Vielen Dank!",
        "Merci beaucoup",
        "Vă mulțumim pentru tot.",
    ],
)
def test_a_thank_you_is_recognised(text: str) -> None:
    assert threads.only_says_thanks(text, sender_name="Ana Pop")


@pytest.mark.parametrize(
    "text",
    [
        "Mulțumesc, dar tot nu merge tipărirea.",
        "Thanks, but the export still fails.",
        "Mulțumesc! Mai am o întrebare: cum export în XML?",
        "Problema persistă.",
        "Mulțumesc, eroarea a revenit.",
        "",
        "> Mulțumesc\n",
        "Thanks. Could you also look at the invoice numbering",
    ],
)
def test_a_real_message_is_not_a_thank_you(text: str) -> None:
    assert not threads.only_says_thanks(text, sender_name="Ana Pop")


# --- the pipeline -----------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_settings(settings):  # type: ignore[no-untyped-def]
    settings.ASISTA_MAIL_DOMAIN = DOMAIN
    settings.ASISTA_SUPPORT_ADDRESS = SUPPORT
    settings.ASISTA_REOPEN_WINDOW_DAYS = 30


def ingest(raw: bytes, now=None):  # type: ignore[no-untyped-def]
    return mail_ingest(raw, source=RawMessage.Source.FILE, now=now or timezone.now())


def opened(contact=None, message_id: str = "<first@client.example>"):  # type: ignore[no-untyped-def]
    contact = contact or known("ana@client.example")
    return ingest(raw_mail(sender=contact.email, message_id=message_id)).ticket


def resolve(ticket: Ticket, agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_start(ticket, actor=agent)
    workflow.ticket_resolve(ticket, actor=agent, solution="Reinstalați driverul imprimantei.")


@pytest.mark.django_db
def test_a_reply_to_our_acknowledgement_joins_the_ticket() -> None:
    ticket = opened()
    ack = OutboundEmail.objects.get(ticket=ticket)
    result = ingest(raw_mail(subject="Re: altceva", in_reply_to=ack.message_id, references=ack.message_id))
    assert result.ticket == ticket and not result.created_ticket and "reply" in result.flags
    assert ticket.messages.count() == 2


@pytest.mark.django_db
def test_a_reply_to_the_customers_own_first_mail_joins_the_ticket() -> None:
    ticket = opened()
    result = ingest(raw_mail(subject="Fwd: ceva", references="<other@x> <first@client.example>"))
    assert result.ticket == ticket


@pytest.mark.django_db
def test_the_subject_tag_threads_when_there_are_no_references() -> None:
    ticket = opened()
    result = ingest(raw_mail(subject=f"Răspuns:  [# {ticket.number} ] Nu merge"))
    assert result.ticket == ticket and "reply" in result.flags


@pytest.mark.django_db
def test_a_colleague_of_the_same_customer_may_use_the_tag() -> None:
    contact = known("ana@client.example")
    ticket = opened(contact)
    colleague = known_colleague(contact, "ion@client.example")
    result = ingest(raw_mail(sender=colleague.email, subject=f"Re: [#{ticket.number}] x"))
    assert result.ticket == ticket and result.message.contact == colleague


def known_colleague(contact, address: str):  # type: ignore[no-untyped-def]
    from tests import factories

    return factories.contact(contact.customer, emails=[address], login=False)


@pytest.mark.django_db
def test_another_customers_contact_cannot_write_into_a_ticket_by_its_tag() -> None:
    ticket = opened()
    other = known("eve@other.example")
    result = ingest(raw_mail(sender=other.email, subject=f"Re: [#{ticket.number}] x"))
    assert result.created_ticket and result.ticket != ticket
    assert result.ticket.customer == other.customer and "tag_ignored" in result.flags


@pytest.mark.django_db
def test_an_unknown_sender_holding_our_message_id_is_kept_on_the_open_ticket() -> None:
    ticket = opened()
    ack = OutboundEmail.objects.get(ticket=ticket)
    result = ingest(raw_mail(sender="it@provider.example", in_reply_to=ack.message_id))
    assert result.ticket == ticket and "foreign_sender" in result.flags
    assert result.message.contact is None


@pytest.mark.django_db
def test_an_answer_to_our_question_puts_the_ticket_back_in_progress(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = opened()
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_start(ticket, actor=agent)
    question = workflow.ticket_ask_customer(ticket, actor=agent, text="Ce versiune aveți?")
    result = ingest(raw_mail(subject="Re: întrebare", in_reply_to=question.message_id, text="Versiunea 5."))
    ticket.refresh_from_db()
    assert result.ticket == ticket and ticket.state == State.IN_PROGRESS


@pytest.mark.django_db
def test_a_reply_to_a_resolved_ticket_reopens_it(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = opened()
    resolve(ticket, agent, dispatcher)
    solution = OutboundEmail.objects.get(ticket=ticket, template="resolved")
    result = ingest(raw_mail(in_reply_to=solution.message_id, text="Tot nu merge, aceeași eroare."))
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS and ticket.reopen_count == 1
    assert "reopened" in result.flags and result.message.ticket == ticket


@pytest.mark.django_db
def test_a_thank_you_to_a_resolved_ticket_does_not_reopen_it(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = opened()
    resolve(ticket, agent, dispatcher)
    solution = OutboundEmail.objects.get(ticket=ticket, template="resolved")
    result = ingest(raw_mail(in_reply_to=solution.message_id, text="Mulțumesc frumos!\nAna"))
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED and "thanks" in result.flags
    assert result.message.flags == ["thanks"] and result.message.direction == Message.Direction.INBOUND
    assert not OutboundEmail.objects.filter(template="reopened").exists()


def close(ticket: Ticket, agent, dispatcher, when) -> None:  # type: ignore[no-untyped-def]
    resolve(ticket, agent, dispatcher)
    Ticket.objects.filter(pk=ticket.pk).update(state=State.CLOSED, closed_at=when)


@pytest.mark.django_db
def test_a_thank_you_to_a_recently_closed_ticket_is_just_kept(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = opened()
    close(ticket, agent, dispatcher, timezone.now() - timedelta(days=2))
    result = ingest(raw_mail(in_reply_to="<first@client.example>", text="Mersi!"))
    assert result.ticket == ticket and not result.created_ticket and "thanks" in result.flags


@pytest.mark.django_db
def test_a_reply_to_a_closed_ticket_opens_a_new_linked_ticket(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = opened()
    close(ticket, agent, dispatcher, timezone.now() - timedelta(days=2))
    result = ingest(raw_mail(in_reply_to="<first@client.example>", text="A revenit problema."))
    assert result.created_ticket and result.ticket.related_to == ticket
    assert "follow_up" in result.flags


@pytest.mark.django_db
def test_a_thank_you_long_after_closing_opens_a_linked_ticket_too(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = opened()
    close(ticket, agent, dispatcher, timezone.now() - timedelta(days=45))
    result = ingest(raw_mail(in_reply_to="<first@client.example>", text="Mulțumesc!"))
    assert result.created_ticket and result.ticket.related_to == ticket


@pytest.mark.django_db
def test_the_reply_to_the_follow_up_ticket_joins_the_follow_up(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = opened()
    close(ticket, agent, dispatcher, timezone.now() - timedelta(days=40))
    follow_up = ingest(
        raw_mail(
            message_id="<again@client.example>",
            in_reply_to="<first@client.example>",
            references="<first@client.example>",
            text="Iar nu merge.",
        )
    ).ticket
    result = ingest(raw_mail(references="<first@client.example> <again@client.example>", text="Detalii."))
    assert result.ticket == follow_up


@pytest.mark.django_db
def test_a_bounce_lands_on_the_ticket_and_marks_the_address_failing() -> None:
    contact = known("ana@client.example")
    ticket = opened(contact)
    ack = OutboundEmail.objects.get(ticket=ticket)
    bounce = bounce_of(ack.message_id, "ana@client.example")
    result = ingest(bounce)
    assert result.ticket == ticket and not result.created_ticket
    assert result.flags == ("bounce", "address_failing")
    assert result.message.direction == Message.Direction.NOTE and result.message.flags == ["bounce"]
    email = contact.emails.get()
    assert email.failing_since is not None and email.failure
    assert OutboundEmail.objects.count() == 1  # no answer to a bounce


@pytest.mark.django_db
def test_a_bounce_of_nothing_we_sent_is_ignored() -> None:
    contact = known("ana@client.example")
    result = ingest(bounce_of("<unknown@elsewhere.example>", "ana@client.example"))
    assert result.flags == ("bounce",) and result.raw.status == RawMessage.Status.IGNORED
    assert contact.emails.get().failing_since is None


def bounce_of(message_id: str, recipient: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.client.example\r\n"
        f"To: {SUPPORT}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce1@mx.client.example>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.client.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {message_id}\r\nSubject: [#1] x\r\n\r\n"
        "--B--\r\n"
    ).encode()
