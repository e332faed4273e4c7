"""Shared fixtures of the billing tests: the shared/ artefacts, the e-Factura validators (compiled
once per session) and builders of plain documents."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from asista.billing.document import INVOICE, Document, Line, Party, compute
from asista.billing.fx import invoice_rate

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SVRL = "http://purl.oclc.org/dsdl/svrl"


def need_shared(relative: str) -> Path:
    """A path under shared/, or skip (fail under ASISTA_STRICT=1) when CI did not put it there."""
    path = SHARED / relative
    if not path.exists():
        reason = f"{path} is missing: clone shared/ beside the repository"
        if os.environ.get("ASISTA_STRICT") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@dataclass
class Validators:
    invoice_xsd: etree.XMLSchema
    credit_xsd: etree.XMLSchema
    processor: object
    cius_ro: object

    def xsd_errors(self, xml: bytes) -> list[str]:
        root = etree.fromstring(xml)
        schema = self.credit_xsd if root.tag.endswith("}CreditNote") else self.invoice_xsd
        schema.validate(root)
        return [str(error) for error in schema.error_log]

    def failed_asserts(self, xml: bytes) -> list[tuple[str, str, str]]:
        node = self.processor.parse_xml(xml_text=xml.decode("utf-8"))  # type: ignore[attr-defined]
        report = etree.fromstring(self.cius_ro.transform_to_string(xdm_node=node).encode())  # type: ignore[attr-defined]
        return [
            (f.get("flag", ""), f.get("id", ""), (f.findtext(f"{{{SVRL}}}text") or "").strip())
            for f in report.iter(f"{{{SVRL}}}failed-assert")
        ]

    def fatal(self, xml: bytes) -> list[tuple[str, str, str]]:
        return [f for f in self.failed_asserts(xml) if f[0] == "fatal"]


@pytest.fixture(scope="session")
def validators() -> Iterator[Validators]:
    maindoc = need_shared("validation/ubl-2.1/xsd/maindoc")
    xslt = need_shared("validation/cius-ro-1.0.9/xslt/EN16931-CIUS_RO-UBL-validation.xslt")
    saxonche = pytest.importorskip("saxonche")
    with saxonche.PySaxonProcessor(license=False) as processor:
        executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(xslt))
        yield Validators(
            etree.XMLSchema(etree.parse(str(maindoc / "UBL-Invoice-2.1.xsd"))),
            etree.XMLSchema(etree.parse(str(maindoc / "UBL-CreditNote-2.1.xsd"))),
            processor,
            executable,
        )


SELLER = Party(
    name="Asista Soft SRL",
    tax_id="RO18547290",
    city="Brașov",
    county="RO-BV",
    address="Str. Republicii nr. 12",
    postal_code="500030",
    trade_register="J08/1234/2005",
    email="facturare@asista.example",
    iban="RO49AAAA1B31007593840000",
    bank="Banca Transilvania",
)
BUYER = Party(
    name="Țesătoria Șercaia Ăîâ SRL",
    tax_id="RO16179010",
    city="Făgăraș",
    county="RO-BV",
    address="Str. Negoiului nr. 3",
    postal_code="505200",
    trade_register="J08/77/2004",
)


def make_document(
    lines: list[Line],
    *,
    kind: str = INVOICE,
    bnr_rate: Decimal = Decimal("5.0985"),
    bnr_date: date = date(2025, 12, 31),
    issue_date: date = date(2026, 1, 2),
    buyer: Party = BUYER,
    number: str = "AST-000001",
) -> Document:
    rate = invoice_rate(bnr_rate)
    return Document(
        kind=kind,
        number=number,
        issue_date=issue_date,
        due_date=date.fromordinal(issue_date.toordinal() + 15),
        seller=SELLER,
        buyer=buyer,
        totals=compute(lines, rate),
        rate=rate,
        bnr_rate=bnr_rate,
        bnr_date=bnr_date,
        markup=Decimal("0.02"),
        period_start=date(2025, 12, 1),
        period_end=date(2025, 12, 31),
        original_number="AST-000000" if kind != INVOICE else "",
        original_date=date(2025, 12, 1) if kind != INVOICE else None,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A real HTTP server on 127.0.0.1 serving `tmp_path`; yields (root, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
