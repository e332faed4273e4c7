"""The ingest pipeline: raw stored first, idempotent, loops, noise, triage, unparsed, acknowledgements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from asista.mail.ingest import mail_ingest, mail_ingest_many, mail_retry_received
from asista.mail.models import OutboundEmail, RawMessage
from asista.tickets.models import Message, Ticket
from tests.mail.ingest_support import DOMAIN, SUPPORT, known, raw_mail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_settings(settings):  # type: ignore[no-untyped-def]
    settings.ASISTA_MAIL_DOMAIN = DOMAIN
    settings.ASISTA_SUPPORT_ADDRESS = SUPPORT


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The SQL a production call runs: the test's own transaction turns BEGIN/COMMIT into savepoints."""
    return [
        q["sql"][:100]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def ingest(raw: bytes, **kwargs):  # type: ignore[no-untyped-def]
    return mail_ingest(raw, source=RawMessage.Source.FILE, now=kwargs.pop("now", None) or timezone.now())


def test_it_opens_a_ticket_for_a_known_sender_and_acknowledges_it() -> None:
    contact = known("ana@client.example")
    result = ingest(raw_mail(sender="Ana Pop <ANA@client.example>", subject="Nu merge tipărirea"))
    assert result.created_ticket and not result.duplicate
    ticket = result.ticket
    assert ticket.contact == contact and ticket.channel == "email"
    message = ticket.messages.get()
    assert message.from_address.lower() == "ana@client.example"
    assert message.raw_id == result.raw.pk
    assert result.raw.status == RawMessage.Status.PROCESSED
    assert RawMessage.objects.get().acknowledged
    ack = OutboundEmail.objects.get(template="acknowledgement")
    assert ack.ticket_id == ticket.pk


def test_it_stores_the_raw_bytes_before_anything_else(settings) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    raw = raw_mail(sender="nobody@nowhere.example")
    result = ingest(raw)
    stored = Path(settings.MEDIA_ROOT) / result.raw.file.name
    assert stored.read_bytes() == raw
    assert result.raw.size == len(raw)


def test_the_same_message_id_delivered_twice_is_stored_once() -> None:
    known("ana@client.example")
    first = ingest(raw_mail(message_id="<same@client.example>"))
    again = ingest(raw_mail(message_id="<same@client.example>", text="other bytes, same id"))
    assert again.duplicate and again.flags == ("duplicate",)
    assert again.ticket == first.ticket and again.message == first.ticket.messages.get()
    assert RawMessage.objects.count() == 1 and Ticket.objects.count() == 1


def test_the_same_bytes_without_message_id_are_stored_once() -> None:
    known("ana@client.example")
    raw = raw_mail(message_id="")
    first = ingest(raw)
    again = ingest(raw)
    assert first.created_ticket and again.duplicate
    assert Ticket.objects.count() == 1


def test_different_mails_without_message_id_are_both_kept() -> None:
    known("ana@client.example")
    ingest(raw_mail(message_id="", text="unu"))
    ingest(raw_mail(message_id="", text="doi"))
    assert Ticket.objects.count() == 2


def test_an_unknown_sender_waits_in_triage_without_an_answer() -> None:
    result = ingest(raw_mail(sender="stranger@unknown.example"))
    assert result.ticket is None and result.flags == ("triage",)
    assert result.raw.status == RawMessage.Status.TRIAGE
    assert RawMessage.objects.get().from_address == "stranger@unknown.example"
    assert not OutboundEmail.objects.exists()


def test_an_inactive_contact_is_an_unknown_sender() -> None:
    contact = known("ana@client.example")
    contact.is_active = False
    contact.save()
    assert ingest(raw_mail()).raw.status == RawMessage.Status.TRIAGE


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Asista-Ticket": "12"},
        {"Message-ID": "<asista.12.abc@vendor.example>"},
    ],
)
def test_our_own_mail_coming_back_is_ignored(headers) -> None:  # type: ignore[no-untyped-def]
    known("ana@client.example")
    message_id = headers.pop("Message-ID", None)
    result = ingest(raw_mail(message_id=message_id, headers=headers))
    assert result.flags == ("loop",) and result.raw.status == RawMessage.Status.IGNORED
    assert not Ticket.objects.exists() and not OutboundEmail.objects.exists()


def test_mail_from_our_own_support_address_is_a_loop() -> None:
    result = ingest(raw_mail(sender=SUPPORT))
    assert result.flags == ("loop",)


def test_an_auto_reply_never_opens_a_ticket() -> None:
    known("ana@client.example")
    result = ingest(raw_mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    assert result.ticket is None and result.flags == ("auto_reply",)
    assert result.raw.status == RawMessage.Status.IGNORED
    assert not OutboundEmail.objects.exists()


def test_an_auto_reply_to_our_mail_is_kept_on_the_ticket_as_a_note() -> None:
    contact = known("ana@client.example")
    ticket = ingest(raw_mail()).ticket
    ack = OutboundEmail.objects.get()
    ticket.refresh_from_db()
    state = ticket.state
    result = ingest(
        raw_mail(
            subject="Automatic reply: out of office",
            in_reply_to=ack.message_id,
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    assert result.ticket == ticket and result.message.direction == Message.Direction.NOTE
    assert result.message.flags == ["auto_reply"]
    ticket.refresh_from_db()
    assert ticket.state == state and OutboundEmail.objects.count() == 1
    assert contact.tickets.count() == 1


def test_a_message_asking_for_no_auto_reply_gets_no_acknowledgement() -> None:
    known("ana@client.example")
    result = ingest(raw_mail(headers={"X-Auto-Response-Suppress": "All"}))
    assert result.created_ticket and "no_ack_requested" in result.flags
    assert not OutboundEmail.objects.exists() and not RawMessage.objects.get().acknowledged


def test_acknowledgements_to_one_sender_are_rate_limited(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASISTA_MAIL_ACK_LIMIT_PER_HOUR = 2
    known("ana@client.example")
    now = timezone.now()
    results = [ingest(raw_mail(text=f"cererea {i}"), now=now + timedelta(minutes=i)) for i in range(3)]
    assert [r.created_ticket for r in results] == [True, True, True]
    assert "ack_rate_limited" in results[2].flags
    assert OutboundEmail.objects.filter(template="acknowledgement").count() == 2
    later = ingest(raw_mail(text="după o oră"), now=now + timedelta(minutes=61))
    assert "ack_rate_limited" not in later.flags


def test_an_unparsed_mail_from_a_known_sender_opens_a_flagged_ticket(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asista.mail.ingest as ingest_module
    from asista.mail.parsing import ParsedMail

    known("ana@client.example")
    salvaged = ParsedMail(from_address="ana@client.example", subject="factura", defects=("unparsed",))
    monkeypatch.setattr(ingest_module, "parse", lambda raw: salvaged)
    result = ingest(b"From: ana@client.example\r\nSubject: factura\r\n\r\n\x00\x01")
    assert result.created_ticket and result.ticket.is_unparsed and "unparsed" in result.flags
    assert "could not be read" in result.ticket.messages.get().text


def test_an_unparsed_mail_from_nobody_known_waits_in_triage() -> None:
    result = ingest(bytes(range(256)))
    assert result.flags == ("unparsed", "triage")


def test_a_parser_exception_still_keeps_the_mail(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asista.mail.ingest as ingest_module

    def explode(raw: bytes) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(ingest_module, "parse", explode)
    result = ingest(b"From: x@y.example\r\n\r\nhello")
    assert result.raw.pk and result.flags == ("unparsed", "triage")
    assert RawMessage.objects.get().status == RawMessage.Status.TRIAGE


def test_an_error_in_the_ticket_work_leaves_the_raw_received_for_the_retry(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asista.mail.ingest as ingest_module

    known("ana@client.example")
    original = ingest_module.workflow.tickets_open

    def crash(drafts, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(ingest_module.workflow, "tickets_open", crash)
    now = timezone.now()
    result = ingest(raw_mail(), now=now)
    assert result.flags == ("error",) and result.raw.status == RawMessage.Status.RECEIVED
    assert "database went away" in RawMessage.objects.get().error
    monkeypatch.setattr(ingest_module.workflow, "tickets_open", original)
    assert mail_retry_received(now=now + timedelta(minutes=11)) == 1
    raw = RawMessage.objects.get()
    assert raw.status == RawMessage.Status.PROCESSED and raw.error == ""
    assert Ticket.objects.count() == 1


def test_one_mail_that_cannot_become_a_ticket_does_not_hold_back_the_rest_of_its_batch(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asista.mail.ingest as ingest_module

    known("ana@client.example")
    original = ingest_module.workflow.tickets_open

    def fussy(drafts, **kwargs):  # type: ignore[no-untyped-def]
        if any("otrăvit" in d.subject for d in drafts):
            raise RuntimeError("a value the database refuses")
        return original(drafts, **kwargs)

    monkeypatch.setattr(ingest_module.workflow, "tickets_open", fussy)
    subjects = ["Prima cerere", "Subiect otrăvit", "A treia cerere"]
    results = mail_ingest_many(
        [raw_mail(subject=s) for s in subjects], source=RawMessage.Source.FILE, now=timezone.now()
    )
    assert [r.created_ticket for r in results] == [True, False, True]
    assert results[1].flags == ("error",) and results[1].raw.status == RawMessage.Status.RECEIVED
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["A treia cerere", "Prima cerere"]
    # The numbers of the batch that was rolled back are given back: no gap.
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [1, 2]


def test_a_batch_of_new_requests_opens_every_ticket_with_its_clocks_event_and_acknowledgement() -> None:
    known("ana@client.example")
    results = mail_ingest_many(
        [raw_mail(subject=f"Cererea {i}", text=f"textul {i}") for i in range(5)],
        source=RawMessage.Source.FILE,
        now=timezone.now(),
    )
    tickets = [r.ticket for r in results]
    assert [t.subject for t in tickets] == [f"Cererea {i}" for i in range(5)]
    assert len({t.number for t in tickets}) == 5
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in tickets]):
        assert ticket.messages.get().text.startswith("textul")
        assert ticket.events.filter(kind="created").count() == 1
        assert ticket.clocks.count() >= 1 and ticket.due_at == min(c.due_at for c in ticket.clocks.all())
    acks = OutboundEmail.objects.filter(template="acknowledgement")
    assert sorted(a.ticket_id for a in acks) == sorted(t.pk for t in tickets)


def test_new_requests_in_a_batch_cost_a_fixed_number_of_statements(settings) -> None:  # type: ignore[no-untyped-def]
    """Opening tickets is one statement per table for the batch, not per mail."""
    settings.ASISTA_MAIL_ACK_LIMIT_PER_HOUR = 100
    known("ana@client.example")
    ingest(raw_mail(subject="The first request creates the ticket counter"))
    for n in (3, 30):
        raws = [raw_mail(subject=f"Cererea {n}-{i}") for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            results = mail_ingest_many(raws, source=RawMessage.Source.FILE, now=timezone.now())
        assert all(r.created_ticket for r in results)
        if n == 3:
            few = len(statements(queries))
    assert len(statements(queries)) == few, "\n".join(statements(queries))


def test_the_retry_only_marks_a_row_whose_ticket_was_already_made() -> None:
    known("ana@client.example")
    now = timezone.now()
    result = ingest(raw_mail(), now=now)
    RawMessage.objects.filter(pk=result.raw.pk).update(status=RawMessage.Status.RECEIVED)  # the crash
    assert mail_retry_received(now=now + timedelta(minutes=11)) == 1
    assert Ticket.objects.count() == 1
    assert RawMessage.objects.get().status == RawMessage.Status.PROCESSED


def test_a_new_ticket_costs_few_queries() -> None:
    """The workflow's ticket_create is most of it (contract, SLA clocks, event, acknowledgement)."""
    known("ana@client.example")
    ingest(raw_mail())  # warm: counters, calendars
    with CaptureQueriesContext(connection) as queries:
        ingest(raw_mail(text="a doua cerere"))
    assert len(statements(queries)) <= 20, "\n".join(statements(queries))


def test_a_reply_costs_at_most_eight_queries() -> None:
    known("ana@client.example")
    first = ingest(raw_mail(message_id="<first@client.example>"))
    with CaptureQueriesContext(connection) as queries:
        result = ingest(raw_mail(subject="Re: x", in_reply_to="<first@client.example>"))
    assert result.ticket == first.ticket
    # Unchanged by the assignee's email: this ticket has no assignee, and the workflow then reads
    # nothing more. A reply to an assigned ticket costs two more, 10: the assignee with their
    # profile, and the email to them (tests/tickets/test_staff_notifications.py).
    assert len(statements(queries)) <= 8, "\n".join(statements(queries))


def test_a_batch_threads_a_reply_to_a_mail_earlier_in_the_same_batch() -> None:
    known("ana@client.example")
    first, reply = mail_ingest_many(
        [raw_mail(message_id="<a1@client.example>"), raw_mail(in_reply_to="<a1@client.example>")],
        source=RawMessage.Source.FILE,
        now=timezone.now(),
    )
    assert first.created_ticket and reply.ticket == first.ticket and "reply" in reply.flags


def test_a_mail_twice_in_one_batch_is_stored_once() -> None:
    known("ana@client.example")
    raw = raw_mail()
    first, again = mail_ingest_many([raw, raw], source=RawMessage.Source.FILE, now=timezone.now())
    assert first.created_ticket and again.duplicate and again.ticket == first.ticket
    assert RawMessage.objects.count() == 1


def test_the_batch_rate_limits_acknowledgements_as_it_goes(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASISTA_MAIL_ACK_LIMIT_PER_HOUR = 2
    known("ana@client.example")
    raws = [raw_mail(text=f"cererea {i}") for i in range(4)]
    results = mail_ingest_many(raws, source=RawMessage.Source.FILE, now=timezone.now())
    assert ["ack_rate_limited" in r.flags for r in results] == [False, False, True, True]


def test_replies_to_open_tickets_cost_a_fixed_number_of_statements_per_batch() -> None:
    """Replies to open tickets are written together: one lock, one INSERT, one UPDATE for the batch."""
    known("ana@client.example")
    first = ingest(raw_mail(message_id="<root@client.example>"))
    counts = []
    for n in (5, 50):
        raws = [raw_mail(in_reply_to="<root@client.example>", text=f"detaliul {n}-{i}") for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            results = mail_ingest_many(raws, source=RawMessage.Source.FILE, now=timezone.now())
        assert all(r.ticket == first.ticket and r.message is not None for r in results)
        counts.append(len(statements(queries)))
    # The ticket has no assignee, so its replies email nobody and the batch reads nothing more.
    # With an assignee the batch costs two statements more, whatever its size: one query for
    # the assignees and their profiles, one INSERT of their emails (on SQLite one per 47 emails,
    # its 999-parameter limit, as for the messages); see tests/tickets/test_staff_notifications.py.
    assert counts[0] == counts[1] <= 8, counts
    texts = list(Message.objects.filter(ticket=first.ticket).order_by("pk").values_list("text", flat=True))
    assert [t.strip() for t in texts[1:]] == [f"detaliul {n}-{i}" for n in (5, 50) for i in range(n)]


def test_the_timeline_keeps_the_order_mails_came_in_when_a_note_comes_between_replies() -> None:
    known("ana@client.example")
    first = ingest(raw_mail(message_id="<root@client.example>"))
    auto = raw_mail(
        in_reply_to="<root@client.example>",
        subject="Out of office",
        text="Sunt în concediu.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    raws = [
        raw_mail(in_reply_to="<root@client.example>", text="întâi"),
        auto,
        raw_mail(in_reply_to="<root@client.example>", text="apoi"),
    ]
    mail_ingest_many(raws, source=RawMessage.Source.FILE, now=timezone.now())
    texts = list(Message.objects.filter(ticket=first.ticket).order_by("pk").values_list("text", flat=True))
    assert [t.strip() for t in texts[1:]] == ["întâi", "Sunt în concediu.", "apoi"]


def test_a_reply_to_a_ticket_that_started_waiting_meanwhile_answers_the_questions(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An agent asks the customer while the batch is being read: the reply resumes the ticket."""
    import asista.mail.ingest as ingest_module
    from asista.tickets.models import State

    known("ana@client.example")
    first = ingest(raw_mail(message_id="<root@client.example>"))
    together = ingest_module.workflow.tickets_add_customer_messages

    def agent_asks_first(items, **kwargs):  # type: ignore[no-untyped-def]
        Ticket.objects.filter(pk=first.ticket.pk).update(state=State.WAITING, waiting_since=timezone.now())
        return together(items, **kwargs)

    monkeypatch.setattr(ingest_module.workflow, "tickets_add_customer_messages", agent_asks_first)
    (result,) = mail_ingest_many(
        [raw_mail(in_reply_to="<root@client.example>", text="Răspunsul meu")],
        source=RawMessage.Source.FILE,
        now=timezone.now(),
    )
    ticket = Ticket.objects.get(pk=first.ticket.pk)
    assert result.message is not None and result.message.text.strip() == "Răspunsul meu"
    assert ticket.state == State.IN_PROGRESS
    assert ticket.events.filter(kind="customer_replied").exists()


# --- triage -----------------------------------------------------------------------------------


def test_a_dispatcher_links_a_waiting_mail_and_it_becomes_a_ticket(dispatcher) -> None:  # type: ignore[no-untyped-def]
    from asista.mail.triage import triage_link

    waiting = ingest(raw_mail(sender="nou@client.example")).raw
    contact = known("nou@client.example")
    result = triage_link(waiting, contact=contact, actor=dispatcher)
    assert result.created_ticket and result.ticket.contact == contact
    assert RawMessage.objects.get().status == RawMessage.Status.PROCESSED


def test_a_linked_mail_that_answers_a_thread_joins_it(dispatcher) -> None:  # type: ignore[no-untyped-def]
    from asista.mail.triage import triage_link

    contact = known("ana@client.example")
    ticket = ingest(raw_mail(message_id="<t1@client.example>")).ticket
    waiting = ingest(raw_mail(sender="ion@client.example", subject=f"Re: [#{ticket.number}] x")).raw
    assert waiting.status == RawMessage.Status.TRIAGE
    from tests import factories

    colleague = factories.contact(contact.customer, emails=["ion@client.example"], login=False)
    assert triage_link(waiting, contact=colleague, actor=dispatcher).ticket == ticket


def test_a_dispatcher_rejects_a_waiting_mail(dispatcher) -> None:  # type: ignore[no-untyped-def]
    from asista.mail.triage import triage_reject

    waiting = ingest(raw_mail(sender="spam@spam.example")).raw
    triage_reject(waiting, actor=dispatcher, reason="spam")
    row = RawMessage.objects.get()
    assert row.status == RawMessage.Status.REJECTED and row.error == "spam"
    assert not Ticket.objects.exists() and not OutboundEmail.objects.exists()


def test_triage_is_for_dispatchers_and_only_once(dispatcher, agent) -> None:  # type: ignore[no-untyped-def]
    from asista.core.errors import PermissionRefused, TransitionRefused
    from asista.mail.triage import triage_reject

    waiting = ingest(raw_mail(sender="spam@spam.example")).raw
    with pytest.raises(PermissionRefused):
        triage_reject(waiting, actor=agent)
    triage_reject(waiting, actor=dispatcher)
    with pytest.raises(TransitionRefused):
        triage_reject(waiting, actor=dispatcher)


def test_rejected_mail_files_are_purged_after_the_keeping_time(dispatcher, settings) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from asista.mail.services import rejected_mail_purge
    from asista.mail.triage import triage_reject

    now = timezone.now()
    waiting = ingest(raw_mail(sender="spam@spam.example"), now=now).raw
    stored = Path(settings.MEDIA_ROOT) / waiting.file.name
    triage_reject(waiting, actor=dispatcher)
    assert rejected_mail_purge(now=now + timedelta(days=29), keep_days=30) == 0
    assert rejected_mail_purge(now=now + timedelta(days=31), keep_days=30) == 1
    assert not stored.exists() and "purged" in RawMessage.objects.get().flags
