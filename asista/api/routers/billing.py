"""Invoices (read, PDF, e-Factura XML) and monthly statements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema

from asista.api.auth import scoped
from asista.api.errors import ERRORS, ApiError, not_found
from asista.api.routers.customers import visible_customer
from asista.core.roles import contact_of

router = Router(tags=["billing"])
MAX_ID = 2_147_483_647
Id = Path(..., ge=1, le=MAX_ID)


class InvoiceLineOut(Schema):
    position: int
    kind: str
    description: str
    request: str
    quantity: Decimal
    unit_code: str
    unit_price_eur: Decimal
    net_eur: Decimal
    unit_price_ron: Decimal | None
    net_ron: Decimal | None
    vat_category: str
    vat_percent: Decimal | None
    service_date: date


class InvoiceOut(Schema):
    id: int
    kind: str
    status: str
    customer_id: int
    year: int
    month: int
    period_start: date
    period_end: date
    full_number: str | None
    issue_date: date | None
    due_date: date | None
    bnr_rate: Decimal | None
    bnr_date: date | None
    markup: Decimal
    rate: Decimal | None
    net_eur: Decimal
    vat_eur: Decimal
    total_eur: Decimal
    net_ron: Decimal
    vat_ron: Decimal
    total_ron: Decimal
    original_id: int | None
    issued_at: datetime | None


class InvoiceDetail(InvoiceOut):
    lines: list[InvoiceLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.order_by("position"))


class InvoiceFilters(Schema):
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)
    year: int | None = Field(None, ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)
    status: str | None = Field(None, pattern="^(draft|issued)$")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class StatementEntryOut(Schema):
    started_at: datetime
    kind: str
    minutes: int
    note: str


class StatementTicketOut(Schema):
    number: str
    subject: str
    minutes: int
    units: int
    included: int
    overage: int
    entries: list[StatementEntryOut]


class StatementLineOut(Schema):
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class StatementOut(Schema):
    customer: str
    year: int
    month: int
    plan: str
    allowance: int
    units: int
    overage: int
    tickets: list[StatementTicketOut]
    lines: list[StatementLineOut]
    net_eur: Decimal
    invoices: list[str]
    text: str


def visible_invoices(request: HttpRequest) -> QuerySet[Any]:
    """Staff who may view invoices see all; a contact sees their company's issued documents."""
    from asista.billing.models import Invoice

    if request.user.has_perm("billing.view_invoice"):
        return Invoice.objects.all()
    contact = contact_of(request.user)
    if contact is None:
        return Invoice.objects.none()
    return Invoice.objects.filter(customer_id=contact.customer_id, status=Invoice.Status.ISSUED)


def visible_invoice(request: HttpRequest, invoice_id: int, *, issued: bool = False) -> Any:
    invoice = visible_invoices(request).filter(pk=invoice_id).first()
    if invoice is None:
        raise not_found("invoice")
    if issued and invoice.status != "issued":
        raise ApiError(409, "conflict", "A draft has no PDF or XML yet: issue it first.")
    return invoice


@router.get("/invoices", response={200: list[InvoiceOut], **ERRORS}, **scoped("billing:read"))
def invoice_list(request: HttpRequest, filters: Query[InvoiceFilters]) -> Any:
    qs = visible_invoices(request)
    for name in ("customer_id", "year", "month", "status"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    return list(qs.order_by("-year", "-month", "id")[filters.offset : filters.offset + filters.limit])


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetail, **ERRORS}, **scoped("billing:read"))
def invoice_read(request: HttpRequest, invoice_id: int = Id) -> Any:
    return visible_invoice(request, invoice_id)


@router.get(
    "/invoices/{invoice_id}/pdf",
    response={200: None, **ERRORS},
    openapi_extra={"x-scope": "billing:read", "responses": {"200": {"content": {"application/pdf": {}}}}},
    auth=scoped("billing:read")["auth"],
)
def invoice_pdf(request: HttpRequest, invoice_id: int = Id) -> HttpResponse:
    from asista.billing import pdf
    from asista.billing.services import document_of

    invoice = visible_invoice(request, invoice_id, issued=True)
    response = HttpResponse(pdf.render(document_of(invoice)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.full_number}.pdf"'
    return response


@router.get(
    "/invoices/{invoice_id}/efactura.xml",
    response={200: None, **ERRORS},
    openapi_extra={"x-scope": "billing:read", "responses": {"200": {"content": {"application/xml": {}}}}},
    auth=scoped("billing:read")["auth"],
)
def invoice_xml(request: HttpRequest, invoice_id: int = Id) -> HttpResponse:
    """The e-Factura XML (UBL 2.1, CIUS-RO) exactly as frozen when the invoice was issued."""
    invoice = visible_invoice(request, invoice_id, issued=True)
    response = HttpResponse(invoice.efactura_xml.encode("utf-8"), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.full_number}.xml"'
    return response


class Month(Schema):
    year: int = Field(..., ge=2000, le=2100)
    month: int = Field(..., ge=1, le=12)


@router.get(
    "/customers/{customer_id}/statement", response={200: StatementOut, **ERRORS}, **scoped("billing:read")
)
def statement_read(request: HttpRequest, period: Query[Month], customer_id: int = Id) -> Any:
    """A customer's month: tickets with units (included / beyond), charges, time history."""
    from asista.billing.selectors import statement_for, statement_text

    customer = visible_customer(request, customer_id)
    statement = statement_for(customer=customer, year=period.year, month=period.month)
    return {
        "customer": statement.customer,
        "year": statement.year,
        "month": statement.month,
        "plan": statement.plan,
        "allowance": statement.allowance,
        "units": statement.units,
        "overage": statement.overage,
        "tickets": [
            {
                "number": t.number,
                "subject": t.subject,
                "minutes": t.minutes,
                "units": t.units,
                "included": t.included,
                "overage": t.overage,
                "entries": [
                    {"started_at": when, "kind": str(kind), "minutes": minutes, "note": note}
                    for when, kind, minutes, note in t.entries
                ],
            }
            for t in statement.tickets
        ],
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in statement.lines
        ],
        "net_eur": statement.net_eur,
        "invoices": list(statement.invoices),
        "text": statement_text(statement),
    }
