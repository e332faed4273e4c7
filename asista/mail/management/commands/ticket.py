"""`asista ticket export NUMBER`: the ticket as JSON, for support and for tests."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from asista.mail.export import ticket_export
from asista.tickets.models import Ticket


class Command(BaseCommand):
    help = "Ticket tools: export NUMBER prints the ticket, its messages and events as JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser("export", help="print one ticket as JSON")
        export.add_argument("number", type=int, metavar="NUMBER")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = ticket_export(options["number"])
        except Ticket.DoesNotExist as exc:
            raise CommandError(f"no ticket #{options['number']}") from exc
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
