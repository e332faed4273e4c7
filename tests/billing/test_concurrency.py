"""40 threads issuing invoices at once get consecutive numbers with no gap (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from asista.billing import services
from asista.billing.models import ExchangeRate, Invoice
from tests import factories

THREADS = 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_40_threads_issuing_at_once_get_consecutive_numbers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    factories.invoice_series("CC")
    ExchangeRate.objects.create(currency="EUR", day=date(2026, 3, 31), rate=Decimal("5.0900"))
    customer_ids = [factories.customer(plan="expert", address=f"Str. {n}").pk for n in range(THREADS)]
    drafts = services.invoice_drafts_for_month(year=2026, month=3, customer_ids=customer_ids)
    assert len(drafts) == THREADS
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def issue(invoice: Invoice) -> None:
        try:
            barrier.wait()
            services.invoice_issue(invoice=invoice, issue_date=date(2026, 4, 1))
        except BaseException as exc:  # reported below, a thread must not swallow it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Invoice.objects.filter(status="issued").values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))
    assert Invoice.objects.filter(full_number__startswith="CC").count() == THREADS
