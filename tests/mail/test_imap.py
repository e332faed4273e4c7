"""The IMAP poller against a real Dovecot (tests/dovecot.py), started on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone

from asista.mail.imap import imap_check, imap_poll_all
from asista.mail.models import Mailbox, RawMessage
from asista.tickets.models import Ticket
from tests.conftest import need_service
from tests.dovecot import PASSWORD, USER, DovecotUnavailable, client, deliver, dovecot_server, free_port
from tests.mail.ingest_support import DOMAIN, SUPPORT, known, raw_mail

pytestmark = [pytest.mark.django_db, pytest.mark.service]


@pytest.fixture
def dovecot() -> Iterator[int]:
    try:
        with dovecot_server() as port:
            yield port
    except DovecotUnavailable as exc:
        need_service(str(exc))


@pytest.fixture(autouse=True)
def _mail_settings(settings):  # type: ignore[no-untyped-def]
    settings.ASISTA_MAIL_DOMAIN = DOMAIN
    settings.ASISTA_SUPPORT_ADDRESS = SUPPORT


def mailbox(dovecot_port: int, **fields) -> Mailbox:  # type: ignore[no-untyped-def]
    values = {
        "name": "suport",
        "host": "127.0.0.1",
        "port": dovecot_port,
        "security": "none",
        "user": USER,
        "password": PASSWORD,
    }
    return Mailbox.objects.create(**(values | fields))


def test_it_ingests_new_mail_and_flags_it_only_after(dovecot: int) -> None:
    known("ana@client.example")
    deliver(dovecot, raw_mail(text="unu"), raw_mail(text="doi"), raw_mail(sender="x@unknown.example"))
    box = mailbox(dovecot)
    [report] = imap_poll_all(now=timezone.now())
    assert (report.ingested, report.duplicates, report.error) == (3, 0, "")
    assert Ticket.objects.count() == 2
    assert RawMessage.objects.filter(source="imap").count() == 3
    imap = client(dovecot)
    imap.select_folder("INBOX")
    assert len(imap.search(["KEYWORD", box.processed_flag])) == 3
    assert imap.search(["SEEN"]) == []  # read with PEEK: a person's unread marks stay
    imap.logout()
    assert imap_poll_all(now=timezone.now())[0].ingested == 0  # nothing new the second time


def test_it_can_move_processed_mail_to_another_folder(dovecot: int) -> None:
    known("ana@client.example")
    deliver(dovecot, raw_mail())
    mailbox(dovecot, processed_folder="Processed")
    assert imap_poll_all(now=timezone.now())[0].ingested == 1
    imap = client(dovecot)
    assert imap.select_folder("INBOX")[b"EXISTS"] == 0
    assert imap.select_folder("Processed")[b"EXISTS"] == 1
    imap.logout()


def test_a_message_seen_again_after_a_crash_is_not_ingested_twice(dovecot: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asista.mail.imap as imap_module

    known("ana@client.example")
    deliver(dovecot, raw_mail())
    mailbox(dovecot)

    def crash(client, box, uids):  # type: ignore[no-untyped-def]
        raise ConnectionError("worker killed before flagging")

    monkeypatch.setattr(imap_module, "_mark_done", crash)
    assert "killed" in imap_poll_all(now=timezone.now())[0].error
    monkeypatch.undo()
    [report] = imap_poll_all(now=timezone.now())
    assert (report.ingested, report.duplicates) == (0, 1)
    assert Ticket.objects.count() == 1


def test_a_wrong_password_is_recorded_on_the_mailbox(dovecot: int) -> None:
    box = mailbox(dovecot, password="wrong")
    [report] = imap_poll_all(now=timezone.now())
    box.refresh_from_db()
    assert report.error and box.last_error and box.last_polled_at


def test_one_failing_mailbox_does_not_stop_the_others(dovecot: int) -> None:
    known("ana@client.example")
    deliver(dovecot, raw_mail())
    mailbox(dovecot, name="dead", port=free_port())
    mailbox(dovecot, name="live")
    reports = {r.mailbox: r for r in imap_poll_all(now=timezone.now())}
    assert reports["dead"].error and reports["live"].ingested == 1


def test_the_connection_check_counts_waiting_mail(dovecot: int) -> None:
    deliver(dovecot, raw_mail(), raw_mail())
    assert "2" in imap_check(mailbox(dovecot))
