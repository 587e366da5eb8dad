"""The project's own calendar data: decree transfers, abolished holidays, official dates.

The data lives in `data/transfers.yaml`; this module loads and checks it, and applies it on top of
the days off the `holidays` package gives (see `days_off.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from qyzmet.calendar.days_off import NAME_SEPARATOR, DaysOff
from qyzmet.calendar.errors import CalendarError

TABLE_NOT_MAPPING: Final = "{origin}: the table must be a mapping of transfers, holiday_removals, official_dates"
TABLE_UNKNOWN_KEY: Final = "{origin}: unknown section {key!r}"
SECTION_NOT_LIST: Final = "{origin}: section {section!r} must be a list of entries"
ENTRY_NOT_MAPPING: Final = "{origin}: {section} entry {number} must be a mapping of fields"
ENTRY_FIELD: Final = "{origin}: {section} entry {number}: field {field!r} must be {kind}"
TRANSFER_WEEKDAYS: Final = (
    "{origin}: transfers entry {number}: day_off must be Monday–Friday and working_day Saturday or Sunday"
)
TRANSFER_LABEL: Final = "Day off (transferred from {working_day})"
OBSERVED_WINDOW: Final = timedelta(days=7)  # a weekend substitute is the next working day, within a week

SECTIONS: Final = ("transfers", "holiday_removals", "official_dates")


@dataclass(frozen=True, slots=True)
class Transfer:
    """A decree moving a day off: `day_off` is not worked, `working_day` (a weekend day) is."""

    day_off: date
    working_day: date
    source: str


@dataclass(frozen=True, slots=True)
class HolidayRemoval:
    """A holiday (by its package name and month/day) that is not a day off from `from_year` on."""

    holiday: str
    month: int
    day: int
    from_year: int
    until_year: int | None
    source: str

    def applies_to(self, year: int) -> bool:
        return self.from_year <= year and (self.until_year is None or year <= self.until_year)


@dataclass(frozen=True, slots=True)
class OfficialDate:
    """The official date of a holiday set yearly (Kurban ait); replaces the package's estimate."""

    holiday: str
    date: date
    source: str


@dataclass(frozen=True, slots=True)
class TransferTable:
    """Everything in `data/transfers.yaml`, checked."""

    transfers: tuple[Transfer, ...] = ()
    holiday_removals: tuple[HolidayRemoval, ...] = ()
    official_dates: tuple[OfficialDate, ...] = ()

    def apply(self, base: DaysOff, years: range) -> DaysOff:
        """Return `base` (for `years`) with this table's removals, official dates and transfers applied."""
        days_off = dict(base.days_off)
        working = set(base.weekend_working_days)
        for removal in self.holiday_removals:
            for year in years:
                if removal.applies_to(year):
                    _holiday_remove(days_off, removal.holiday, date(year, removal.month, removal.day))
        for official in self.official_dates:
            if official.date.year in years:
                _holiday_move(days_off, official.holiday, official.date)
        for transfer in self.transfers:
            if transfer.day_off.year in years:
                _name_add(days_off, transfer.day_off, TRANSFER_LABEL.format(working_day=transfer.working_day))
            if transfer.working_day.year in years:
                working.add(transfer.working_day)
                days_off.pop(transfer.working_day, None)
        return DaysOff(days_off=days_off, weekend_working_days=frozenset(working))


DEFAULT_TABLE_FILE: Final = "transfers.yaml"


def transfer_table_default() -> TransferTable:
    """Load the project's table from the package data (`qyzmet/calendar/data/transfers.yaml`)."""
    source = resources.files("qyzmet.calendar.data").joinpath(DEFAULT_TABLE_FILE)
    return transfer_table_parse(source.read_text(encoding="utf-8"), origin=DEFAULT_TABLE_FILE)


def transfer_table_load(path: Path) -> TransferTable:
    """Load a table from a YAML file."""
    return transfer_table_parse(path.read_text(encoding="utf-8"), origin=str(path))


def transfer_table_parse(text: str, *, origin: str = "<text>") -> TransferTable:
    """Parse and check a table from YAML text; raise CalendarError naming the bad entry."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise CalendarError(TABLE_NOT_MAPPING.format(origin=origin))
    for key in data:
        if key not in SECTIONS:
            raise CalendarError(TABLE_UNKNOWN_KEY.format(origin=origin, key=key))
    reader = _Reader(origin)
    return TransferTable(
        transfers=tuple(reader.transfer(number, entry) for number, entry in reader.entries(data, "transfers")),
        holiday_removals=tuple(
            reader.removal(number, entry) for number, entry in reader.entries(data, "holiday_removals")
        ),
        official_dates=tuple(
            reader.official(number, entry) for number, entry in reader.entries(data, "official_dates")
        ),
    )


class _Reader:
    """Typed field access with messages that name the file, section and entry."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.section = ""

    def entries(self, data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
        self.section = section
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise CalendarError(SECTION_NOT_LIST.format(origin=self.origin, section=section))
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                raise CalendarError(ENTRY_NOT_MAPPING.format(origin=self.origin, section=section, number=number))
        return list(enumerate(entries, start=1))

    def transfer(self, number: int, entry: dict[str, Any]) -> Transfer:
        self.section = "transfers"
        transfer = Transfer(
            day_off=self._date(number, entry, "day_off"),
            working_day=self._date(number, entry, "working_day"),
            source=self._text(number, entry, "source"),
        )
        if transfer.day_off.weekday() >= 5 or transfer.working_day.weekday() < 5:
            raise CalendarError(TRANSFER_WEEKDAYS.format(origin=self.origin, number=number))
        return transfer

    def removal(self, number: int, entry: dict[str, Any]) -> HolidayRemoval:
        self.section = "holiday_removals"
        removal = HolidayRemoval(
            holiday=self._text(number, entry, "holiday"),
            month=self._int(number, entry, "month"),
            day=self._int(number, entry, "day"),
            from_year=self._int(number, entry, "from_year"),
            until_year=self._int(number, entry, "until_year") if entry.get("until_year") is not None else None,
            source=self._text(number, entry, "source"),
        )
        try:
            date(2000, removal.month, removal.day)  # 2000 is a leap year, so 29 February passes
        except ValueError:
            raise CalendarError(self._message(number, "month/day", "a real calendar date")) from None
        return removal

    def official(self, number: int, entry: dict[str, Any]) -> OfficialDate:
        self.section = "official_dates"
        return OfficialDate(
            holiday=self._text(number, entry, "holiday"),
            date=self._date(number, entry, "date"),
            source=self._text(number, entry, "source"),
        )

    def _date(self, number: int, entry: dict[str, Any], field: str) -> date:
        value = entry.get(field)
        if not isinstance(value, date):
            raise CalendarError(self._message(number, field, "a date (YYYY-MM-DD)"))
        return value

    def _int(self, number: int, entry: dict[str, Any], field: str) -> int:
        value = entry.get(field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise CalendarError(self._message(number, field, "a whole number"))
        return value

    def _text(self, number: int, entry: dict[str, Any], field: str) -> str:
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise CalendarError(self._message(number, field, "a non-empty text"))
        return value.strip()

    def _message(self, number: int, field: str, kind: str) -> str:
        return ENTRY_FIELD.format(origin=self.origin, section=self.section, number=number, field=field, kind=kind)


def _label_split(label: str) -> tuple[str, frozenset[str]]:
    """Split `'Constitution Day (observed, estimated)'` into the name and its qualifiers."""
    if label.endswith(")") and " (" in label:
        name, _, qualifiers = label[:-1].partition(" (")
        return name, frozenset(part.strip() for part in qualifiers.split(","))
    return label, frozenset()


def _is_observed_of(label: str, holiday: str) -> bool:
    name, qualifiers = _label_split(label)
    return name == holiday and "observed" in qualifiers


def _names(days_off: dict[date, str], day: date) -> list[str]:
    return days_off[day].split(NAME_SEPARATOR) if day in days_off else []


def _names_set(days_off: dict[date, str], day: date, names: list[str]) -> None:
    if names:
        days_off[day] = NAME_SEPARATOR.join(names)
    else:
        days_off.pop(day, None)


def _name_add(days_off: dict[date, str], day: date, name: str) -> None:
    names = _names(days_off, day)
    if name not in names:
        _names_set(days_off, day, [*names, name])


def _holiday_remove(days_off: dict[date, str], holiday: str, on: date) -> None:
    """Drop `holiday` on `on`, and its observed substitute in the following week."""
    _names_set(days_off, on, [n for n in _names(days_off, on) if _label_split(n)[0] != holiday])
    for offset in range(1, OBSERVED_WINDOW.days + 1):
        day = on + timedelta(days=offset)
        _names_set(days_off, day, [n for n in _names(days_off, day) if not _is_observed_of(n, holiday)])


def _holiday_move(days_off: dict[date, str], holiday: str, official: date) -> None:
    """Put `holiday` on its official date in that year, dropping the package's (estimated) date."""
    for day in [d for d in days_off if d.year == official.year]:
        _names_set(days_off, day, [n for n in _names(days_off, day) if _label_split(n)[0] != holiday])
    _name_add(days_off, official, holiday)
