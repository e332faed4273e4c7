"""Every message of the corpus parses to its reviewed expectation (NAME.eml + NAME.json).

The JSON lists the fields that matter for that message; `text_contains`, `html_contains` and
`html_excludes` hold snippets where the whole value would be noise (long bounces, sanitized HTML).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from asista.mail.parsing import parse

MESSAGES = Path(__file__).resolve().parent / "messages"
CASES = sorted(MESSAGES.glob("*.eml"))
SNIPPET_KEYS = {"text_contains", "html_contains", "html_excludes"}


def test_the_corpus_has_at_least_sixty_messages_each_with_an_expectation() -> None:
    assert len(CASES) >= 60
    assert [p for p in CASES if not p.with_suffix(".json").exists()] == []


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_it_parses_the_message_as_expected(path: Path) -> None:
    expected: dict[str, Any] = json.loads(path.with_suffix(".json").read_text("utf-8"))
    mail = parse(path.read_bytes())
    actual = mail.as_dict()
    for key, value in expected.items():
        if key in SNIPPET_KEYS:
            continue
        assert actual[key] == value, f"{path.stem}: {key}"
    for snippet in expected.get("text_contains", []):
        assert snippet in mail.text, f"{path.stem}: text lacks {snippet!r}"
    for snippet in expected.get("html_contains", []):
        assert snippet in mail.html, f"{path.stem}: html lacks {snippet!r}"
    for snippet in expected.get("html_excludes", []):
        assert snippet not in mail.html, f"{path.stem}: html keeps {snippet!r}"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_attachment_sizes_and_hashes_match_their_bytes(path: Path) -> None:
    import hashlib

    for attachment in parse(path.read_bytes()).attachments:
        assert attachment.size == len(attachment.data)
        assert attachment.sha256 == hashlib.sha256(attachment.data).hexdigest()
