"""Properties of the business calendar, checked by hypothesis over 2025-2030.

Besides the algebra (add is additive, between inverts add, monotonic, never lands in closed
time), a brute-force oracle that walks minute by minute with its own notion of "open" checks the
fast arithmetic on short spans.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from asista.sla.calendar import BusinessCalendar, CalendarSpec, default_calendar

BUC = ZoneInfo("Europe/Bucharest")
CAL = default_calendar()
RO_HOLIDAYS = holidays.Romania(years=range(2024, 2032))
US = timedelta(microseconds=1)

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
minute_instants = instants.map(lambda t: t.replace(second=0, microsecond=0))
durations = st.integers(min_value=0, max_value=30_000)
positive = st.integers(min_value=1, max_value=30_000)

settings.register_profile("sla", deadline=None, max_examples=300)
settings.load_profile("sla")


@given(instants, durations, durations)
def test_adding_a_then_b_is_adding_a_plus_b(t: datetime, a: int, b: int) -> None:
    assert CAL.add(CAL.add(t, a), b) == CAL.add(t, a + b)


@given(instants, durations)
def test_between_inverts_add(t: datetime, m: int) -> None:
    assert CAL.between(t, CAL.add(t, m)) == m


@given(instants, instants, durations)
def test_add_is_monotonic_in_the_start(t1: datetime, t2: datetime, m: int) -> None:
    early, late = sorted([t1, t2])
    assert CAL.add(early, m) <= CAL.add(late, m)


@given(instants, durations, durations)
def test_add_is_monotonic_in_the_duration(t: datetime, a: int, b: int) -> None:
    small, big = sorted([a, b])
    assert CAL.add(t, small) <= CAL.add(t, big)


@given(instants, positive)
def test_a_deadline_never_falls_inside_closed_time(t: datetime, m: int) -> None:
    due = CAL.add(t, m)
    # The business minute just before the deadline is open: the deadline is in (opens, closes].
    assert CAL.is_open(due - US)
    assert due > t


@given(instants)
def test_the_next_opening_is_open_and_not_before(t: datetime) -> None:
    opening = CAL.next_opening(t)
    assert opening >= t
    assert CAL.is_open(opening)
    assert CAL.between(t, opening) == 0


@given(instants, st.integers(min_value=0, max_value=40))
def test_working_day_deadlines_are_open_and_ordered(t: datetime, n: int) -> None:
    due = CAL.add_working_days(t, n)
    assert CAL.is_open(due)
    assert due >= t
    assert CAL.add_working_days(t, n + 1) > due


@given(instants, instants)
def test_between_is_antisymmetric_and_bounded(a: datetime, b: datetime) -> None:
    assert CAL.between(a, b) == -CAL.between(b, a)
    assert abs(CAL.between_exact(a, b)) <= abs(b - a)


def oracle_open(t: datetime) -> bool:
    local = t.astimezone(BUC)
    return (
        local.weekday() < 5 and local.date() not in RO_HOLIDAYS and time(8, 30) <= local.time() < time(16, 30)
    )


def oracle_add(t: datetime, m: int) -> datetime:
    """Walk minute by minute: the slow, obviously right way."""
    step = timedelta(minutes=1)
    while m:
        if oracle_open(t):
            m -= 1
        t += step
    return t


@settings(max_examples=150)
@given(minute_instants, st.integers(min_value=0, max_value=1500))
def test_it_agrees_with_a_minute_by_minute_walk(t: datetime, m: int) -> None:
    expected = oracle_add(t, m)
    # The walk stops right after the last open minute; add returns the same instant.
    assert CAL.add(t, m) == expected
    assert CAL.is_open(t) is oracle_open(t)


@given(instants, st.integers(min_value=0, max_value=60))
def test_fast_working_days_agree_with_the_plain_version(t: datetime, n: int) -> None:
    assert CAL.add_working_days(t, n) == CAL._add_working_days_slow(t, n)


# Open round the clock on weekdays, and on Sundays when the clocks change: DST changes fall
# inside opening intervals, which the fast paths must hand over to the plain ones.
ALL_DAY = ((0, 1440),)
ROUND_THE_CLOCK = BusinessCalendar(
    CalendarSpec(week=(ALL_DAY,) * 5 + ((), ALL_DAY), holiday_country="RO"), years=(2025, 2030)
)


@given(instants, st.integers(min_value=0, max_value=30))
def test_working_days_across_dst_inside_opening_hours(t: datetime, n: int) -> None:
    due = ROUND_THE_CLOCK.add_working_days(t, n)
    assert due == ROUND_THE_CLOCK._add_working_days_slow(t, n)
    assert ROUND_THE_CLOCK.is_open(due)


@given(instants, durations, durations)
def test_round_the_clock_add_is_additive(t: datetime, a: int, b: int) -> None:
    cal = ROUND_THE_CLOCK
    assert cal.add(cal.add(t, a), b) == cal.add(t, a + b)
    assert cal.between(t, cal.add(t, a)) == a
