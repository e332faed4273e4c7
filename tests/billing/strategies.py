"""Hypothesis strategies for billing documents."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import strategies as st

from asista.billing.document import CREDIT_NOTE, INVOICE, Document, Line
from asista.billing.vat import VatCategory
from tests.billing.conftest import BUYER, SELLER, make_document

ROMANIAN = "aăâbcdefghiîjklmnopqrsștțuvwxyzAĂÂBCDEFGHIÎJKLMNOPQRSȘTȚUVWXYZ0123456789 -.,/()&"

quantities = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("500"), places=1)
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000"), places=2)
rates = st.decimals(min_value=Decimal("4.5"), max_value=Decimal("6"), places=4)
texts = st.text(alphabet=ROMANIAN, min_size=1, max_size=60).map(str.strip).filter(bool)
units = st.sampled_from(["C62", "HUR", "MON", "ANN", "KMT"])
taxed = st.sampled_from(
    [
        (VatCategory.STANDARD, Decimal(19)),
        (VatCategory.STANDARD, Decimal(21)),
        (VatCategory.REVERSE_CHARGE, Decimal(0)),
        (VatCategory.EXEMPT, Decimal(0)),
    ]
)


@st.composite
def lines(draw: st.DrawFn, categories: st.SearchStrategy = taxed) -> Line:
    category, percent = draw(categories)
    return Line(draw(texts), draw(quantities), draw(units), draw(prices), category, percent)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """VAT-registered documents mixing S/AE/E, or all-O documents between non-registered parties
    (EN 16931 BR-O-02/11: category O stands alone and carries no VAT ids)."""
    not_subject = draw(st.booleans()) and draw(st.booleans())
    if not_subject:
        category = st.just((VatCategory.NOT_SUBJECT, Decimal(0)))
        items = draw(st.lists(lines(category), min_size=1, max_size=8))
    else:
        items = draw(st.lists(lines(), min_size=1, max_size=8))
    doc = make_document(
        items,
        kind=draw(st.sampled_from([INVOICE, CREDIT_NOTE])),
        bnr_rate=draw(rates),
        number=f"AST-{draw(st.integers(1, 999999)):06d}",
    )
    if not_subject:
        doc = replace(doc, seller=replace(SELLER, tax_id="18547290"), buyer=replace(BUYER, tax_id="16179010"))
    return doc
