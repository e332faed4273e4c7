"""`asista mail parse FILE|-` prints the parse as JSON, without a database (no django_db mark:
pytest-django fails any test of this module that touches the database)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

MESSAGES = Path(__file__).resolve().parent / "messages"
ISSUE_KEYS = {
    "from_address", "from_name", "to", "cc", "reply_to", "subject", "message_id", "in_reply_to",
    "references", "date", "text", "html", "attachments", "is_auto_reply", "is_bounce",
    "bounce_original_message_id", "suppress_auto_reply", "defects",
}  # fmt: skip


def run_parse(arg: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("mail", "parse", arg, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_the_fields_the_issue_lists() -> None:
    result = run_parse(str(MESSAGES / "gmail_attachment_rfc2231.eml"))
    assert result.keys() >= ISSUE_KEYS
    assert result["from_address"] == "elena.dumitrescu@gmail.com"
    assert result["attachments"][0]["filename"] == "Situație stocuri şi încasări.xlsx"  # type: ignore[index]


def test_it_reads_stdin_for_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = (MESSAGES / "bounce_postfix.eml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert run_parse("-")["is_bounce"] is True


def test_it_refuses_a_missing_file() -> None:
    with pytest.raises(CommandError):
        run_parse("/nonexistent/message.eml")
