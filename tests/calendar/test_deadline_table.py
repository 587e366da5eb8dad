"""Deadlines across 2024–2027, written from the official holiday lists (egov.kz calendars, decrees).

Each row is worked out by hand from the list of days off, not from the code: see the days-off
lists in `test_days_off.py`. Offsets are Asia/Almaty's: +06:00 before 2024-03-01, +05:00 after.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from qyzmet.calendar import Duration, deadline

CASES: list[tuple[str, str, str, str]] = [
    # (start, duration, expected deadline, why)
    # Year end
    ("2024-12-31T17:00:00+05:00", "1 working_days", "2025-01-05T18:30:00+05:00", "3 Jan off, Sunday 5 Jan worked"),
    ("2024-12-31T17:00:00+05:00", "2 working_days", "2025-01-06T18:30:00+05:00", "after the working Sunday"),
    ("2024-12-31T17:00:00+05:00", "3 working_days", "2025-01-08T18:30:00+05:00", "7 Jan Orthodox Christmas"),
    ("2024-12-31T18:00:00+05:00", "60 minutes", "2025-01-05T09:30:00+05:00", "minutes carry to the working Sunday"),
    ("2023-12-29T17:00:00+06:00", "1 working_days", "2024-01-03T18:30:00+06:00", "1–2 Jan 2024"),
    ("2025-12-31T10:00:00+05:00", "1 working_days", "2026-01-05T18:30:00+05:00", "1–2 Jan 2026, then the weekend"),
    ("2025-12-31T10:00:00+05:00", "3 working_days", "2026-01-08T18:30:00+05:00", "7 Jan 2026 is a Wednesday"),
    ("2025-12-29T10:00:00+05:00", "3 calendar_days", "2026-01-05T18:30:00+05:00", "1 Jan is off: next working day"),
    ("2026-12-31T10:00:00+05:00", "1 working_days", "2027-01-05T18:30:00+05:00", "2 Jan 2027 Sat: Mon 4 Jan off"),
    ("2026-12-31T10:00:00+05:00", "3 working_days", "2027-01-08T18:30:00+05:00", "7 Jan 2027 Thursday"),
    # Nauryz and March
    ("2025-03-20T17:00:00+05:00", "3 working_days", "2025-03-28T18:30:00+05:00", "21–25 March 2025 off"),
    ("2025-03-20T17:00:00+05:00", "1 working_days", "2025-03-26T18:30:00+05:00", "21–25 March 2025 off"),
    ("2025-03-20T18:00:00+05:00", "60 minutes", "2025-03-26T09:30:00+05:00", "minutes skip Nauryz"),
    ("2025-03-20T10:00:00+05:00", "2 calendar_days", "2025-03-26T18:30:00+05:00", "22 March is Nauryz"),
    ("2024-03-20T10:00:00+05:00", "1 working_days", "2024-03-26T18:30:00+05:00", "23 Mar Sat: Mon 25 off"),
    ("2026-03-20T10:00:00+05:00", "1 working_days", "2026-03-26T18:30:00+05:00", "23–25 March 2026 off"),
    ("2027-03-19T10:00:00+05:00", "1 working_days", "2027-03-25T18:30:00+05:00", "22–24 March 2027 off"),
    ("2024-03-07T10:00:00+05:00", "1 working_days", "2024-03-11T18:30:00+05:00", "8 March 2024 Friday"),
    ("2026-03-06T10:00:00+05:00", "1 working_days", "2026-03-10T18:30:00+05:00", "8 Mar Sun: Mon 9 off"),
    ("2027-03-12T10:00:00+05:00", "1 working_days", "2027-03-16T18:30:00+05:00", "15 Mar 2027 Constitution Day"),
    # May holidays
    ("2024-05-02T10:00:00+05:00", "5 working_days", "2024-05-13T18:30:00+05:00", "Sat 4 May worked, 8 May off"),
    ("2024-05-03T10:00:00+05:00", "1 working_days", "2024-05-04T18:30:00+05:00", "the working Saturday"),
    ("2024-05-04T10:00:00+05:00", "60 minutes", "2024-05-04T11:00:00+05:00", "counting on the working Saturday"),
    ("2024-05-06T17:30:00+05:00", "2 hours", "2024-05-10T10:00:00+05:00", "7, 8, 9 May 2024 off"),
    ("2025-04-30T10:00:00+05:00", "1 working_days", "2025-05-02T18:30:00+05:00", "1 May 2025 Thursday"),
    ("2025-05-06T10:00:00+05:00", "2 working_days", "2025-05-12T18:30:00+05:00", "7 and 9 May 2025 off"),
    ("2025-06-05T10:00:00+05:00", "1 working_days", "2025-06-09T18:30:00+05:00", "Kurban ait 6 June 2025"),
    ("2026-05-08T10:00:00+05:00", "1 working_days", "2026-05-12T18:30:00+05:00", "9 May Sat: Mon 11 off"),
    ("2026-05-26T10:00:00+05:00", "1 working_days", "2026-05-28T18:30:00+05:00", "Kurban ait 27 May 2026"),
    ("2027-04-30T10:00:00+05:00", "1 working_days", "2027-05-04T18:30:00+05:00", "1 May Sat: Mon 3 off"),
    ("2027-05-06T10:00:00+05:00", "1 working_days", "2027-05-11T18:30:00+05:00", "7 May Fri, 9 May Sun: Mon 10 off"),
    # Summer and autumn
    ("2024-07-05T10:00:00+05:00", "1 working_days", "2024-07-09T18:30:00+05:00", "6 Jul Sat: Mon 8 off"),
    ("2025-08-29T10:00:00+05:00", "1 working_days", "2025-09-02T18:30:00+05:00", "30 Aug Sat: Mon 1 Sep off"),
    ("2026-08-28T10:00:00+05:00", "1 working_days", "2026-08-31T18:30:00+05:00", "30 Aug no longer off from 2026"),
    ("2026-08-25T10:00:00+05:00", "5 calendar_days", "2026-08-31T18:30:00+05:00", "30 Aug 2026 Sun, 31 worked"),
    ("2025-08-25T10:00:00+05:00", "5 calendar_days", "2025-09-02T18:30:00+05:00", "30 Aug 2025 Sat, 1 Sep off"),
    ("2025-10-24T10:00:00+05:00", "1 working_days", "2025-10-28T18:30:00+05:00", "25 Oct Sat: Mon 27 off"),
    ("2026-10-23T10:00:00+05:00", "1 working_days", "2026-10-27T18:30:00+05:00", "25 Oct Sun: Mon 26 off"),
    ("2027-10-22T10:00:00+05:00", "1 working_days", "2027-10-26T18:30:00+05:00", "25 Oct 2027 Monday"),
    ("2024-12-13T10:00:00+05:00", "1 working_days", "2024-12-17T18:30:00+05:00", "16 Dec 2024 Monday"),
    # The time-zone change of 2024-03-01 (UTC+06:00 → UTC+05:00)
    ("2024-02-29T17:00:00+06:00", "1 working_days", "2024-03-01T18:30:00+05:00", "deadline after the change"),
    ("2024-02-28T12:00:00+06:00", "2 working_days", "2024-03-01T18:30:00+05:00", "deadline after the change"),
    ("2024-02-29T18:00:00+06:00", "60 minutes", "2024-03-01T09:30:00+05:00", "minutes across the change"),
    ("2024-02-29T10:00:00+06:00", "2 hours", "2024-02-29T12:00:00+06:00", "still UTC+06:00"),
    ("2024-02-29T11:00:00+00:00", "3 hours", "2024-03-01T10:30:00+05:00", "UTC input: 17:00 local"),
    ("2025-03-20T12:00:00+00:00", "3 working_days", "2025-03-28T18:30:00+05:00", "UTC input: 17:00 local"),
    # Start outside office hours
    ("2025-04-01T07:00:00+05:00", "30 minutes", "2025-04-01T09:30:00+05:00", "before opening"),
    ("2025-04-01T19:00:00+05:00", "30 minutes", "2025-04-02T09:30:00+05:00", "after closing"),
    ("2025-04-04T20:00:00+05:00", "1 hours", "2025-04-07T10:00:00+05:00", "Friday evening"),
    ("2025-04-05T11:00:00+05:00", "15 minutes", "2025-04-07T09:15:00+05:00", "on a Saturday"),
    ("2025-01-04T12:00:00+05:00", "1 hours", "2025-01-05T10:00:00+05:00", "Saturday before the working Sunday"),
    ("2025-01-05T09:00:00+05:00", "8 hours", "2025-01-05T18:30:00+05:00", "a full working Sunday"),
    # Start during lunch, and minutes around it
    ("2025-04-01T12:50:00+05:00", "15 minutes", "2025-04-01T14:35:00+05:00", "the issue's example"),
    ("2025-04-01T13:15:00+05:00", "15 minutes", "2025-04-01T14:45:00+05:00", "start during lunch"),
    ("2025-04-01T12:45:00+05:00", "15 minutes", "2025-04-01T13:00:00+05:00", "ends as lunch starts"),
    ("2025-04-01T14:00:00+05:00", "8 hours", "2025-04-02T13:00:00+05:00", "a full office day from lunch"),
    # Start on a holiday
    ("2025-03-21T10:00:00+05:00", "1 hours", "2025-03-26T10:00:00+05:00", "Nauryz"),
    ("2025-03-21T10:00:00+05:00", "1 working_days", "2025-03-26T18:30:00+05:00", "Nauryz"),
    ("2025-01-07T10:00:00+05:00", "1 working_days", "2025-01-08T18:30:00+05:00", "Orthodox Christmas"),
    ("2026-05-27T10:00:00+05:00", "30 minutes", "2026-05-28T09:30:00+05:00", "Kurban ait"),
    # Calendar days
    ("2025-04-01T10:00:00+05:00", "3 calendar_days", "2025-04-04T18:30:00+05:00", "a Friday"),
    ("2025-04-01T10:00:00+05:00", "4 calendar_days", "2025-04-07T18:30:00+05:00", "a Saturday: Monday"),
    ("2024-04-29T10:00:00+05:00", "5 calendar_days", "2024-05-04T18:30:00+05:00", "the working Saturday"),
]


def test_the_table_has_at_least_40_cases_over_2024_to_2027() -> None:
    years = {int(start[:4]) for start, *_ in CASES} | {int(expected[:4]) for _, _, expected, _ in CASES}
    assert len(CASES) >= 40
    assert {2024, 2025, 2026, 2027} <= years


@pytest.mark.parametrize(("start", "duration", "expected", "why"), CASES, ids=[f"{c[0]}+{c[1]}" for c in CASES])
def test_deadline(start: str, duration: str, expected: str, why: str) -> None:
    # given
    moment = datetime.fromisoformat(start)

    # when
    due = deadline(moment, Duration.parse(duration))

    # then
    assert due.isoformat() == expected, why
