"""The report pages: who may see what, the tables as rendered, and the CSV exports."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from asista.reports import charts
from asista.reports.services import facts_refresh
from tests import factories
from tests.reports.conftest import NOW, Desk

pytestmark = pytest.mark.django_db
PERIOD = "?until=2026-03&months=2"


@pytest.fixture
def refreshed(desk: Desk) -> Desk:
    facts_refresh(now=NOW, full=True)
    return desk


def client_for(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # staff read the browser's language
    client.force_login(user)  # type: ignore[arg-type]
    return client


def rows_of(response: object) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))  # type: ignore[attr-defined]


def test_anonymous_visitors_go_to_the_login_page(client: Client) -> None:
    response = client.get("/reports/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_agent_sees_times_sla_and_workload_but_not_revenue(refreshed: Desk) -> None:
    client = client_for(refreshed.agent_a)
    for url in ("/reports/", "/reports/sla/", "/reports/workload/"):
        assert client.get(url + PERIOD).status_code == 200, url
    assert client.get("/reports/money/").status_code == 403
    assert client.get("/reports/revenue.csv").status_code == 403


def test_a_contact_cannot_open_staff_reports(refreshed: Desk) -> None:
    contact = factories.contact(refreshed.expert)
    assert client_for(contact.user).get("/reports/").status_code == 403
    assert client_for(contact.user).get("/reports/times-month.csv").status_code == 403


def test_the_times_page_shows_each_chart_beside_its_table(refreshed: Desk) -> None:
    response = client_for(refreshed.agent_a).get("/reports/" + PERIOD)
    html = response.content.decode()
    assert html.count("<svg") == 4
    assert html.count('class="report-table"') == 4
    assert "Ana Agent" in html and "Bogdan Agent" in html


def test_the_times_page_runs_a_fixed_number_of_queries(refreshed: Desk) -> None:
    client = client_for(refreshed.agent_a)
    client.get("/reports/" + PERIOD)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/reports/" + PERIOD).status_code == 200
    assert len(queries) <= 26  # 8 figures, each a snapshot lookup


def test_the_monthly_times_csv_is_in_business_hours(refreshed: Desk) -> None:
    """March: first response median 90 min = 1.5 h, p90 162 min = 2.7 h; resolution 120 → 2.0 h,
    408 → 6.8 h."""
    rows = rows_of(client_for(refreshed.agent_a).get("/reports/times-month.csv" + PERIOD))
    assert rows[0][0] == "month"
    assert rows[1:] == [
        ["2026-02", "1", "0.2", "0.2", "1", "0.7", "0.7"],
        ["2026-03", "4", "1.5", "2.7", "3", "2.0", "6.8"],
    ]


def test_a_dispatcher_gets_revenue_and_units(refreshed: Desk, dispatcher: object) -> None:
    client = client_for(dispatcher)
    assert client.get("/reports/money/" + PERIOD).status_code == 200
    revenue = rows_of(client.get("/reports/revenue.csv" + PERIOD))
    assert revenue[1:] == [
        ["2026-02", "300.00", "1500.00", "0.00", "0.00"],
        ["2026-03", "250.00", "1275.00", "50.00", "255.00"],
    ]
    units = rows_of(client.get("/reports/units-month.csv" + PERIOD))
    assert units[1:] == [
        ["2026-02", "10", "1", "1", "0", "0.00"],
        ["2026-03", "10", "14", "10", "4", "150.00"],
    ]
    per_customer = rows_of(client.get("/reports/units-customer-month.csv" + PERIOD))
    assert [
        "Expert Client SRL",
        "2026-03",
        "Expert",
        "10",
        "12",
        "10",
        "2",
        "50.00",
        "1.5",
        "2.0",
    ] in per_customer
    hours = rows_of(client.get("/reports/hours.csv" + PERIOD))
    assert hours[2] == ["2026-03", "1.5", "2.0"]


def test_the_sla_csv_has_met_and_breached_per_month_plan_and_target(refreshed: Desk) -> None:
    rows = rows_of(client_for(refreshed.agent_a).get("/reports/sla.csv" + PERIOD))
    assert ["2026-03", "Expert", "first response", "2", "1", "66.7"] in rows


def test_a_contact_sees_their_own_company_only(refreshed: Desk) -> None:
    """Expert Client in March: first responses 30, 60, 180 → median 1.0 h, p90 156 min = 2.6 h;
    resolutions 120, 120 → 2.0 h; units 12 of 10, 2 beyond = 50 EUR."""
    client = client_for(factories.contact(refreshed.expert).user)
    page = client.get("/reports/mine/" + PERIOD)
    assert page.status_code == 200
    assert "Expert Client SRL" in page.content.decode() and "Tip Zero SRL" not in page.content.decode()
    times = rows_of(client.get("/reports/mine/times.csv" + PERIOD))
    assert times[2] == ["2026-03", "3", "1.0", "2.6", "2", "2.0", "2.0"]
    units = rows_of(client.get("/reports/mine/units.csv" + PERIOD))
    assert units[2] == ["2026-03", "10", "12", "10", "2", "50.00"]


def test_staff_without_a_company_cannot_open_the_customer_page(refreshed: Desk) -> None:
    assert client_for(refreshed.agent_a).get("/reports/mine/").status_code == 403


def test_charts_are_well_formed_svg_with_escaped_text() -> None:
    svgs = [
        charts.line_chart("a <b>", ["x", "y"], [charts.Series("s&t", [1.0, None])]),
        charts.bar_chart("t", ["x"], [charts.Series("a", [3]), charts.Series("b", [4])], stacked=True),
        charts.heat_map("h", ["Mon"], ["00", "01"], [[0, 5]]),
    ]
    for svg in svgs:
        ElementTree.fromstring(svg)
    assert "a &lt;b&gt;" in svgs[0]


def test_axes_step_in_round_numbers() -> None:
    found = [charts.axis(v) for v in (0, 4, 7, 34.5, 180, 408)]
    assert found == [(1.0, 4), (4, 4), (8, 4), (40, 4), (200, 4), (500, 5)]
