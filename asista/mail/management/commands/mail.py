"""`asista mail <action>`: the mail channel from the command line.

asista mail parse FILE|-     print what the parser sees, as JSON; never touches the database
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser, _SubParsersAction
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from asista.mail.parsing import parse


class Command(BaseCommand):
    help = "Mail channel tools: parse (ingest is added with the ingest pipeline)."
    # `parse` must work on a machine with no database; checks would open a connection.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        self._add_parse(actions)
        # ---- ingest: added by the ingest pipeline (transport → parser → ticket services). ----

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"handle_{options['action']}", None)
        if handler is None:
            raise CommandError(f"unknown action {options['action']!r}")
        handler(**options)

    # ------------------------------------------------------------ parse

    @staticmethod
    def _add_parse(actions: _SubParsersAction[Any]) -> None:
        parse_parser = actions.add_parser("parse", help="print the parse of one raw message as JSON")
        parse_parser.add_argument("file", metavar="FILE|-", help="a raw .eml file, or - for stdin")

    def handle_parse(self, *, file: str, **_options: Any) -> None:
        """Print the parser's view of one message: for support, and for writing corpus tests."""
        raw = _read(file)
        result = parse(raw).as_dict()
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))


def _read(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"no such file: {file}")
    return path.read_bytes()
