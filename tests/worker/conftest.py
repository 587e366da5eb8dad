"""The cases tests' CA and platform fixtures, and a case whose executor step is due across the New Year holidays."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from qyzmet.cases.models import Case, Task
from tests.cases.conftest import _pki_settings, pki_directory, platform
from tests.cases.factories import case_at_office, task_done, task_open

__all__ = ["_pki_settings", "pki_directory", "platform"]

ALMATY = ZoneInfo("Asia/Almaty")
SERVICE = "wko-2015-patronat-payment"  # register 15 min, resolve 1 wd, prepare 3 wd, sign 1 wd, issue 15 min
RESOLVED = datetime(2024, 12, 31, 10, 0, tzinfo=ALMATY)  # Tuesday, the last working day of 2024
# The executor's 3 working days from Tuesday 31.12.2024 (the arrival date is not counted):
#   1-2 Jan (Wed, Thu) New Year, 3 Jan (Fri) a day off moved by decree from Sunday 5 Jan,
#   4 Jan Saturday; 5 Jan (Sun) a transferred WORKING day -> day 1; 6 Jan (Mon) -> day 2;
#   7 Jan (Tue) Orthodox Christmas; 8 Jan (Wed) -> day 3. Deadline: closing time, 18:30.
PREPARE_DUE = datetime(2025, 1, 8, 18, 30, tzinfo=ALMATY)


def open_task(case: Case) -> Task:
    return task_open(case)


def case_at_prepare(resolved: datetime = RESOLVED) -> tuple[Case, Task]:
    """A WKO patronat-payment case filed an hour before `resolved` (by default 31.12.2024 10:00), registered,
    and resolved then; the executor's task is open from `resolved`."""
    case = case_at_office(SERVICE, at=resolved - timedelta(hours=1))
    for at in (resolved - timedelta(minutes=50), resolved):
        task_done(case, at=at)
    case.refresh_from_db()
    return case, open_task(case)


@pytest.fixture
def prepared_case(platform: None) -> tuple[Case, Task]:
    return case_at_prepare()
