"""Damaged real messages never get an exception out of `parse()`, and what comes back is storable.

Mutations of corpus messages: byte flips, truncation, duplicated header lines, damaged MIME
boundaries, deleted line breaks. Both engines are exercised: fast-mail-parser (default) and the
stdlib fallback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asista.mail.parsing import ParsedMail, engines, parse

CORPUS = [p.read_bytes() for p in sorted((Path(__file__).parent / "messages").glob("*.eml"))]
CORPUS = [raw for raw in CORPUS if raw]


def _flip(raw: bytes, data: st.DataObject) -> bytes:
    buf = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 8))):
        index = data.draw(st.integers(0, len(buf) - 1))
        buf[index] = data.draw(st.integers(0, 255))
    return bytes(buf)


def _truncate(raw: bytes, data: st.DataObject) -> bytes:
    return raw[: data.draw(st.integers(0, len(raw)))]


def _duplicate_header(raw: bytes, data: st.DataObject) -> bytes:
    lines = raw.split(b"\n")
    head = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    index = data.draw(st.integers(0, max(head - 1, 0)))
    copies = data.draw(st.integers(1, 5))
    return b"\n".join(lines[: index + 1] + [lines[index]] * copies + lines[index + 1 :])


def _damage_boundaries(raw: bytes, data: st.DataObject) -> bytes:
    match = re.search(rb'boundary="?([^";\r\n]+)', raw)
    if not match:
        return _flip(raw, data)
    boundary = match.group(1)
    damage = data.draw(st.sampled_from([b"", boundary[:-1], boundary + b"x", b"--" + boundary]))
    count = data.draw(st.integers(1, 4))
    return (
        raw.replace(b"--" + boundary, b"--" + damage, count) if damage else raw.replace(boundary, b"", count)
    )


def _join_lines(raw: bytes, data: st.DataObject) -> bytes:
    start = data.draw(st.integers(0, len(raw)))
    return raw[:start] + raw[start:].replace(b"\n", b"", data.draw(st.integers(1, 6)))


MUTATIONS = [_flip, _truncate, _duplicate_header, _damage_boundaries, _join_lines]


@st.composite
def damaged_messages(draw: st.DrawFn) -> bytes:
    data = draw(st.data())
    raw = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 3))):
        raw = draw(st.sampled_from(MUTATIONS))(raw, data) or raw
    return raw


def _assert_storable(mail: ParsedMail) -> None:
    # Lone surrogates or other unencodable text would break the database and the JSON output.
    json.dumps(mail.as_dict(), ensure_ascii=False).encode("utf-8")
    for attachment in mail.attachments:
        assert attachment.size == len(attachment.data)
        attachment.filename.encode("utf-8")


@contextmanager
def _stdlib_only() -> Iterator[None]:
    saved = engines.fast_engine_available
    engines.fast_engine_available = lambda: False  # type: ignore[assignment]
    try:
        yield
    finally:
        engines.fast_engine_available = saved  # type: ignore[assignment]


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(damaged_messages())
def test_it_never_raises_on_damaged_mail(raw: bytes) -> None:
    _assert_storable(parse(raw))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_messages())
def test_the_stdlib_engine_never_raises_on_damaged_mail(raw: bytes) -> None:
    with _stdlib_only():
        _assert_storable(parse(raw))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_it_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    _assert_storable(parse(raw))
