"""`asista mail <action>`: the mail channel from the command line.

asista mail parse FILE|-     print what the parser sees, as JSON; never touches the database
asista mail ingest PATH|-    ingest files, a folder, a maildir, an mbox or stdin; one JSON line each
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
        _add_ingest(actions)

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

    # ------------------------------------------------------------ ingest

    def handle_ingest(self, *, path: str, **_options: Any) -> None:
        _ingest(self, path)


def _read(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"no such file: {file}")
    return path.read_bytes()


# ------------------------------------------------------------ ingest (the ingest pipeline's)

EX_TEMPFAIL = 75  # sysexits.h: an MTA keeps the mail and delivers it again later


def _add_ingest(actions: _SubParsersAction[Any]) -> None:
    ingest_parser = actions.add_parser(
        "ingest", help="ingest raw mail: files, a folder, a maildir, an mbox, or - (MTA pipe)"
    )
    ingest_parser.add_argument("path", metavar="PATH|-", help="where the mail is; - reads one from stdin")


def _ingest(command: BaseCommand, path: str) -> None:
    """Print one JSON line per mail: file, ticket, message, created_ticket, duplicate, flags."""
    from django.db import DatabaseError

    from asista.mail.ingest import mail_ingest_many
    from asista.mail.models import RawMessage
    from asista.mail.sources import batches, read_sources

    source = RawMessage.Source.PIPE if path == "-" else RawMessage.Source.FILE
    try:
        for batch in batches(read_sources(path)):
            results = mail_ingest_many([raw for _name, raw in batch], source=source)
            for (name, _raw), result in zip(batch, results, strict=True):
                line = {"file": name, **result.as_dict()}
                command.stdout.write(json.dumps(line, ensure_ascii=False))
    except FileNotFoundError as exc:
        raise CommandError(f"no such file or folder: {exc}") from exc
    except DatabaseError as exc:  # nothing was stored: tell the MTA to try again later
        raise CommandError(f"database unavailable: {exc}", returncode=EX_TEMPFAIL) from exc
