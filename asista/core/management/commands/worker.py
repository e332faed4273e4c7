from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background job workers only (for extra machines); stops cleanly on SIGTERM/Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        import asista.jobs  # noqa: F401  (registers every task and schedule)

        call_command("run_huey", workers=options["workers"], worker_type="thread")
