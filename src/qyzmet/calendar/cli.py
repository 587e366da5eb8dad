"""`qyzmet deadline …`: compute one deadline from the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, time
from typing import Any, Final

from qyzmet.calendar.deadlines import deadline
from qyzmet.calendar.durations import Duration
from qyzmet.calendar.errors import CalendarError
from qyzmet.calendar.office_hours import DEFAULT_OFFICE_HOURS, OfficeHours, time_span_parse

DATETIME_MALFORMED: Final = "not an ISO 8601 date-time: {text!r}"
DATETIME_NAIVE: Final = "no UTC offset in {text!r} (write it like 2025-03-20T17:00:00+05:00)"
PROG: Final = "qyzmet deadline"


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(DATETIME_MALFORMED.format(text=text)) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(DATETIME_NAIVE.format(text=text))
    return moment


def _duration(text: str) -> Duration:
    try:
        return Duration.parse(text)
    except CalendarError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _span(text: str) -> tuple[time, time]:
    try:
        return time_span_parse(text)
    except CalendarError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _deadline(args: argparse.Namespace) -> int:
    default = DEFAULT_OFFICE_HOURS
    opening, closing = args.hours or (default.open, default.close)
    lunch_start, lunch_end = args.lunch or (default.lunch_start, default.lunch_end)
    try:
        hours = OfficeHours(open=opening, close=closing, lunch_start=lunch_start, lunch_end=lunch_end)
        due = deadline(args.start, args.duration, hours=hours)
    except CalendarError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    print(due.isoformat())
    return 0


def register(subparsers: Any) -> None:
    command = subparsers.add_parser(
        "deadline",
        help="the deadline of a term, in Asia/Almaty office time",
        description="Print the deadline of a term that starts at --from, in ISO 8601 with its UTC offset.",
    )
    command.add_argument("--from", dest="start", required=True, type=_moment, help="e.g. 2025-03-20T17:00:00+05:00")
    command.add_argument(
        "--duration",
        required=True,
        type=_duration,
        help="e.g. '3 working_days' (units: minutes, hours, working_days, calendar_days)",
    )
    command.add_argument("--hours", type=_span, help="office hours, default 09:00-18:30")
    command.add_argument("--lunch", type=_span, help="lunch break, default 13:00-14:30")
    command.set_defaults(handler=_deadline)
