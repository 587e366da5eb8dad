"""The hand-written reference calendar of the tests agrees with the project's calendar, day by day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from qyzmet.calendar.working_calendar import calendar_default
from tests.calendar.reference import ALMATY, deadline_reference, is_working_day


def test_the_reference_and_the_calendar_agree_on_every_day_of_2024_to_2027() -> None:
    # given
    calendar = calendar_default()
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range((date(2027, 12, 31) - date(2024, 1, 1)).days + 1)]

    # then
    assert [d for d in days if calendar.is_working_day(d) != is_working_day(d)] == []


@pytest.mark.parametrize(("start", "value", "unit", "due"), [
    (datetime(2026, 9, 1, 12, 50, tzinfo=ALMATY), 15, "minutes", datetime(2026, 9, 1, 14, 35, tzinfo=ALMATY)),
    (datetime(2026, 9, 1, 12, 45, tzinfo=ALMATY), 15, "minutes", datetime(2026, 9, 1, 13, 0, tzinfo=ALMATY)),
    (datetime(2026, 9, 4, 18, 20, tzinfo=ALMATY), 15, "minutes", datetime(2026, 9, 7, 9, 5, tzinfo=ALMATY)),
    (datetime(2026, 3, 20, 10, 0, tzinfo=ALMATY), 1, "working_days", datetime(2026, 3, 26, 18, 30, tzinfo=ALMATY)),
    (datetime(2024, 12, 31, 10, 0, tzinfo=ALMATY), 3, "working_days", datetime(2025, 1, 8, 18, 30, tzinfo=ALMATY)),
    # 30 calendar days from Mon 22.02.2027 is Wed 24.03.2027, the third day of Nauryz; the next working
    # day is Thu 25.03.2027.
    (datetime(2027, 2, 22, 10, 0, tzinfo=ALMATY), 30, "calendar_days", datetime(2027, 3, 25, 18, 30, tzinfo=ALMATY)),
])
def test_the_reference_gives_the_deadlines_counted_by_hand(start: datetime, value: int, unit: str,
                                                           due: datetime) -> None:
    assert deadline_reference(start, value, unit) == due
