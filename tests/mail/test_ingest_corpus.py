"""The team corpus through the whole pipeline, and damaged mail that must never break the ingester."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from asista.customers.models import ContactEmail
from asista.mail.export import ticket_export
from asista.mail.ingest import mail_ingest
from asista.mail.models import RawMessage
from asista.mail.parsing.verdicts import is_daemon_sender
from tests.mail.ingest_support import known

pytestmark = pytest.mark.django_db

MESSAGES = Path(__file__).resolve().parent / "messages"
CASES = sorted(MESSAGES.glob("*.eml"))


@pytest.fixture(autouse=True)
def _mail_settings(settings):  # type: ignore[no-untyped-def]
    settings.ASISTA_MAIL_DOMAIN = "vendor.example"
    settings.ASISTA_SUPPORT_ADDRESS = "suport@vendor.example"
    settings.ASISTA_MAIL_ACK_LIMIT_PER_HOUR = 1000


def expected(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.with_suffix(".json").read_text("utf-8")))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_from_a_known_sender_each_mail_becomes_what_it_should(path: Path) -> None:
    want = expected(path)
    sender = want.get("from_address", "")
    noise = want.get("is_auto_reply") or want.get("is_bounce")
    if sender and not is_daemon_sender(sender) and not ContactEmail.objects.filter(address__iexact=sender):
        known(sender)
    result = mail_ingest(path.read_bytes(), source=RawMessage.Source.FILE, now=timezone.now())
    assert not result.duplicate and "error" not in result.flags
    if noise:
        assert not result.created_ticket
        assert result.raw.status in {RawMessage.Status.IGNORED, RawMessage.Status.PROCESSED}
        return
    if not sender:
        assert result.raw.status == RawMessage.Status.TRIAGE
        return
    assert result.created_ticket, result.flags
    [message] = ticket_export(result.ticket.number)["messages"]
    for snippet in want.get("text_contains", []):
        assert snippet in message["text"]
    if "text" in want:
        assert message["text"] == want["text"]
    attachments = [(a["filename"], a["sha256"]) for a in message["attachments"]]
    assert attachments == [(a["filename"], a["sha256"]) for a in want.get("attachments", [])]
    assert result.ticket.is_unparsed == ("unparsed" in want.get("defects", []))


def test_the_whole_corpus_from_unknown_senders_opens_no_ticket_and_loses_nothing() -> None:
    statuses = []
    for path in CASES:
        result = mail_ingest(path.read_bytes(), source=RawMessage.Source.FILE, now=timezone.now())
        assert result.ticket is None or not result.created_ticket
        statuses.append(result.raw.status)
    assert RawMessage.objects.count() == len({p.read_bytes() for p in CASES}) - _same_message_ids()
    assert set(statuses) <= {RawMessage.Status.TRIAGE, RawMessage.Status.IGNORED, RawMessage.Status.PROCESSED}


def _same_message_ids() -> int:
    ids = [expected(p).get("message_id", "") for p in CASES]
    present = [i for i in ids if i]
    return len(present) - len(set(present))


SEEDS = [p.read_bytes() for p in CASES if p.stat().st_size < 20_000]


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at : at + draw(st.integers(1, 200))]
        elif op == "insert":
            raw[at:at] = draw(st.sampled_from([b"\r\n", b"\n\n", b"=?utf-8?b?", b"--", b"\x00", b"\xff\xfe"]))
        else:
            raw[at:at] = raw[at : at + draw(st.integers(1, 300))]
    return bytes(raw)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=damaged())
def test_damaged_mail_never_gets_an_exception_out_of_the_ingester(raw: bytes) -> None:
    known_senders = {"ana@client.example"}
    if not ContactEmail.objects.filter(address__in=known_senders).exists():
        known("ana@client.example")
    result = mail_ingest(raw, source=RawMessage.Source.FILE, now=timezone.now())
    assert result.raw.pk is not None
    assert "error" not in result.flags
