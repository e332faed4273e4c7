"""The monthly rollups the staff reports read give the figures of the facts themselves.

TimeRollup holds, per measure and month, every value sorted for all tickets and per plan, agent
and kind; the reports pick the median and p90 across the months' runs. These tests check the
rows against the hand-built desk (conftest), the figures against the facts (`fresh=True`, the
percentile_cont / window-function queries) for any period, and that an incremental refresh
rebuilds exactly the months a change touched.
"""

from __future__ import annotations

import math
import random
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from asista.reports import selectors
from asista.reports.models import ArrivalRollup, TimeRollup
from asista.reports.services import facts_refresh, pack_minutes, unpack_minutes
from asista.tickets.models import Ticket
from tests.reports.conftest import FEBRUARY, MARCH, NOW, Desk, at

pytestmark = pytest.mark.django_db
MEASURES = ("first_response", "resolution")
DIMENSIONS = ("month", "plan", "agent", "kind")


@pytest.fixture
def refreshed(desk: Desk) -> Desk:
    facts_refresh(now=NOW, full=True)
    return desk


def rollup(measure: str, dimension: str, month: date) -> dict[str, tuple[int, int, list[int]]]:
    rows = TimeRollup.objects.filter(measure=measure, dimension=dimension, month=month)
    return {r.key: (r.count, r.total_minutes, list(unpack_minutes(r.minutes))) for r in rows}


def test_a_month_holds_every_value_sorted_for_all_tickets_and_per_plan_agent_and_kind(
    refreshed: Desk,
) -> None:
    """First responses in March: T1 30, T2 60 (Ana, Expert), T3 120 (Bogdan, Tip 0, change),
    T4 180 (Bogdan, Expert)."""
    from asista.customers.models import Plan

    plans = {code: str(pk) for code, pk in Plan.objects.values_list("code", "pk")}
    ana, bogdan = str(refreshed.agent_a.pk), str(refreshed.agent_b.pk)
    assert rollup("first_response", "month", MARCH) == {"": (4, 390, [30, 60, 120, 180])}
    assert rollup("first_response", "plan", MARCH) == {
        plans["expert"]: (3, 270, [30, 60, 180]),
        plans["tip-0"]: (1, 120, [120]),
    }
    assert rollup("first_response", "agent", MARCH) == {
        ana: (2, 90, [30, 60]),
        bogdan: (2, 300, [120, 180]),
    }
    assert rollup("first_response", "kind", MARCH) == {
        "support": (3, 270, [30, 60, 180]),
        "change": (1, 120, [120]),
    }
    # The urgent call of February had no agent: key "" is "unassigned".
    assert rollup("resolution", "agent", FEBRUARY) == {"": (1, 40, [40])}
    assert rollup("resolution", "month", date(2025, 12, 1)) == {}  # T7 is not resolved


def test_arrivals_are_counted_per_month_weekday_and_hour(refreshed: Desk) -> None:
    rows = set(ArrivalRollup.objects.values_list("month", "weekday", "hour", "count"))
    assert rows == {
        (MARCH, 1, 9, 1),  # T1
        (MARCH, 1, 16, 1),  # T2
        (MARCH, 6, 10, 1),  # T3
        (MARCH, 2, 10, 1),  # T4
        (MARCH, 5, 10, 1),  # T6
        (FEBRUARY, 1, 10, 1),  # T5
        (date(2025, 12, 1), 1, 11, 1),  # T7
    }


PERIODS = [
    (date(2025, 4, 1), MARCH),  # the tests' year
    (MARCH, MARCH),
    (FEBRUARY, MARCH),
    (date(2025, 12, 1), FEBRUARY),
    (date(2024, 1, 1), date(2024, 12, 1)),  # nothing in it
]


@pytest.mark.parametrize(("first", "last"), PERIODS)
def test_the_rollup_gives_the_figures_of_the_facts_for_any_period(
    refreshed: Desk, first: date, last: date
) -> None:
    for measure in MEASURES:
        for by in DIMENSIONS:
            args: dict[str, Any] = {"measure": measure, "by": by, "first": first, "last": last}
            assert selectors.time_stats(**args) == selectors.time_stats(**args, fresh=True), (measure, by)


def test_a_period_other_than_the_default_year_by_hand(refreshed: Desk) -> None:
    """December 2025 to February 2026: first responses T7 30 (December) and T5 10 (February);
    per agent Ana 30, unassigned 10; over both, median 20 and p90 at 0.9 → 10 + 0.9·20 = 28."""
    period = {"first": date(2025, 12, 1), "last": FEBRUARY}
    by_month = selectors.time_stats(measure="first_response", by="month", **period)
    assert [(r.key, r.count, r.median, r.p90) for r in by_month] == [
        (date(2025, 12, 1), 1, 30.0, 30.0),
        (FEBRUARY, 1, 10.0, 10.0),
    ]
    by_kind = selectors.time_stats(measure="first_response", by="kind", **period)
    assert [(r.key, r.count, r.median, r.p90, r.mean) for r in by_kind] == [
        ("support", 1, 30.0, 30.0, 30.0),
        ("urgent_call", 1, 10.0, 10.0, 10.0),
    ]
    by_plan = selectors.time_stats(measure="first_response", by="plan", **period)
    assert [(r.count, r.median, r.p90, r.mean) for r in by_plan] == [(2, 20.0, 28.0, 20.0)]


def test_the_times_csv_of_another_period(refreshed: Desk) -> None:
    """?until=2026-02&months=3: December (T7 30 min = 0.5 h), January (nothing), February
    (T5: 10 min = 0.2 h, resolved in 40 = 0.7 h)."""
    from tests import factories

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(factories.staff("dispatcher", username="rollup-dispatcher"))
    response = client.get("/reports/times-month.csv?until=2026-02&months=3")
    lines = response.content.decode().splitlines()
    assert lines[1:] == [
        "2025-12,1,0.5,0.5,0,,",
        "2026-01,0,,,0,,",
        "2026-02,1,0.2,0.2,1,0.7,0.7",
    ]


def test_an_incremental_refresh_rebuilds_the_months_a_change_touched(desk: Desk) -> None:
    """T1 is reassigned to Bogdan and its resolution moves to Thu 2 April (its transitions still
    end with the resolution of 2 March, so it stays 120 held minutes): it leaves March's
    resolutions for April's, and March's first responses now count its 30 for Bogdan."""
    Ticket.objects.update(updated_at=at("2026-03-20 12:00"))
    facts_refresh(now=at("2026-03-20 13:00"), full=True)
    ticket = desk.tickets["T1"]
    ticket.assignee = desk.agent_b
    ticket.resolved_at = at("2026-04-02 09:30")
    ticket.save()
    result = facts_refresh(now=timezone.now())
    assert not result.full and result.tickets == 1
    assert rollup("resolution", "month", MARCH) == {"": (2, 600, [120, 480])}
    april = rollup("resolution", "month", date(2026, 4, 1))
    assert list(april) == [""] and april[""][0] == 1
    agents = rollup("first_response", "agent", MARCH)
    assert agents[str(desk.agent_a.pk)] == (1, 60, [60])
    assert agents[str(desk.agent_b.pk)] == (3, 330, [30, 120, 180])
    # February and December were not touched, and are still there.
    assert rollup("resolution", "month", FEBRUARY) == {"": (1, 40, [40])}
    assert rollup("first_response", "month", date(2025, 12, 1)) == {"": (1, 30, [30])}
    for first, last in [*PERIODS, (MARCH, date(2026, 4, 1))]:
        for measure in MEASURES:
            for by in DIMENSIONS:
                args: dict[str, Any] = {"measure": measure, "by": by, "first": first, "last": last}
                assert selectors.time_stats(**args) == selectors.time_stats(**args, fresh=True)


def test_a_full_refresh_rebuilds_every_month(refreshed: Desk) -> None:
    """Rows of a month without facts (left by anything) are gone after a full refresh."""
    old = date(2024, 1, 1)
    TimeRollup.objects.create(
        measure="resolution",
        month=old,
        dimension="month",
        key="",
        count=1,
        total_minutes=5,
        minutes=pack_minutes([5]),
    )
    ArrivalRollup.objects.create(month=old, weekday=1, hour=9, count=1)
    facts_refresh(now=NOW, full=True)
    assert rollup("resolution", "month", old) == {}
    assert not ArrivalRollup.objects.filter(month=old).exists()
    assert rollup("resolution", "month", FEBRUARY) == {"": (1, 40, [40])}


def test_revenue_is_as_of_the_last_refresh(refreshed: Desk) -> None:
    """An invoice issued after the refresh counts from the next one (March: 200 + 50 EUR)."""
    from decimal import Decimal

    from tests import factories
    from tests.reports.conftest import _invoice

    def march() -> list[tuple[str, Decimal]]:
        return [(r.kind, r.eur) for r in selectors.revenue(first=MARCH, last=MARCH)]

    assert march() == [("subscription", Decimal("200.00")), ("units", Decimal("50.00"))]
    _invoice(factories.customer(), MARCH, [("units", "20.00", "102.00")])
    assert march() == [("subscription", Decimal("200.00")), ("units", Decimal("50.00"))]
    facts_refresh(now=NOW)
    assert march() == [("subscription", Decimal("200.00")), ("units", Decimal("70.00"))]


def test_packed_minutes_read_back_sorted() -> None:
    assert list(unpack_minutes(pack_minutes([180, 30, 60, 30]))) == [30, 30, 60, 180]
    assert len(pack_minutes([1, 2, 3])) == 12  # 32-bit integers
    assert list(unpack_minutes(memoryview(pack_minutes([7])))) == [7]  # PostgreSQL's bytea


def test_the_percentile_across_runs_is_percentile_cont_over_their_union() -> None:
    """Against the definition on the merged values, for runs of every shape (one value, equal
    values, gaps, one run, many runs)."""
    rng = random.Random(8)
    for _ in range(300):
        runs = [
            sorted(rng.choice((rng.randrange(5), rng.randrange(5000))) for _ in range(rng.randrange(1, 12)))
            for _ in range(rng.randrange(1, 8))
        ]
        merged = sorted(v for run in runs for v in run)
        for p in (0.0, 0.5, 0.9, 1.0):
            position = p * (len(merged) - 1)
            low, high = math.floor(position), math.ceil(position)
            expected = merged[low] + (merged[high] - merged[low]) * (position - low)
            assert selectors.percentile(runs, p) == pytest.approx(expected, abs=1e-9), (runs, p)


def test_the_rollup_matches_the_facts_on_a_synthetic_desk() -> None:
    """600 tickets over 8 months (asista.reports.synthetic): every measure and dimension, over
    several periods, unrounded, against percentile_cont (PostgreSQL) or window functions (SQLite)."""
    from asista.reports.services import add_months, local_month
    from asista.reports.synthetic import seed

    now = timezone.now()
    seed(tickets=600, messages=0, months=8, now=now, rng_seed=5)
    this_month = local_month(now)
    for months, back in ((12, 0), (3, 2), (1, 5), (36, 0)):
        last = add_months(this_month, -back)
        first = add_months(last, 1 - months)
        for measure in MEASURES:
            for by in DIMENSIONS:
                expected = sorted(selectors._time_stats(measure, by, first, last, None), key=str)
                found = sorted(selectors._rollup_time_stats(measure, by, first, last), key=str)
                assert [r[:2] for r in found] == [r[:2] for r in expected], (measure, by, months)
                for got, want in zip(found, expected, strict=True):
                    assert got[2:] == pytest.approx(want[2:], rel=1e-9, abs=1e-9), (measure, by, got[0])
    assert sum(selectors.arrivals(first=add_months(this_month, -11), last=this_month).values()) == 600
