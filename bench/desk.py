"""Desk benchmark: the queue, search and ticket pages on a large desk, on SQLite and PostgreSQL.

    .venv/bin/python bench/desk.py                       # both databases, 100,000 tickets x 10 messages
    .venv/bin/python bench/desk.py --db sqlite --tickets 20000 --messages 5
    .venv/bin/python bench/desk.py --reseed              # drop the bench database and seed again
    .venv/bin/python bench/desk.py --peer --repeat 50    # also django-helpdesk's staff pages, same run

Each database is its own: SQLite at var/bench/desk.sqlite3 (`--var` moves it, with the results),
PostgreSQL database `asista_bench_desk` at postgres://postgres@127.0.0.1:5432/ (BENCH_PG_URL to
change). Seeding uses bulk inserts with the search index built once at the end, then ANALYZE
(PostgreSQL: VACUUM ANALYZE). Pages are requested in-process through Django's test client
(middleware, session, views, templates: the server's work, without the network), warm, N times
each; the report gives median and p95 in ms and SQL queries per page.

`--peer` runs the peer's `../shared/peer/bench_views.py` (django-helpdesk) after ours, per database,
on as many tickets (its own follow-ups, 3 a ticket on average) with as many timed requests, and
sets its closest pages beside ours (VERSUS): its ticket list's rows (a DataTables JSON endpoint, 25
open tickets) beside our queue of all tickets, its ticket detail beside our ticket page. Its raw
results go to <var>/peer. `--rounds N` alternates the two N times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT.parent / "shared" / "peer"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/asista_bench_desk")
# Our page -> the peer's closest page. The peer's ticket list is an HTML shell (~10 ms, 10 queries)
# whose rows come from a JSON endpoint: the rows are the work that compares with our queue.
VERSUS = {
    "queue, all tickets, 50 rows": "ticket_list_json",
    "ticket page (10 messages)": "ticket_detail",
}
_VOCABULARY = (
    "factura bon fiscal imprimanta casa marcat raport lunar stoc gestiune salariu declaratie "
    "balanta contabilitate client furnizor licenta parola server backup actualizare eroare "
    "tipărire export import xml efactura anaf spv certificat semnatura inventar plata banca "
    "extras curs valutar tva cota articol pret discount comanda livrare aviz retur nota "
    "receptie transfer depozit productie reteta cost centru proiect buget angajat concediu "
    "pontaj contract termen scadenta penalitate sold fisa cont jurnal registru ordin"
)
WORDS = _VOCABULARY.split()
RARE = [f"cod{n:05d}" for n in range(20000)]


def _text(rng: random.Random, words: int) -> str:
    body = [rng.choice(WORDS) if rng.random() < 0.97 else rng.choice(RARE) for _ in range(words)]
    return " ".join(body)


# --- seeding ---------------------------------------------------------------------------------------


def _drop_search_index(vendor: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            for name in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS desk_message_fts_{name}")
        else:
            cursor.execute("DROP INDEX IF EXISTS desk_message_search")


def _build_search_index(vendor: str) -> None:
    from django.db import connection

    from asista.desk.search import setup

    with connection.cursor() as cursor:
        for sql in setup(vendor):
            cursor.execute(sql)
        # Autovacuum is off here; in service it would have run: the visibility map it sets is
        # what lets PostgreSQL count tickets from an index alone.
        cursor.execute("VACUUM (ANALYZE)" if vendor == "postgresql" else "ANALYZE")


def seed(*, tickets: int, messages: int, seed_value: int = 7) -> dict[str, float]:
    """Customers, contracts, staff, tickets in every state, messages and a few time entries."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from asista.billing.models import TimeEntry
    from asista.customers.models import Contact, ContactEmail, Contract, Customer, Plan
    from asista.tickets.models import Message, Ticket
    from tests import factories

    rng = random.Random(seed_value)
    vendor = connection.vendor
    started = time.perf_counter()
    timings: dict[str, float] = {}
    plans = list(Plan.objects.order_by("code"))
    password = make_password("bench")
    agents = [factories.staff("agent", username=f"bench-agent{n}") for n in range(10)]
    factories.staff("dispatcher", username="bench-dispatcher")
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username__startswith="bench-").update(password=password)
    n_customers = max(10, tickets // 100)
    customers = [
        Customer(
            name=f"Beneficiar {n} SRL",
            tax_id="RO" + factories.valid_cui(500000 + n),
            cui=factories.valid_cui(500000 + n),
            city="Brașov",
            county="RO-BV",
            inside_brasov=True,
        )
        for n in range(n_customers)
    ]
    Customer.objects.bulk_create(customers, batch_size=2000)
    customers = list(Customer.objects.order_by("id"))
    Contract.objects.bulk_create(
        [
            Contract(customer=c, plan=plans[i % len(plans)], starts_on=datetime(2020, 1, 1).date())
            for i, c in enumerate(customers)
        ],
        batch_size=2000,
    )
    contacts = Contact.objects.bulk_create(
        [Contact(customer=c, name=f"Contact {c.pk}") for c in customers], batch_size=2000
    )
    contacts = list(Contact.objects.order_by("id"))
    ContactEmail.objects.bulk_create(
        [ContactEmail(contact=c, address=f"contact{c.pk}@bench.example", is_primary=True) for c in contacts],
        batch_size=2000,
    )
    plan_of = {c.pk: plans[i % len(plans)] for i, c in enumerate(customers)}
    timings["customers_s"] = time.perf_counter() - started

    _drop_search_index(vendor)
    now = datetime.now(UTC)
    states = ["closed"] * 88 + ["new"] * 2 + ["assigned"] * 2 + ["in_progress"] * 3 + ["waiting"] * 2
    states += ["resolved"] * 2 + ["cancelled"]
    kinds = ["support"] * 8 + ["change"] + ["urgent_call"]
    step = 5000
    t0 = time.perf_counter()
    for first in range(0, tickets, step):
        batch = []
        for number in range(first + 1, min(first + step, tickets) + 1):
            contact = contacts[rng.randrange(len(contacts))]
            state = rng.choice(states)
            kind = rng.choice(kinds)
            created = now - timedelta(minutes=rng.randrange(60 * 24 * 730))
            open_ = state in ("new", "assigned", "in_progress")
            batch.append(
                Ticket(
                    number=number,
                    customer_id=contact.customer_id,
                    contact=contact,
                    plan=plan_of[contact.customer_id],
                    kind=kind,
                    channel="email",
                    priority="urgent" if kind == "urgent_call" else "normal",
                    is_urgent=kind == "urgent_call",
                    state=state,
                    assignee=None if state == "new" else rng.choice(agents),
                    subject=_text(rng, 6).capitalize(),
                    created_at=created,
                    due_at=now + timedelta(minutes=rng.randrange(-3000, 9000)) if open_ else None,
                )
            )
        with transaction.atomic():
            Ticket.objects.bulk_create(batch, batch_size=step)
    timings["tickets_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    # Texts come from a pool (making a million random texts costs more than inserting them);
    # each message also carries its own rare token, so selective searches stay meaningful.
    pool = [_text(rng, rng.randrange(15, 60)) for _ in range(5000)]
    rows = list(Ticket.objects.order_by("id").values_list("id", "created_at", "subject", "contact_id"))
    batch_m: list[Message] = []
    serial = 0
    for ticket_id, created, subject, contact_id in rows:
        for i in range(messages):
            serial += 1
            direction = "inbound" if i % 2 == 0 else ("outbound" if i % 3 else "note")
            batch_m.append(
                Message(
                    ticket_id=ticket_id,
                    direction=direction,
                    contact_id=contact_id if direction == "inbound" else None,
                    from_address="contact@bench.example",
                    from_name="Bench",
                    subject=subject if i == 0 else f"Re: {subject}",
                    text=f"{pool[serial % 4999]} {RARE[serial % len(RARE)]}",
                    created_at=created + timedelta(minutes=37 * i),
                )
            )
        if len(batch_m) >= 20000:
            with transaction.atomic():
                Message.objects.bulk_create(batch_m, batch_size=5000)
            batch_m = []
    if batch_m:
        Message.objects.bulk_create(batch_m, batch_size=5000)
    timings["messages_s"] = time.perf_counter() - t0

    open_ids = list(Ticket.objects.filter(state="in_progress").values_list("id", "customer_id")[:2000])
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                ticket_id=tid,
                customer_id=cid,
                agent=rng.choice(agents),
                kind="assistance",
                started_at=now - timedelta(days=rng.randrange(20)),
                minutes=rng.randrange(5, 120),
            )
            for tid, cid in open_ids
        ]
    )
    t0 = time.perf_counter()
    _build_search_index(vendor)
    timings["search_index_and_analyze_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - started
    return {k: round(v, 1) for k, v in timings.items()}


# --- measuring -------------------------------------------------------------------------------------


def _measure(client: Any, urls: list[str], repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:5]:  # warm caches, templates, the calendar
        client.get(url)
    times, cpu, queries = [], [], set()
    for i in range(repeat):
        url = urls[i % len(urls)]
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(ctx.captured_queries))
    times.sort()
    cpu.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "cpu_median_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(cpu[int(len(cpu) * 0.95) - 1], 1),
        "queries": sorted(queries),
        "requests": repeat,
    }


def measure(repeat: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from asista.customers.models import Plan
    from asista.desk import selectors
    from asista.tickets.models import Ticket

    user_model = get_user_model()
    dispatcher = user_model.objects.get(username="bench-dispatcher")
    agent = user_model.objects.get(username="bench-agent3")
    rng = random.Random(11)
    staff_client, agent_client = Client(), Client()
    staff_client.force_login(dispatcher)
    agent_client.force_login(agent)
    first = selectors.queue_page(user=dispatcher, filters=selectors.QueueFilters(view="all"))
    deep = selectors.queue_page(
        user=dispatcher, filters=selectors.QueueFilters(view="all"), cursor=first.next_cursor
    )
    plan = Plan.objects.order_by("pk").first()
    slow_repeat = max(20, repeat // 4)  # searches for very common words take seconds each
    count = Ticket.objects.count()
    numbers = [rng.randrange(1, count + 1) for _ in range(50)]
    rare = [f"cod{rng.randrange(20000):05d}" for _ in range(50)]
    common = [f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(50)]
    results = {
        "queue, open views (dispatcher: unassigned, waiting, breaching), 50 rows": _measure(
            staff_client, ["/desk/", "/desk/?view=waiting", "/desk/?view=breaching"], repeat
        ),
        "queue, my tickets (agent), 50 rows": _measure(agent_client, ["/desk/?view=mine"], repeat),
        "queue, all tickets, 50 rows": _measure(staff_client, ["/desk/?view=all"], repeat),
        "queue, all tickets, 200 rows": _measure(staff_client, ["/desk/?view=all&size=200"], repeat),
        "queue, all, page 2 and 3 (keyset)": _measure(
            staff_client,
            [f"/desk/?view=all&after={first.next_cursor}", f"/desk/?view=all&after={deep.next_cursor}"],
            repeat,
        ),
        "queue, all, filtered by state + plan": _measure(
            staff_client, [f"/desk/?view=all&state=in_progress&plan={plan.pk if plan else ''}"], repeat
        ),
        "search, a rare word (all tickets)": _measure(
            staff_client, [f"/desk/?view=all&q={w}" for w in rare], repeat
        ),
        "search, two common words (all tickets)": _measure(
            staff_client, [f"/desk/?view=all&q={w.replace(' ', '+')}" for w in common], slow_repeat
        ),
        "search, two common words (open views)": _measure(
            staff_client, [f"/desk/?view=unassigned&q={w.replace(' ', '+')}" for w in common], slow_repeat
        ),
        "ticket page (10 messages)": _measure(staff_client, [f"/desk/t/{n}/" for n in numbers], repeat),
    }
    return results


# --- driver ----------------------------------------------------------------------------------------


def _prepare_database(db: str, reseed: bool, sqlite_path: Path) -> None:
    if db == "sqlite":
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        if reseed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    admin_url, _, name = PG_URL.rpartition("/")
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def run_one(db: str, args: argparse.Namespace) -> dict[str, Any]:
    """Child process: settings come from DATABASE_URL set by the parent."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asista.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    from asista.tickets.models import Ticket

    seeded: dict[str, Any] = {"reused": True}
    if not Ticket.objects.exists():
        seeded = seed(tickets=args.tickets, messages=args.messages)
    from asista.tickets.models import Message

    info = {
        "database": f"{connection.vendor} {connection.Database.sqlite_version if db == 'sqlite' else connection.cursor().connection.info.server_version}",  # noqa: E501
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "seeding": seeded,
    }
    return {**info, "results": measure(args.repeat)}


def run_asista(db: str, sqlite_path: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{sqlite_path}" if db == "sqlite" else PG_URL,
        "ASISTA_VAR_DIR": str(sqlite_path.parent),
        "HUEY_IMMEDIATE": "0",
    }
    child = [sys.executable, __file__, "--child", db, *sys.argv[1:]]
    child = [a for a in child if a != "--reseed"]
    out = subprocess.run(child, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(out.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"{db}: benchmark failed")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def peer_setup(db: str) -> None:
    """Rebuild the peer's template database (PostgreSQL's exists only after a setup with PEER_DB)."""
    env = {**os.environ, "PEER_DB": db}
    out = subprocess.run(
        ["bash", str(PEER / "setup.sh")], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"peer setup failed ({db}): {out.stderr[-2000:]}")


def run_peer(db: str, tickets: int, requests: int, results: Path) -> dict[str, Any]:
    """django-helpdesk's staff-page benchmark, one run in its own venv, on its own fresh database."""
    env = {**os.environ, "PEER_DB": db, "PEER_RESULTS": str(results)}
    out = subprocess.run(
        ["/tmp/peer-venv/bin/python", "bench_views.py", "--sizes", str(tickets), "--requests", str(requests)],
        env=env,
        cwd=PEER,
        capture_output=True,
        text=True,
        check=False,
    )
    path = results / f"views-{tickets}-{db}.json"
    if out.returncode != 0 or not path.exists():
        raise SystemExit(f"peer run failed ({db}): {out.stderr[-2000:]}")
    return dict(json.loads(path.read_text())["sizes"][str(tickets)])


def versus(ours: dict[str, Any], peer: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for page, peer_page in VERSUS.items():
        a, b = ours["results"][page], peer["endpoints"][peer_page]
        # The peer gives "37-50" over its sampled tickets, we give [15, 17]: the larger of each.
        peer_queries = int(str(b["queries"]).rpartition("-")[2])
        rows.append(
            {
                "asista": page,
                "peer": peer_page,
                "asista_median_ms": a["median_ms"],
                "asista_p95_ms": a["p95_ms"],
                "asista_queries": a["queries"],
                "peer_median_ms": b["median_ms"],
                "peer_p95_ms": b["p95_ms"],
                "peer_queries": b["queries"],
                "p95_ratio": round(b["p95_ms"] / a["p95_ms"], 2),
                "queries_ratio": round(peer_queries / max(a["queries"]), 2),
            }
        )
    return rows


def print_versus(db: str, rows: list[dict[str, Any]], peer: dict[str, Any]) -> None:
    for r in rows:
        queries = "-".join(map(str, r["asista_queries"]))
        ours = f"{r['asista_median_ms']:.1f} / {r['asista_p95_ms']:.1f} ms {queries} q"
        theirs = f"{r['peer_median_ms']:.1f} / {r['peer_p95_ms']:.1f} ms {r['peer_queries']} q"
        print(
            f"{db:8} {r['asista']:28} asista {ours:24} | peer {r['peer']:16} {theirs:26}"
            f" | peer/asista p95 {r['p95_ratio']:.1f}x, queries {r['queries_ratio']:.1f}x",
            flush=True,
        )
    shell, s = peer["endpoints"]["ticket_list_page"], peer["seeded"]
    print(
        f"{db:8} peer ticket_list_page (the HTML shell that fetches the rows) {shell['median_ms']:.1f} /"
        f" {shell['p95_ms']:.1f} ms {shell['queries']} q; peer desk {s['tickets']} tickets,"
        f" {s['open_or_reopened']} open, {s['followups']} follow-ups; load {load()}",
        flush=True,
    )


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=10, help="messages per ticket")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument(
        "--var", type=Path, default=ROOT / "var" / "bench", help="folder of desk.sqlite3 and the results"
    )
    parser.add_argument("--peer", action="store_true", help="also run django-helpdesk's page benchmark")
    parser.add_argument("--rounds", type=int, default=1, help="alternate Asista and the peer this many times")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args)))
        return
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg(),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpu, "
        f"Python {platform.python_version()}",
    }
    var = args.var.resolve()
    sqlite_path = var / "desk.sqlite3"
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        _prepare_database(db, args.reseed, sqlite_path)
        if args.peer:
            peer_setup(db)
        rounds = []
        for _round in range(args.rounds):  # alternating, so a burst of load hits both sides
            ours = run_asista(db, sqlite_path)
            print(json.dumps({db: ours}, indent=2), flush=True)
            if args.peer:
                peer = run_peer(db, args.tickets, args.repeat, var / "peer")
                ours |= {"peer": peer, "versus_peer": versus(ours, peer)}
                print_versus(db, ours["versus_peer"], peer)
            rounds.append(ours)
        # The first round as before; every round when there are more.
        report[db] = rounds[0] if len(rounds) == 1 else {**rounds[0], "rounds": rounds}
        if args.peer and len(rounds) > 1:
            for i, page in enumerate(VERSUS):
                p95 = statistics.median(r["versus_peer"][i]["p95_ratio"] for r in rounds)
                print(f"{db:8} {page}: median peer/asista p95 {p95:.1f}x over {len(rounds)} rounds")
    report["load_average_at_end"] = os.getloadavg()
    path = var / f"desk-{args.db}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"written {path}")


if __name__ == "__main__":
    main()
