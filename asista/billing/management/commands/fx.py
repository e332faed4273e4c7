"""`asista fx fetch [--feed daily|10days|year] [--year YYYY]` and `asista fx import FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asista.billing import fx, services


class Command(BaseCommand):
    help = "BNR exchange rates: fetch from BNR, or import a downloaded BNR XML file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fetch = sub.add_parser("fetch", help="fetch a BNR feed (default: today's)")
        fetch.add_argument("--feed", choices=["daily", "10days", "year"], default="daily")
        fetch.add_argument("--year", type=int, help="with --feed year")
        fetch.add_argument("--url", help="the daily feed URL (default: settings.ASISTA_BNR_URL)")
        imported = sub.add_parser("import", help="import a BNR XML file (daily, 10 days or a year)")
        imported.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                path: Path = options["file"]
                count = services.fx_import(content=path.read_bytes(), source=str(path))
            else:
                if options["feed"] == "year" and not options["year"]:
                    raise CommandError("--feed year needs --year")
                count = services.fx_fetch(feed=options["feed"], year=options["year"], url=options["url"])
        except (OSError, fx.BnrFormatError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} rates stored")
