"""Asista on "many machines", on one: PostgreSQL + Redis on loopback, N web and M worker processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/topology.py --mails 3000

Feeds mail through the MTA pipe (`asista mail ingest`: a folder, and single messages on stdin),
the HTTP inbound endpoint (some twice) and an IMAP mailbox on a private Dovecot (tests/dovecot.py)
that the workers' periodic poll reads, while API clients open tickets and take them to resolved;
kills one worker with SIGKILL in the middle; then checks that every message is stored exactly
once, every outbox row was sent and reached the SMTP server (aiosmtpd) exactly once, every IMAP
message was moved to the processed folder, never before its row was committed (sampled all
along the run), and the API's tickets all got where they were sent. Prints a JSON report; exit
status 1 on a failed check.

A throw-away database (asista_topo_<pid>) and a huey queue named topo-<pid> in Redis db 15 are
used and removed afterwards. `--no-imap` leaves IMAP out (no Dovecot needed).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
REDIS_URL = "redis://127.0.0.1:6379/15"
SETTINGS = """
from asista.settings import *  # noqa: F403
# Deployment choices of this run: claims of a killed worker expire fast; no API rate limit.
ASISTA_OUTBOX_CLAIM_TIMEOUT = 20
ASISTA_API_RATE_LIMIT = 0
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the SMTP server that counts ------------------------------------------------------------


class Sink:
    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes

        message_id = message_from_bytes(envelope.content).get("Message-ID", "").strip()
        with self.lock:
            self.ids[message_id] += 1
        return "250 OK"


def start_smtp() -> tuple[Any, Sink, int]:
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink, port


# --- the database and the processes ---------------------------------------------------------


def admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def create_database(base_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url(base_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))


def drop_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(base_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Cluster:
    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env, self.workdir = env, workdir
        self.webs: list[tuple[subprocess.Popen[bytes], int]] = []
        self.workers: list[subprocess.Popen[bytes]] = []

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("wb")
        return subprocess.Popen(
            [PYTHON, "-m", "asista", *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def start(self, webs: int, workers: int) -> None:
        for n in range(webs):
            port = free_port()
            proc = self._spawn(
                f"web{n}",
                "serve",
                "--no-worker",
                "--bind",
                f"127.0.0.1:{port}",
                "--web-workers",
                "2",
                "--threads",
                "4",
            )
            self.webs.append((proc, port))
        for n in range(workers):
            self.workers.append(self._spawn(f"worker{n}", "worker", "--workers", "4"))
        for _, port in self.webs:
            wait_http(f"http://127.0.0.1:{port}/healthz")

    def stop(self) -> None:
        procs = [p for p, _ in self.webs] + self.workers
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


# --- the load -------------------------------------------------------------------------------


def make_mail(run: str, index: int, sender: str, reply_to: str | None) -> bytes:
    headers = [
        f"From: Client {index} <{sender}>",
        "To: suport@asista.localhost",
        f"Subject: {'Re: ' if reply_to else ''}Topologie {run} {index // 5 if reply_to else index}",
        f"Message-ID: <topo-{run}-{index}@client.example>",
        f"Date: {formatdate(localtime=False)}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if reply_to:
        headers.append(f"In-Reply-To: {reply_to}")
    body = f"Bună ziua,\n\nmesajul {index} al rulării {run}: nu se tipărește factura.\n"
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode("utf-8")


def request(
    method: str, url: str, token: str, body: Any = None, content_type: str = "application/json"
) -> Any:
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    for attempt in range(5):
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")
        except OSError:
            if attempt == 4:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def api_ticket_life(base: str, tokens: dict[str, str], customer_id: int, agent_id: int, n: int) -> str:
    """Open a ticket and take it to resolved, as dispatcher and agent would; returns the end state."""
    status, ticket = request(
        "POST",
        f"{base}/api/v1/tickets",
        tokens["dispatcher"],
        {"customer_id": customer_id, "subject": f"API ticket {n}", "text": "Opened by the API."},
    )
    assert status == 201, (status, ticket)
    number = ticket["number"]
    steps = [
        ("dispatcher", "assign", {"assignee_id": agent_id}),
        ("agent", "start", None),
        ("agent", "messages", {"text": "Lucrăm la ea."}),
        ("agent", "resolve", {"solution": "Rezolvat prin API."}),
    ]
    for who, action, body in steps:
        status, answer = request("POST", f"{base}/api/v1/tickets/{number}/{action}", tokens[who], body or {})
        assert status in (200, 201), (action, status, answer)
    return str(
        answer["state"]
        if "state" in answer
        else request("GET", f"{base}/api/v1/tickets/{number}", tokens["agent"])[1]["state"]
    )


def seed(customers: int, imap_port: int | None) -> dict[str, Any]:
    from django.utils import timezone

    from asista.api.tokens import token_create
    from asista.mail.models import Mailbox
    from tests import factories

    agent = factories.staff("agent")
    dispatcher = factories.staff("dispatcher")
    contacts = [factories.contact(factories.customer(), login=False) for _ in range(customers)]
    now = timezone.now()
    scopes = ["tickets:read", "tickets:write", "mail:write"]
    if imap_port is not None:
        from tests.dovecot import PASSWORD, PROCESSED, USER

        Mailbox.objects.create(
            name="suport",
            host="127.0.0.1",
            port=imap_port,
            security=Mailbox.Security.NONE,
            user=USER,
            password=PASSWORD,
            processed_folder=PROCESSED,  # moved, not flagged: the MOVE path of the poller
        )
    return {
        "agent_id": agent.pk,
        "customer_ids": [c.customer_id for c in contacts],
        "emails": [c.email for c in contacts],
        "tokens": {
            "agent": token_create(user=agent, name="topology", scopes=scopes, now=now)[1],
            "dispatcher": token_create(user=dispatcher, name="topology", scopes=scopes, now=now)[1],
        },
    }


class ImapWatch:
    """Samples the IMAP server all along the run: every message in the processed folder must
    already have its raw row committed in the database (the poller moves it only after commit).

    The folder is listed first and the database asked after, so a message moved before its row
    was committed would be caught whenever the sample falls between the two.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.samples = 0
        self.checked: set[str] = set()
        self.moved_before_commit: list[str] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        self.sample()  # a last look once everything has settled

    def _run(self) -> None:
        from django.db import connection

        try:
            while not self.stop.wait(2.0):
                self.sample()
        finally:
            connection.close()

    def sample(self) -> None:
        from asista.mail.models import RawMessage
        from tests.dovecot import PROCESSED, client

        try:
            imap = client(self.port)
            try:
                imap.select_folder(PROCESSED, readonly=True)
                uids = imap.search(["ALL"])
                fetched = imap.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
            finally:
                imap.logout()
        except Exception as exc:  # a sample lost to a busy server is reported, not fatal
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return
        ids = set()
        for item in fetched.values():
            header = bytes(item.get(b"BODY[HEADER.FIELDS (MESSAGE-ID)]", b"")).decode("latin-1")
            ids.add(header.partition(":")[2].strip())
        new = ids - self.checked
        stored = set(RawMessage.objects.filter(message_id__in=new).values_list("message_id", flat=True))
        self.moved_before_commit += sorted(new - stored)
        self.checked |= new
        self.samples += 1


def imap_folder_counts(port: int) -> dict[str, int]:
    from tests.dovecot import PROCESSED, client

    imap = client(port)
    try:
        return {
            "inbox": int(imap.select_folder("INBOX", readonly=True)[b"EXISTS"]),
            "processed": int(imap.select_folder(PROCESSED, readonly=True)[b"EXISTS"]),
        }
    finally:
        imap.logout()


def feed(
    args: argparse.Namespace,
    cluster: Cluster,
    data: dict[str, Any],
    run: str,
    env: dict[str, str],
    kill_after: int,
    imap_port: int | None,
) -> dict[str, Any]:
    rng = random.Random(7)
    mails: list[tuple[str, bytes]] = []
    for i in range(args.mails):
        sender = "necunoscut@nowhere.example" if i % 10 == 9 else rng.choice(data["emails"])
        reply_to = f"<topo-{run}-{i - 3}@client.example>" if i % 5 == 4 and i >= 5 else None
        mails.append((f"<topo-{run}-{i}@client.example>", make_mail(run, i, sender, reply_to)))
    # Thirds: the pipe command (a folder, and one in twenty of its share on stdin), HTTP inbound,
    # IMAP (HTTP again without IMAP). Replies thread across channels (i replies to i - 3).
    folder = cluster.workdir / "pipe"
    folder.mkdir()
    http_mails, stdin_mails, imap_mails = [], [], []
    for i, (_, raw) in enumerate(mails):
        if i % 3 == 0:
            if i % 60 == 0:
                stdin_mails.append(raw)
            else:
                (folder / f"{i:06d}.eml").write_bytes(raw)
        elif i % 3 == 1 or imap_port is None:
            http_mails.append(raw)
        else:
            imap_mails.append(raw)
    # The same bytes twice: one HTTP mail in twenty posted again, and one IMAP mail in twenty also
    # posted over HTTP (a copy that reached the desk by two roads).
    duplicates = http_mails[::20] + imap_mails[::20]
    posts = http_mails + duplicates
    bases = [f"http://127.0.0.1:{port}" for _, port in cluster.webs]
    results: Counter[str] = Counter()
    killed = threading.Event()
    posted = [0]
    kill_info: dict[str, Any] = {}

    def kill_one_worker() -> None:
        # Between two IMAP polls (they start at each minute): a worker killed during a poll holds
        # the poll's lock until it expires (5 minutes), which would only make this run wait.
        if imap_port is not None:
            waited = time.monotonic()
            while not 15 <= time.time() % 60 < 50:
                time.sleep(0.2)
            kill_info["waited_for_mid_minute_s"] = round(time.monotonic() - waited, 1)
        victim = cluster.workers[0]
        # Frozen first, and killed while no email sits between its claim and its record: SMTP
        # cannot take back a message it accepted, so a worker killed in that window (a few ms an
        # email) sends it twice whatever the outbox does, the one duplicate the design admits
        # (docs/mail.md). Anywhere else the kill is as hard as it gets: jobs, batches, claims.
        import psycopg

        frozen_tries = 0
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            while True:
                victim.send_signal(signal.SIGSTOP)
                row = conn.execute(
                    "SELECT count(*) FROM mail_outboundemail WHERE status = 'sending'"
                ).fetchone()
                if not (row and row[0]) or frozen_tries >= 200:
                    break
                victim.send_signal(signal.SIGCONT)
                frozen_tries += 1
                time.sleep(0.05)
        kill_info["tries_until_no_email_in_flight"] = frozen_tries
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        kill_info["at_s_of_minute"] = round(time.time() % 60, 1)
        killed.set()

    def post_mail(i: int, raw: bytes) -> None:
        status, answer = request(
            "POST",
            f"{bases[i % len(bases)]}/api/v1/mail/inbound",
            data["tokens"]["dispatcher"],
            raw,
            "message/rfc822",
        )
        results[f"http {status}{' duplicate' if answer and answer.get('duplicate') else ''}"] += 1
        posted[0] += 1
        if i == kill_after and args.kill_worker:
            kill_one_worker()

    def pipe_folder() -> None:
        done = subprocess.run(
            [PYTHON, "-m", "asista", "mail", "ingest", str(folder)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=True,
        )
        results["pipe folder"] += len(done.stdout.splitlines())
        for raw in stdin_mails:
            subprocess.run(
                [PYTHON, "-m", "asista", "mail", "ingest", "-"],
                input=raw,
                cwd=ROOT,
                env=env,
                capture_output=True,
                check=True,
            )
            results["pipe stdin"] += 1

    def imap_deliver() -> None:
        """Deliver the IMAP share into INBOX as the HTTP mail goes in, spread over the run."""
        from tests.dovecot import client

        assert imap_port is not None
        imap = client(imap_port)
        try:
            for j, raw in enumerate(imap_mails):
                while posted[0] < j * len(posts) // len(imap_mails):
                    time.sleep(0.05)
                imap.append("INBOX", raw)
                results["imap delivered"] += 1
        finally:
            imap.logout()

    def api_life(n: int) -> None:
        base = bases[n % len(bases)]
        customer_id = data["customer_ids"][n % len(data["customer_ids"])]
        results[f"api {api_ticket_life(base, data['tokens'], customer_id, data['agent_id'], n)}"] += 1

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.clients + 2) as pool:
        futures = [pool.submit(pipe_folder)]
        if imap_mails:
            futures.append(pool.submit(imap_deliver))
        futures += [pool.submit(api_life, n) for n in range(args.api_tickets)]
        futures += [pool.submit(post_mail, i, raw) for i, raw in enumerate(posts)]
        for future in concurrent.futures.as_completed(futures):
            future.result()
    via_imap = set(imap_mails)
    return {
        "fed": dict(results),
        "mail_ids": [mid for mid, _ in mails],
        "imap_ids": [mid for mid, raw in mails if raw in via_imap],
        "killed": killed.is_set(),
        "kill": kill_info,
    }


def settle(sink: Sink, timeout: float, imap_port: int | None, imap_ids: list[str]) -> dict[str, Any]:
    """Wait until the outbox is empty of pending work and the IMAP inbox is read (the surviving
    worker's sweeps and polls must do it; IMAP polls run once a minute)."""
    from asista.mail.models import OutboundEmail, RawMessage

    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        open_rows = OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).count()
        outbox_done = open_rows == 0 and sum(sink.ids.values()) >= OutboundEmail.objects.count()
        imap_done = imap_port is None or (
            imap_folder_counts(imap_port)["inbox"] == 0
            and RawMessage.objects.filter(message_id__in=imap_ids).count() == len(imap_ids)
        )
        if outbox_done and imap_done:
            break
        time.sleep(1)
    return {"waited_s": round(time.monotonic() - started, 1)}


def check(
    sink: Sink,
    mail_ids: list[str],
    api_tickets: int,
    fed: dict[str, int],
    imap_port: int | None = None,
    imap_ids: list[str] | None = None,
    watch: ImapWatch | None = None,
) -> dict[str, Any]:
    from django.db.models import Count

    from asista.mail.models import Mailbox, OutboundEmail, RawMessage
    from asista.tickets.models import Message, Ticket

    raw_counts = Counter(
        RawMessage.objects.filter(message_id__in=mail_ids).values_list("message_id", flat=True)
    )
    message_dups = (
        Message.objects.filter(message_id__in=mail_ids)
        .values("message_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    processed_without_one_message = (
        RawMessage.objects.filter(message_id__in=mail_ids, status=RawMessage.Status.PROCESSED)
        .annotate(n=Count("message"))
        .exclude(n=1)
        .count()
    )
    outbox_ids = list(OutboundEmail.objects.values_list("message_id", flat=True))
    statuses = Counter(OutboundEmail.objects.values_list("status", flat=True))
    at_smtp = [sink.ids.get(mid, 0) for mid in outbox_ids]
    report = {
        "mails": len(mail_ids),
        "raw_stored_once": sum(1 for mid in mail_ids if raw_counts.get(mid) == 1),
        "raw_statuses": dict(Counter(RawMessage.objects.values_list("status", flat=True))),
        "messages_stored_twice": message_dups.count(),
        "processed_raw_without_exactly_one_message": processed_without_one_message,
        "outbox_rows": len(outbox_ids),
        "outbox_statuses": dict(statuses),
        "smtp_received": sum(sink.ids.values()),
        "outbox_sent_exactly_once": sum(1 for n in at_smtp if n == 1),
        "outbox_sent_twice_or_more": sum(1 for n in at_smtp if n > 1),
        # Which rows, and whether a claim of theirs expired (attempts > 1: the killed worker's).
        "outbox_sent_twice_rows": [
            {"pk": pk, "template": template, "attempts": attempts, "sent_at": str(sent_at)}
            for pk, template, attempts, sent_at in OutboundEmail.objects.filter(
                message_id__in=[mid for mid, n in zip(outbox_ids, at_smtp, strict=True) if n > 1]
            ).values_list("pk", "template", "attempts", "sent_at")[:5]
        ],
        "smtp_unknown_ids": sum(1 for mid in sink.ids if mid not in set(outbox_ids)),
        "api_tickets_resolved": Ticket.objects.filter(
            subject__startswith="API ticket", state="resolved"
        ).count(),
    }
    failures = []
    if report["raw_stored_once"] != len(mail_ids):
        failures.append("a mail was not stored exactly once")
    if report["messages_stored_twice"] or report["processed_raw_without_exactly_one_message"]:
        failures.append("a message was stored twice or a processed mail has no message")
    if report["outbox_sent_exactly_once"] != len(outbox_ids) or report["smtp_unknown_ids"]:
        failures.append("an outbox row was not sent exactly once")
    if report["api_tickets_resolved"] != api_tickets or fed.get("api resolved", 0) != api_tickets:
        failures.append("an API ticket did not reach resolved")
    if imap_port is not None and watch is not None:
        imap_ids = imap_ids or []
        sources = Counter(RawMessage.objects.filter(message_id__in=imap_ids).values_list("source", flat=True))
        folders = imap_folder_counts(imap_port)
        report["imap"] = {
            "delivered": len(imap_ids),
            "stored_from": dict(sources),  # "http" for the copies also posted over HTTP first
            "left_in_inbox": folders["inbox"],
            "moved_to_processed": folders["processed"],
            "moved_before_commit": len(watch.moved_before_commit),
            "samples_of_processed_folder": watch.samples,
            "sample_errors": len(watch.errors),
            "mailbox_last_error": Mailbox.objects.values_list("last_error", flat=True).first() or "",
        }
        report["raw_by_source"] = dict(
            Counter(RawMessage.objects.filter(message_id__in=mail_ids).values_list("source", flat=True))
        )
        if folders["inbox"] or folders["processed"] != len(imap_ids):
            failures.append("an IMAP message was not moved to the processed folder exactly once")
        if watch.moved_before_commit:
            failures.append("an IMAP message was moved before its row was committed")
        if not sources.get(RawMessage.Source.IMAP):
            failures.append("the workers' IMAP poll stored nothing")
    report["failures"] = failures
    return report


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mails", type=int, default=3000)
    parser.add_argument("--api-tickets", type=int, default=100)
    parser.add_argument("--webs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=12, help="Concurrent HTTP clients.")
    parser.add_argument("--no-kill", dest="kill_worker", action="store_false")
    parser.add_argument("--no-imap", dest="imap", action="store_false", help="No Dovecot, no IMAP share.")
    parser.add_argument("--settle-timeout", type=float, default=420)
    parser.add_argument("--keep", action="store_true", help="Keep the database and the logs.")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    run = f"{os.getpid()}"
    name = f"asista_topo_{run}"
    workdir = Path(tempfile.mkdtemp(prefix="asista-topology-"))
    smtp, sink, smtp_port = start_smtp()
    (workdir / "topology_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "DATABASE_URL": create_database(base_url, name),
        "REDIS_URL": REDIS_URL,
        "HUEY_NAME": f"topo-{run}",
        "HUEY_IMMEDIATE": "0",
        "ASISTA_VAR_DIR": str(workdir / "var"),
        "MEDIA_ROOT": str(workdir / "shared-media"),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DJANGO_SETTINGS_MODULE": "topology_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path[:0] = [str(workdir), str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    cluster = Cluster(env, workdir)
    report: dict[str, Any] = {"mails": args.mails, "api_tickets": args.api_tickets}
    services = contextlib.ExitStack()
    try:
        imap_port = None
        watch = None
        if args.imap:
            from tests.dovecot import dovecot_server

            imap_port = services.enter_context(dovecot_server())
            watch = ImapWatch(imap_port)
        call_command("migrate", verbosity=0)
        data = seed(customers=20, imap_port=imap_port)
        cluster.start(args.webs, args.workers)
        report["started_s"] = round(time.monotonic() - started, 1)
        if watch is not None:
            watch.start()
        fed = feed(args, cluster, data, run, env, args.mails // 6, imap_port)
        report.update(
            fed=fed["fed"],
            worker_killed=fed["killed"],
            kill=fed["kill"],
            fed_s=round(time.monotonic() - started, 1),
        )
        report.update(settle(sink, args.settle_timeout, imap_port, fed["imap_ids"]))
        if watch is not None:
            watch.finish()
        report.update(
            check(sink, fed["mail_ids"], args.api_tickets, fed["fed"], imap_port, fed["imap_ids"], watch)
        )
    finally:
        cluster.stop()
        smtp.stop()
        services.close()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(base_url, name)
            shutil.rmtree(workdir, ignore_errors=True)
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(match=f"*topo-{run}*"):
                client.delete(key)
        else:
            report["workdir"] = str(workdir)
    report["total_s"] = round(time.monotonic() - started, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if report.get("failures") else 0


if __name__ == "__main__":
    raise SystemExit(main())
