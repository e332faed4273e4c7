"""Load on the API: ticket list and ticket read at a steady rate, on PostgreSQL, served by `asista serve`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/api.py \\
        --clients 50 --rate 100 --rate 200 --rate 0 --duration 60 --markdown

Creates a throw-away database (asista_bench_<pid>) with --tickets tickets (then ANALYZE, as
autovacuum would), starts `asista serve --no-worker` on loopback with its own defaults (or
--web-workers/--threads), and for each --rate runs --clients concurrent keep-alive clients
(asyncio, one token each: most are staff, every fifth a customer's contact, so both visibility
paths are measured) that together send that many requests a second, half
`GET /api/v1/tickets?limit=25` (some with a state filter or q=) and half `GET /api/v1/tickets/<n>`.
Each run has --warmup seconds of the same load first, not counted (reported apart as "warmup").
Latency is measured from the moment a request was *due*, so a stalled server cannot hide behind
a stalled client (no coordinated omission); the generator's own event-loop lag, the CPU the web
processes and the generator used, the load average and p95/max per 10 s of the run are reported
too. `--rate 0` is a closed loop (each client sends when its last answer came): the capacity.
Prints a JSON report; --markdown prints table rows for docs/benchmarks/api.md.
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


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its descendants, living or reaped
    (a gunicorn process recycled by --max-requests counts in its master's cutime/cstime)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(value) for value in fields[11:15]) / tick
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(process_tree_cpu(int(child)) for child in children)


def percentile(values: list[float], p: float) -> float:
    return round(1000 * values[min(len(values) - 1, int(p * len(values)))], 1) if values else 0.0


async def run_load(
    port: int, data: dict[str, Any], rate: float, duration: float, warmup: float = 0.0
) -> dict[str, Any]:
    """Load for `warmup` + `duration` seconds; only requests due after the warm-up are counted."""
    clients = len(data["tokens"])
    closed = rate <= 0  # closed loop: each client sends as soon as its last answer came (capacity)
    interval = 0.0 if closed else clients / rate
    latencies: list[float] = []
    warming: list[float] = []  # latencies of the warm-up requests, reported apart
    lags: list[float] = []  # how late this process's event loop woke up (the generator starved)
    timeline: list[tuple[float, float]] = []  # (second of the run the request was due, latency)
    statuses: Counter[str] = Counter()
    first = time.perf_counter() + 0.5
    start = first + warmup
    end = start + duration

    async def client(n: int) -> None:
        rng = random.Random(n)
        http = Client(port, data["tokens"][n])
        due = first + rng.random() * interval
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
                outcome = str(status)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                outcome = type(exc).__name__
                http.writer = None
            if due < start:
                warming.append(time.perf_counter() - due)
            else:
                statuses[outcome] += 1
                latencies.append(time.perf_counter() - due)
                timeline.append((due - start, latencies[-1]))
            due = time.perf_counter() if closed else due + interval

    async def ticker() -> None:
        """Asks to wake every 10 ms: the oversleep is the generator's own delay, not the server's."""
        while time.perf_counter() < end:
            asked = time.perf_counter() + 0.01
            await asyncio.sleep(0.01)
            if asked >= start:
                lags.append(max(0.0, time.perf_counter() - asked))

    await asyncio.gather(ticker(), *(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    warming.sort()
    lags.sort()
    errors = sum(v for k, v in statuses.items() if not k.startswith("2"))
    # Where the slow requests were in the run: p95 and max per 10-second window, the 10 worst.
    windows: dict[int, list[float]] = {}
    for at, latency in timeline:
        windows.setdefault(int(max(0.0, at) // 10) * 10, []).append(latency)
    by_window = {}
    for second, values in sorted(windows.items()):
        values.sort()
        by_window[f"{second}-{second + 10}s"] = {
            "n": len(values),
            "p95_ms": percentile(values, 0.95),
            "max_ms": round(1000 * values[-1], 1),
        }
    worst = sorted(timeline, key=lambda item: -item[1])[:10]
    return {
        "requests": len(latencies),
        "elapsed_s": round(elapsed, 1),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": round(1000 * latencies[-1], 1) if latencies else 0.0,
        "errors": errors,
        "statuses": dict(statuses),
        "warmup": {
            "seconds": warmup,
            "requests": len(warming),
            "p95_ms": percentile(warming, 0.95),
            "max_ms": round(1000 * warming[-1], 1) if warming else 0.0,
        },
        "generator_loop_lag_ms": {
            "p50": percentile(lags, 0.5),
            "p99": percentile(lags, 0.99),
            "max": round(1000 * lags[-1], 1) if lags else 0.0,
        },
        "by_window": by_window,
        "worst": [{"due_s": round(at, 2), "ms": round(1000 * latency, 1)} for at, latency in worst],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        help="Requests a second, all clients together; 0: closed loop. Repeat it for several runs "
        "against the same server and data (default: one run at 100).",
    )
    parser.add_argument("--duration", type=float, default=60, help="Measured seconds of each run.")
    parser.add_argument(
        "--warmup",
        type=float,
        default=10,
        help="Seconds of the same load before each measured run, not counted (reported apart).",
    )
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--web-workers", type=int, help="Default: asista serve's own default.")
    parser.add_argument("--threads", type=int, help="Threads per web process; default: asista serve's.")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    rates = args.rate or [100.0]
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
    from django.db import connection, connections

    server = None
    reports = []
    try:
        call_command("migrate", verbosity=0)
        seeded_at = time.perf_counter()
        data = seed(args.tickets, args.customers, args.clients)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # autovacuum may be off on a test server; production analyses
        seed_s = round(time.perf_counter() - seeded_at, 1)
        connections.close_all()
        port = free_port()
        command = [sys.executable, "-m", "asista", "serve", "--no-worker", "--bind", f"127.0.0.1:{port}"]
        if args.web_workers:
            command += ["--web-workers", str(args.web_workers)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=(workdir / "serve.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        wait_http(f"http://127.0.0.1:{port}/healthz")
        log = (workdir / "serve.log").read_text().splitlines()
        gunicorn = [line for line in log if "Using worker" in line]
        for rate in rates:
            load_before = os.getloadavg()
            server_cpu, own_cpu = process_tree_cpu(server.pid), time.process_time()
            result = asyncio.run(run_load(port, data, rate, args.duration, args.warmup))
            server_cpu = process_tree_cpu(server.pid) - server_cpu
            own_cpu = time.process_time() - own_cpu
            seconds = args.duration + args.warmup
            reports.append(
                {
                    "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                    "machine": f"{platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}",
                    "load_average_before": [round(v, 2) for v in load_before],
                    "load_average_after": [round(v, 2) for v in os.getloadavg()],
                    "clients": args.clients,
                    "target_rps": rate,
                    "duration_s": args.duration,
                    "tickets": args.tickets,
                    "server": " ".join(command[3:]),
                    "gunicorn": gunicorn[0].split("] ")[-1] if gunicorn else "",
                    "seed_s": seed_s,
                    # CPU of the web processes and of this load generator, in CPUs busy on average
                    # over warm-up + run (PostgreSQL's share is the rest of what the machine used).
                    "cpus_busy_web": round(server_cpu / seconds, 2),
                    "cpus_busy_load_generator": round(own_cpu / seconds, 2),
                    **result,
                }
            )
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)
        connections.close_all()
        drop_database(base_url, name)
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(reports if len(reports) > 1 else reports[0], indent=2))
    if args.markdown:
        for report in reports:
            rate = "closed loop" if report["target_rps"] <= 0 else f"{report['target_rps']:g}"
            load = f"{report['load_average_before'][0]} → {report['load_average_after'][0]}"
            print(
                f"| {report['date']} | {args.clients} | {rate} | {report['throughput_rps']} | "
                f"{report['p50_ms']} | {report['p95_ms']} | {report['p99_ms']} | {report['max_ms']} | "
                f"{report['errors']} | {load} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
