"""Two web processes and two workers on PostgreSQL + Redis + Dovecot, with a worker killed mid-run.

The work itself is `bench/topology.py` (the full 3,000 mails: `--mails 3000`); here it runs at a size
that keeps the suite fast, and must report no failed check. Mail goes in by the pipe, HTTP and
IMAP (the workers' periodic poll of a private Dovecot, tests/dovecot.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import need_service
from tests.dovecot import DOVECOT

ROOT = Path(__file__).resolve().parents[2]
MAILS = int(os.environ.get("TOPOLOGY_MAILS", "150"))
API_TICKETS = int(os.environ.get("TOPOLOGY_API_TICKETS", "20"))

pytestmark = [pytest.mark.postgres, pytest.mark.service]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_every_mail_stored_once_every_email_sent_once_with_a_worker_killed() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        need_service("the topology test needs DATABASE_URL=postgres://...")
    if not _redis_answers():
        need_service("the topology test needs Redis on 127.0.0.1:6379")
    if not Path(DOVECOT).exists():
        need_service("the topology test needs dovecot (Debian package dovecot-imapd)")
    done = subprocess.run(
        [sys.executable, "bench/topology.py", "--mails", str(MAILS), "--api-tickets", str(API_TICKETS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    report = json.loads(done.stdout[done.stdout.index("{") :])
    assert report["failures"] == []
    assert report["worker_killed"]
    assert report["raw_stored_once"] == MAILS
    assert report["outbox_rows"] > 0 and report["outbox_sent_exactly_once"] == report["outbox_rows"]
    imap = report["imap"]
    assert imap["delivered"] == imap["moved_to_processed"] > 0 and imap["left_in_inbox"] == 0
    assert imap["stored_from"].get("imap", 0) > 0 and imap["moved_before_commit"] == 0
