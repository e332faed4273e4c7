"""Romanian standard VAT as dated data: 19 % until 2025-07-31, 21 % from 2025-08-01 (Law 141/2025)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

RATES = [
    (date(2017, 1, 1), date(2025, 7, 31), Decimal("19")),
    (date(2025, 8, 1), None, Decimal("21")),
]


def load(apps, schema_editor):
    VatRate = apps.get_model("billing", "VatRate")
    for valid_from, valid_to, percent in RATES:
        VatRate.objects.update_or_create(
            valid_from=valid_from, defaults={"valid_to": valid_to, "percent": percent}
        )


def unload(apps, schema_editor):
    VatRate = apps.get_model("billing", "VatRate")
    VatRate.objects.filter(valid_from__in=[r[0] for r in RATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_time_rates_invoices")]
    operations = [migrations.RunPython(load, unload)]
