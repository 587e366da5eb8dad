"""Deadlines and office time: `deadline`, `elapsed`, `remaining`.

Office time is a single line of "office microseconds": working day `k` (0-based from the working
calendar's epoch) covers positions `k * day .. (k + 1) * day`, where `day` is the length of the
office day without lunch. A moment maps to its position (moments outside office time map to the
next opening, which is the same position as the previous closing); a position maps back to a
moment by an index lookup. Adding minutes or hours is then one addition.

Every moment is timezone-aware; wall-clock times are those of Asia/Almaty (UTC+05:00 since
2024-03-01, UTC+06:00 before), so a deadline carries the offset in force on its date.
"""

from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Final
from zoneinfo import ZoneInfo

from qyzmet.calendar.durations import Duration, Unit
from qyzmet.calendar.errors import CalendarError
from qyzmet.calendar.office_hours import DEFAULT_OFFICE_HOURS, OfficeHours
from qyzmet.calendar.working_calendar import WorkingCalendar, calendar_default

TIMEZONE: Final = ZoneInfo("Asia/Almaty")
NAIVE_DATETIME: Final = "{name} must be timezone-aware (got the naive datetime {moment})"
MOMENT_OUT_OF_RANGE: Final = "{name} {moment} cannot be expressed in Asia/Almaty time"

_MINUTE_US: Final = 60_000_000
_UNIT_US: Final = {Unit.MINUTES: _MINUTE_US, Unit.HOURS: 60 * _MINUTE_US}


def local_time(moment: datetime, name: str = "moment") -> datetime:
    """Return `moment` in Asia/Almaty; raise CalendarError if it is naive."""
    zone = moment.tzinfo
    if zone is TIMEZONE:
        return moment
    if zone is None or (type(zone) is not timezone and moment.utcoffset() is None):
        raise CalendarError(NAIVE_DATETIME.format(name=name, moment=moment.isoformat()))
    try:
        return moment.astimezone(TIMEZONE)
    except OverflowError:
        raise CalendarError(MOMENT_OUT_OF_RANGE.format(name=name, moment=moment.isoformat())) from None


def deadline(
    start: datetime,
    duration: Duration,
    *,
    hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """Return the deadline of a term of `duration` that starts at `start`, in Asia/Almaty time.

    * minutes, hours: office time only, from `start` or the next opening if `start` is outside it;
      lunch and non-working days do not count.
    * working_days: the arrival date is not counted; the deadline is the closing time of the
      N-th working day after it.
    * calendar_days: the closing time of the date N days after the arrival date, or of the next
      working day if that date is not one.
    """
    local = local_time(start, "start")
    working = calendar or calendar_default()
    unit = duration.unit
    if unit is Unit.WORKING_DAYS:
        index = working.count_through(local.toordinal()) + duration.value - 1
        return datetime.combine(working.date_at(index), hours.close, TIMEZONE)
    if unit is Unit.CALENDAR_DAYS:
        index = working.count_before(local.toordinal() + duration.value)
        return datetime.combine(working.date_at(index), hours.close, TIMEZONE)
    position = _position(local, hours, working) + duration.value * _UNIT_US[unit]
    return _moment(position, hours, working)


def elapsed(
    start: datetime,
    end: datetime,
    unit: Unit,
    *,
    hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    calendar: WorkingCalendar | None = None,
) -> int:
    """Return the whole `unit`s of office time from `start` to `end` (negative if `end` is earlier).

    * minutes, hours: office time between the two moments, truncated toward zero.
    * working_days: working days after the date of `start` whose office day is over by `end`;
      so `elapsed(s, deadline(s, n working_days)) == n`.
    * calendar_days: days from the date of `start` to the last date whose office day is over by `end`.
    """
    first, last = local_time(start, "start"), local_time(end, "end")
    if last < first:
        return -elapsed(last, first, unit, hours=hours, calendar=calendar)
    working = calendar or calendar_default()
    if unit is Unit.WORKING_DAYS:
        return max(0, working.count_through(_last_closed(last, hours)) - working.count_through(first.toordinal()))
    if unit is Unit.CALENDAR_DAYS:
        return max(0, _last_closed(last, hours) - first.toordinal())
    return (_position(last, hours, working) - _position(first, hours, working)) // _UNIT_US[unit]


def remaining(
    due: datetime,
    now: datetime,
    unit: Unit = Unit.MINUTES,
    *,
    hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    calendar: WorkingCalendar | None = None,
) -> int:
    """Return the whole `unit`s of office time left until `due`; negative when overdue.

    `remaining(due, now, Unit.WORKING_DAYS) == 2` reads "2 working days left";
    `remaining(due, now) == -35` reads "overdue by 35 working minutes".
    """
    return elapsed(now, due, unit, hours=hours, calendar=calendar)


def is_office_time(
    moment: datetime, *, hours: OfficeHours = DEFAULT_OFFICE_HOURS, calendar: WorkingCalendar | None = None
) -> bool:
    """Return whether `moment` is on a working day, within opening hours, and not inside lunch.

    Opening, closing and the lunch boundaries count as office time (a deadline may fall on them).
    """
    local = local_time(moment)
    working = calendar or calendar_default()
    if not working.is_working_day(local.date()):
        return False
    clock = _clock_us(local)
    return hours.open_us <= clock <= hours.close_us and not hours.lunch_start_us < clock < hours.lunch_end_us


def _clock_us(local: datetime) -> int:
    return ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond


def _office_offset(clock: int, hours: OfficeHours) -> int:
    """Office time elapsed on a working day by the wall-clock time `clock` (microseconds)."""
    if clock <= hours.open_us:
        return 0
    if clock <= hours.lunch_start_us:
        return clock - hours.open_us
    if clock <= hours.lunch_end_us:
        return hours.morning_us
    if clock < hours.close_us:
        return clock - hours.open_us - (hours.lunch_end_us - hours.lunch_start_us)
    return hours.day_us


def _position(local: datetime, hours: OfficeHours, working: WorkingCalendar) -> int:
    before, is_working = working.day_counts(local.toordinal())
    if not is_working:  # its time is the next opening
        return before * hours.day_us
    return before * hours.day_us + _office_offset(_clock_us(local), hours)


def _moment(position: int, hours: OfficeHours, working: WorkingCalendar) -> datetime:
    """The moment at office `position` (> 0), reading a day boundary as the earlier day's closing."""
    index, rest = divmod(position - 1, hours.day_us)
    rest += 1
    clock = hours.open_us + rest if rest <= hours.morning_us else hours.lunch_end_us + rest - hours.morning_us
    seconds, microsecond = divmod(clock, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return datetime.combine(working.date_at(index), time(hour, minute, second, microsecond), TIMEZONE)


def _last_closed(local: datetime, hours: OfficeHours) -> int:
    """The ordinal of the last date whose office day is over at `local`."""
    ordinal = local.toordinal()
    return ordinal if _clock_us(local) >= hours.close_us else ordinal - 1

