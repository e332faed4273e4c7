"""Every generated e-Factura validates against the UBL 2.1 XSD and CIUS-RO 1.0.9 (no fatal)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from lxml import etree

from asista.billing import efactura, vat
from asista.billing.document import CREDIT_NOTE, Document, Line
from tests.billing.conftest import BUYER, Validators, make_document
from tests.billing.strategies import documents

NS = {"cbc": efactura.CBC, "cac": efactura.CAC}


def assert_valid(validators: Validators, doc: Document) -> bytes:
    xml = efactura.to_xml(doc)
    assert validators.xsd_errors(xml) == []
    assert validators.fatal(xml) == []
    return xml


def expert_month() -> list[Line]:
    return [
        Line("Abonament Expert, decembrie 2025", Decimal(1), "MON", Decimal("300.00")),
        Line("Posturi de lucru (3 × 15 EUR)", Decimal(3), "C62", Decimal("15.00")),
        Line("Unități de asistență peste cele incluse", Decimal(4), "C62", Decimal("25.00")),
        Line("Intervenție la sediu, Făgăraș", Decimal(3), "HUR", Decimal("40.00")),
        Line("Deplasare în afara Brașovului, 120 km", Decimal(1), "C62", Decimal("130.00")),
    ]


def test_an_invoice_validates(validators: Validators) -> None:
    xml = assert_valid(validators, make_document(expert_month()))
    root = etree.fromstring(xml)
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == efactura.CUSTOMIZATION_ID
    assert root.findtext("cbc:DocumentCurrencyCode", namespaces=NS) == "RON"


def test_a_credit_note_validates_and_references_its_invoice(validators: Validators) -> None:
    xml = assert_valid(validators, make_document(expert_month(), kind=CREDIT_NOTE))
    root = etree.fromstring(xml)
    assert root.tag == f"{{{efactura.NS_CREDIT}}}CreditNote"
    assert (
        root.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=NS)
        == "AST-000000"
    )


def test_july_2025_work_invoiced_in_august_2025_carries_19_percent(validators: Validators) -> None:
    """Work done in July 2025, invoice issued Fri 2025-08-01 (first day of 21 %).
    The rate follows the service date: rate_on(2025-07-31) = 19 %.
    BNR EUR 2025-08-01 = 5.0770; invoice rate = 5.0770 × 1.02 = 5.178540 → 5.1785.
    4 units × 25 EUR: RON price = 25 × 5.1785 = 129.4625; net = 4 × 129.4625 = 517.85;
    VAT = 517.85 × 19 % = 98.3915 → 98.39; total 616.24 lei."""
    percent = vat.rate_on(date(2025, 7, 31))
    assert percent == Decimal(19)
    line = Line(
        "Unități peste cele incluse, iulie 2025",
        Decimal(4),
        "C62",
        Decimal(25),
        vat_percent=percent,
    )
    doc = make_document(
        [line], bnr_rate=Decimal("5.0770"), bnr_date=date(2025, 8, 1), issue_date=date(2025, 8, 1)
    )
    assert doc.rate == Decimal("5.1785")
    assert (doc.totals.net_ron, doc.totals.vat_ron, doc.totals.total_ron) == (
        Decimal("517.85"),
        Decimal("98.39"),
        Decimal("616.24"),
    )
    xml = assert_valid(validators, doc)
    assert (
        etree.fromstring(xml).findtext(".//cac:TaxSubtotal/cac:TaxCategory/cbc:Percent", namespaces=NS)
        == "19.00"
    )


def test_a_buyer_that_is_not_a_vat_payer_validates(validators: Validators) -> None:
    buyer = replace(BUYER, tax_id="16179010", trade_register="")
    assert_valid(validators, make_document(expert_month(), buyer=buyer))


def test_the_validator_catches_a_wrong_customization(validators: Validators) -> None:
    """Guard against a validator that passes everything: the 1.0.0 id is fatal (BR-RO-001)."""
    xml = efactura.to_xml(make_document(expert_month())).replace(b"CIUS-RO:1.0.1", b"CIUS-RO:1.0.0")
    assert "BR-RO-001" in {rule for _, rule, _ in validators.fatal(xml)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_every_generated_document_validates(validators: Validators, doc: Document) -> None:
    assert_valid(validators, doc)


def test_an_invoice_with_a_credit_of_unused_days_validates(validators: Validators) -> None:
    """A mid-year change: new annual fee 3450 and a credit line of −1 × 793.97 EUR."""
    lines = [
        Line("Abonament anual Expert, 01.10.2026–30.09.2027", Decimal(1), "ANN", Decimal("3000.00")),
        Line("Posturi de lucru, abonament anual", Decimal(3), "C62", Decimal("150.00")),
        Line("Credit zile neutilizate, abonament anual Expert", Decimal(-1), "C62", Decimal("793.97")),
    ]
    doc = make_document(lines)
    assert doc.totals.net_eur == Decimal("2656.03")
    assert_valid(validators, doc)
