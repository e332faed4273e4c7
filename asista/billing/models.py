"""Billing records: time on tickets, exchange and VAT rates, invoices (DOMAIN.md §4).

Rules live in the pure modules (units, pricing, vat, fx, document); writes go through
`asista.billing.services`. An issued invoice, its lines and the time entries it billed are frozen:
their `save()` and `delete()` refuse, so no code path can change what a customer was invoiced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asista.billing.vat import VatCategory


class FrozenError(ValidationError):
    """Raised on any change to an issued invoice or to what it billed."""


def _money(**extra: Any) -> dict[str, Any]:
    return {"max_digits": 14, "decimal_places": 2, **extra}


class RemoteSession(models.Model):
    """A remote-control or VPN session on a ticket; logging it creates its time entry."""

    class Tool(models.TextChoices):
        ANYDESK = "anydesk", "AnyDesk"
        TEAMVIEWER = "teamviewer", "TeamViewer"
        VPN = "vpn", _("VPN")
        OTHER = "other", _("other")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="remote_sessions")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tool = models.CharField(_("tool"), max_length=16, choices=Tool.choices)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("remote session")
        verbose_name_plural = _("remote sessions")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_tool_display()} {self.started_at:%Y-%m-%d %H:%M}"


class TimeEntry(models.Model):
    """Time an agent spent on a ticket; the source of every charge but the subscription."""

    class Kind(models.TextChoices):
        ASSISTANCE = "assistance", _("assistance (remote, email, phone)")
        CHANGE = "change", _("change to an existing module")
        PROGRAMMING = "programming", _("programming of a new feature")
        ONSITE = "onsite", _("on-site work")
        TRAVEL = "travel", _("travel")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="time_entries")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="time_entries", editable=False
    )
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    started_at = models.DateTimeField(_("started"), db_index=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"))
    km = models.DecimalField(
        _("km (outside Brașov)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    inside_brasov = models.BooleanField(_("inside Brașov municipality"), default=False)
    note = models.TextField(_("note"), blank=True)
    remote_session = models.OneToOneField(
        RemoteSession, null=True, blank=True, on_delete=models.PROTECT, related_name="time_entry"
    )
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["customer", "started_at"], name="timeentry_customer_started")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.minutes} min"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.is_invoiced():
            raise FrozenError(_("This time entry is on an issued invoice and cannot change."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_invoiced():
            raise FrozenError(_("This time entry is on an issued invoice and cannot be deleted."))
        return super().delete(*args, **kwargs)

    def is_invoiced(self) -> bool:
        if self.pk is None:
            return False
        return TimeEntry.objects.filter(pk=self.pk, invoice__status=Invoice.Status.ISSUED).exists()


class ExchangeRate(models.Model):
    """A BNR reference rate: lei for one unit of `currency` on `day` (multiplier applied)."""

    currency = models.CharField(_("currency"), max_length=3)
    day = models.DateField(_("day"))
    rate = models.DecimalField(_("rate (lei)"), max_digits=14, decimal_places=6)
    source = models.CharField(_("source"), max_length=200, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-day", "currency"]
        constraints = [models.UniqueConstraint(fields=["currency", "day"], name="exchangerate_unique_day")]

    def __str__(self) -> str:
        return f"{self.currency} {self.day}: {self.rate}"


class VatRate(models.Model):
    """The standard VAT rate in force from `valid_from` to `valid_to` (dated data, not constants)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return f"{self.percent}% ({self.valid_from} – {self.valid_to or '…'})"


class Seller(models.Model):
    """The vendor as it appears on invoices (furnizor)."""

    name = models.CharField(_("legal name"), max_length=200)
    tax_id = models.CharField(_("CUI / VAT id"), max_length=14)
    trade_register = models.CharField(_("trade register number"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200)
    city = models.CharField(_("city"), max_length=80)
    county = models.CharField(_("county"), max_length=5, default="RO-BV")
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bank = models.CharField(_("bank"), max_length=80, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")

    def __str__(self) -> str:
        return self.name


class InvoiceSeries(models.Model):
    """A numbering series; its counter lives in `core.Counter` under `counter_name`."""

    code = models.CharField(_("series"), max_length=16, unique=True)
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="series")
    for_credit_notes = models.BooleanField(_("for credit notes"), default=False)
    is_default = models.BooleanField(_("default"), default=False)
    digits = models.PositiveSmallIntegerField(_("digits"), default=6)
    payment_days = models.PositiveSmallIntegerField(_("days to pay"), default=15)

    class Meta:
        verbose_name = _("invoice series")
        verbose_name_plural = _("invoice series")
        constraints = [
            models.UniqueConstraint(
                fields=["for_credit_notes"], condition=Q(is_default=True), name="invoiceseries_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def counter_name(self) -> str:
        return f"invoice-series:{self.code}"

    def format(self, number: int) -> str:
        return f"{self.code}{number:0{self.digits}d}"


class Invoice(models.Model):
    """An invoice or credit note. Drafts are regenerated freely; issued documents are frozen."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CREDIT_NOTE = "credit_note", _("credit note")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="invoices")
    year = models.PositiveSmallIntegerField(_("billed year"))
    month = models.PositiveSmallIntegerField(_("billed month"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    reason = models.TextField(_("reason"), blank=True)
    series = models.ForeignKey(InvoiceSeries, null=True, blank=True, on_delete=models.PROTECT)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    full_number = models.CharField(_("invoice number"), max_length=32, null=True, blank=True, unique=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    bnr_rate = models.DecimalField(_("BNR rate"), max_digits=14, decimal_places=6, null=True, blank=True)
    bnr_date = models.DateField(_("BNR rate date"), null=True, blank=True)
    markup = models.DecimalField(_("markup"), max_digits=6, decimal_places=4, default=Decimal("0.02"))
    rate = models.DecimalField(_("invoice rate"), max_digits=14, decimal_places=4, null=True, blank=True)
    net_eur = models.DecimalField(_("net EUR"), **_money(default=Decimal(0)))
    vat_eur = models.DecimalField(_("VAT EUR"), **_money(default=Decimal(0)))
    total_eur = models.DecimalField(_("total EUR"), **_money(default=Decimal(0)))
    net_ron = models.DecimalField(_("net lei"), **_money(default=Decimal(0)))
    vat_ron = models.DecimalField(_("VAT lei"), **_money(default=Decimal(0)))
    total_ron = models.DecimalField(_("total lei"), **_money(default=Decimal(0)))
    seller_snapshot = models.JSONField(_("seller as issued"), default=dict, blank=True)
    buyer_snapshot = models.JSONField(_("buyer as issued"), default=dict, blank=True)
    efactura_xml = models.TextField(_("e-Factura XML"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-month", "customer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year", "month"],
                condition=Q(status="draft", kind="invoice"),
                name="invoice_one_draft_per_customer_month",
            ),
            models.UniqueConstraint(fields=["series", "number"], name="invoice_series_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(number__isnull=False) & Q(rate__isnull=False)),
                name="invoice_issued_has_number_and_rate",
            ),
        ]

    def __str__(self) -> str:
        return self.full_number or f"{_('draft')} {self.customer_id} {self.year}-{self.month:02d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.is_frozen():
            raise FrozenError(_("An issued invoice cannot change; issue a credit note."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_frozen():
            raise FrozenError(_("An issued invoice cannot be deleted; issue a credit note."))
        return super().delete(*args, **kwargs)

    def is_frozen(self) -> bool:
        if self.pk is None:
            return False
        return Invoice.objects.filter(pk=self.pk, status=self.Status.ISSUED).exists()


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16)
    description = models.CharField(_("description"), max_length=200)
    request = models.CharField(_("ticket"), max_length=16, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_code = models.CharField(_("unit"), max_length=3, default="C62")
    unit_price_eur = models.DecimalField(_("unit price EUR"), **_money())
    net_eur = models.DecimalField(_("net EUR"), **_money())
    unit_price_ron = models.DecimalField(
        _("unit price lei"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    net_ron = models.DecimalField(_("net lei"), **_money(null=True, blank=True))
    vat_category = models.CharField(
        _("VAT category"), max_length=2, choices=[(c.value, c.value) for c in VatCategory], default="S"
    )
    vat_percent = models.DecimalField(_("VAT %"), max_digits=5, decimal_places=2, null=True, blank=True)
    service_date = models.DateField(_("service date"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice_id", "position"]

    def __str__(self) -> str:
        return self.description

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._frozen():
            raise FrozenError(_("The lines of an issued invoice cannot change."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._frozen():
            raise FrozenError(_("The lines of an issued invoice cannot be deleted."))
        return super().delete(*args, **kwargs)

    def _frozen(self) -> bool:
        return Invoice.objects.filter(pk=self.invoice_id, status=Invoice.Status.ISSUED).exists()
