"""Office hours of an organisation: when the clock of a working day runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Final

from qyzmet.calendar.errors import CalendarError

OFFICE_HOURS_ORDER: Final = (
    "office hours must satisfy open <= lunch start <= lunch end <= close, with some office time: {hours}"
)
OFFICE_HOURS_AWARE: Final = "office hours are local wall-clock times and must not carry a time zone: {hours}"
SPAN_MALFORMED: Final = "expected a time span like 09:00-18:30, got {text!r}"

_MICROSECONDS_PER_SECOND: Final = 1_000_000


def microseconds_of_day(moment: time) -> int:
    """Return the wall-clock time `moment` as microseconds since midnight."""
    seconds = (moment.hour * 60 + moment.minute) * 60 + moment.second
    return seconds * _MICROSECONDS_PER_SECOND + moment.microsecond


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Opening hours of a working day and its lunch break, as local (Asia/Almaty) wall-clock times.

    The lunch break may be empty (`lunch_start == lunch_end`). Every working day has the same hours;
    the derived microsecond fields exist so deadline arithmetic does not recompute them per call.
    """

    open: time
    close: time
    lunch_start: time
    lunch_end: time
    open_us: int = field(init=False, repr=False, compare=False)
    close_us: int = field(init=False, repr=False, compare=False)
    lunch_start_us: int = field(init=False, repr=False, compare=False)
    lunch_end_us: int = field(init=False, repr=False, compare=False)
    morning_us: int = field(init=False, repr=False, compare=False)
    day_us: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        moments = (self.open, self.lunch_start, self.lunch_end, self.close)
        if any(moment.tzinfo is not None for moment in moments):
            raise CalendarError(OFFICE_HOURS_AWARE.format(hours=self.text()))
        opening, lunch_start, lunch_end, closing = (microseconds_of_day(moment) for moment in moments)
        day_us = (closing - opening) - (lunch_end - lunch_start)
        if not (opening <= lunch_start <= lunch_end <= closing and day_us > 0):
            raise CalendarError(OFFICE_HOURS_ORDER.format(hours=self.text()))
        object.__setattr__(self, "open_us", opening)
        object.__setattr__(self, "close_us", closing)
        object.__setattr__(self, "lunch_start_us", lunch_start)
        object.__setattr__(self, "lunch_end_us", lunch_end)
        object.__setattr__(self, "morning_us", lunch_start - opening)
        object.__setattr__(self, "day_us", day_us)

    def text(self) -> str:
        """Return the hours as `09:00-18:30 lunch 13:00-14:30`."""
        return f"{_hhmm(self.open)}-{_hhmm(self.close)} lunch {_hhmm(self.lunch_start)}-{_hhmm(self.lunch_end)}"


def _hhmm(moment: time) -> str:
    return moment.isoformat(timespec="minutes" if not (moment.second or moment.microsecond) else "auto")


def time_span_parse(text: str) -> tuple[time, time]:
    """Parse `HH:MM-HH:MM` into its two wall-clock times; raise CalendarError if malformed."""
    parts = text.strip().split("-")
    if len(parts) != 2:
        raise CalendarError(SPAN_MALFORMED.format(text=text))
    try:
        first, second = (time.fromisoformat(part.strip()) for part in parts)
    except ValueError:
        raise CalendarError(SPAN_MALFORMED.format(text=text)) from None
    if first.tzinfo is not None or second.tzinfo is not None:
        raise CalendarError(SPAN_MALFORMED.format(text=text))
    return first, second


DEFAULT_OFFICE_HOURS: Final = OfficeHours(
    open=time(9, 0), close=time(18, 30), lunch_start=time(13, 0), lunch_end=time(14, 30)
)
