"""e-Factura XML (UBL 2.1 Invoice / CreditNote, CIUS-RO) from a `Document`. Pure, lxml only.

Element order follows the UBL 2.1 schemas (xsd:sequence), so the output validates against
UBL-Invoice-2.1.xsd / UBL-CreditNote-2.1.xsd; the business rules are those of CIUS-RO 1.0.9.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from asista.billing.document import CREDIT_NOTE, Document, Party, PricedLine, VatGroup
from asista.billing.vat import VatCategory

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"
NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CURRENCY = "RON"
PAYMENT_CREDIT_TRANSFER = "30"
NOTE_LIMIT = 300  # BR-RO-A300 style length cap for free texts


def missing_address(party: Party) -> list[str]:
    """Address fields CIUS-RO requires of both parties (BR-RO-080..082, BT-35/37/39, BT-50/52/54)."""
    return [name for name in ("address", "city", "county") if not getattr(party, name).strip()]


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _cbc(parent: etree._Element, name: str, text: str | Decimal | date, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", **attrs)
    element.text = text.isoformat() if isinstance(text, date) else str(text)
    return element


def _amount(parent: etree._Element, name: str, value: Decimal) -> None:
    _cbc(parent, name, f"{value:.2f}", currencyID=CURRENCY)


def _address(party_el: etree._Element, party: Party) -> None:
    address = _cac(party_el, "PostalAddress")
    if party.address:
        _cbc(address, "StreetName", party.address)
    _cbc(address, "CityName", party.city)
    if party.postal_code:
        _cbc(address, "PostalZone", party.postal_code)
    _cbc(address, "CountrySubentity", party.county)
    _cbc(_cac(address, "Country"), "IdentificationCode", party.country)


def _party(parent: etree._Element, role: str, party: Party) -> None:
    party_el = _cac(_cac(parent, role), "Party")
    _address(party_el, party)
    if party.is_vat_payer:
        scheme = _cac(party_el, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.tax_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    legal = _cac(party_el, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    # Non-payers are identified by the bare CUI (BT-47/BT-30); payers may add the trade register.
    legal_id = party.trade_register if party.is_vat_payer else party.tax_id
    if legal_id:
        _cbc(legal, "CompanyID", legal_id)
    if party.email or party.phone:
        contact = _cac(party_el, "Contact")
        if party.phone:
            _cbc(contact, "Telephone", party.phone)
        if party.email:
            _cbc(contact, "ElectronicMail", party.email)


def _tax_category(
    parent: etree._Element, name: str, category: VatCategory, percent: Decimal
) -> etree._Element:
    element = _cac(parent, name)
    _cbc(element, "ID", category.value)
    if category is not VatCategory.NOT_SUBJECT:  # BR-O-05: no rate on "not subject"
        _cbc(element, "Percent", f"{percent:.2f}")
    return element


def _tax_total(root: etree._Element, doc: Document) -> None:
    total = _cac(root, "TaxTotal")
    _amount(total, "TaxAmount", doc.totals.vat_ron)
    for group in doc.totals.groups:
        _tax_subtotal(total, group)


def _tax_subtotal(total: etree._Element, group: VatGroup) -> None:
    sub = _cac(total, "TaxSubtotal")
    _amount(sub, "TaxableAmount", group.taxable_ron)
    _amount(sub, "TaxAmount", group.vat_ron)
    category = _tax_category(sub, "TaxCategory", group.category, group.percent)
    if group.exemption_code:
        _cbc(category, "TaxExemptionReasonCode", group.exemption_code)
    if group.exemption_text:
        _cbc(category, "TaxExemptionReason", group.exemption_text)
    _cbc(_cac(category, "TaxScheme"), "ID", "VAT")


def _monetary_total(root: etree._Element, doc: Document) -> None:
    money = _cac(root, "LegalMonetaryTotal")
    _amount(money, "LineExtensionAmount", doc.totals.net_ron)
    _amount(money, "TaxExclusiveAmount", doc.totals.net_ron)
    _amount(money, "TaxInclusiveAmount", doc.totals.total_ron)
    _amount(money, "PayableAmount", doc.totals.total_ron)


def _line(root: etree._Element, index: int, priced: PricedLine, credit: bool) -> None:
    line = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    _cbc(line, "ID", str(index))
    if priced.line.detail:
        _cbc(line, "Note", priced.line.detail[:NOTE_LIMIT])
    quantity = "CreditedQuantity" if credit else "InvoicedQuantity"
    _cbc(line, quantity, f"{priced.line.quantity.normalize():f}", unitCode=priced.line.unit_code)
    _amount(line, "LineExtensionAmount", priced.net_ron)
    item = _cac(line, "Item")
    _cbc(item, "Description", f"{priced.line.unit_price_eur:.2f} EUR / {priced.line.unit_code}")
    _cbc(item, "Name", priced.line.description[:200])
    category = _tax_category(item, "ClassifiedTaxCategory", priced.line.vat_category, priced.line.vat_percent)
    _cbc(_cac(category, "TaxScheme"), "ID", "VAT")
    _cbc(_cac(line, "Price"), "PriceAmount", f"{priced.unit_price_ron:f}", currencyID=CURRENCY)


def rate_note(doc: Document) -> str:
    """The sentence printed on PDF and XML: where the lei amounts come from."""
    markup = (doc.markup * 100).normalize()
    eur = doc.totals
    return (
        f"Curs BNR EUR din {doc.bnr_date:%d.%m.%Y}: {doc.bnr_rate:f} lei + {markup:f}% = "
        f"{doc.rate:f} lei/EUR. Total EUR fără TVA {eur.net_eur:.2f}, TVA {eur.vat_eur:.2f}, "
        f"total {eur.total_eur:.2f} EUR."
    )


def _header(root: etree._Element, doc: Document, credit: bool) -> None:
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ID", doc.number)
    _cbc(root, "IssueDate", doc.issue_date)
    if not credit:
        _cbc(root, "DueDate", doc.due_date)
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    for note in (rate_note(doc), *doc.notes):
        _cbc(root, "Note", note[:NOTE_LIMIT])
    _cbc(root, "DocumentCurrencyCode", CURRENCY)
    if doc.period_start and doc.period_end:
        period = _cac(root, "InvoicePeriod")
        _cbc(period, "StartDate", doc.period_start)
        _cbc(period, "EndDate", doc.period_end)
    if credit and doc.original_number:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", doc.original_number)
        if doc.original_date:
            _cbc(reference, "IssueDate", doc.original_date)


def _payment(root: etree._Element, doc: Document, credit: bool) -> None:
    if doc.seller.iban:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", PAYMENT_CREDIT_TRANSFER)
        if credit:
            _cbc(means, "PaymentDueDate", doc.due_date)
        _cbc(means, "PaymentID", doc.number)
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", doc.seller.iban)
        if doc.seller.bank:
            _cbc(account, "Name", doc.seller.bank)
    terms = _cac(root, "PaymentTerms")
    _cbc(terms, "Note", f"Scadență {doc.due_date:%d.%m.%Y}, plata în lei")


def build(doc: Document) -> etree._Element:
    """The UBL tree of `doc` (Invoice or CreditNote by `doc.kind`)."""
    credit = doc.kind == CREDIT_NOTE
    ns = NS_CREDIT if credit else NS_INVOICE
    root = etree.Element(
        f"{{{ns}}}{'CreditNote' if credit else 'Invoice'}", nsmap={None: ns, "cac": CAC, "cbc": CBC}
    )
    _header(root, doc, credit)
    _party(root, "AccountingSupplierParty", doc.seller)
    _party(root, "AccountingCustomerParty", doc.buyer)
    _payment(root, doc, credit)
    _tax_total(root, doc)
    _monetary_total(root, doc)
    for index, priced in enumerate(doc.totals.lines, start=1):
        _line(root, index, priced, credit)
    return root


def to_xml(doc: Document) -> bytes:
    return bytes(etree.tostring(build(doc), xml_declaration=True, encoding="UTF-8", pretty_print=True))
