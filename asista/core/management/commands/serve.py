"""`asista serve`: gunicorn (several processes) and a job worker, as one command.

Ctrl-C or SIGTERM stops both gracefully (gunicorn finishes in-flight requests, the worker its
running jobs); if either child dies, the other is stopped too and `serve` exits non-zero, so a
supervisor (systemd, a container runtime) restarts the pair.

gunicorn loads the application once, in its master, before forking the web processes
(`--preload`, with `warmed_application()` below): every process starts with the URLconf, the API
schemas and the translations already imported, instead of spending its first request (0.6–2 s of
CPU) on them while other requests queue behind it. Processes recycled by `--max-requests` are
forked warm too. The price: new code needs a restart (`systemctl restart`), not a HUP.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

STOP_GRACE_SECONDS = 35
APPLICATION = "asista.core.management.commands.serve:warmed_application()"


def warm_up() -> None:
    """Load what a first request would otherwise load lazily, in the gunicorn master.

    No database connection may survive this (the forked processes would share its socket); the
    objects that exist now are frozen out of the garbage collector's view, so that a full
    collection in a web process does not walk Django's ~150,000 import-time objects (100 ms with
    the GIL held) and the pages shared with the master after the fork stay shared.
    """
    import gc

    from django.conf import settings
    from django.db import connections
    from django.urls import Resolver404, get_resolver, resolve
    from django.utils import translation

    _ = get_resolver().url_patterns  # imports every view, the API with its schemas, the admin
    for path in ("/healthz", "/api/v1/tickets", "/api/v1/tickets/1", "/desk/", "/portal/"):
        with contextlib.suppress(Resolver404):
            resolve(path)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Tickets")  # loads the catalogues
    connections.close_all()
    gc.collect()
    gc.freeze()


def warmed_application() -> Any:
    """The WSGI application for gunicorn, warmed up (gunicorn calls this once, with --preload)."""
    from asista.wsgi import application

    warm_up()
    return application


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip().isdigit() else default


class Command(BaseCommand):
    help = "Serve Asista: a gunicorn WSGI server with several processes, plus a job worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("ASISTA_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--web-workers",
            type=int,
            default=_env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1),
            help="gunicorn processes (default 2 × CPUs + 1, or WEB_CONCURRENCY).",
        )
        parser.add_argument(
            "--threads", type=int, default=_env_int("WEB_THREADS", 1), help="Threads per web process."
        )
        parser.add_argument("--job-workers", type=int, default=_env_int("JOB_WORKERS", 2))
        parser.add_argument("--no-worker", action="store_true", help="Web only (workers run elsewhere).")
        parser.add_argument("--access-log", action="store_true", help="Log every request to stdout.")

    def gunicorn_command(self, options: dict[str, Any]) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            APPLICATION,
            "--preload",
            "--bind",
            options["bind"],
            "--workers",
            str(max(1, options["web_workers"])),
            "--threads",
            str(max(1, options["threads"])),
            "--graceful-timeout",
            "30",
            "--timeout",
            "60",
            "--keep-alive",
            "5",
            "--max-requests",
            "5000",
            "--max-requests-jitter",
            "500",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        if options["access_log"]:
            command += ["--access-logfile", "-"]
        return command

    def handle(self, *args: Any, **options: Any) -> None:
        commands = [self.gunicorn_command(options)]
        if not options["no_worker"]:
            commands.append(
                [sys.executable, "-m", "asista", "worker", "--workers", str(options["job_workers"])]
            )
        stopping: list[int] = []

        def stop(signum: int, frame: Any) -> None:
            stopping.append(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # Children get their own process group: a terminal's Ctrl-C reaches only `serve`, which
        # then stops each child once, gracefully, in order.
        children = [subprocess.Popen(command, start_new_session=True) for command in commands]
        names = {child.pid: command[2] for child, command in zip(children, commands, strict=True)}
        self.stdout.write(f"Asista is serving on http://{options['bind']} (Ctrl-C to stop)")
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
        crashed = [child for child in children if child.poll() is not None]
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)  # graceful for gunicorn and for the worker
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if crashed and not stopping:
            self.stderr.write(f"stopped: {names[crashed[0].pid]} exited with {crashed[0].returncode}")
            raise SystemExit(1)
