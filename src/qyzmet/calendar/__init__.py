"""Working time and deadlines for Kazakhstan's public services (pure Python, no Django).

    >>> from datetime import datetime
    >>> start = datetime.fromisoformat("2025-03-20T17:00:00+05:00")
    >>> deadline(start, Duration.parse("3 working_days")).isoformat()
    '2025-03-28T18:30:00+05:00'
"""

from qyzmet.calendar.deadlines import TIMEZONE, deadline, elapsed, is_office_time, local_time, remaining
from qyzmet.calendar.durations import Duration, Unit
from qyzmet.calendar.errors import CalendarError
from qyzmet.calendar.office_hours import DEFAULT_OFFICE_HOURS, OfficeHours
from qyzmet.calendar.transfer_table import TransferTable, transfer_table_default, transfer_table_load
from qyzmet.calendar.working_calendar import WorkingCalendar, calendar_default

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "TIMEZONE",
    "CalendarError",
    "Duration",
    "OfficeHours",
    "TransferTable",
    "Unit",
    "WorkingCalendar",
    "calendar_default",
    "deadline",
    "elapsed",
    "is_office_time",
    "local_time",
    "remaining",
    "transfer_table_default",
    "transfer_table_load",
]
