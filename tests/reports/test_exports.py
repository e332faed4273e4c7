"""The per-customer-per-month CSV, whose lines the database formats (selectors.customer_month_lines)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from asista.reports.models import CustomerMonth
from asista.reports.services import facts_refresh
from tests import factories
from tests.reports.conftest import MARCH, NOW, Desk, _ticket, _time

pytestmark = pytest.mark.django_db
URL = "/reports/units-customer-month.csv?until=2026-03&months=2"


def download(user: object) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode()


def test_every_customer_month_is_a_line_as_the_facts_have_it(desk: Desk, dispatcher: object) -> None:
    """Expert Client, March: 10 included, 12 used, 10 within, 2 beyond = 50 EUR, 90 min of
    programming = 1.5 h, 120 on site = 2.0 h; February: the urgent call's unit. Tip Zero (Tip 0,
    nothing included): February under contract without work, March 2 units beyond = 100 EUR."""
    facts_refresh(now=NOW, full=True)
    rows = list(csv.reader(io.StringIO(download(dispatcher))))
    assert rows[0] == [
        "customer",
        "month",
        "plan",
        "included",
        "used",
        "within the included",
        "beyond",
        "beyond, EUR",
        "programming (h)",
        "on site (h)",
    ]
    assert rows[1:] == [
        ["Expert Client SRL", "2026-02", "Expert", "10", "1", "1", "0", "0.00", "0.0", "0.0"],
        ["Expert Client SRL", "2026-03", "Expert", "10", "12", "10", "2", "50.00", "1.5", "2.0"],
        ["Tip Zero SRL", "2026-02", "Tip 0", "0", "0", "0", "0", "0.00", "0.0", "0.0"],
        ["Tip Zero SRL", "2026-03", "Tip 0", "0", "2", "0", "2", "100.00", "0.0", "0.0"],
    ]
    assert len(rows) - 1 == CustomerMonth.objects.filter(month__gte=MARCH.replace(month=2)).count()


def test_names_are_quoted_and_hours_round_half_up(desk: Desk, dispatcher: object) -> None:
    """A customer without a contract whose name holds a comma and quotes: 9 minutes of
    programming are 0.15 h → 0.2, 3 minutes on site 0.05 h → 0.1; 15 minutes of assistance
    are one unit, none included, at no price without a plan."""
    odd = factories.customer(plan=None, name='Virgulă, "Test" SRL')
    ticket = _ticket(odd, "tip-0", kind="support", state="new", created_at=NOW)
    _time(ticket, desk.agent_a, "programming", "2026-03-10 09:00", 9)
    _time(ticket, desk.agent_a, "onsite", "2026-03-11 09:00", 3)
    _time(ticket, desk.agent_a, "assistance", "2026-03-12 09:00", 15)
    facts_refresh(now=NOW, full=True)
    text = download(dispatcher)
    assert '"Virgulă, ""Test"" SRL",2026-03,no plan,0,1,0,1,0.00,0.2,0.1\r\n' in text
    parsed = list(csv.reader(io.StringIO(text)))
    assert ['Virgulă, "Test" SRL', "2026-03", "no plan", "0", "1", "0", "1", "0.00", "0.2", "0.1"] in parsed
