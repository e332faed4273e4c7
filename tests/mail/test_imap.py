"""The IMAP poller against a real Dovecot, started for these tests on a free loopback port."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone
from imapclient import IMAPClient

from asista.mail.imap import imap_check, imap_poll_all
from asista.mail.models import Mailbox, RawMessage
from asista.tickets.models import Ticket
from tests.conftest import need_service
from tests.mail.ingest_support import DOMAIN, SUPPORT, known, raw_mail

pytestmark = [pytest.mark.django_db, pytest.mark.service]

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "suport", "parola-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config(tmp: Path, port: int) -> str:
    """A private Dovecot: plaintext auth from a passwd-file, maildir under tmp, no TLS."""
    runner = "dovecot" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    account = pwd.getpwnam(runner)
    (tmp / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    home = tmp / "home"
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, account.pw_uid, account.pw_gid)
    return f"""
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {runner if os.geteuid() else "dovenull"}
default_internal_user = {runner}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {tmp}/passwd
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={home}/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Processed {{
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@pytest.fixture
def dovecot() -> Iterator[int]:
    if not Path(DOVECOT).exists():
        need_service("dovecot is not installed (Debian package dovecot-imapd)")
    # Not pytest's tmp_path: Dovecot's unprivileged processes must be able to walk into it.
    folder = Path(tempfile.mkdtemp(prefix="asista-dovecot-"))
    folder.chmod(0o755)
    port = free_port()
    conf = folder / "dovecot.conf"
    conf.write_text(config(folder, port))
    proc = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        if not _wait_for(port, proc):
            log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
            out = proc.stdout.read().decode() if proc.poll() is not None and proc.stdout else ""
            need_service(f"dovecot did not start: {out[-500:]} {log[-500:]}")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(port: int, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture(autouse=True)
def _mail_settings(settings):  # type: ignore[no-untyped-def]
    settings.ASISTA_MAIL_DOMAIN = DOMAIN
    settings.ASISTA_SUPPORT_ADDRESS = SUPPORT


def client(port: int) -> IMAPClient:
    imap = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10)
    imap.login(USER, PASSWORD)
    return imap


def deliver(port: int, *raws: bytes, folder: str = "INBOX") -> None:
    imap = client(port)
    for raw in raws:
        imap.append(folder, raw)
    imap.logout()


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
