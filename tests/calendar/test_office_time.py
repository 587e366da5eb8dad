"""Office time: elapsed, remaining, office hours, durations, and refusing naive moments."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from qyzmet.calendar import (
    DEFAULT_OFFICE_HOURS,
    CalendarError,
    Duration,
    OfficeHours,
    Unit,
    deadline,
    elapsed,
    is_office_time,
    remaining,
)
from qyzmet.calendar.deadlines import NAIVE_DATETIME
from qyzmet.calendar.durations import DURATION_MALFORMED, DURATION_VALUE, UNIT_UNKNOWN
from qyzmet.calendar.office_hours import OFFICE_HOURS_ORDER, time_span_parse
from qyzmet.calendar.working_calendar import YEAR_OUT_OF_RANGE


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_default_office_hours_are_0900_to_1830_with_lunch_1300_to_1430() -> None:
    assert OfficeHours(time(9), time(18, 30), time(13), time(14, 30)) == DEFAULT_OFFICE_HOURS
    assert DEFAULT_OFFICE_HOURS.day_us == 8 * 60 * 60 * 1_000_000


def test_two_working_days_left() -> None:
    # given
    due = at("2025-03-28T18:30:00+05:00")

    # when
    left = remaining(due, at("2025-03-26T10:00:00+05:00"), Unit.WORKING_DAYS)

    # then
    assert left == 2


def test_overdue_by_35_working_minutes() -> None:
    # given: due on Friday at closing, now Monday 09:35
    due = at("2025-04-04T18:30:00+05:00")

    # when
    left = remaining(due, at("2025-04-07T09:35:00+05:00"))

    # then
    assert left == -35


def test_overdue_by_one_working_day() -> None:
    assert remaining(at("2025-04-02T18:30:00+05:00"), at("2025-04-04T10:00:00+05:00"), Unit.WORKING_DAYS) == -1


@pytest.mark.parametrize(
    ("start", "end", "unit", "expected"),
    [
        ("2025-04-01T12:50:00+05:00", "2025-04-01T14:35:00+05:00", Unit.MINUTES, 15),
        ("2025-04-01T14:35:00+05:00", "2025-04-01T12:50:00+05:00", Unit.MINUTES, -15),
        ("2025-04-01T13:10:00+05:00", "2025-04-01T14:20:00+05:00", Unit.MINUTES, 0),
        ("2025-03-20T17:00:00+05:00", "2025-03-26T10:00:00+05:00", Unit.HOURS, 2),  # 2.5 office hours
        ("2025-03-20T17:00:00+05:00", "2025-03-26T10:00:00+05:00", Unit.MINUTES, 150),
        ("2025-03-20T17:00:00+05:00", "2025-03-28T18:30:00+05:00", Unit.WORKING_DAYS, 3),
        ("2025-03-20T17:00:00+05:00", "2025-03-28T18:29:00+05:00", Unit.WORKING_DAYS, 2),
        ("2025-03-20T17:00:00+05:00", "2025-03-26T18:30:00+05:00", Unit.CALENDAR_DAYS, 6),
        ("2025-03-20T09:00:00+05:00", "2025-03-20T18:00:00+05:00", Unit.CALENDAR_DAYS, 0),
        ("2025-03-20T09:00:00+05:00", "2025-03-20T18:00:00+05:00", Unit.WORKING_DAYS, 0),
        ("2024-02-29T18:00:00+06:00", "2024-03-01T09:30:00+05:00", Unit.MINUTES, 60),
    ],
)
def test_elapsed(start: str, end: str, unit: Unit, expected: int) -> None:
    assert elapsed(at(start), at(end), unit) == expected


def test_custom_office_hours_change_minutes_and_closing() -> None:
    # given
    hours = OfficeHours(open=time(8), close=time(17), lunch_start=time(12), lunch_end=time(13))

    # when
    by_minutes = deadline(at("2025-04-01T11:50:00+05:00"), Duration.parse("15 minutes"), hours=hours)
    by_days = deadline(at("2025-04-01T11:50:00+05:00"), Duration.parse("1 working_days"), hours=hours)

    # then
    assert by_minutes.isoformat() == "2025-04-01T13:05:00+05:00"
    assert by_days.isoformat() == "2025-04-02T17:00:00+05:00"


def test_office_hours_without_lunch() -> None:
    hours = OfficeHours(open=time(9), close=time(17), lunch_start=time(13), lunch_end=time(13))
    due = deadline(at("2025-04-01T12:50:00+05:00"), Duration.parse("15 minutes"), hours=hours)
    assert due.isoformat() == "2025-04-01T13:05:00+05:00"


def test_office_hours_out_of_order_are_refused() -> None:
    with pytest.raises(CalendarError) as raised:
        OfficeHours(open=time(9), close=time(12), lunch_start=time(13), lunch_end=time(14))
    assert str(raised.value) == OFFICE_HOURS_ORDER.format(hours="09:00-12:00 lunch 13:00-14:00")


def test_is_office_time() -> None:
    assert is_office_time(at("2025-04-01T09:00:00+05:00"))
    assert is_office_time(at("2025-04-01T13:00:00+05:00"))
    assert not is_office_time(at("2025-04-01T13:30:00+05:00"))
    assert not is_office_time(at("2025-04-01T18:31:00+05:00"))
    assert not is_office_time(at("2025-03-21T10:00:00+05:00"))  # Nauryz
    assert is_office_time(at("2025-01-05T10:00:00+05:00"))  # the working Sunday


@pytest.mark.parametrize(
    "call",
    [
        lambda: deadline(datetime(2025, 3, 20, 17), Duration.parse("3 working_days")),  # noqa: DTZ001
        lambda: elapsed(at("2025-03-20T17:00:00+05:00"), datetime(2025, 3, 21), Unit.MINUTES),  # noqa: DTZ001
    ],
)
def test_naive_datetimes_are_refused(call: object) -> None:
    with pytest.raises(CalendarError, match="must be timezone-aware"):
        call()  # type: ignore[operator]


def test_naive_datetime_message_names_the_argument() -> None:
    with pytest.raises(CalendarError) as raised:
        deadline(datetime(2025, 3, 20, 17), Duration.parse("3 working_days"))  # noqa: DTZ001
    assert str(raised.value) == NAIVE_DATETIME.format(name="start", moment="2025-03-20T17:00:00")


def test_duration_parses_and_prints() -> None:
    duration = Duration.parse("3 working_days")
    assert duration == Duration(3, Unit.WORKING_DAYS)
    assert str(duration) == "3 working_days"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 weeks", UNIT_UNKNOWN.format(unit="weeks")),
        ("-3 hours", DURATION_VALUE.format(value=-3)),
        ("0 minutes", DURATION_VALUE.format(value=0)),
        ("three hours", DURATION_VALUE.format(value="three")),
        ("3", DURATION_MALFORMED.format(text="3")),
    ],
)
def test_bad_durations_are_refused(text: str, message: str) -> None:
    with pytest.raises(CalendarError) as raised:
        Duration.parse(text)
    assert str(raised.value) == message


def test_a_date_outside_the_calendar_is_refused() -> None:
    with pytest.raises(CalendarError) as raised:
        deadline(at("1999-06-01T10:00:00+06:00"), Duration.parse("1 working_days"))
    assert str(raised.value) == YEAR_OUT_OF_RANGE.format(day="1999-06-01")


def test_a_term_running_past_the_calendar_is_refused() -> None:
    with pytest.raises(CalendarError) as raised:
        deadline(at("2099-12-31T10:00:00+05:00"), Duration.parse("1 working_days"))
    assert str(raised.value) == YEAR_OUT_OF_RANGE.format(day=2100)


def test_time_span_parse() -> None:
    assert time_span_parse("08:00-17:00") == (time(8), time(17))
    with pytest.raises(CalendarError):
        time_span_parse("8 to 5")
