"""PDF of an invoice or credit note (fpdf2, embedded DejaVu Sans so ș ț ă î â render). Pure."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from asista.billing.document import CREDIT_NOTE, Document, Party, PricedLine
from asista.billing.efactura import rate_note

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
COLUMNS = (  # (title, width mm, align)
    ("Nr.", 8, "C"),
    ("Denumire", 64, "L"),
    ("U.M.", 11, "C"),
    ("Cant.", 14, "R"),
    ("Preț EUR", 18, "R"),
    ("Preț lei", 20, "R"),
    ("Valoare lei", 24, "R"),
    ("TVA", 12, "R"),
)
# fontTools logs a dozen INFO lines per subset (one per PDF); under an INFO root logger that
# costs more than the rendering itself.
logging.getLogger("fontTools").setLevel(logging.WARNING)
UNIT_NAMES = {"C62": "buc", "HUR": "ore", "MON": "lună", "ANN": "an", "KMT": "km"}


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ")


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    return pdf


def _party_block(pdf: FPDF, title: str, party: Party, x: float, y: float) -> None:
    pdf.set_xy(x, y)
    pdf.set_font(FAMILY, "B", 9)
    pdf.cell(90, 5, title, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8)
    rows = [
        party.name,
        f"CIF: {party.tax_id}" + (f"   Reg. Com.: {party.trade_register}" if party.trade_register else ""),
        ", ".join(p for p in (party.address, party.city, party.county, party.postal_code) if p),
        f"IBAN: {party.iban} {party.bank}".strip() if party.iban else "",
        party.email,
    ]
    for row in rows:
        if row:
            pdf.multi_cell(90, 4, row, new_x="LEFT", new_y="NEXT")


def _header(pdf: FPDF, doc: Document) -> None:
    title = "FACTURĂ STORNO (NOTĂ DE CREDIT)" if doc.kind == CREDIT_NOTE else "FACTURĂ"
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(0, 8, f"{title} nr. {doc.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    dates = f"Data emiterii: {doc.issue_date:%d.%m.%Y}    Scadență: {doc.due_date:%d.%m.%Y}"
    if doc.period_start and doc.period_end:
        dates += f"    Perioada: {doc.period_start:%d.%m.%Y} – {doc.period_end:%d.%m.%Y}"
    pdf.cell(0, 5, dates, new_x="LMARGIN", new_y="NEXT")
    if doc.original_number:
        original = f"Stornează factura {doc.original_number}"
        if doc.original_date:
            original += f" din {doc.original_date:%d.%m.%Y}"
        pdf.cell(0, 5, original, new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    _party_block(pdf, "Furnizor", doc.seller, 10, top)
    bottom = pdf.get_y()
    _party_block(pdf, "Cumpărător", doc.buyer, 110, top)
    pdf.set_xy(10, max(bottom, pdf.get_y()) + 4)


def _row(pdf: FPDF, cells: tuple[str, ...], bold: bool = False) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", 7.5)
    for (_, width, align), text in zip(COLUMNS, cells, strict=True):
        pdf.cell(width, 6, text, border=1, align=align)
    pdf.ln()


def _line_cells(index: int, priced: PricedLine) -> tuple[str, ...]:
    line = priced.line
    return (
        str(index),
        line.description[:48],
        UNIT_NAMES.get(line.unit_code, line.unit_code),
        f"{line.quantity.normalize():f}",
        _money(line.unit_price_eur),
        f"{priced.unit_price_ron:.4f}",
        _money(priced.net_ron),
        f"{line.vat_category.value} {line.vat_percent.normalize():f}%",
    )


def _totals(pdf: FPDF, doc: Document) -> None:
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 8.5)
    for group in doc.totals.groups:
        label = f"TVA {group.category.value} {group.percent.normalize():f}%"
        text = f"{label}: bază {_money(group.taxable_ron)} lei, TVA {_money(group.vat_ron)} lei"
        pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        if group.exemption_text:
            pdf.multi_cell(0, 4, group.exemption_text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 10)
    totals = doc.totals
    pdf.cell(0, 6, f"Total fără TVA: {_money(totals.net_ron)} lei", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"TVA: {_money(totals.vat_ron)} lei", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Total de plată: {_money(totals.total_ron)} lei", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8)
    pdf.ln(2)
    for note in (rate_note(doc), *doc.notes):
        pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")


def _appendix(pdf: FPDF, title: str, text: str) -> None:
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8)
    pdf.multi_cell(0, 4, text, new_x="LMARGIN", new_y="NEXT")


def render(doc: Document, *, appendix: str = "") -> bytes:
    """The PDF bytes of `doc`, with the exchange rate and its BNR date printed; `appendix` (the
    month's statement) follows on its own page."""
    pdf = _new_pdf()
    pdf.set_title(f"{doc.number}")
    # Dated by the invoice, not the clock: the same invoice always renders the same bytes.
    pdf.set_creation_date(datetime.combine(doc.issue_date, time(0), tzinfo=UTC))
    _header(pdf, doc)
    _row(pdf, tuple(title for title, _, _ in COLUMNS), bold=True)
    for index, priced in enumerate(doc.totals.lines, start=1):
        _row(pdf, _line_cells(index, priced))
    _totals(pdf, doc)
    if appendix:
        _appendix(pdf, "Anexă: situația lunii", appendix)
    return bytes(pdf.output())
