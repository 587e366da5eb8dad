"""The working calendar against the official lists of days off (five-day week), 2024–2027.

Weekday days off and worked weekend days, from the Law on holidays (art. 5: a holiday on a
weekend moves to the next working day, except Orthodox Christmas and Kurban ait), the decrees
cited in `data/transfers.yaml`, and the egov.kz calendars. 2027 has no transfer decree yet.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from qyzmet.calendar import calendar_default
from qyzmet.calendar.days_off import days_off_from_holidays_package

WEEKDAYS_OFF: dict[int, list[str]] = {
    2024: [
        "01-01", "01-02", "03-08", "03-21", "03-22", "03-25", "05-01", "05-07", "05-08", "05-09",
        "07-08", "08-30", "10-25", "12-16",
    ],
    2025: [
        "01-01", "01-02", "01-03", "01-07", "03-10", "03-21", "03-24", "03-25", "05-01", "05-07",
        "05-09", "06-06", "07-07", "09-01", "10-27", "12-16",
    ],
    2026: [
        "01-01", "01-02", "01-07", "03-09", "03-23", "03-24", "03-25", "05-01", "05-07", "05-11",
        "05-27", "07-06", "10-26", "12-16",
    ],
    2027: [
        "01-01", "01-04", "01-07", "03-08", "03-15", "03-22", "03-23", "03-24", "05-03", "05-07",
        "05-10", "07-06", "10-25", "12-16",
    ],
}  # fmt: skip
WORKED_WEEKEND_DAYS: dict[int, list[str]] = {2024: ["05-04"], 2025: ["01-05"], 2026: [], 2027: []}


def _weekdays_off(year: int) -> list[str]:
    calendar = calendar_default()
    day, days = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and not calendar.is_working_day(day):
            days.append(day.strftime("%m-%d"))
        day += timedelta(days=1)
    return days


@pytest.mark.parametrize("year", sorted(WEEKDAYS_OFF))
def test_weekday_days_off_match_the_official_list(year: int) -> None:
    assert _weekdays_off(year) == WEEKDAYS_OFF[year]


@pytest.mark.parametrize("year", sorted(WORKED_WEEKEND_DAYS))
def test_worked_weekend_days_match_the_decrees(year: int) -> None:
    worked = [day.strftime("%m-%d") for day in calendar_default().weekend_working_days(year)]
    assert worked == WORKED_WEEKEND_DAYS[year]


def test_working_sunday_of_2025_is_a_sunday() -> None:
    """The 2025 decree made Sunday 5 January a working day (not a Saturday)."""
    assert date(2025, 1, 5).strftime("%A") == "Sunday"
    assert calendar_default().is_working_day(date(2025, 1, 5))


def test_orthodox_christmas_and_kurban_ait_on_a_weekend_are_not_moved() -> None:
    # 7 January 2024 and Kurban ait 16 June 2024 were Sundays: Monday stays a working day.
    calendar = calendar_default()
    assert calendar.is_working_day(date(2024, 1, 8))
    assert calendar.is_working_day(date(2024, 6, 17))


def test_the_holidays_package_alone_agrees_except_for_what_the_table_adds() -> None:
    # given: the package without the project's table
    package = days_off_from_holidays_package(range(2024, 2028))

    # then: its weekday days off are the official ones for 2024–2027 (it already knows the
    # 2024–2025 transfers and drops 30 August from 2026); Kurban ait 2026 is only "estimated"
    for year, days in WEEKDAYS_OFF.items():
        weekdays = sorted(d.strftime("%m-%d") for d in package.days_off if d.year == year and d.weekday() < 5)
        assert weekdays == days
    assert package.days_off[date(2026, 5, 27)] == "Eid al-Adha (estimated)"
    assert calendar_default().days_off(2026)[date(2026, 5, 27)] == "Eid al-Adha"


def test_the_system_time_zone_database_knows_the_2024_change() -> None:
    """Asia/Almaty moved from UTC+06:00 to UTC+05:00 on 2024-03-01 (tzdata 2024a and later)."""
    almaty = ZoneInfo("Asia/Almaty")
    assert datetime(2024, 2, 29, 12, tzinfo=almaty).utcoffset() == timedelta(hours=6)
    assert datetime(2024, 3, 1, 12, tzinfo=almaty).utcoffset() == timedelta(hours=5)
