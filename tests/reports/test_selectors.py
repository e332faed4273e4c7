"""Every figure of the reports on the hand-built desk, against numbers worked out by hand.

Percentiles interpolate like PostgreSQL's percentile_cont: p at position p·(n−1) of the sorted
values. The same numbers are expected on SQLite (window functions) and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from asista.customers.models import Plan
from asista.reports import selectors
from asista.reports.services import facts_refresh
from tests.reports.conftest import FEBRUARY, MARCH, NOW, Desk

pytestmark = pytest.mark.django_db
YEAR = {"first": date(2025, 4, 1), "last": MARCH}


@pytest.fixture
def refreshed(desk: Desk) -> Desk:
    facts_refresh(now=NOW, full=True)
    return desk


def stats(rows: list[selectors.TimeRow]) -> dict[Any, tuple[int, float, float]]:
    return {row.key: (row.count, row.median, row.p90) for row in rows}


def test_first_response_per_month(refreshed: Desk) -> None:
    """March: 30, 60, 120, 180 → median (60+120)/2 = 90; p90 at 2.7 → 120 + 0.7·60 = 162.
    February: 10. December 2025: 30 (T7)."""
    found = stats(selectors.time_stats(measure="first_response", by="month", **YEAR))
    assert found == {date(2025, 12, 1): (1, 30.0, 30.0), FEBRUARY: (1, 10.0, 10.0), MARCH: (4, 90.0, 162.0)}


def test_resolution_per_month_of_resolution(refreshed: Desk) -> None:
    """March: 120, 120, 480 → median 120; p90 at 1.8 → 120 + 0.8·360 = 408. February: 40."""
    found = stats(selectors.time_stats(measure="resolution", by="month", **YEAR))
    assert found == {FEBRUARY: (1, 40.0, 40.0), MARCH: (3, 120.0, 408.0)}


def test_first_response_per_plan(refreshed: Desk) -> None:
    """Expert: 10, 30, 30, 60, 180 → median 30; p90 at 3.6 → 60 + 0.6·120 = 132. Tip 0: 120."""
    plans = dict(Plan.objects.values_list("code", "pk"))
    found = stats(selectors.time_stats(measure="first_response", by="plan", **YEAR))
    assert found == {plans["expert"]: (5, 30.0, 132.0), plans["tip-0"]: (1, 120.0, 120.0)}


def test_first_response_per_agent(refreshed: Desk) -> None:
    """Ana: 30, 30, 60 → median 30, p90 at 1.8 → 30 + 0.8·30 = 54. Bogdan: 120, 180 → 150 and
    174. Unassigned (the urgent call): 10."""
    found = stats(selectors.time_stats(measure="first_response", by="agent", **YEAR))
    assert found == {
        refreshed.agent_a.pk: (3, 30.0, 54.0),
        refreshed.agent_b.pk: (2, 150.0, 174.0),
        None: (1, 10.0, 10.0),
    }


def test_resolution_per_kind(refreshed: Desk) -> None:
    """support: 120, 120 → 120; change: 480; urgent call: 40."""
    found = stats(selectors.time_stats(measure="resolution", by="kind", **YEAR))
    assert found == {
        "change": (1, 480.0, 480.0),
        "support": (2, 120.0, 120.0),
        "urgent_call": (1, 40.0, 40.0),
    }


def test_a_customer_sees_only_their_tickets(refreshed: Desk) -> None:
    """Expert Client in March: 30, 60, 180 → median 60, p90 at 1.8 → 60 + 0.8·120 = 156."""
    found = stats(
        selectors.time_stats(
            measure="first_response", by="month", first=MARCH, last=MARCH, customer_id=refreshed.expert.pk
        )
    )
    assert found == {MARCH: (3, 60.0, 156.0)}


def test_sla_compliance_per_month_plan_and_target(refreshed: Desk) -> None:
    plans = dict(Plan.objects.values_list("pk", "code"))
    found = [
        (r.month, plans[r.plan_id], r.target, r.met, r.breached, r.share_met)
        for r in selectors.sla_compliance(**YEAR)
    ]
    assert sorted(found) == [
        (FEBRUARY, "expert", "urgent_answer", 1, 0, 100.0),
        (MARCH, "expert", "first_response", 2, 1, 66.7),
        (MARCH, "tip-0", "change_delivered", 0, 1, 0.0),
        (MARCH, "tip-0", "first_response", 1, 0, 100.0),
    ]


def test_units_used_vs_included_per_month(refreshed: Desk) -> None:
    """March: 10 + 0 included, 12 + 2 used, 10 within, 4 beyond = 50 + 100 EUR; February: 1 of 10."""
    found = {
        r.key: (r.included_units, r.units, r.included_used, r.overage_units, r.overage_eur)
        for r in selectors.units_per_month(first=FEBRUARY, last=MARCH)
    }
    assert found == {
        FEBRUARY: (10, 1, 1, 0, Decimal("0.00")),
        MARCH: (10, 14, 10, 4, Decimal("150.00")),
    }


def test_units_per_customer_most_first(refreshed: Desk) -> None:
    found = [
        (r.key, r.included_units, r.units, r.overage_units)
        for r in selectors.units_per_customer(first=FEBRUARY, last=MARCH)
    ]
    assert found == [(refreshed.expert.pk, 20, 13, 2), (refreshed.tip0.pk, 0, 2, 2)]


def test_hours_of_programming_and_on_site(refreshed: Desk) -> None:
    march = selectors.units_per_month(first=MARCH, last=MARCH)[0]
    assert (march.programming_minutes, march.onsite_minutes) == (90, 120)


def test_revenue_per_month_in_eur_and_ron_with_credit_notes_subtracted_and_drafts_left_out(
    refreshed: Desk,
) -> None:
    """February: 300 EUR / 1500 RON. March: 300 + 50 − 100 = 250 EUR, 1530 + 255 − 510 = 1275 RON,
    of which overage (units) 50 EUR / 255 RON; the Tip 0 draft is not revenue."""
    found = [(r.month, r.kind, r.eur, r.ron) for r in selectors.revenue(first=FEBRUARY, last=MARCH)]
    assert found == [
        (FEBRUARY, "subscription", Decimal("300.00"), Decimal("1500.00")),
        (MARCH, "subscription", Decimal("200.00"), Decimal("1020.00")),
        (MARCH, "units", Decimal("50.00"), Decimal("255.00")),
    ]


def test_backlog_by_state_and_age(refreshed: Desk) -> None:
    """At Fri 20.03 12:00: T6 new (2 h), T4 in progress (17 days), T7 waiting (109 days)."""
    assert sorted(selectors.backlog(now=NOW)) == [
        ("in_progress", "7-30d", 1),
        ("new", "0-1d", 1),
        ("waiting", "30d+", 1),
    ]


def test_arrivals_per_weekday_and_hour(refreshed: Desk) -> None:
    assert selectors.arrivals(**YEAR) == {
        (1, 9): 1,  # T1
        (1, 16): 1,  # T2
        (6, 10): 1,  # T3, Saturday
        (2, 10): 1,  # T4
        (1, 10): 1,  # T5
        (5, 10): 1,  # T6
        (1, 11): 1,  # T7
    }


def test_a_snapshot_serves_a_figure_until_the_next_refresh(refreshed: Desk) -> None:
    from asista.reports.models import TicketFact

    def march() -> tuple[int, float, float]:
        return stats(selectors.time_stats(measure="first_response", by="month", first=MARCH, last=MARCH))[
            MARCH
        ]

    assert march() == (4, 90.0, 162.0)
    TicketFact.objects.filter(ticket=refreshed.tickets["T4"]).update(first_response_minutes=None)
    assert march() == (4, 90.0, 162.0)  # the facts did not change through a refresh
    facts_refresh(now=NOW, full=True)
    assert march() == (4, 90.0, 162.0)  # the refresh recomputed T4's fact from the ticket
    refreshed.tickets["T4"].first_response_at = None
    refreshed.tickets["T4"].save()
    facts_refresh(now=NOW, full=True)
    assert march() == (3, 60.0, 108.0)  # 30, 60, 120: p90 at 1.8 → 60 + 0.8·60
