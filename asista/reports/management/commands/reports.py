"""`asista reports refresh [--full]`: bring the reports' fact tables up to date.

asista reports refresh          # what changed since the last run
asista reports refresh --full   # rebuild every fact
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from asista.core.clock import now as clock_now
from asista.reports.services import facts_refresh


class Command(BaseCommand):
    help = "Refresh the facts the reports read."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="recompute the facts of changed tickets and months")
        refresh.add_argument("--full", action="store_true", help="rebuild every fact")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = facts_refresh(now=clock_now(), full=options["full"])
        self.stdout.write(
            f"{'full' if result.full else 'incremental'} refresh: {result.tickets} tickets, "
            f"{result.clocks} SLA verdicts, {result.customer_months} customer-months "
            f"in {time.perf_counter() - started:.1f} s (generation {result.generation})"
        )
