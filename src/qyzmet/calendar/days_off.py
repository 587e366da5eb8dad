"""Non-working days of Kazakhstan as the `holidays` package knows them.

The package (KZ calendar) models the Law on holidays: the fixed holidays, the next working day off
when a holiday falls on a weekend (not for Orthodox Christmas and Kurban ait), and the Government's
day-off transfers it has been taught (up to 2025 in version 0.108). What it lacks is added by the
project's own table (`transfer_table.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import holidays

NAME_SEPARATOR = "; "  # how the holidays package joins two holidays on one date


@dataclass(frozen=True, slots=True)
class DaysOff:
    """Named days off (weekend or not) and the Saturdays/Sundays that are working days, over some years."""

    days_off: Mapping[date, str]
    weekend_working_days: frozenset[date]


DaysOffSource = Callable[[range], DaysOff]


def days_off_from_holidays_package(years: range) -> DaysOff:
    """Return the `holidays` package's Kazakhstan days off for `years`, with English names."""
    kazakhstan = holidays.country_holidays("KZ", years=years, language="en_US")
    days_off = {day: str(name) for day, name in kazakhstan.items() if day.year in years}
    # The package carries 2013-12-28 (for a 2014 transfer) whatever years are asked for.
    working = frozenset(day for day in kazakhstan.weekend_workdays if day.year in years)
    return DaysOff(days_off=days_off, weekend_working_days=working)
