"""Messages per second and SQL queries per message of the whole inbound pipeline, beside the peer.

    .venv/bin/python bench/mail_ingest.py                       # 2,000 mails, SQLite and PostgreSQL
    .venv/bin/python bench/mail_ingest.py --db sqlite --n 500
    .venv/bin/python bench/mail_ingest.py --peer                # also django-helpdesk, same run

Workload: the peer's synthetic support mail (`../shared/peer/bench_ingest.generate_mailbox`, the
peer's own seed), 25% replies into tickets that exist before the timed run (half of them with
In-Reply-To/References, all with the ticket tag in the subject, rewritten from the peer's
`[sup-N]` to our `[#N]`). Every sender is an active contact of one customer on the Expert plan,
so that every mail goes the full way (new ticket with SLA clocks and acknowledgement, or reply);
the tag is honoured only for the ticket customer's contacts, a rule the peer does not have.

Mails go in batches of 100, as `asista mail ingest FOLDER` reads them. Each database runs in a
fresh interpreter on a fresh database (SQLite file in a temporary folder; PostgreSQL database
`asista_bench_mail`, ANALYZEd after seeding). Timed: the `mail_ingest_many` calls
only (raw file written, parse, dedup, threading, workflow, acknowledgement into the outbox).
Queries are counted with an execute wrapper (what CaptureQueriesContext sees, without its cost).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT.parent / "shared" / "peer"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/asista_bench_mail"
SEED = 20261124
_PEER_TAG = re.compile(r"\[sup-(\d+)\]")


# --- workload ---------------------------------------------------------------------------------


def retag(path: Path) -> None:
    """Rewrite the peer's `[sup-N]` subject tag to ours, `[#N]`, leaving every other byte alone."""
    raw = path.read_bytes()
    head, sep, body = raw.partition(b"\n\n")
    subject = str(BytesHeaderParser(policy=default_policy).parsebytes(head + b"\n\n")["subject"] or "")
    if not _PEER_TAG.search(subject):
        return
    lines = head.split(b"\n")
    start = next(i for i, line in enumerate(lines) if line.lower().startswith(b"subject:"))
    end = start + 1
    while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
        end += 1
    header = default_policy.header_factory("Subject", _PEER_TAG.sub(r"[#\1]", subject))
    folded = header.fold(policy=default_policy).encode("ascii").rstrip(b"\n")
    lines[start:end] = folded.split(b"\n")
    path.write_bytes(b"\n".join(lines) + sep + body)


def senders(folder: Path) -> list[str]:
    found: dict[str, None] = {}
    for path in sorted(folder.glob("*.eml")):
        headers = BytesHeaderParser(policy=default_policy).parsebytes(path.read_bytes())
        found[headers["from"].addresses[0].addr_spec.lower()] = None
    return list(found)


# --- child: one database, fresh interpreter ---------------------------------------------------


def child(n: int, seed: int) -> dict[str, Any]:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asista.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    inbox = Path(os.environ["ASISTA_VAR_DIR"]) / "inbox"
    existing, contacts = seed_desk(n, seed, inbox)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    files = sorted(inbox.glob("*.eml"))
    raws = [p.read_bytes() for p in files]
    return timed_ingest(raws) | {
        "n": n,
        "existing_tickets": existing,
        "contacts": contacts,
        "mailbox_bytes": sum(len(r) for r in raws),
        "db": connection.vendor,
    }


def seed_desk(n: int, seed: int, inbox: Path) -> tuple[int, int]:
    """Contacts for every sender and the tickets replies thread into (untimed)."""
    sys.path.insert(0, str(PEER))
    import bench_ingest  # type: ignore[import-not-found]

    from asista.customers.models import Contract, Customer, Plan
    from asista.customers.services import contact_create
    from asista.tickets import workflow

    customer = Customer.objects.create(
        name="Bench SRL", tax_id="RO18547290", city="Brașov", county="RO-BV", inside_brasov=True
    )
    Contract.objects.create(
        customer=customer, plan=Plan.objects.get(code="expert"), starts_on=datetime(2020, 1, 1).date()
    )
    first = contact_create(customer=customer, name="Seed Contact", emails=["seed@bench.example"])
    existing = []
    for i in range(max(25, n // 8)):
        mid = f"<orig-{i}@client.example>"
        ticket = workflow.ticket_create(
            customer=customer,
            contact=first,
            subject=f"Problema existentă {i}",
            text="Bună ziua, exportul facturilor nu merge.",
            channel="email",
            message_id=mid,
        )
        existing.append(
            {
                "id": ticket.number,
                "title": ticket.subject,
                "description": "Exportul nu merge.",
                "message_id": mid,
            }
        )
    bench_ingest.generate_mailbox(n, inbox, existing, seed)
    for path in inbox.glob("*.eml"):
        retag(path)
    addresses = senders(inbox)
    for index, address in enumerate(addresses):
        contact_create(customer=customer, name=f"Bench {index}", emails=[address])
    return len(existing), len(addresses)


def timed_ingest(raws: list[bytes]) -> dict[str, Any]:
    from collections import Counter

    from django.db import connection

    from asista.mail.ingest import mail_ingest_many
    from asista.mail.models import RawMessage
    from asista.mail.sources import BATCH_MAILS

    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    outcomes: Counter[str] = Counter()
    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(raws), BATCH_MAILS):  # as `asista mail ingest FOLDER` does
            for result in mail_ingest_many(raws[start : start + BATCH_MAILS], source=RawMessage.Source.FILE):
                outcomes[",".join(result.flags)] += 1
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "seconds": round(seconds, 3),
        "msgs_per_s": round(len(raws) / seconds, 1),
        "cpu_ms_per_msg": round(cpu * 1000 / len(raws), 2),
        "queries_per_msg": round(queries[0] / len(raws), 2),
        "outcomes": dict(outcomes.most_common()),
    }


# --- parent -----------------------------------------------------------------------------------


def run_asista(db: str, n: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="asista-bench-") as var:
        env = {**os.environ, "ASISTA_VAR_DIR": var, "MEDIA_ROOT": f"{var}/media", "LOG_LEVEL": "WARNING"}
        env.pop("DATABASE_URL", None)
        if db == "postgres":
            pg_recreate()
            env["DATABASE_URL"] = PG_BENCH
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--seed", str(seed)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if proc.returncode != 0:
            raise SystemExit(f"{db} run failed:\n{proc.stderr[-4000:]}")
        return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def pg_recreate() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS asista_bench_mail WITH (FORCE)")
        conn.execute("CREATE DATABASE asista_bench_mail")


def run_peer(n: int, db: str) -> dict[str, Any] | None:
    """django-helpdesk's own benchmark, one run, in its own venv (None when it cannot run)."""
    results = Path(tempfile.mkdtemp(prefix="peer-results-"))
    env = {**os.environ, "PEER_RESULTS": str(results)}
    if db == "postgres":
        env["PEER_DB"] = "postgres"
    setup = subprocess.run(
        ["bash", str(PEER / "setup.sh")], env=env, capture_output=True, text=True, check=False
    )
    if setup.returncode != 0:
        print(f"peer setup failed ({db}): {setup.stderr[-500:]}", file=sys.stderr)
        return None
    proc = subprocess.run(
        ["/tmp/peer-venv/bin/python", "bench_ingest.py", "--sizes", str(n), "--runs", "1"],
        env=env,
        cwd=PEER,
        capture_output=True,
        text=True,
        check=False,
    )
    files = sorted(results.glob("ingest-*.json"))
    if proc.returncode != 0 or not files:
        print(f"peer run failed ({db}): {proc.stderr[-500:]}", file=sys.stderr)
        return None
    summary = json.loads(files[-1].read_text())
    run = summary["sizes"][str(n)]["runs"][0]
    shutil.rmtree(results, ignore_errors=True)
    return {"msgs_per_s": run["msgs_per_s"], "queries_per_msg": run["queries_per_msg"]}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--peer", action="store_true", help="also run django-helpdesk's benchmark")
    parser.add_argument("--rounds", type=int, default=1, help="alternate Asista and the peer this many times")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.seed), ensure_ascii=False))
        return
    print(f"# {machine()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; N={args.n}; load {load()}")
    for db in args.db.split(","):
        ratios = []
        for _round in range(args.rounds):  # alternating, so a burst of load hits both sides
            ours = run_asista(db, args.n, args.seed)
            line = (
                f"{db:9} asista {ours['msgs_per_s']:7.1f} msg/s  {ours['queries_per_msg']:5.2f} q/msg"
                f"  {ours['cpu_ms_per_msg']:5.2f} ms CPU/msg"
            )
            if args.peer:
                peer = run_peer(args.n, db)
                if peer:
                    ratios.append(ours["msgs_per_s"] / peer["msgs_per_s"])
                    line += (
                        f" | peer {peer['msgs_per_s']:6.1f} msg/s {peer['queries_per_msg']:5.2f} q/msg"
                        f" | ratio {ratios[-1]:4.1f}x"
                    )
            print(f"{line} | load {load()}", flush=True)
            print(f"          outcomes {json.dumps(ours['outcomes'])}", flush=True)
        if len(ratios) > 1:
            print(
                f"{db:9} median ratio {statistics.median(ratios):.1f}x over {len(ratios)} rounds", flush=True
            )


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
