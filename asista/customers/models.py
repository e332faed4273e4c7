from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from asista.customers.validators import COUNTIES, normalize_tax_id, validate_tax_id

ZERO = Decimal("0")
money: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(ZERO)]}


class Plan(models.Model):
    """A support package (pachet de asistență). Every term is data an administrator may edit."""

    class Priority(models.TextChoices):
        NORMAL = "normal", _("normal")
        MAXIMUM = "maximum", _("maximum")

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("offered"), default=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    fee_month = models.DecimalField(_("fee per month"), **money)
    fee_year = models.DecimalField(_("fee per year"), **money)
    workstation_fee_month = models.DecimalField(_("fee per workstation per month"), **money)
    included_units = models.PositiveIntegerField(_("included units per month"))
    unit_minutes = models.PositiveIntegerField(_("minutes per unit"), default=30)
    unit_price = models.DecimalField(_("price per unit beyond the included"), **money)
    carry_over_units = models.BooleanField(_("unused units carry over"), default=False)
    programming_rate = models.DecimalField(_("programming, per hour"), **money)
    onsite_rate = models.DecimalField(_("on-site work, per hour"), **money)
    hourly_increment_minutes = models.PositiveIntegerField(
        _("rounding increment of hourly work (minutes)"),
        default=30,
        validators=[MinValueValidator(1)],
    )
    travel_inside = models.DecimalField(_("travel inside Brașov municipality"), **money)
    travel_outside_base = models.DecimalField(_("travel outside Brașov, flat"), **money)
    travel_per_km = models.DecimalField(
        _("travel outside Brașov, per km"),
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(ZERO)],
    )
    phone_contacts_limit = models.PositiveIntegerField(_("contacts for phone communication"))
    urgent_phone_lines = models.PositiveIntegerField(_("dedicated urgent phone numbers"), default=0)
    urgent_phones = models.TextField(
        _("urgent phone numbers"),
        blank=True,
        help_text=_("One per line; shown to the plan's customers."),
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    calendar = models.ForeignKey(
        "sla.Calendar", verbose_name=_("calendar"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["fee_month", "name"]

    def __str__(self) -> str:
        return self.name

    def urgent_phone_list(self) -> list[str]:
        return [line.strip() for line in self.urgent_phones.splitlines() if line.strip()]


class PlanTarget(models.Model):
    """A promised time of a plan: e.g. first response within 6 business hours."""

    class Target(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("first response")
        URGENT_ANSWER = "urgent_answer", _("urgent answer")
        CHANGE_DELIVERED = "change_delivered", _("change delivered")
        ONSITE_VISIT = "onsite_visit", _("on-site visit")

    class Unit(models.TextChoices):
        BUSINESS_HOURS = "business_hours", _("business hours")
        WORKING_DAYS = "working_days", _("working days")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    target = models.CharField(_("target"), max_length=32, choices=Target.choices)
    amount = models.PositiveIntegerField(_("amount"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [models.UniqueConstraint(fields=["plan", "target"], name="plan_target_unique")]

    def __str__(self) -> str:
        return f"{self.get_target_display()}: {self.amount} {self.get_unit_display()}"


class Customer(models.Model):
    """A company with a support contract (beneficiar)."""

    name = models.CharField(_("legal name"), max_length=200)
    tax_id = models.CharField(
        _("CUI / VAT id"),
        max_length=14,
        validators=[validate_tax_id],
        help_text=_("Digits of the CUI, with the prefix RO for VAT payers (e.g. RO18547290)."),
    )
    cui = models.CharField(_("CUI"), max_length=10, unique=True, editable=False)
    trade_register = models.CharField(_("trade register number"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=80)
    county = models.CharField(_("county"), max_length=5, choices=COUNTIES)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    inside_brasov = models.BooleanField(_("inside Brașov municipality"), default=False)
    distance_km = models.PositiveIntegerField(
        _("distance from Brașov (km)"),
        null=True,
        blank=True,
        help_text=_("Road distance, for travel charges."),
    )
    workstations = models.PositiveIntegerField(_("workstations"), default=1)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ro")
    billing_email = models.EmailField(_("billing email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.tax_id = normalize_tax_id(self.tax_id)
        self.cui = self.tax_id.removeprefix("RO")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        self.tax_id = normalize_tax_id(self.tax_id)
        if not self.inside_brasov and self.distance_km is None:
            raise ValidationError(
                {"distance_km": _("Give the distance in km, or tick 'inside Brașov municipality'.")}
            )

    @property
    def is_vat_payer(self) -> bool:
        return self.tax_id.startswith("RO")

    def active_contract(self, on: date | None = None) -> Contract | None:
        from asista.customers.selectors import active_contract

        return active_contract(customer=self, on=on)


class Contact(models.Model):
    """A person of a customer allowed to talk to support (persoană de contact)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_phone_contact = models.BooleanField(
        _("phone contact"),
        default=False,
        help_text=_("May phone in urgencies; the plan limits how many."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ro")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer})"

    @property
    def email(self) -> str:
        """The primary address (the first one when none is marked)."""
        addresses = sorted(self.emails.all(), key=lambda e: (not e.is_primary, e.pk or 0))
        return addresses[0].address if addresses else ""

    def clean(self) -> None:
        from asista.customers.services import check_phone_contact_limit

        if self.is_phone_contact and self.customer_id:
            check_phone_contact_limit(customer=self.customer, contact=self)


class ContactEmail(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField(_("email address"))
    is_primary = models.BooleanField(_("primary"), default=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    failure = models.TextField(_("last delivery failure"), blank=True)

    class Meta:
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")
        constraints = [
            models.UniqueConstraint(
                Lower("address"),
                name="contact_email_unique_ci",
                violation_error_message=_("This email address already belongs to a contact."),
            )
        ]

    def __str__(self) -> str:
        return self.address

    def save(self, *args: object, **kwargs: object) -> None:
        self.address = self.address.strip()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Contract(models.Model):
    """A customer's subscription to a plan for a period (contract de asistență)."""

    class Cycle(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        ANNUAL = "annual", _("annual, in advance")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contracts")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("contract number"), max_length=32, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    billing_cycle = models.CharField(
        _("billing cycle"), max_length=16, choices=Cycle.choices, default=Cycle.MONTHLY
    )
    workstations = models.PositiveIntegerField(_("workstations"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    calendar = models.ForeignKey(
        "sla.Calendar",
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Leave empty to use the plan's calendar."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="active"),
                name="one_active_contract_per_customer",
                violation_error_message=_("This customer already has an active contract; end it first."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
                violation_error_message=_("A contract cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} — {self.plan} ({self.starts_on:%Y-%m-%d})"

    def clean(self) -> None:
        if not self.customer_id or self.status == self.Status.DRAFT:
            return
        others = Contract.objects.filter(customer_id=self.customer_id).exclude(status=self.Status.DRAFT)
        if self.pk:
            others = others.exclude(pk=self.pk)
        for other in others:
            if other.overlaps(self.starts_on, self.ends_on):
                raise ValidationError(
                    _("The period overlaps contract %(other)s of this customer; end that one first.")
                    % {"other": other.number or other.starts_on}
                )

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, starts_on: date, ends_on: date | None) -> bool:
        return (self.ends_on is None or starts_on <= self.ends_on) and (
            ends_on is None or self.starts_on <= ends_on
        )
