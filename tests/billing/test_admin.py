from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from asista.billing import services
from asista.billing.models import ExchangeRate, Invoice
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_admin_issues_drafts_and_reports_the_ones_it_cannot(client) -> None:
    factories.invoice_series("ADM")
    ExchangeRate.objects.create(currency="EUR", day=date(2026, 3, 31), rate=Decimal("5.09"))
    good = factories.customer(plan="expert", address="Str. Mare 1")
    bad = factories.customer(plan="expert", address="")
    drafts = services.invoice_drafts_for_month(year=2026, month=3, customer_ids=[good.pk, bad.pk])
    admin = get_user_model().objects.create_superuser("root", "root@vendor.example", "pw")
    client.force_login(admin)
    response = client.post(
        "/admin/billing/invoice/",
        {"action": "issue_selected", "_selected_action": [d.pk for d in drafts]},
        follow=True,
    )
    assert response.status_code == 200
    assert Invoice.objects.get(customer=good).status == "issued"
    assert Invoice.objects.get(customer=bad).status == "draft"
    issued = Invoice.objects.get(customer=good)
    page = client.get(f"/admin/billing/invoice/{issued.pk}/change/")
    assert page.status_code == 200
