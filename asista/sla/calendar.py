"""The business calendar: pure arithmetic on opening hours, holidays and overrides.

No database, no settings, no wall clock: every instant is passed in (timezone-aware) and every
result is an aware UTC datetime. See docs/sla.md for the rules.

How it is fast: on construction the calendar lays out every opening interval of a span of
years (2020-2035 by default, widened on demand) as sorted integer arrays in UTC microseconds,
with the cumulative business time before each interval. "Business time up to an instant" is
then one binary search, and so is "the instant at which N business minutes have elapsed".
Adding, measuring and rolling are O(log n); nothing loops over minutes or days.

Conventions:
- Opening intervals are half-open, [opens, closes): at 16:30 sharp the desk is closed.
- ``add(t, m)`` with m > 0 returns the *earliest* instant at which m business minutes have
  elapsed since t, so a deadline may fall exactly on a closing time ("due by 16:30").
- ``add(t, 0)`` is t itself; a clock that starts in closed time starts at ``next_opening(t)``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_lib

Interval = tuple[int, int]  # minutes since local midnight: (opens, closes), closes <= 1440
DayHours = tuple[Interval, ...]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
MINUTE_US = 60_000_000
DAY_US = 86_400_000_000
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
DAY_MINUTES = 1440
DEFAULT_YEARS = (2020, 2035)
# Beyond these years something is wrong with the input (or the calendar has no open time).
MIN_YEAR, MAX_YEAR = 1971, 2200
DEFAULT_HOURS: DayHours = ((8 * 60 + 30, 16 * 60 + 30),)


class CalendarError(ValueError):
    """The calendar cannot answer: naive datetime, no open time at all, or out of range."""


def parse_hhmm(value: str | time) -> int:
    """'08:30' or a time -> minutes since midnight; '24:00' is the end of the day."""
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    hours, _, minutes = value.strip().partition(":")
    result = int(hours) * 60 + int(minutes or 0)
    if not 0 <= result <= DAY_MINUTES:
        raise CalendarError(f"not a time of day: {value!r}")
    return result


def normalize_hours(intervals: Iterable[Sequence[str | time | int]]) -> DayHours:
    """Sort and merge a day's [opens, closes] pairs; drop empty ones."""
    pairs: list[tuple[int, int]] = []
    for opens, closes in intervals:
        start = opens if isinstance(opens, int) else parse_hhmm(opens)
        end = closes if isinstance(closes, int) else parse_hhmm(closes)
        if not 0 <= start < end <= DAY_MINUTES:
            raise CalendarError(f"bad opening interval {opens!r}-{closes!r}")
        pairs.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pairs):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def parse_week(
    week: Mapping[str | int, Iterable[Sequence[str | time | int]]],
) -> tuple[DayHours, ...]:
    """{"1": [["08:30", "16:30"]], ...} (ISO weekday keys) -> seven DayHours, Monday first."""
    days: list[DayHours] = [() for _ in range(7)]
    for key, intervals in week.items():
        weekday = int(key)
        if not 1 <= weekday <= 7:
            raise CalendarError(f"not an ISO weekday: {key!r}")
        days[weekday - 1] = normalize_hours(intervals)
    return tuple(days)


def to_us(t: datetime) -> int:
    """An aware instant as integer microseconds since the Unix epoch (exact)."""
    try:
        return (t - EPOCH) // ONE_US
    except TypeError:  # naive: subtracting it from an aware instant fails, at no cost otherwise
        raise CalendarError(f"naive datetime {t!r}: pass timezone-aware instants") from None


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


@dataclass(frozen=True)
class CalendarSpec:
    """Everything that defines a calendar, as plain hashable data."""

    week: tuple[DayHours, ...] = (DEFAULT_HOURS,) * 5 + ((), ())
    time_zone: str = "Europe/Bucharest"
    holiday_country: str = "RO"
    # date -> the day's hours; () is a day off. Wins over the week and the public holidays.
    overrides: tuple[tuple[date, DayHours], ...] = ()


@dataclass
class _Table:
    first_year: int
    last_year: int
    lo: int  # table covers instants in [lo, hi)
    hi: int
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    cum: list[int] = field(default_factory=list)  # business µs before interval i
    cum_end: list[int] = field(default_factory=list)  # business µs up to the end of interval i
    workdays: list[int] = field(default_factory=list)  # ordinals of local dates with open time
    # For working-day arithmetic without zoneinfo: per interval, its workday index and UTC
    # offset (None when a DST change falls inside it); per workday, its local midnight as
    # "local µs since the epoch" and its UTC offset (None on a day with a DST change).
    iday: list[int] = field(default_factory=list)
    ioff: list[int | None] = field(default_factory=list)
    wmid: list[int] = field(default_factory=list)
    woff: list[int | None] = field(default_factory=list)


class BusinessCalendar:
    """Opening hours in one time zone, minus holidays, with overrides; see the module docstring."""

    def __init__(self, spec: CalendarSpec | None = None, *, years: tuple[int, int] = DEFAULT_YEARS) -> None:
        self.spec = spec or CalendarSpec()
        if len(self.spec.week) != 7:
            raise CalendarError("week must have seven days")
        self.zone = ZoneInfo(self.spec.time_zone)
        self._overrides = dict(self.spec.overrides)
        self._has_open_time = any(self.spec.week) or any(self._overrides.values())
        self._table = self._build(*years)

    # -- construction -------------------------------------------------------------------------

    def holidays(self, first_year: int, last_year: int) -> set[date]:
        """Public holidays of the calendar's country (the `holidays` package keeps them)."""
        if not self.spec.holiday_country:
            return set()
        years = range(first_year, last_year + 1)
        return set(holidays_lib.country_holidays(self.spec.holiday_country, years=years).keys())

    def hours_on(self, day: date, public_holidays: set[date] | None = None) -> DayHours:
        """The opening hours of a local date: override, else closed on a holiday, else the week."""
        if day in self._overrides:
            return self._overrides[day]
        if public_holidays is None:
            public_holidays = self.holidays(day.year, day.year)
        if day in public_holidays:
            return ()
        return self.spec.week[day.weekday()]

    def _local_us(self, day: date, minute: int) -> int:
        # 24:00 is midnight of the next day; the wall time is read in the calendar's zone, so
        # 08:30 is 06:30Z in winter and 05:30Z in summer.
        extra, minute = divmod(minute, DAY_MINUTES)
        local = datetime.combine(day + timedelta(days=extra), time(minute // 60, minute % 60), self.zone)
        return to_us(local)

    def _build(self, first_year: int, last_year: int) -> _Table:
        if not MIN_YEAR <= first_year <= last_year <= MAX_YEAR:
            raise CalendarError(f"years {first_year}-{last_year} are out of range")
        table = _Table(
            first_year,
            last_year,
            lo=self._local_us(date(first_year, 1, 1), 0),
            hi=self._local_us(date(last_year + 1, 1, 1), 0),
        )
        public = self.holidays(first_year, last_year)
        day, total = date(first_year, 1, 1), 0
        while day.year <= last_year:
            hours = self.hours_on(day, public)
            if hours:
                table.workdays.append(day.toordinal())
                table.wmid.append((day.toordinal() - EPOCH_ORDINAL) * DAY_US)
                table.woff.append(self._day_offset(day))
            for opens, closes in hours:
                start, end = self._local_us(day, opens), self._local_us(day, closes)
                if end <= start:  # a wall-clock interval swallowed by a DST gap
                    continue
                table.starts.append(start)
                table.ends.append(end)
                table.cum.append(total)
                total += end - start
                table.cum_end.append(total)
                table.iday.append(len(table.workdays) - 1)
                table.ioff.append(self._interval_offset(start, end))
            day += timedelta(days=1)
        return table

    def _offset_at(self, x: int) -> int:
        return from_us(x).astimezone(self.zone).utcoffset() // ONE_US  # type: ignore[operator]

    def _interval_offset(self, start: int, end: int) -> int | None:
        offset = self._offset_at(start)
        return offset if self._offset_at(end - 1) == offset else None

    def _day_offset(self, day: date) -> int | None:
        first = self._offset_at(self._local_us(day, 0))
        return first if self._offset_at(self._local_us(day, DAY_MINUTES) - 1) == first else None

    def _cover(self, x: int) -> _Table:
        """The table, widened (rebuilt) when x lies outside it."""
        table = self._table
        if table.lo <= x < table.hi:
            return table
        if not self._has_open_time:
            raise CalendarError("the calendar is never open")
        year = from_us(x).astimezone(self.zone).year
        first = min(table.first_year, year - 1)
        last = max(table.last_year, year + 1)
        self._table = self._build(max(first, MIN_YEAR), min(last, MAX_YEAR))
        if not self._table.lo <= x < self._table.hi:
            raise CalendarError(f"{from_us(x)} is out of the calendar's range")
        return self._table

    def _extend_forward(self) -> _Table:
        table = self._table
        if table.last_year >= MAX_YEAR or not self._has_open_time:
            raise CalendarError("no open time left in the calendar's range")
        self._table = self._build(table.first_year, min(table.last_year + 10, MAX_YEAR))
        return self._table

    # -- queries ------------------------------------------------------------------------------

    def _offset(self, table: _Table, x: int) -> int:
        """Business µs from the table's start up to instant x."""
        i = bisect_right(table.starts, x) - 1
        if i < 0:
            return 0
        end = table.ends[i]
        return table.cum[i] + (x if x < end else end) - table.starts[i]

    def is_open(self, t: datetime) -> bool:
        """Whether the desk is open at instant t (opening time included, closing time not)."""
        x = to_us(t)
        table = self._cover(x)
        i = bisect_right(table.starts, x) - 1
        return i >= 0 and x < table.ends[i]

    def next_opening(self, t: datetime) -> datetime:
        """The earliest instant >= t at which the desk is open (t itself when open)."""
        x = to_us(t)
        table = self._cover(x)
        i = bisect_right(table.starts, x) - 1
        if i >= 0 and x < table.ends[i]:
            return t.astimezone(UTC)
        while i + 1 >= len(table.starts):
            table = self._extend_forward()
        return from_us(table.starts[i + 1])

    def add(self, t: datetime, minutes: int) -> datetime:
        """The earliest instant at which `minutes` business minutes have elapsed since t."""
        if minutes <= 0:
            if minutes < 0:
                raise CalendarError("cannot add negative business time")
            return t.astimezone(UTC)
        # The hot path of every due time: _offset and _add_us inlined (two bisections).
        x = to_us(t)
        table = self._table
        if not table.lo <= x < table.hi:
            table = self._cover(x)
        starts = table.starts
        i = bisect_right(starts, x) - 1
        if i < 0:
            target = minutes * MINUTE_US
        else:
            end = table.ends[i]
            target = table.cum[i] + (x if x < end else end) - starts[i] + minutes * MINUTE_US
        j = bisect_left(table.cum_end, target)
        if j < len(starts):
            return EPOCH + timedelta(microseconds=starts[j] + target - table.cum[j])
        return from_us(self._add_us(x, minutes * MINUTE_US))

    def add_exact(self, t: datetime, amount: timedelta) -> datetime:
        """Like add, for an exact amount of business time (e.g. the length of a pause)."""
        if amount < timedelta(0):
            raise CalendarError("cannot add negative business time")
        if not amount:
            return t.astimezone(UTC)
        return from_us(self._add_us(to_us(t), amount // ONE_US))

    def _add_us(self, x: int, amount: int) -> int:
        table = self._cover(x)
        target = self._offset(table, x) + amount
        j = bisect_left(table.cum_end, target)
        while j >= len(table.cum_end):
            table = self._extend_forward()
            j = bisect_left(table.cum_end, target)
        return table.starts[j] + (target - table.cum[j])

    def _between_us(self, start: datetime, end: datetime) -> int:
        a, b = to_us(start), to_us(end)
        table = self._table
        if not (table.lo <= a < table.hi and table.lo <= b < table.hi):
            self._cover(min(a, b))
            table = self._cover(max(a, b))
        return self._offset(table, b) - self._offset(table, a)

    def between_exact(self, start: datetime, end: datetime) -> timedelta:
        """Business time from start to end; negative when end is before start."""
        return timedelta(microseconds=self._between_us(start, end))

    def between(self, start: datetime, end: datetime) -> int:
        """Whole business minutes from start to end (truncated toward zero; signed)."""
        value = self._between_us(start, end)
        return value // MINUTE_US if value >= 0 else -((-value) // MINUTE_US)

    def add_working_days(self, t: datetime, days: int) -> datetime:
        """Same wall-clock time `days` working days after t's (opening-rolled) start.

        A start in closed time first rolls to the next opening; the result, when closed on its
        day (shorter hours, or a time after closing), rolls to the next opening.
        """
        if days < 0:
            raise CalendarError("cannot add negative working days")
        x = to_us(t)
        table = self._table
        if days and table.lo <= x < table.hi:
            fast = self._add_working_days_fast(table, x, days)
            if fast is not None:
                return EPOCH + timedelta(microseconds=fast)
        return self._add_working_days_slow(t, days)

    def _add_working_days_fast(self, table: _Table, x: int, days: int) -> int | None:
        """Working days as integer arithmetic; None when a DST change or the table edge is near."""
        starts, ends = table.starts, table.ends
        i = bisect_right(starts, x) - 1
        if i < 0 or x >= ends[i]:  # closed: the clock starts at the next opening
            i += 1
            if i >= len(starts):
                return None
            x = starts[i]
        k = table.iday[i]
        offset = table.ioff[i]
        if offset is None or k + days >= len(table.wmid):
            return None
        target_offset = table.woff[k + days]
        if target_offset is None:
            return None
        wall = x + offset - table.wmid[k]  # the start's wall-clock time of day, in µs
        candidate = table.wmid[k + days] + wall - target_offset
        j = bisect_right(starts, candidate) - 1
        if j >= 0 and candidate < ends[j]:
            return candidate
        return starts[j + 1] if j + 1 < len(starts) else None

    def _add_working_days_slow(self, t: datetime, days: int) -> datetime:
        """The plain version (zoneinfo for every conversion); also the reference in tests."""
        start = self.next_opening(t)
        if days == 0:
            return start
        local = start.astimezone(self.zone)
        table = self._table
        k = bisect_left(table.workdays, local.date().toordinal())
        while k + days >= len(table.workdays):
            table = self._extend_forward()
        target_day = date.fromordinal(table.workdays[k + days])
        wall = datetime.combine(target_day, local.time().replace(fold=0), self.zone)
        return self.next_opening(wall)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days whose local date lies in (start's date, end's date]."""
        a = start.astimezone(self.zone).date().toordinal()
        b = end.astimezone(self.zone).date().toordinal()
        self._cover(to_us(start))
        table = self._cover(to_us(end))
        return bisect_right(table.workdays, b) - bisect_right(table.workdays, a)

    def opening_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening intervals as UTC instants (for display and explanations)."""
        return [
            (from_us(self._local_us(day, opens)), from_us(self._local_us(day, closes)))
            for opens, closes in self.hours_on(day)
        ]


_DEFAULT: BusinessCalendar | None = None


def default_calendar() -> BusinessCalendar:
    """Mon-Fri 08:30-16:30 Europe/Bucharest minus Romanian public holidays (built once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = BusinessCalendar()
    return _DEFAULT
