"""Which days are working days, as precomputed lookup tables.

A working day is Monday–Friday unless it is a day off, or a Saturday/Sunday a decree made a working
day. The calendar is built once for a range of years starting at FIRST_YEAR and extended upwards on
demand. Two tables answer every question with an index lookup, never a loop over days:

* `cumulative[i]`: how many working days fall in the `i` days from 1 January FIRST_YEAR;
* `ordinals[k]`: the date ordinal of the `k`-th working day (0-based) from that epoch.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Final

from qyzmet.calendar.days_off import DaysOff, DaysOffSource, days_off_from_holidays_package
from qyzmet.calendar.errors import CalendarError
from qyzmet.calendar.transfer_table import TransferTable, transfer_table_default

FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2099
YEAR_OUT_OF_RANGE: Final = f"the working calendar covers {FIRST_YEAR}–{LAST_YEAR}, not {{day}}"
LAST_ORDINAL: Final = date(LAST_YEAR, 12, 31).toordinal()
EXTENSION_YEARS: Final = 10  # extend in chunks: building one year or ten costs about the same
SATURDAY: Final = 5


@dataclass(frozen=True, slots=True)
class _Tables:
    epoch: int  # ordinal of 1 January FIRST_YEAR
    last_year: int
    cumulative: list[int]  # len = days + 1
    ordinals: list[int]
    dates: list[date]  # the same working days as date objects, so results need no conversion
    days: DaysOff


def _tables_build(days: DaysOff, last_year: int) -> _Tables:
    epoch = date(FIRST_YEAR, 1, 1).toordinal()
    end = date(last_year + 1, 1, 1).toordinal()
    cumulative = [0]
    ordinals: list[int] = []
    days_off, working = days.days_off, days.weekend_working_days
    for ordinal in range(epoch, end):
        day = date.fromordinal(ordinal)
        if day in working or (day.weekday() < SATURDAY and day not in days_off):
            ordinals.append(ordinal)
        cumulative.append(len(ordinals))
    dates = [date.fromordinal(ordinal) for ordinal in ordinals]
    return _Tables(epoch=epoch, last_year=last_year, cumulative=cumulative, ordinals=ordinals, dates=dates, days=days)


class WorkingCalendar:
    """The five-day-week working calendar: a days-off source plus the project's transfer table.

    Thread-safe: lookups read one immutable snapshot; extensions build a new one under a lock.
    """

    def __init__(self, source: DaysOffSource, table: TransferTable, *, initial_last_year: int = 2030) -> None:
        self._source = source
        self._table = table
        self._lock = threading.Lock()
        self._tables = self._build(initial_last_year)

    def _build(self, last_year: int) -> _Tables:
        years = range(FIRST_YEAR, last_year + 1)
        return _tables_build(self._table.apply(self._source(years), years), last_year)

    def _extend(self, year: int) -> _Tables:
        if year > LAST_YEAR:
            raise CalendarError(YEAR_OUT_OF_RANGE.format(day=year))
        with self._lock:
            if self._tables.last_year < year:
                self._tables = self._build(min(LAST_YEAR, year + EXTENSION_YEARS))
            return self._tables

    def _tables_through(self, ordinal: int) -> _Tables:
        tables = self._tables
        index = ordinal - tables.epoch
        if index < 0 or ordinal > LAST_ORDINAL:
            raise CalendarError(YEAR_OUT_OF_RANGE.format(day=_ordinal_text(ordinal)))
        if index + 1 >= len(tables.cumulative):
            tables = self._extend(date.fromordinal(ordinal).year)
        return tables

    # Index lookups: what the deadline arithmetic is made of.

    def count_before(self, ordinal: int) -> int:
        """Return how many working days precede the date `ordinal` (counted from the calendar's epoch)."""
        tables = self._tables_through(ordinal)
        return tables.cumulative[ordinal - tables.epoch]

    def count_through(self, ordinal: int) -> int:
        """Return how many working days fall on or before the date `ordinal` (from the epoch)."""
        tables = self._tables_through(ordinal)
        return tables.cumulative[ordinal - tables.epoch + 1]

    def day_counts(self, ordinal: int) -> tuple[int, bool]:
        """Return (working days before the date `ordinal`, whether that date is a working day)."""
        tables = self._tables_through(ordinal)
        index = ordinal - tables.epoch
        before = tables.cumulative[index]
        return before, tables.cumulative[index + 1] != before

    def ordinal_at(self, index: int) -> int:
        """Return the date ordinal of the working day with 0-based `index` from the epoch."""
        return self._tables_holding(index).ordinals[index]

    def date_at(self, index: int) -> date:
        """Return the working day with 0-based `index` from the epoch."""
        return self._tables_holding(index).dates[index]

    def _tables_holding(self, index: int) -> _Tables:
        tables = self._tables
        while index >= len(tables.ordinals):
            tables = self._extend(tables.last_year + 1)
        if index < 0:
            raise CalendarError(YEAR_OUT_OF_RANGE.format(day=f"a date before {FIRST_YEAR}"))
        return tables

    # Date-level questions.

    def is_working_day(self, day: date) -> bool:
        """Return whether `day` is a working day."""
        return self.day_counts(day.toordinal())[1]

    def working_day_after(self, day: date, count: int) -> date:
        """Return the `count`-th working day after `day` (`day` itself not counted); `count` >= 1."""
        return self.date_at(self.count_through(day.toordinal()) + count - 1)

    def working_day_on_or_after(self, day: date) -> date:
        """Return `day` if it is a working day, else the next working day."""
        return self.date_at(self.count_before(day.toordinal()))

    def working_days_between(self, start: date, end: date) -> int:
        """Return how many working days fall after `start` up to and including `end` (negative if reversed)."""
        return self.count_through(end.toordinal()) - self.count_through(start.toordinal())

    def days_off(self, year: int) -> dict[date, str]:
        """Return the named days off of `year` (weekend holidays included), after the transfer table."""
        tables = self._tables_through(date(year, 12, 31).toordinal())
        return {day: name for day, name in sorted(tables.days.days_off.items()) if day.year == year}

    def weekend_working_days(self, year: int) -> list[date]:
        """Return the Saturdays and Sundays of `year` that are working days."""
        tables = self._tables_through(date(year, 12, 31).toordinal())
        return sorted(day for day in tables.days.weekend_working_days if day.year == year)


def _ordinal_text(ordinal: int) -> str:
    try:
        return date.fromordinal(ordinal).isoformat()
    except (ValueError, OverflowError):
        return f"a date after {date.max}"


@cache
def calendar_default() -> WorkingCalendar:
    """Return Kazakhstan's calendar: the `holidays` package plus `data/transfers.yaml` (built once)."""
    return WorkingCalendar(days_off_from_holidays_package, transfer_table_default())
