"""Month-end billing run: 10,000 customers, 50,000 time entries → drafts, then PDFs and issuing.

    .venv/bin/python bench/billing.py                              # SQLite in a temporary file
    .venv/bin/python bench/billing.py --postgres                   # database asista_bench_billing
    .venv/bin/python bench/billing.py --customers 1000 --entries 5000 --pdfs 200 --issue 100

Data (seeded, bulk-inserted, not timed): 60 % Expert (a quarter of them annual, 0–5 workstations),
40 % Tip 0; half inside Brasov; one ticket per two entries; entries spread over March 2026 with
80 % assistance/change, 8 % programming, 6 % on-site, 6 % travel.

Timed:
1. drafts: `invoice_drafts_for_month(2026, 3)` — all contracts, entries, units, pricing, bulk
   insert of invoices and lines and linking the entries (one process);
2. the same run again (replacing the drafts, as a reviewer re-running the month would);
3. PDFs of every draft (or `--pdfs N`), rendered by `--workers` processes;
4. issuing `--issue N` drafts one by one (gapless number, rate, VAT, e-Factura XML), one process.
PostgreSQL uses its own database `asista_bench_billing` on the server of DATABASE_URL, dropped and
re-created each run (never the database named in DATABASE_URL).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "asista_bench_billing"
ZONE = ZoneInfo("Europe/Bucharest")


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/asista")
    parts = urlsplit(url)
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def setup_django(postgres: bool, folder: str) -> str:
    url = _postgres_url() if postgres else f"sqlite:///{folder}/bench-billing.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asista.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url.split("://")[0]


def seed(customers: int, entries: int, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model

    from asista.billing.models import ExchangeRate, InvoiceSeries, Seller, TimeEntry
    from asista.customers.models import Contract, Customer, Plan
    from asista.tickets.models import Ticket

    plans = {p.code: p for p in Plan.objects.all()}
    agent = get_user_model().objects.create_user(username="bench-agent", password="x")
    seller = Seller.objects.create(
        name="Asista Soft SRL",
        tax_id="RO18547290",
        address="Str. Republicii 12",
        city="Brașov",
        county="RO-BV",
    )
    InvoiceSeries.objects.create(code="BEN", seller=seller, is_default=True)
    ExchangeRate.objects.create(currency="EUR", day=date(2026, 3, 31), rate=Decimal("5.0900"))
    rows = []
    for n in range(customers):
        cui = str(10_000_000 + n)
        inside = rng.random() < 0.5
        rows.append(
            Customer(
                name=f"Client {n} SRL — Științe și Țesături",
                tax_id=f"RO{cui}",
                cui=cui,
                address=f"Str. Mare nr. {n % 300 + 1}",
                city="Brașov" if inside else "Făgăraș",
                county="RO-BV",
                inside_brasov=inside,
                distance_km=None if inside else rng.randint(5, 250),
                workstations=rng.randint(0, 5),
            )
        )
    created = Customer.objects.bulk_create(rows, batch_size=2000)
    contracts = []
    for customer in created:
        expert = rng.random() < 0.6
        annual = expert and rng.random() < 0.25
        contracts.append(
            Contract(
                customer=customer,
                plan=plans["expert" if expert else "tip-0"],
                starts_on=date(2025, rng.randint(1, 12), 1) if annual else date(2024, 1, 1),
                billing_cycle="annual" if annual else "monthly",
                workstations=customer.workstations if expert else 0,
            )
        )
    Contract.objects.bulk_create(contracts, batch_size=2000)
    start = datetime(2026, 3, 1, 8, tzinfo=ZONE)
    tickets = [
        Ticket(number=n + 1, customer=rng.choice(created), subject=f"Solicitare {n + 1}", created_at=start)
        for n in range(max(1, entries // 2))
    ]
    tickets = Ticket.objects.bulk_create(tickets, batch_size=5000)
    kinds = ["assistance"] * 60 + ["change"] * 20 + ["programming"] * 8 + ["onsite"] * 6 + ["travel"] * 6
    time_rows = []
    for _ in range(entries):
        ticket = rng.choice(tickets)
        kind = rng.choice(kinds)
        when = start + timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 480))
        inside = ticket.customer.inside_brasov
        time_rows.append(
            TimeEntry(
                ticket=ticket,
                customer_id=ticket.customer_id,
                agent=agent,
                kind=kind,
                started_at=when,
                minutes=0 if kind == "travel" else rng.randint(5, 180),
                inside_brasov=inside,
                km=None if inside or kind != "travel" else Decimal(ticket.customer.distance_km),
            )
        )
    TimeEntry.objects.bulk_create(time_rows, batch_size=5000)


def timed(label: str, results: dict[str, float], func):  # type: ignore[no-untyped-def]
    """Wall time, and this process's CPU time: the machine may be shared, CPU time is not."""
    began, cpu = time.perf_counter(), time.process_time()
    value = func()
    results[label] = time.perf_counter() - began
    print(
        f"{label}: {results[label]:.2f} s wall, {time.process_time() - cpu:.2f} s CPU (this process)",
        flush=True,
    )
    return value


def draft_documents(limit: int | None) -> list[object]:
    """Pure documents of the drafts, at a provisional rate, as the reviewer's PDF preview."""
    from asista.billing import fx
    from asista.billing.document import INVOICE, Document, Line, Party, compute
    from asista.billing.models import Invoice, Seller
    from asista.billing.selectors import customer_party
    from asista.billing.services import seller_party

    seller = seller_party(Seller.objects.get())
    rate = fx.invoice_rate(Decimal("5.0900"))
    docs: list[object] = []
    drafts = Invoice.objects.filter(status="draft").select_related("customer").prefetch_related("lines")
    for invoice in drafts.order_by("pk")[:limit]:
        lines = [Line(r.description, r.quantity, r.unit_code, r.unit_price_eur) for r in invoice.lines.all()]
        buyer: Party = customer_party(invoice.customer)
        docs.append(
            Document(
                INVOICE,
                f"PROVIZORIU-{invoice.pk}",
                date(2026, 4, 1),
                date(2026, 4, 16),
                seller,
                buyer,
                compute(lines, rate),
                rate,
                Decimal("5.0900"),
                date(2026, 3, 31),
                fx.DEFAULT_MARKUP,
                invoice.period_start,
                invoice.period_end,
            )
        )
    return docs


def render(doc: object) -> tuple[int, float]:
    from asista.billing.pdf import render as render_pdf

    cpu = time.process_time()
    size = len(render_pdf(doc))  # type: ignore[arg-type]
    return size, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--pdfs", type=int, default=None, help="how many drafts to render (default all)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--issue", type=int, default=500)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        vendor = setup_django(args.postgres, folder)
        from asista.billing import services
        from asista.billing.models import Invoice, InvoiceLine

        print(f"load average {os.getloadavg()}")
        print(
            f"{platform.node()} {platform.processor() or platform.machine()} cpus={os.cpu_count()} "
            f"python {platform.python_version()} db={vendor} {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        )
        began = time.perf_counter()
        seed(args.customers, args.entries, random.Random(args.seed))
        print(
            f"seed: {time.perf_counter() - began:.1f} s ({args.customers} customers, {args.entries} entries)"
        )
        results: dict[str, float] = {}
        drafts = timed("drafts", results, lambda: services.invoice_drafts_for_month(year=2026, month=3))
        print(f"  {len(drafts)} drafts, {InvoiceLine.objects.count()} lines")
        timed(
            "drafts again (replace)", results, lambda: services.invoice_drafts_for_month(year=2026, month=3)
        )
        docs = timed("build documents", results, lambda: draft_documents(args.pdfs))
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            out = timed(
                f"pdfs ({args.workers} workers)", results, lambda: pool.map(render, docs, chunksize=50)
            )
        count = max(1, len(out))
        print(
            f"  {len(out)} PDFs, {sum(s for s, _ in out) / count / 1024:.0f} KiB average, "
            f"{len(out) / results[f'pdfs ({args.workers} workers)']:.0f} PDF/s wall, "
            f"{sum(c for _, c in out) / count * 1000:.0f} ms CPU per PDF"
        )
        to_issue = list(Invoice.objects.filter(status="draft").order_by("pk")[: args.issue])
        timed(
            f"issue {len(to_issue)}",
            results,
            lambda: [services.invoice_issue(invoice=i, issue_date=date(2026, 4, 1)) for i in to_issue],
        )
        print(f"  {len(to_issue) / results[f'issue {len(to_issue)}']:.0f} invoices/s issued, with XML")
        print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
