"""The outbox worker against a real SMTP server (aiosmtpd): headers, attachments, retries, exactly-once
claims."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.db import models
from django.utils import timezone

from asista.mail import sending
from asista.mail.models import OutboundAttachment, OutboundEmail
from asista.mail.outbox import enqueue, outbox_attachments_save, outbox_row
from asista.mail.sending import backoff, outbox_send_due
from asista.tickets.attachments import NewAttachment
from tests.conftest import need_service
from tests.mail.ingest_support import DOMAIN, SUPPORT, known

pytestmark = pytest.mark.django_db


class Inbox:
    """What the SMTP server received; `refuse` makes it answer 451 (try later) or 550 (never)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[list[str]] = []
        self.refuse = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if self.refuse == "550":
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.refuse == "451":
            return "451 4.3.0 try again later"
        self.envelopes.append(list(envelope.rcpt_tos))
        self.raw.append(envelope.content)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        need_service("aiosmtpd is not installed")
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    try:
        controller.start()
    except Exception as exc:  # pragma: no cover - depends on the machine
        need_service(f"aiosmtpd could not start: {exc}")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = f"Asista <{SUPPORT}>"
    settings.ASISTA_SUPPORT_ADDRESS = SUPPORT
    settings.ASISTA_MAIL_DOMAIN = DOMAIN
    yield inbox
    controller.stop()


def queued(**fields):  # type: ignore[no-untyped-def]
    values = {
        "template": "reply",
        "language": "ro",
        "to": ["ana@client.example"],
        "subject": "[#7] Răspuns: nu merge tipărirea",
        "text": "Bună ziua,\nReinstalați driverul din C:\\Program Files\\Imprimanta.\n",
        "html": "<p>Bună ziua,</p><p>Reinstalați driverul.</p>",
        "now": timezone.now() - timedelta(seconds=1),
    }
    values.update(fields)
    return enqueue(**values)


def test_it_sends_a_due_row_with_its_threading_headers_and_both_parts(smtp: Inbox) -> None:
    from tests import factories

    ticket = factories.ticket(known("ana@client.example"))
    OutboundEmail.objects.all().delete()
    row = queued(
        ticket_id=ticket.pk,
        in_reply_to="<a@client.example>",
        references="<a@client.example>",
        message_id=f"<asista.{ticket.number}.x1@{DOMAIN}>",
    )
    report = outbox_send_due(now=timezone.now())
    assert report.sent == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT and row.sent_at and row.attempts == 1
    [mail] = smtp.messages
    assert mail["Message-ID"] == row.message_id
    assert mail["In-Reply-To"] == "<a@client.example>" and mail["References"] == "<a@client.example>"
    assert mail["X-Asista-Ticket"] == str(ticket.number)
    assert mail["Auto-Submitted"] == "auto-replied"
    assert str(mail["Subject"]) == row.subject
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == row.text
    assert "Reinstalați" in mail.get_body(("html",)).get_content()


def test_a_human_reply_is_not_marked_automatic(smtp: Inbox) -> None:
    queued(auto_submitted=False)
    outbox_send_due(now=timezone.now())
    assert smtp.messages[0]["Auto-Submitted"] is None


def test_our_sent_mail_coming_back_is_recognised_as_a_loop(smtp: Inbox) -> None:
    from asista.mail.ingest import mail_ingest

    known("ana@client.example")
    queued()
    outbox_send_due(now=timezone.now())
    result = mail_ingest(smtp.messages[0].as_bytes(), source="file")
    assert result.flags == ("loop",)


def test_a_temporary_failure_is_retried_later_with_backoff(smtp: Inbox) -> None:
    smtp.refuse = "451"
    row = queued()
    now = timezone.now()
    assert outbox_send_due(now=now).retrying == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING and row.attempts == 1
    assert row.next_attempt_at == now + backoff(1) and "451" in row.last_error
    assert outbox_send_due(now=now + timedelta(seconds=30)).claimed == 0  # not due yet
    smtp.refuse = ""
    assert outbox_send_due(now=now + backoff(1)).sent == 1
    assert len(smtp.messages) == 1


def test_a_refused_recipient_fails_for_good(smtp: Inbox) -> None:
    smtp.refuse = "550"
    row = queued()
    assert outbox_send_due(now=timezone.now()).failed == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED and "550" in row.last_error


def test_it_gives_up_after_the_last_attempt(smtp: Inbox, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASISTA_OUTBOX_MAX_ATTEMPTS = 2
    smtp.refuse = "451"
    row = queued()
    now = timezone.now()
    outbox_send_due(now=now)
    outbox_send_due(now=now + timedelta(hours=1))
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED and row.attempts == 2


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert backoff(30) == timedelta(hours=6)


def test_a_row_stuck_sending_after_a_crash_is_sent_after_the_timeout(smtp: Inbox) -> None:
    row = queued()
    now = timezone.now()
    OutboundEmail.objects.filter(pk=row.pk).update(status="sending", claimed_at=now, claimed_by="dead")
    assert outbox_send_due(now=now + timedelta(minutes=1)).claimed == 0
    assert outbox_send_due(now=now + sending.claim_timeout() + timedelta(seconds=1)).sent == 1


def test_a_row_is_claimed_by_one_worker_only(smtp: Inbox) -> None:
    row = queued()
    now = timezone.now()
    first = sending._claim(now, 10, "worker-a")
    second = sending._claim(now, 10, "worker-b")
    assert [r.pk for r in first] == [row.pk] and second == []


def test_a_late_worker_cannot_overwrite_the_result_of_the_holder(smtp: Inbox) -> None:
    row = queued()
    sending._claim(timezone.now(), 10, "worker-a")
    sending._record(row, "worker-b", OutboundEmail.Status.FAILED, timezone.now(), "not mine")
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENDING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_each_row_once(smtp: Inbox) -> None:
    """Four threads, four database connections, one outbox: every row goes out exactly once."""
    for i in range(20):
        queued(subject=f"[#{i}] x", to=[f"c{i}@client.example"])
    now = timezone.now()
    reports = []

    def work() -> None:
        from django.db import connection

        try:
            while (report := outbox_send_due(now=now, limit=3)).claimed:
                reports.append(report)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    subjects = [str(m["Subject"]) for m in smtp.messages]
    assert sorted(subjects) == sorted(f"[#{i}] x" for i in range(20))
    assert sum(r.sent for r in reports) == 20
    assert OutboundEmail.objects.filter(status="sent").count() == 20


# --- attachments -------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"  # every byte value, past base64's lines
DIACRITICS = "Factură noiembrie — Brașovia, ștampilă, țară, î, â.pdf"


def test_an_attached_pdf_arrives_intact_with_its_romanian_file_name(smtp: Inbox) -> None:
    row = queued(
        attachments=[
            NewAttachment(filename=DIACRITICS, content_type="application/pdf", data=PDF),
            NewAttachment(filename="situatie.csv", content_type="", data="lună;unități\n11;2\n".encode()),
        ]
    )
    assert outbox_send_due(now=timezone.now()).sent == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT and row.attachment_count == 2
    [mail] = smtp.messages
    pdf, csv = list(mail.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content_disposition() == "attachment"
    assert pdf.get_filename() == DIACRITICS and pdf.get_content() == PDF
    assert b"filename*=utf-8''Factur%C4%83%20noiembrie%20%E2%80%94%20Bra%C8%99ovia" in smtp.raw[0]  # RFC 2231
    assert csv.get_content_type() == "text/csv" and csv.get_filename() == "situatie.csv"
    assert csv.get_content().replace("\r\n", "\n") == "lună;unități\n11;2\n"
    assert mail.get_body(("plain",)).get_content().replace("\r\n", "\n") == row.text
    assert "Reinstalați" in mail.get_body(("html",)).get_content()


def test_attached_files_live_in_the_file_storage_once_per_content(smtp: Inbox) -> None:
    from django.core.files.storage import default_storage

    first = queued(attachments=[NewAttachment(filename="a.pdf", content_type="application/pdf", data=PDF)])
    second = queued(attachments=[NewAttachment(filename="b.pdf", content_type="application/pdf", data=PDF)])
    a, b = OutboundAttachment.objects.filter(email__in=[first, second]).order_by("pk")
    assert a.file.name == b.file.name == f"outbound/{a.sha256[:2]}/{a.sha256[2:4]}/{a.sha256}"
    assert (a.filename, b.filename, a.size) == ("a.pdf", "b.pdf", len(PDF))
    with default_storage.open(a.file.name, "rb") as handle:
        assert handle.read() == PDF
    assert not any(isinstance(f, models.BinaryField) for f in OutboundAttachment._meta.fields)


def test_an_email_without_attachments_costs_no_extra_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):  # the INSERT, as before attachments existed
        row = queued()
    assert row.attachment_count == 0
    rows = [outbox_row(**_fields(subject=f"#{i}")) for i in range(3)]
    OutboundEmail.objects.bulk_create(rows)
    with django_assert_num_queries(0):
        assert outbox_attachments_save(rows) == []


def test_sending_reads_the_files_of_a_whole_run_in_one_query(smtp: Inbox, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        queued(subject=f"[#{i}] x")
    now = timezone.now()
    # select due ids, claim them, read them back; then per mail: renew the claim, record the result
    with django_assert_num_queries(3 + 2 * 3):
        assert outbox_send_due(now=now).sent == 3
    for i in range(3):
        queued(subject=f"[#{i}] y", attachments=[NewAttachment(f"{i}.pdf", "application/pdf", PDF)])
    with django_assert_num_queries(3 + 1 + 2 * 3):
        assert outbox_send_due(now=now).sent == 3
    assert [len(list(m.iter_attachments())) for m in smtp.messages] == [0, 0, 0, 1, 1, 1]


def test_emails_written_together_get_their_files_in_one_insert(
    smtp: Inbox, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    plain = outbox_row(**_fields(subject="plain"))
    with_files = outbox_row(
        **_fields(subject="files"),
        attachments=[
            NewAttachment("1.pdf", "application/pdf", PDF),
            NewAttachment("2.pdf", "application/pdf", b"%PDF-2"),
        ],
    )
    OutboundEmail.objects.bulk_create([plain, with_files])
    with django_assert_num_queries(1):
        stored = outbox_attachments_save([plain, with_files])
    assert [a.email_id for a in stored] == [with_files.pk, with_files.pk]
    outbox_send_due(now=timezone.now())
    sent = {str(m["Subject"]): [p.get_filename() for p in m.iter_attachments()] for m in smtp.messages}
    assert sent == {"plain": [], "files": ["1.pdf", "2.pdf"]}


def test_an_email_whose_files_were_never_written_fails_rather_than_going_without_them(smtp: Inbox) -> None:
    row = outbox_row(**_fields(), attachments=[NewAttachment("f.pdf", "application/pdf", PDF)])
    OutboundEmail.objects.bulk_create([row])  # outbox_attachments_save forgotten
    assert outbox_send_due(now=timezone.now()).failed == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED and "0 of 1 attachments" in row.last_error
    assert smtp.messages == []


def test_a_damaged_file_is_retried_and_goes_out_whole_once_repaired(smtp: Inbox) -> None:
    from django.core.files.storage import default_storage

    row = queued(attachments=[NewAttachment("f.pdf", "application/pdf", PDF)])
    [stored] = row.attachments.all()
    path = default_storage.path(stored.file.name)
    with open(path, "wb") as handle:
        handle.write(PDF[:100])  # cut short, as by a crash on a shared folder
    now = timezone.now()
    assert outbox_send_due(now=now).retrying == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING and "sha256" in row.last_error
    with open(path, "wb") as handle:
        handle.write(PDF)
    assert outbox_send_due(now=now + backoff(1)).sent == 1
    [mail] = smtp.messages
    assert [p.get_content() for p in mail.iter_attachments()] == [PDF]


def _fields(**fields):  # type: ignore[no-untyped-def]
    values = {
        "template": "reply",
        "language": "ro",
        "to": ["ana@client.example"],
        "subject": "x",
        "text": "Bună ziua\n",
        "html": "",
        "now": timezone.now() - timedelta(seconds=1),
    }
    values.update(fields)
    return values


def test_the_admin_lists_an_emails_files(admin_client) -> None:  # type: ignore[no-untyped-def]
    row = queued(attachments=[NewAttachment(DIACRITICS, "application/pdf", PDF)])
    page = admin_client.get(f"/admin/mail/outboundemail/{row.pk}/change/")
    assert page.status_code == 200 and DIACRITICS in page.content.decode()
