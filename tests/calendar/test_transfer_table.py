"""The project's own calendar table: transfers move days off, holiday changes are data."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from qyzmet.calendar import CalendarError, Duration, WorkingCalendar, deadline, transfer_table_default
from qyzmet.calendar.days_off import DaysOff, days_off_from_holidays_package
from qyzmet.calendar.transfer_table import (
    ENTRY_FIELD,
    TABLE_UNKNOWN_KEY,
    TRANSFER_WEEKDAYS,
    TransferTable,
    transfer_table_load,
    transfer_table_parse,
)

A_TRANSFER = """
transfers:
  - day_off: 2027-01-08
    working_day: 2027-01-09
    source: a hypothetical decree, for the test
"""


def _stale_2026_source(years: range) -> DaysOff:
    """The package as calendars printed before March 2026 saw it: 30 Aug 2026 (Sun) moved to Mon 31 Aug."""
    base = days_off_from_holidays_package(years)
    days_off = dict(base.days_off)
    if 2026 in years:
        days_off[date(2026, 8, 30)] = "Constitution Day"
        days_off[date(2026, 8, 31)] = "Constitution Day (observed)"
        days_off[date(2026, 5, 26)] = "Eid al-Adha (estimated)"
        del days_off[date(2026, 5, 27)]
    return DaysOff(days_off=days_off, weekend_working_days=base.weekend_working_days)


def test_default_table_loads_with_cited_sources() -> None:
    # when
    table = transfer_table_default()

    # then
    assert [(t.day_off, t.working_day) for t in table.transfers] == [
        (date(2024, 5, 8), date(2024, 5, 4)),
        (date(2025, 1, 3), date(2025, 1, 5)),
    ]
    assert all("adilet.zan.kz" in t.source for t in table.transfers)
    assert [(r.holiday, r.month, r.day, r.from_year) for r in table.holiday_removals] == [
        ("Constitution Day", 8, 30, 2026)
    ]
    assert "Project instruction" in table.holiday_removals[0].source
    assert [(o.holiday, o.date) for o in table.official_dates] == [("Eid al-Adha", date(2026, 5, 27))]


def test_a_transfer_moves_a_day_off() -> None:
    # given
    without = WorkingCalendar(days_off_from_holidays_package, TransferTable())
    with_transfer = WorkingCalendar(days_off_from_holidays_package, transfer_table_parse(A_TRANSFER))
    start = datetime.fromisoformat("2027-01-06T10:00:00+05:00")

    # when
    before = deadline(start, Duration.parse("1 working_days"), calendar=without)
    after = deadline(start, Duration.parse("1 working_days"), calendar=with_transfer)

    # then
    assert before.isoformat() == "2027-01-08T18:30:00+05:00"
    assert after.isoformat() == "2027-01-09T18:30:00+05:00"
    assert not with_transfer.is_working_day(date(2027, 1, 8))
    assert with_transfer.is_working_day(date(2027, 1, 9))
    assert with_transfer.days_off(2027)[date(2027, 1, 8)] == "Day off (transferred from 2027-01-09)"


def test_the_2024_and_2025_transfers_agree_with_the_holidays_package() -> None:
    package = days_off_from_holidays_package(range(2024, 2026))
    for transfer in transfer_table_default().transfers:
        assert transfer.day_off in package.days_off
        assert transfer.working_day in package.weekend_working_days


def test_the_30_august_change_from_2026_is_data() -> None:
    # given: a base calendar that still has 30 August 2026 and its Monday substitute
    with_table = WorkingCalendar(_stale_2026_source, transfer_table_default())
    without_table = WorkingCalendar(_stale_2026_source, TransferTable())

    # then: only the table's entry makes Monday 31 August 2026 a working day
    assert not without_table.is_working_day(date(2026, 8, 31))
    assert with_table.is_working_day(date(2026, 8, 31))
    assert date(2026, 8, 30) not in with_table.days_off(2026)


def test_the_30_august_change_leaves_2025_alone() -> None:
    calendar = WorkingCalendar(_stale_2026_source, transfer_table_default())
    assert calendar.days_off(2025)[date(2025, 8, 30)] == "Constitution Day"
    assert not calendar.is_working_day(date(2025, 9, 1))


def test_the_30_august_change_keeps_constitution_day_on_15_march() -> None:
    # 15 March 2031 is a Saturday: its substitute, Monday 17 March, is not the 30 August holiday's
    calendar = WorkingCalendar(days_off_from_holidays_package, transfer_table_default())
    assert calendar.days_off(2031)[date(2031, 3, 17)] == "Constitution Day (observed)"


def test_an_official_date_replaces_the_estimate() -> None:
    # given
    calendar = WorkingCalendar(_stale_2026_source, transfer_table_default())

    # then
    assert calendar.is_working_day(date(2026, 5, 26))
    assert calendar.days_off(2026)[date(2026, 5, 27)] == "Eid al-Adha"


def test_a_table_file_loads_from_a_path(tmp_path: Path) -> None:
    # given
    path = tmp_path / "transfers.yaml"
    path.write_text(A_TRANSFER, encoding="utf-8")

    # when
    table = transfer_table_load(path)

    # then
    assert table.transfers[0].day_off == date(2027, 1, 8)


def test_a_transfer_onto_a_weekday_is_refused() -> None:
    text = A_TRANSFER.replace("2027-01-09", "2027-01-11")
    with pytest.raises(CalendarError) as raised:
        transfer_table_parse(text, origin="t.yaml")
    assert str(raised.value) == TRANSFER_WEEKDAYS.format(origin="t.yaml", number=1)


def test_an_entry_without_a_source_is_refused() -> None:
    text = A_TRANSFER.replace("    source: a hypothetical decree, for the test\n", "")
    with pytest.raises(CalendarError) as raised:
        transfer_table_parse(text, origin="t.yaml")
    assert str(raised.value) == ENTRY_FIELD.format(
        origin="t.yaml", section="transfers", number=1, field="source", kind="a non-empty text"
    )


def test_an_unknown_section_is_refused() -> None:
    with pytest.raises(CalendarError) as raised:
        transfer_table_parse("moves: []", origin="t.yaml")
    assert str(raised.value) == TABLE_UNKNOWN_KEY.format(origin="t.yaml", key="moves")


def test_a_removal_with_an_impossible_date_is_refused() -> None:
    text = "holiday_removals:\n  - {holiday: X, month: 2, day: 30, from_year: 2026, source: s}\n"
    with pytest.raises(CalendarError, match="month/day"):
        transfer_table_parse(text)
