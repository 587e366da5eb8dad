"""Durations of a procedure step: a positive whole number of minutes, hours, working days or calendar days."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from qyzmet.calendar.errors import CalendarError


class Unit(StrEnum):
    """The units regulations state terms in (the same values as the catalogue's `Unit`)."""

    MINUTES = "minutes"
    HOURS = "hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


UNITS_TEXT: Final = ", ".join(unit.value for unit in Unit)
DURATION_MALFORMED: Final = "expected a duration like '3 working_days', got {text!r}"
DURATION_VALUE: Final = "a duration must be a positive whole number, got {value!r}"
UNIT_UNKNOWN: Final = "unknown unit {unit!r} (expected one of: " + UNITS_TEXT + ")"


def unit_parse(text: str) -> Unit:
    """Return the Unit named `text`; raise CalendarError naming the valid units otherwise."""
    try:
        return Unit(text)
    except ValueError:
        raise CalendarError(UNIT_UNKNOWN.format(unit=text)) from None


@dataclass(frozen=True, slots=True)
class Duration:
    """A term such as `3 working_days`; the value is a positive whole number."""

    value: int
    unit: Unit

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 1:
            raise CalendarError(DURATION_VALUE.format(value=self.value))
        if not isinstance(self.unit, Unit):
            object.__setattr__(self, "unit", unit_parse(str(self.unit)))

    def __str__(self) -> str:
        return f"{self.value} {self.unit.value}"

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse `'<value> <unit>'`, e.g. `'3 working_days'` or `'15 minutes'`."""
        parts = text.split()
        if len(parts) != 2:
            raise CalendarError(DURATION_MALFORMED.format(text=text))
        value_text, unit_text = parts
        try:
            value = int(value_text)
        except ValueError:
            raise CalendarError(DURATION_VALUE.format(value=value_text)) from None
        return cls(value, unit_parse(unit_text))
