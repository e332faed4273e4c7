"""Load the two plans of the vendor's page (shared/seed), with the default support calendar."""

from decimal import Decimal

from django.db import migrations

D = Decimal
PLANS = [
    {
        "code": "tip-0",
        "name": "Tip 0",
        "fee_month": D("0"),
        "fee_year": D("0"),
        "workstation_fee_month": D("0"),
        "included_units": 0,
        "unit_price": D("50"),
        "programming_rate": D("100"),
        "onsite_rate": D("70"),
        "travel_inside": D("100"),
        "travel_outside_base": D("100"),
        "travel_per_km": D("0.25"),
        "phone_contacts_limit": 1,
        "urgent_phone_lines": 0,
        "priority": "normal",
        "targets": [
            ("first_response", 15, "working_days"),
            ("change_delivered", 30, "working_days"),
            ("onsite_visit", 30, "working_days"),
        ],
    },
    {
        "code": "expert",
        "name": "Expert",
        "fee_month": D("300"),
        "fee_year": D("3000"),
        "workstation_fee_month": D("15"),
        "included_units": 10,
        "unit_price": D("25"),
        "programming_rate": D("60"),
        "onsite_rate": D("40"),
        "travel_inside": D("100"),
        "travel_outside_base": D("100"),
        "travel_per_km": D("0.25"),
        "phone_contacts_limit": 3,
        "urgent_phone_lines": 3,
        "priority": "maximum",
        "targets": [
            ("urgent_answer", 2, "business_hours"),
            ("first_response", 6, "business_hours"),
            ("change_delivered", 48, "business_hours"),
            ("onsite_visit", 48, "business_hours"),
        ],
    },
]


def load(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    Plan = apps.get_model("customers", "Plan")
    PlanTarget = apps.get_model("customers", "PlanTarget")
    calendar, _ = Calendar.objects.get_or_create(
        name="Program de lucru România",
        defaults={
            "time_zone": "Europe/Bucharest",
            "week": {str(day): [["08:30", "16:30"]] for day in range(1, 6)},
            "holiday_country": "RO",
            "is_default": True,
        },
    )
    for spec in PLANS:
        spec = dict(spec)
        targets = spec.pop("targets")
        plan, created = Plan.objects.get_or_create(code=spec["code"], defaults={**spec, "calendar": calendar})
        if created:
            PlanTarget.objects.bulk_create(
                PlanTarget(plan=plan, target=t, amount=a, unit=u) for t, a, u in targets
            )


def unload(apps, schema_editor):
    Plan = apps.get_model("customers", "Plan")
    Calendar = apps.get_model("sla", "Calendar")
    Plan.objects.filter(code__in=[p["code"] for p in PLANS], contracts__isnull=True).delete()
    Calendar.objects.filter(name="Program de lucru România", plan__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial"), ("sla", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
