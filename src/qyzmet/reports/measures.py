"""Working time of a task in the reports' units, with the engine's calendar and office hours."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from qyzmet.calendar import DEFAULT_OFFICE_HOURS, Unit, elapsed
from qyzmet.calendar import OfficeHours as CalendarOfficeHours
from qyzmet.cases.assignment import calendar_hours
from qyzmet.identity.models import Organization


def report_unit(duration_unit: str) -> Unit:
    """The working unit a step's time is measured in: its norm's unit, as the engine reports it.

    Calendar-day terms are measured in working days (as `cases.selectors.task_time_left` does);
    a step with no term of its own (it shares a procedure's budget) is measured in working hours.
    """
    if not duration_unit:
        return Unit.HOURS
    unit = Unit(duration_unit)
    return Unit.WORKING_DAYS if unit is Unit.CALENDAR_DAYS else unit


class HoursCache:
    """Office hours per organization id, each read once (the engine's `calendar_hours`)."""

    def __init__(self, organization_ids: Iterable[int | None]) -> None:
        ids = {i for i in organization_ids if i is not None}
        self._hours = {pk: calendar_hours(o) for pk, o in Organization.objects.in_bulk(ids).items()}

    def get(self, organization_id: int | None) -> CalendarOfficeHours:
        return self._hours.get(organization_id, DEFAULT_OFFICE_HOURS) if organization_id else DEFAULT_OFFICE_HOURS


def working_used(started: datetime, completed: datetime, unit: Unit, hours: CalendarOfficeHours) -> int:
    """Whole working units from the start of a task to its completion."""
    return elapsed(started, completed, unit, hours=hours)


def working_overrun(due: datetime | None, end: datetime, unit: Unit, hours: CalendarOfficeHours) -> int:
    """Whole working units from the deadline to `end` (completion, or now for an open task); 0 if not past it."""
    if due is None or end <= due:
        return 0
    return elapsed(due, end, unit, hours=hours)
