"""Properties of deadline arithmetic, checked by hypothesis over 2024–2027."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from qyzmet.calendar import TIMEZONE, Duration, Unit, deadline, elapsed, is_office_time

ZONES = st.sampled_from([TIMEZONE, UTC, timezone(timedelta(hours=5)), timezone(timedelta(hours=6))])
STARTS = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 9, 30), timezones=ZONES)  # noqa: DTZ001
MAXIMA = {Unit.MINUTES: 5_000, Unit.HOURS: 400, Unit.WORKING_DAYS: 60, Unit.CALENDAR_DAYS: 90}
DURATIONS = st.sampled_from(list(Unit)).flatmap(
    lambda unit: st.integers(min_value=1, max_value=MAXIMA[unit]).map(lambda value: Duration(value, unit))
)
PACKAGE = holidays.country_holidays("KZ", years=range(2023, 2029))


@given(start=STARTS, duration=DURATIONS)
def test_a_deadline_is_never_before_its_start_and_falls_in_office_time(start: datetime, duration: Duration) -> None:
    due = deadline(start, duration)
    assert due >= start
    assert is_office_time(due)
    assert due.tzinfo is TIMEZONE


@given(start=STARTS, first=st.integers(1, 40), second=st.integers(1, 40))
def test_adding_a_then_b_working_days_is_adding_a_plus_b(start: datetime, first: int, second: int) -> None:
    stepwise = deadline(deadline(start, Duration(first, Unit.WORKING_DAYS)), Duration(second, Unit.WORKING_DAYS))
    assert stepwise == deadline(start, Duration(first + second, Unit.WORKING_DAYS))


@given(start=STARTS, first=st.integers(1, 2_000), second=st.integers(1, 2_000))
def test_adding_a_then_b_minutes_is_adding_a_plus_b(start: datetime, first: int, second: int) -> None:
    stepwise = deadline(deadline(start, Duration(first, Unit.MINUTES)), Duration(second, Unit.MINUTES))
    assert stepwise == deadline(start, Duration(first + second, Unit.MINUTES))


@given(start=STARTS, duration=DURATIONS.filter(lambda d: d.unit is not Unit.CALENDAR_DAYS))
def test_elapsed_from_start_to_its_deadline_is_the_duration(start: datetime, duration: Duration) -> None:
    assert elapsed(start, deadline(start, duration), duration.unit) == duration.value


@given(start=STARTS, value=st.integers(1, 90))
def test_elapsed_calendar_days_reach_the_duration(start: datetime, value: int) -> None:
    # A term ending on a day off runs on to the next working day, so more days may have passed.
    duration = Duration(value, Unit.CALENDAR_DAYS)
    target = start.astimezone(TIMEZONE).date() + timedelta(days=value)
    passed = elapsed(start, deadline(start, duration), Unit.CALENDAR_DAYS)
    assert passed >= value
    assert (passed == value) == PACKAGE.is_working_day(target)


def _package_working_day_after(day: date, count: int) -> date:
    """Reference: the house-style loop over days, on the holidays package alone."""
    while count > 0:
        day += timedelta(days=1)
        if PACKAGE.is_working_day(day):
            count -= 1
    return day


@given(start=STARTS, value=st.integers(1, 60))
@settings(max_examples=200)
def test_working_days_match_a_day_by_day_loop_over_the_holidays_package(start: datetime, value: int) -> None:
    # 2024–2027 need nothing from the project's table but the Kurban ait 2026 date, which agrees.
    due = deadline(start, Duration(value, Unit.WORKING_DAYS))
    assert due.date() == _package_working_day_after(start.astimezone(TIMEZONE).date(), value)


OFFICE_INTERVALS = ((timedelta(hours=9), timedelta(hours=13)), (timedelta(hours=14.5), timedelta(hours=18.5)))


def _minutes_by_walking(start: datetime, minutes: int) -> datetime:
    """Reference: walk office intervals day by day (09:00–13:00, 14:30–18:30)."""
    local = start.astimezone(TIMEZONE)
    day, clock = local.date(), local.replace(tzinfo=None) - datetime.combine(local.date(), datetime.min.time())
    left = timedelta(minutes=minutes)
    while True:
        if PACKAGE.is_working_day(day):
            for opening, closing in OFFICE_INTERVALS:
                begin = max(opening, clock)
                if begin < closing:
                    if begin + left <= closing:
                        return datetime.combine(day, datetime.min.time(), TIMEZONE) + begin + left
                    left -= closing - begin
        day, clock = day + timedelta(days=1), timedelta(0)


@given(start=STARTS, minutes=st.integers(1, 3_000))
@settings(max_examples=200)
def test_minutes_match_walking_the_office_intervals(start: datetime, minutes: int) -> None:
    assert deadline(start, Duration(minutes, Unit.MINUTES)) == _minutes_by_walking(start, minutes)
