from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from asista.customers.models import Contact, ContactEmail, Contract, Customer, Plan, PlanTarget


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "fee_month",
        "fee_year",
        "included_units",
        "unit_price",
        "priority",
        "is_active",
    ]
    list_filter = ["is_active", "priority"]
    search_fields = ["name", "code"]
    inlines = [PlanTargetInline]
    fieldsets = [
        (None, {"fields": ["name", "code", "is_active", "priority", "calendar", "currency"]}),
        (_("Subscription"), {"fields": ["fee_month", "fee_year", "workstation_fee_month"]}),
        (
            _("Units"),
            {"fields": ["included_units", "unit_minutes", "unit_price", "carry_over_units"]},
        ),
        (
            _("Hourly work and travel"),
            {
                "fields": [
                    "programming_rate",
                    "onsite_rate",
                    "hourly_increment_minutes",
                    "travel_inside",
                    "travel_outside_base",
                    "travel_per_km",
                ]
            },
        ),
        (_("Phone"), {"fields": ["phone_contacts_limit", "urgent_phone_lines", "urgent_phones"]}),
    ]


class ContactEmailInline(admin.TabularInline):
    model = ContactEmail
    extra = 1
    fields = ["address", "is_primary", "failing_since", "failure"]
    readonly_fields = ["failing_since", "failure"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "customer",
        "primary_email",
        "phone",
        "is_phone_contact",
        "language",
        "is_active",
    ]
    list_filter = ["is_phone_contact", "language", "is_active", "customer"]
    search_fields = ["name", "emails__address", "phone", "customer__name"]
    autocomplete_fields = ["customer"]
    raw_id_fields = ["user"]
    inlines = [ContactEmailInline]
    list_select_related = ["customer"]

    @admin.display(description=_("email"))
    def primary_email(self, obj: Contact) -> str:
        return obj.email

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("emails")


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "phone", "is_phone_contact", "language", "is_active"]
    show_change_link = True


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["plan", "number", "starts_on", "ends_on", "billing_cycle", "workstations", "status"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "city", "county", "workstations", "current_plan", "is_active"]
    list_filter = ["is_active", "county", "inside_brasov", "language", "contracts__plan"]
    search_fields = ["name", "tax_id", "cui", "trade_register", "city", "contacts__emails__address"]
    inlines = [ContactInline, ContractInline]
    fieldsets = [
        (None, {"fields": ["name", "tax_id", "trade_register", "is_active", "language"]}),
        (
            _("Address"),
            {
                "fields": [
                    "address",
                    "city",
                    "county",
                    "postal_code",
                    "inside_brasov",
                    "distance_km",
                ]
            },
        ),
        (_("Support"), {"fields": ["workstations", "billing_email", "phone", "notes"]}),
    ]

    @admin.display(description=_("plan"))
    def current_plan(self, obj: Customer) -> str:
        contract = obj.active_contract()
        return contract.plan.name if contract else "—"


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = [
        "customer",
        "plan",
        "number",
        "starts_on",
        "ends_on",
        "billing_cycle",
        "workstations",
        "status",
    ]
    list_filter = ["status", "plan", "billing_cycle"]
    search_fields = ["customer__name", "number"]
    autocomplete_fields = ["customer"]
    date_hierarchy = "starts_on"
    list_select_related = ["customer", "plan"]
