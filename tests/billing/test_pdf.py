from __future__ import annotations

import zlib
from datetime import UTC, datetime
from decimal import Decimal

import time_machine
from fontTools.ttLib import TTFont

from asista.billing import pdf
from asista.billing.document import CREDIT_NOTE, Line
from tests.billing.conftest import make_document

DIACRITICS = "șțăîâȘȚĂÎÂ"


def test_the_embedded_fonts_have_every_romanian_diacritic() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        cmap = TTFont(str(pdf.FONTS / name)).getBestCmap()
        assert all(ord(char) in cmap for char in DIACRITICS + "€„”–")


def _streams(data: bytes) -> bytes:
    """The inflated content of every stream, to read the text the PDF draws."""
    out = []
    for chunk in data.split(b"stream\n")[1:]:
        body = chunk.split(b"\nendstream")[0]
        try:
            out.append(zlib.decompress(body))
        except zlib.error:
            out.append(body)
    return b"\n".join(out)


def test_it_renders_an_invoice_with_the_rate_and_its_date() -> None:
    doc = make_document(
        [Line("Intervenție la sediu, Făgăraș — ștergere, țintă", Decimal(3), "HUR", Decimal(40))]
    )
    data = pdf.render(doc)
    assert data.startswith(b"%PDF-")
    assert b"/FontFile2" in data  # the TrueType font is embedded, not referenced
    # fpdf2 writes a ToUnicode map: the diacritics are real characters, not lookalikes.
    text = _streams(data)
    for char in "șțăî":
        assert f"{ord(char):04X}".encode() in text
    assert doc.rate == Decimal("5.2005")


def test_it_renders_a_credit_note() -> None:
    data = pdf.render(
        make_document([Line("Storno unități", Decimal(1), "C62", Decimal(25))], kind=CREDIT_NOTE)
    )
    assert data.startswith(b"%PDF-")


def test_the_same_invoice_always_renders_the_same_bytes() -> None:
    doc = make_document([Line("Asistență", Decimal(2), "C62", Decimal(25))])
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        first = pdf.render(doc, appendix="Situația lunii")
    # months later: a PDF dated by the clock would differ
    with time_machine.travel(datetime(2027, 3, 5, 17, 30, tzinfo=UTC), tick=False):
        assert pdf.render(doc, appendix="Situația lunii") == first
