"""`asista worker`: run job workers (threads in one process) with the periodic scheduler.

Ctrl-C (SIGINT) and SIGTERM both stop gracefully: no new task is taken and running ones finish
(within --shutdown-timeout). A job cut short anyway (kill -9, power loss) is not lost: its work
is rows in the database that the next periodic sweep claims again.
"""

from __future__ import annotations

import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background job workers (on this or another machine); stops cleanly on Ctrl-C/SIGTERM."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=2, help="Worker threads (default 2).")
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Do not enqueue periodic jobs from this process (another worker does).",
        )
        parser.add_argument(
            "--shutdown-timeout",
            type=float,
            default=30.0,
            help="Seconds to let running jobs finish on stop (default 30).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        import asista.jobs  # noqa: F401  (registers every task and schedule)

        if HUEY.immediate:
            self.stderr.write("HUEY_IMMEDIATE is set: jobs run inside the web process; no worker needed.")
            return
        logging.getLogger("huey.consumer").setLevel(logging.INFO)
        consumer = HUEY.create_consumer(
            workers=max(1, options["workers"]),
            worker_type="thread",
            periodic=not options["no_scheduler"],
            shutdown_timeout=options["shutdown_timeout"],
            graceful_signal="TERM",
            check_worker_health=True,
        )
        # Ctrl-C is graceful too (huey makes the non-graceful signal an immediate stop).
        consumer._signal_actions[signal.SIGINT] = (False, True)
        self.stdout.write(
            f"Asista worker: {options['workers']} thread(s), scheduler "
            f"{'off' if options['no_scheduler'] else 'on'}, queue {HUEY.name!r} ({type(HUEY).__name__})"
        )
        consumer.run()
