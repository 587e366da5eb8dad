"""An independent reference for deadlines, for tests that cannot name their dates (their clock follows today's).

It shares no code with `qyzmet.calendar`: the days off are written out by hand, year by year, from
the Law on holidays (a holiday on a Saturday or Sunday moves to the next working day), the Labour
Code (Orthodox Christmas and the first day of Kurban ait are days off and never move) and the
Government's transfer decrees; time is counted by walking the office day. The rules are those of
ADR 0002: a term in minutes or hours counts office minutes (reaching the end of a morning or of the
day ends there); a term in working days does not count the arrival date and ends at closing time of
its N-th working day; one in calendar days ends at closing time of the arrival date plus N, or of
the next working day when that date is not one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

ALMATY = ZoneInfo("Asia/Almaty")

# Weekdays that are days off, by hand (the weekend substitutes are the Mondays or later days listed).
DAYS_OFF: dict[int, set[date]] = {
    2024: {
        date(2024, 1, 1), date(2024, 1, 2),  # New Year
        date(2024, 3, 8),  # Women's Day (Fri)
        date(2024, 3, 21), date(2024, 3, 22), date(2024, 3, 25),  # Nauryz Thu, Fri; Sat 23 -> Mon 25
        date(2024, 5, 1), date(2024, 5, 7), date(2024, 5, 9),  # Unity, Defender's, Victory Day
        date(2024, 5, 8),  # moved from Saturday 4 May (decree G24G0000109)
        date(2024, 7, 8),  # Capital Day, Sat 6 July -> Mon 8
        date(2024, 8, 30),  # Constitution Day (Fri)
        date(2024, 10, 25),  # Republic Day (Fri)
        date(2024, 12, 16),  # Independence Day (Mon)
        # Christmas Sun 7 Jan and Kurban ait Sun 16 June fall on Sundays and do not move.
    },
    2025: {
        date(2025, 1, 1), date(2025, 1, 2),  # New Year
        date(2025, 1, 3),  # moved from Sunday 5 January (decree G24G0000436)
        date(2025, 1, 7),  # Orthodox Christmas (Tue)
        date(2025, 3, 10),  # Women's Day, Sat 8 March -> Mon 10
        date(2025, 3, 21), date(2025, 3, 24), date(2025, 3, 25),  # Nauryz Fri; Sat 22, Sun 23 -> Mon 24, Tue 25
        date(2025, 5, 1), date(2025, 5, 7), date(2025, 5, 9),
        date(2025, 6, 6),  # Kurban ait (Fri)
        date(2025, 7, 7),  # Capital Day, Sun 6 July -> Mon 7
        date(2025, 9, 1),  # Constitution Day, Sat 30 August -> Mon 1 September
        date(2025, 10, 27),  # Republic Day, Sat 25 October -> Mon 27
        date(2025, 12, 16),  # Independence Day (Tue)
    },
    2026: {
        date(2026, 1, 1), date(2026, 1, 2),  # New Year (Thu, Fri)
        date(2026, 1, 7),  # Orthodox Christmas (Wed)
        date(2026, 3, 9),  # Women's Day, Sun 8 March -> Mon 9
        date(2026, 3, 23), date(2026, 3, 24), date(2026, 3, 25),  # Nauryz Mon 23; Sat 21, Sun 22 -> Tue 24, Wed 25
        date(2026, 5, 1), date(2026, 5, 7),  # Unity Day (Fri), Defender's Day (Thu)
        date(2026, 5, 11),  # Victory Day, Sat 9 May -> Mon 11
        date(2026, 5, 27),  # Kurban ait (Wed, the official date)
        date(2026, 7, 6),  # Capital Day (Mon)
        # 30 August is no longer a day off from 2026.
        date(2026, 10, 26),  # Republic Day, Sun 25 October -> Mon 26
        date(2026, 12, 16),  # Independence Day (Wed)
    },
    2027: {
        date(2027, 1, 1), date(2027, 1, 4),  # New Year Fri 1; Sat 2 -> Mon 4
        date(2027, 1, 7),  # Orthodox Christmas (Thu)
        date(2027, 3, 8),  # Women's Day (Mon)
        date(2027, 3, 15),  # Constitution Day, from 2027 (Mon)
        date(2027, 3, 22), date(2027, 3, 23), date(2027, 3, 24),  # Nauryz Mon 22, Tue 23; Sun 21 -> Wed 24
        date(2027, 5, 3),  # Unity Day, Sat 1 May -> Mon 3
        date(2027, 5, 7),  # Defender's Day (Fri)
        date(2027, 5, 10),  # Victory Day, Sun 9 May -> Mon 10
        # Kurban ait: not yet announced; the estimate, Sunday 16 May, does not move.
        date(2027, 7, 6),  # Capital Day (Tue)
        date(2027, 10, 25),  # Republic Day (Mon)
        date(2027, 12, 16),  # Independence Day (Thu)
    },
}
# Saturdays and Sundays made working days by decree.
WORKING_WEEKEND_DAYS = {date(2024, 5, 4), date(2025, 1, 5)}

OPEN, LUNCH_START, LUNCH_END, CLOSE = time(9, 0), time(13, 0), time(14, 30), time(18, 30)


def is_working_day(day: date) -> bool:
    if day.year not in DAYS_OFF:
        pytest.fail(f"the reference calendar has no days off written down for {day.year}")
    if day in WORKING_WEEKEND_DAYS:
        return True
    return day.weekday() < 5 and day not in DAYS_OFF[day.year]


def _periods(day: date, hours: tuple[time, time, time, time]) -> list[tuple[datetime, datetime]]:
    """The office periods of a working day: morning and afternoon (one period when there is no lunch)."""
    opens, lunch_start, lunch_end, closes = (datetime.combine(day, t, tzinfo=ALMATY) for t in hours)
    if lunch_start == lunch_end:
        return [(opens, closes)]
    return [(opens, lunch_start), (lunch_end, closes)]


def add_office_minutes(start: datetime, minutes: int,
                       hours: tuple[time, time, time, time] = (OPEN, LUNCH_START, LUNCH_END, CLOSE)) -> datetime:
    """`minutes` of office time after `start`, walking period by period."""
    moment = start.astimezone(ALMATY)
    left = timedelta(minutes=minutes)
    day = moment.date()
    while True:
        if is_working_day(day):
            for begin, end in _periods(day, hours):
                if moment >= end:
                    continue
                moment = max(moment, begin)
                if moment + left <= end:
                    return moment + left
                left -= end - moment
                moment = end
        day += timedelta(days=1)
        moment = datetime.combine(day, time(0, 0), tzinfo=ALMATY)


def deadline_reference(start: datetime, value: int, unit: str,
                       hours: tuple[time, time, time, time] = (OPEN, LUNCH_START, LUNCH_END, CLOSE)) -> datetime:
    """When a term of `value` `unit` started at `start` ends."""
    closes = hours[3]
    if unit == "minutes":
        return add_office_minutes(start, value, hours)
    if unit == "hours":
        return add_office_minutes(start, 60 * value, hours)
    day = start.astimezone(ALMATY).date()
    if unit == "working_days":
        counted = 0
        while counted < value:
            day += timedelta(days=1)
            counted += is_working_day(day)
        return datetime.combine(day, closes, tzinfo=ALMATY)
    if unit == "calendar_days":
        day += timedelta(days=value)
        while not is_working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, closes, tzinfo=ALMATY)
    raise AssertionError(f"unknown unit {unit}")
