"""Load on the API: ticket list and ticket read at a steady rate, on PostgreSQL, served by `asista serve`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/api.py \\
        --clients 50 --rate 250 --duration 60

Creates a throw-away database (asista_bench_<pid>) with --tickets tickets, starts `asista serve
--no-worker` on loopback, and runs --clients concurrent keep-alive clients (asyncio, one token each:
most are staff, every fifth a customer's contact, so both visibility paths are measured) that
together send --rate requests a second, half `GET /api/v1/tickets?limit=25` (some with a state
filter, some on the next page) and half `GET /api/v1/tickets/<number>`. Latency is measured from
the moment a request was *due*, so a stalled server cannot hide behind a stalled client
(no coordinated omission). Prints a JSON report; --markdown prints a table row for
docs/benchmarks/api.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topology import ROOT, create_database, drop_database, free_port, wait_http

SETTINGS = """
from asista.settings import *  # noqa: F403
# Seeding makes 50 portal users; the token path measured here never hashes a password.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""


def seed(tickets: int, customers: int, clients: int) -> dict[str, Any]:
    from django.utils import timezone

    from asista.api.tokens import token_create
    from asista.tickets import workflow
    from tests import factories

    agent = factories.staff("agent")
    contacts = [factories.contact(factories.customer()) for _ in range(customers)]
    numbers = []
    for n in range(tickets):
        contact = contacts[n % customers]
        ticket = workflow.ticket_create(
            customer=contact.customer,
            contact=contact,
            subject=f"Cerere {n}",
            text="Nu merge.",
            actor=None,
            acknowledge=False,
        )
        numbers.append(ticket.number)
    now = timezone.now()
    tokens = []
    for n in range(clients):
        user = contacts[n % customers].user if n % 5 == 4 else agent
        tokens.append(token_create(user=user, name=f"bench {n}", scopes=["tickets:read"], now=now)[1])
    own = {c.user_id: [] for c in contacts}
    for n, number in enumerate(numbers):
        own[contacts[n % customers].user_id].append(number)
    readable = [own[contacts[n % customers].user_id] if n % 5 == 4 else numbers for n in range(clients)]
    return {"tokens": tokens, "readable": readable}


class Client:
    """One keep-alive HTTP/1.1 connection; enough HTTP for JSON answers with Content-Length."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        """GET with one retry when a kept-alive connection turns out closed by the server (as any
        HTTP client does for an idempotent request)."""
        reused = self.writer is not None
        try:
            return await self._get(path)
        except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError):
            self.writer = None
            if not reused:
                raise
            return await self._get(path)

    async def _get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
            "Accept: application/json\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.writer.close()
            self.writer = None
        return status


async def run_load(port: int, data: dict[str, Any], rate: float, duration: float) -> dict[str, Any]:
    clients = len(data["tokens"])
    closed = rate <= 0  # closed loop: each client sends as soon as its last answer came (capacity)
    interval = 0.0 if closed else clients / rate
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    start = time.perf_counter() + 0.5
    end = start + duration

    async def client(n: int) -> None:
        rng = random.Random(n)
        http = Client(port, data["tokens"][n])
        due = start + rng.random() * interval
        while due < end:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if rng.random() < 0.5:
                path = "/api/v1/tickets?limit=25" + rng.choice(["", "", "&state=new", "&q=Cerere"])
            else:
                path = f"/api/v1/tickets/{rng.choice(data['readable'][n])}"
            try:
                status = await http.get(path)
                statuses[str(status)] += 1
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                statuses[type(exc).__name__] += 1
                http.writer = None
            latencies.append(time.perf_counter() - due)
            due = time.perf_counter() if closed else due + interval

    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    errors = sum(v for k, v in statuses.items() if not k.startswith("2"))
    return {
        "requests": len(latencies),
        "elapsed_s": round(elapsed, 1),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(1000 * latencies[-1], 1),
        "errors": errors,
        "statuses": dict(statuses),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--rate", type=float, default=250, help="Requests a second, all clients together; 0: closed loop."
    )
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4, help="Threads per web process.")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    name = f"asista_bench_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="asista-bench-api-"))
    (workdir / "bench_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "DATABASE_URL": create_database(base_url, name),
        "ASISTA_VAR_DIR": str(workdir / "var"),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "LOG_LEVEL": "WARNING",
        "HUEY_IMMEDIATE": "0",
    }
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    sys.path[:0] = [str(workdir), str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    server = None
    try:
        call_command("migrate", verbosity=0)
        seeded_at = time.perf_counter()
        data = seed(args.tickets, args.customers, args.clients)
        seed_s = round(time.perf_counter() - seeded_at, 1)
        connections.close_all()
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "asista",
                "serve",
                "--no-worker",
                "--bind",
                f"127.0.0.1:{port}",
                "--web-workers",
                str(args.web_workers),
                "--threads",
                str(args.threads),
            ],
            cwd=ROOT,
            env=env,
            stdout=(workdir / "serve.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        wait_http(f"http://127.0.0.1:{port}/healthz")
        load_before = os.getloadavg()
        result = asyncio.run(run_load(port, data, args.rate, args.duration))
        report = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}",
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in os.getloadavg()],
            "clients": args.clients,
            "target_rps": args.rate,
            "duration_s": args.duration,
            "tickets": args.tickets,
            "web_workers": args.web_workers,
            "threads": args.threads,
            "seed_s": seed_s,
            **result,
        }
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)
        connections.close_all()
        drop_database(base_url, name)
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(report, indent=2))
    if args.markdown:
        print(
            f"| {report['date']} | {args.clients} | {args.rate:g} | {report['throughput_rps']} | "
            f"{report['p50_ms']} | {report['p95_ms']} | {report['p99_ms']} | {report['errors']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
