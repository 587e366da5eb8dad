"""The one exception type of the calendar package."""

from __future__ import annotations


class CalendarError(ValueError):
    """Bad input to the working-time calendar: a naive moment, a bad duration, a date out of range, bad data."""
