from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from asista.billing import services
from asista.billing.models import (
    ExchangeRate,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    RemoteSession,
    Seller,
    TimeEntry,
    VatRate,
)


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["ticket", "customer", "agent", "kind", "started_at", "minutes", "invoice"]
    list_filter = ["kind"]
    search_fields = ["ticket__number", "note"]
    raw_id_fields = ["ticket", "agent", "remote_session", "invoice"]
    readonly_fields = ["customer", "invoice"]
    date_hierarchy = "started_at"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.is_invoiced())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.is_invoiced())

    def save_model(self, request: HttpRequest, obj: TimeEntry, form: Any, change: bool) -> None:
        obj.customer_id = obj.ticket.customer_id
        super().save_model(request, obj, form, change)


@admin.register(RemoteSession)
class RemoteSessionAdmin(admin.ModelAdmin):
    list_display = ["ticket", "agent", "tool", "started_at", "ended_at"]
    raw_id_fields = ["ticket", "agent"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["day", "currency", "rate", "source"]
    list_filter = ["currency"]
    date_hierarchy = "day"


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "valid_to", "percent"]


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "city"]


@admin.register(InvoiceSeries)
class InvoiceSeriesAdmin(admin.ModelAdmin):
    list_display = ["code", "seller", "for_credit_notes", "is_default"]


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = [
        "position",
        "description",
        "quantity",
        "unit_code",
        "unit_price_eur",
        "net_eur",
        "unit_price_ron",
        "net_ron",
        "vat_category",
        "vat_percent",
        "service_date",
    ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == Invoice.Status.DRAFT

    has_add_permission = has_delete_permission = has_change_permission  # type: ignore[assignment]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "customer", "year", "month", "issue_date", "total_ron"]
    list_filter = ["status", "kind", "year", "month"]
    search_fields = ["full_number", "customer__name"]
    raw_id_fields = ["customer", "original"]
    inlines = [InvoiceLineInline]
    actions = ["issue_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.status == Invoice.Status.ISSUED:
            return [f.name for f in Invoice._meta.fields]
        return [
            "status",
            "series",
            "number",
            "full_number",
            "issue_date",
            "bnr_rate",
            "bnr_date",
            "rate",
            "efactura_xml",
            "issued_at",
            "issued_by",
        ]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (
            obj and obj.status == Invoice.Status.ISSUED
        )

    @admin.action(description=_("Issue the selected drafts"))
    def issue_selected(self, request: HttpRequest, queryset: Any) -> None:
        issued = 0
        for invoice in queryset.filter(status=Invoice.Status.DRAFT).order_by("pk"):
            try:
                services.invoice_issue(invoice=invoice, by=request.user)
            except (ValidationError, LookupError) as exc:  # one bad draft must not stop the others
                self.message_user(request, f"{invoice}: {exc}", messages.ERROR)
                continue
            issued += 1
        self.message_user(request, _("%d invoices issued.") % issued, messages.SUCCESS)
