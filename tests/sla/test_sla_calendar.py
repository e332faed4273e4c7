"""The business calendar, case by case, written by hand from the 2025-2027 Romanian calendar.

Times are local (Europe/Bucharest) unless they end in Z. Expert: 2 business hours for an urgency
(120 min), 6 for a first response (360), 48 for a change or a visit (2880); Tip 0: 15 and 30
working days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from asista.sla.calendar import BusinessCalendar, CalendarError, CalendarSpec, default_calendar

BUC = ZoneInfo("Europe/Bucharest")


def local(text: str) -> datetime:
    """'2026-04-09 16:00' in Bucharest, or '2026-03-30 10:00Z' in UTC."""
    if text.endswith("Z"):
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    return datetime.fromisoformat(text).replace(tzinfo=BUC)


@pytest.fixture(scope="module")
def cal() -> BusinessCalendar:
    return default_calendar()


ADD_CASES = [
    # Good Friday 10 Apr and Easter Monday 13 Apr 2026 are holidays: 30 min Thursday, then Tuesday.
    ("2026-04-09 16:00", 120, "2026-04-14 10:00"),
    ("2026-04-09 16:00", 360, "2026-04-14 14:00"),
    ("2026-04-09 16:00", 2880, "2026-04-21 16:00"),
    # Friday 29 May 2026; Monday 1 June is Pentecost Monday and Children's Day.
    ("2026-05-29 10:00", 360, "2026-05-29 16:00"),
    ("2026-05-29 14:00", 360, "2026-06-02 12:00"),
    ("2026-05-29 15:00", 120, "2026-06-02 09:00"),
    # New Year's Eve: 1-2 January are holidays, then a weekend.
    ("2025-12-31 12:00", 360, "2026-01-05 10:00"),
    ("2025-12-31 16:00", 120, "2026-01-05 10:00"),
    # Monday 5 January 2026: 6 (Epiphany) and 7 (St John) January are holidays.
    ("2026-01-05 15:00", 360, "2026-01-08 13:00"),
    ("2026-01-05 15:00", 90, "2026-01-05 16:30"),
    # Spring DST (29 Mar 2026, 03:00 EET -> 04:00 EEST): opening hours follow the wall clock.
    ("2026-03-27 15:00", 360, "2026-03-30 13:00"),
    ("2026-03-27 13:00Z", 360, "2026-03-30 10:00Z"),
    # Autumn DST (25 Oct 2026, 04:00 EEST -> 03:00 EET).
    ("2026-10-23 15:00", 360, "2026-10-26 13:00"),
    ("2026-10-23 12:00Z", 360, "2026-10-26 11:00Z"),
    # Just before opening and just after closing.
    ("2026-03-02 08:29", 120, "2026-03-02 10:30"),
    ("2026-03-02 16:31", 120, "2026-03-03 10:30"),
    ("2026-03-02 16:30", 120, "2026-03-03 10:30"),
    ("2026-03-02 16:29", 1, "2026-03-02 16:30"),
    # A full day ends at closing time, not at the next opening.
    ("2026-03-02 08:30", 480, "2026-03-02 16:30"),
    ("2026-03-02 08:30", 481, "2026-03-03 08:31"),
    # A Saturday and a Sunday.
    ("2026-03-07 11:00", 360, "2026-03-09 14:30"),
    ("2026-03-08 23:59", 1, "2026-03-09 08:31"),
    # Seconds are kept.
    ("2026-03-02 10:00:30", 60, "2026-03-02 11:00:30"),
]


@pytest.mark.parametrize(("start", "minutes", "due"), ADD_CASES)
def test_it_adds_business_minutes(cal: BusinessCalendar, start: str, minutes: int, due: str) -> None:
    assert cal.add(local(start), minutes) == local(due)


@pytest.mark.parametrize(("start", "minutes", "due"), ADD_CASES)
def test_it_measures_back_what_it_added(cal: BusinessCalendar, start: str, minutes: int, due: str) -> None:
    assert cal.between(local(start), local(due)) == minutes
    assert cal.between(local(due), local(start)) == -minutes


WORKING_DAY_CASES = [
    # Tip 0, 15 working days across Christmas 2025: 25-26 Dec, 1-2 Jan, 6-7 Jan are holidays.
    ("2025-12-15 10:00", 15, "2026-01-13 10:00"),
    # ... and across Christmas 2026 (25 Dec a Friday, 1 Jan 2027 a Friday).
    ("2026-12-15 14:00", 15, "2027-01-11 14:00"),
    # Across the spring DST change and Easter: same wall-clock time, one hour less in UTC.
    ("2026-03-20 10:00", 15, "2026-04-14 10:00"),
    ("2026-03-20 08:00Z", 15, "2026-04-14 07:00Z"),
    # Across the autumn change.
    ("2026-10-22 09:00", 3, "2026-10-27 09:00"),
    # A Saturday arrival starts at Monday's opening.
    ("2026-03-07 11:00", 15, "2026-03-30 08:30"),
    # After closing: starts next morning.
    ("2026-03-02 16:31", 1, "2026-03-04 08:30"),
    ("2026-03-02 08:29", 1, "2026-03-03 08:30"),
    # Tip 0 change within 30 working days, from the Thursday before Easter.
    ("2026-04-09 16:00", 30, "2026-05-26 16:00"),  # 1 May is a holiday too
    # Zero days: the start itself, rolled to the opening.
    ("2026-03-07 11:00", 0, "2026-03-09 08:30"),
]


@pytest.mark.parametrize(("start", "days", "due"), WORKING_DAY_CASES)
def test_it_adds_working_days(cal: BusinessCalendar, start: str, days: int, due: str) -> None:
    assert cal.add_working_days(local(start), days) == local(due)


OPEN_CASES = [
    ("2026-03-02 08:29", False),
    ("2026-03-02 08:30", True),
    ("2026-03-02 16:29:59", True),
    ("2026-03-02 16:30", False),
    ("2026-03-02 16:31", False),
    ("2026-03-07 11:00", False),  # Saturday
    ("2026-04-10 11:00", False),  # Good Friday
    ("2026-04-13 11:00", False),  # Easter Monday
    ("2026-06-01 11:00", False),  # Pentecost Monday, Children's Day
    ("2026-01-06 11:00", False),
    ("2026-01-07 11:00", False),
    ("2026-01-08 11:00", True),
    ("2026-01-24 11:00", False),  # Saturday anyway
    ("2027-01-25 11:00", True),
    ("2026-08-14 11:00", True),
    ("2025-08-15 11:00", False),  # Dormition, a Friday in 2025
    ("2026-11-30 11:00", False),  # St Andrew
    ("2026-12-01 11:00", False),  # National Day
    ("2026-03-30 05:29Z", False),  # 08:29 EEST after the spring change
    ("2026-03-30 05:30Z", True),
    ("2026-03-27 06:29Z", False),  # 08:29 EET before it
    ("2026-03-27 06:30Z", True),
]


@pytest.mark.parametrize(("instant", "is_open"), OPEN_CASES)
def test_it_knows_when_the_desk_is_open(cal: BusinessCalendar, instant: str, is_open: bool) -> None:
    assert cal.is_open(local(instant)) is is_open


NEXT_OPENING_CASES = [
    ("2026-03-02 08:29", "2026-03-02 08:30"),
    ("2026-03-02 10:00", "2026-03-02 10:00"),
    ("2026-03-02 16:30", "2026-03-03 08:30"),
    ("2026-03-02 16:31", "2026-03-03 08:30"),
    ("2026-03-07 11:00", "2026-03-09 08:30"),
    ("2026-04-09 16:45", "2026-04-14 08:30"),
    ("2025-12-31 17:00", "2026-01-05 08:30"),
    ("2026-01-05 17:00", "2026-01-08 08:30"),
    ("2026-05-29 16:30", "2026-06-02 08:30"),
    ("2026-03-28 12:00", "2026-03-30 05:30Z"),
]


@pytest.mark.parametrize(("instant", "opening"), NEXT_OPENING_CASES)
def test_it_finds_the_next_opening(cal: BusinessCalendar, instant: str, opening: str) -> None:
    assert cal.next_opening(local(instant)) == local(opening)


def test_it_counts_a_pause_over_a_weekend_and_a_holiday(cal: BusinessCalendar) -> None:
    # Expert first response (360): arrives Thu 9 Apr 09:00, waits for the customer from 11:00
    # until Tuesday 14 Apr 09:00 (Good Friday, the weekend, Easter Monday in between).
    start, paused, resumed = (
        local("2026-04-09 09:00"),
        local("2026-04-09 11:00"),
        local("2026-04-14 09:00"),
    )
    pause = cal.between(paused, resumed)
    assert pause == 330 + 30
    assert cal.add(start, 360 + pause) == local("2026-04-14 13:00")
    remaining = cal.between(paused, cal.add(start, 360))
    assert cal.add(resumed, remaining) == local("2026-04-14 13:00")


def test_the_romanian_holidays_come_from_the_holidays_package(cal: BusinessCalendar) -> None:
    days = cal.holidays(2026, 2026)
    for day in ["2026-01-01", "2026-01-02", "2026-01-06", "2026-01-07", "2026-01-24", "2026-04-10",
                "2026-04-12", "2026-04-13", "2026-05-01", "2026-05-31", "2026-06-01", "2026-08-15",
                "2026-11-30", "2026-12-01", "2026-12-25", "2026-12-26"]:  # fmt: skip
        assert date.fromisoformat(day) in days


def test_overrides_add_days_off_and_worked_holidays() -> None:
    spec = CalendarSpec(
        overrides=(
            (date(2026, 3, 3), ()),  # an extra day off
            (date(2026, 3, 13), ((8 * 60 + 30, 12 * 60),)),  # a short Friday
            (date(2026, 4, 10), ((8 * 60 + 30, 16 * 60 + 30),)),  # Good Friday worked
        )
    )
    cal = BusinessCalendar(spec)
    assert cal.add(local("2026-03-02 16:00"), 120) == local("2026-03-04 10:00")
    assert cal.add(local("2026-04-09 16:00"), 120) == local("2026-04-10 10:00")
    assert cal.add(local("2026-03-13 11:00"), 120) == local("2026-03-16 09:30")
    # 14:00 on the short Friday is closed: the deadline rolls to Monday's opening.
    assert cal.add_working_days(local("2026-03-06 14:00"), 5) == local("2026-03-16 08:30")


def test_a_calendar_with_its_own_hours_and_zone() -> None:
    week = ((540, 720), (780, 1020))  # 09:00-12:00 and 13:00-17:00
    spec = CalendarSpec(week=(week,) * 6 + ((),), time_zone="Europe/London", holiday_country="")
    cal = BusinessCalendar(spec)
    london = ZoneInfo("Europe/London")
    assert cal.add(datetime(2026, 3, 7, 11, 0, tzinfo=london), 90) == datetime(
        2026, 3, 7, 13, 30, tzinfo=london
    )
    assert (
        cal.between(datetime(2026, 3, 7, 8, 0, tzinfo=london), datetime(2026, 3, 9, 8, 0, tzinfo=london))
        == 420
    )


def test_it_widens_its_table_beyond_2035(cal: BusinessCalendar) -> None:
    fresh = BusinessCalendar(years=(2035, 2035))
    assert fresh.add(local("2035-12-31 16:00"), 120) == local(
        "2036-01-03 10:00"
    )  # 1-2 Jan holidays, Thursday
    assert fresh.add(local("2019-12-31 16:00"), 30) == local("2019-12-31 16:30")
    assert fresh.add_working_days(local("2045-06-05 10:00"), 1) == cal.add_working_days(
        local("2045-06-05 10:00"), 1
    )


def test_it_refuses_naive_datetimes(cal: BusinessCalendar) -> None:
    with pytest.raises(CalendarError):
        cal.add(datetime(2026, 3, 2, 10, 0), 60)


def test_a_calendar_that_never_opens_says_so() -> None:
    cal = BusinessCalendar(CalendarSpec(week=((),) * 7, holiday_country=""), years=(2026, 2026))
    with pytest.raises(CalendarError):
        cal.add(local("2026-03-02 10:00"), 60)


def test_results_are_utc(cal: BusinessCalendar) -> None:
    assert cal.add(local("2026-03-02 10:00"), 60).tzinfo is UTC
    assert cal.next_opening(local("2026-03-02 10:00")).utcoffset().total_seconds() == 0
    assert cal.add(local("2026-03-02 10:00"), 60).astimezone(BUC).time() == time(11, 0)
