"""Office hours of an organization as a plain value. Pure Python.

`qyzmet.calendar` has its own office-hours value object; this one stays small on purpose
so identity depends on nothing, and a bridge can convert field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class OfficeHours:
    """Opening and closing time of a working day and the lunch break (None: no break)."""

    open: time
    close: time
    lunch_start: time | None
    lunch_end: time | None

    def __post_init__(self) -> None:
        if not self.open < self.close:
            raise ValueError(f"opens at {self.open}, which is not before closing at {self.close}")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("a lunch break needs both a start and an end")
        if self.lunch_start is not None and self.lunch_end is not None and not (
            self.open <= self.lunch_start < self.lunch_end <= self.close
        ):
            raise ValueError(f"lunch {self.lunch_start}–{self.lunch_end} is not within {self.open}–{self.close}")


DEFAULT_OFFICE_HOURS = OfficeHours(open=time(9, 0), close=time(18, 30), lunch_start=time(13, 0), lunch_end=time(14, 30))
