"""Every report page and CSV export on a large synthetic desk, on SQLite and PostgreSQL.

    .venv/bin/python bench/reports.py                      # 100,000 tickets, 1,000,000 messages
    .venv/bin/python bench/reports.py --tickets 20000 --messages 100000 --db sqlite

Each database is fresh (a temporary SQLite file; PostgreSQL database `asista_rep_bench` at
postgres://postgres@127.0.0.1:5432/, dropped and recreated), migrated, seeded in bulk
(asista.reports.synthetic), refreshed (`facts_refresh(full=True)`), ANALYZEd, then every page and
CSV is requested through Django's test client as a dispatcher: one warm-up, then `--repeat`
timed requests each, for the default year. Then "cold": every page and CSV again, each request
for another period (until 1-23 months back, 1 to 36 months long) with every Snapshot deleted
before it, as the first visitor of a period after a refresh sees it. The load average of the
machine is recorded before and after each database. Results go to docs/benchmarks/reports.md.
Target: p95 <= 300 ms per page.
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
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
PG_NAME = "asista_rep_bench"
TARGET_MS = 300
PAGES = ["/reports/", "/reports/sla/", "/reports/money/", "/reports/workload/", "/reports/mine/"]
CSVS = [
    "times-month",
    "times-plan",
    "times-agent",
    "times-kind",
    "sla",
    "units-month",
    "units-customer",
    "units-customer-month",
    "hours",
    "revenue",
    "backlog",
    "arrivals",
]


def child(tickets: int, messages: int, repeat: int, measure_only: bool = False) -> dict[str, object]:
    """Runs inside a process whose DATABASE_URL points at an empty database (or, with
    `measure_only`, at one this benchmark seeded before)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asista.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from asista.reports.services import add_months, facts_refresh, local_month
    from asista.reports.synthetic import seed
    from asista.tickets.models import Ticket
    from tests import factories

    now = timezone.now()
    load_before = _load()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # an earlier run's database may predate a migration
    if measure_only:
        from asista.tickets.models import Message

        counts = {"tickets": Ticket.objects.count(), "messages": Message.objects.count()}
    else:
        counts = seed(tickets=tickets, messages=messages, months=24, now=now)
    seeded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # A settled desk: nothing changed in the last hour, then a full refresh.
    Ticket.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    started = time.perf_counter()
    full = facts_refresh(now=timezone.now(), full=True)
    full_s = time.perf_counter() - started

    last = Ticket.objects.order_by("-id").values_list("pk", flat=True)[:500]
    Ticket.objects.filter(pk__in=list(last)).update(updated_at=timezone.now())
    started = time.perf_counter()
    facts_refresh(now=timezone.now())
    incremental_s = time.perf_counter() - started
    # The refreshes above rewrote every fact row; a production database is vacuumed (autovacuum
    # is off on these machines), so reclaim the dead rows and refresh the planner's statistics.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    tag = f"{time.time_ns() % 10**9}"
    dispatcher = factories.staff("dispatcher", username=f"bench-dispatcher-{tag}")
    staff_client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="127.0.0.1")
    staff_client.force_login(dispatcher)
    from asista.customers.models import Customer

    contact = factories.contact(
        Customer.objects.order_by("id").first(), emails=[f"bench-{tag}@client.example"]
    )
    contact_client = Client(HTTP_HOST="127.0.0.1")
    contact_client.force_login(contact.user)

    this_month = local_month(timezone.now())
    timings: dict[str, list[float]] = {}
    urls = [*PAGES, *(f"/reports/{key}.csv" for key in CSVS)]
    for url in urls:
        client = contact_client if url.startswith("/reports/mine/") else staff_client
        assert client.get(url).status_code == 200, url
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        timings[url] = samples
    # Cold: another period for every request, with no Snapshot to read back (the first visitor
    # of a period other than the default year after a refresh).
    from asista.reports.models import Snapshot

    periods = [(back, months) for back in range(1, 24) for months in (1, 3, 6, 12, 24, 36)]
    random.Random(8).shuffle(periods)
    cold_urls = [url for url in urls if not url.startswith("/reports/mine/")]
    for index, url in enumerate(cold_urls):
        samples = []
        for k in range(max(5, repeat // 2)):
            back, months = periods[(index * 7 + k) % len(periods)]
            query = f"?until={add_months(this_month, -back):%Y-%m}&months={months}"
            Snapshot.objects.all().delete()
            t0 = time.perf_counter()
            assert staff_client.get(url + query).status_code == 200, url + query
            samples.append((time.perf_counter() - t0) * 1000)
        timings[f"{url} (cold, another period)"] = samples
    version: object = None
    if connection.vendor == "postgresql":
        number = connection.pg_version  # e.g. 150010
        version = f"{number // 10000}.{number % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        version = sqlite3.sqlite_version
    return {
        "load": [load_before, _load()],
        "vendor": connection.vendor,
        "version": str(version),
        "counts": counts,
        "seed_s": round(seeded, 1),
        "reused": measure_only,
        "refresh_full_s": round(full_s, 1),
        "refresh_incremental_500_s": round(incremental_s, 2),
        "facts": full.tickets,
        "timings": timings,
    }


def _load() -> str:
    """The machine's load average (1, 5, 15 minutes), as `uptime` shows it."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def run(db: str, args: argparse.Namespace) -> dict[str, object]:
    env = dict(os.environ)
    if db == "sqlite":
        path = Path(tempfile.gettempdir()) / "asista-bench-reports.sqlite3"
        if not args.measure_only:
            for old in path.parent.glob(path.name + "*"):
                old.unlink()
        env["DATABASE_URL"] = f"sqlite:///{path}"
    elif args.measure_only:
        env["DATABASE_URL"] = PG_SERVER + PG_NAME
    else:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_NAME], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_NAME], check=True)
        env["DATABASE_URL"] = PG_SERVER + PG_NAME
    command = [sys.executable, __file__, "--child", "--tickets", str(args.tickets)]
    command += ["--messages", str(args.messages), "--repeat", str(args.repeat)]
    command += ["--measure-only"] if args.measure_only else []
    out = subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = os.cpu_count()
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {cores} cores{mem}; {system}; Python {platform.python_version()}"


def report(results: list[dict[str, object]], args: argparse.Namespace) -> str:
    lines = [
        "# Reports benchmark",
        "",
        f"`.venv/bin/python bench/reports.py --tickets {args.tickets} --messages {args.messages} "
        f"--repeat {args.repeat}{' --measure-only' if args.measure_only else ''}` "
        f"on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Machine: {machine()}.",
        "",
        "Each page and CSV is requested through Django's test client (the whole view: queries, "
        "templates, SVG), one warm-up and then the timed requests for the default year. The "
        "'(cold, another period)' rows ask for a different period every time (until 1-23 months "
        "back, 1-36 months long) after deleting every Snapshot: what the first visitor of a "
        f"period sees after a refresh. Target: p95 <= {TARGET_MS} ms per page.",
        "",
    ]
    for result in results:
        counts, load = result["counts"], result.get("load") or []
        assert isinstance(counts, dict) and isinstance(load, list)
        lines += [
            f"## {result['vendor']} {result['version']}",
            "",
            ("Database of an earlier run (not reseeded): " if result.get("reused") else "Seeded: ")
            + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
            + ("." if result.get("reused") else f" in {result['seed_s']} s.")
            + f" Full facts refresh: {result['refresh_full_s']} s; "
            f"incremental refresh after 500 tickets changed: {result['refresh_incremental_500_s']} s. "
            f"Load average (1, 5, 15 min) before / after: {' / '.join(map(str, load))}.",
            "",
            "| page | p50 ms | p95 ms | max ms | within target |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        timings = result["timings"]
        assert isinstance(timings, dict)
        for url, samples in timings.items():
            high = p95(samples)
            lines.append(
                f"| `{url}` | {statistics.median(samples):.0f} | {high:.0f} | {max(samples):.0f} | "
                f"{'yes' if high <= TARGET_MS else '**no**'} |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "reports.md"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--measure-only", action="store_true", help="reuse the databases the last run seeded (no seeding)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(child(args.tickets, args.messages, args.repeat, args.measure_only)))
        return
    results = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        print(f"{db}: seeding {args.tickets:,} tickets and {args.messages:,} messages ...", flush=True)
        result = run(db, args)
        results.append(result)
        timings = result["timings"]
        assert isinstance(timings, dict)
        for url, samples in timings.items():
            print(f"  {url:40} p50 {statistics.median(samples):7.0f} ms  p95 {p95(samples):7.0f} ms")
    text = report(results, args)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
