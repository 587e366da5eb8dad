"""Deadlines per second, for each unit, beside the same computation done with workalendar.

Starts are random UTC-aware moments in 2024–2027 (as a database hands them over); durations are
random per start (minutes 1–600, hours 1–72, working and calendar days 1–30). workalendar 17.0.0
has no office-hours arithmetic, so its side walks days with its `is_working_day`, uses its
`add_working_days` for working days, and is timed on fewer starts (its rate is what matters).
"Same" is the share of workalendar's starts for which both give the same deadline: workalendar's
Kazakhstan calendar does not move weekend holidays, knows no decree transfers, and still has
1 December and 17 December as holidays, so it differs from the official calendar.

    python -m benchmarks.calendar_bench --starts 1000000 --workalendar-starts 20000
    QYZMET_BENCH_STARTS=10000 make bench
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time as clock
import warnings
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from qyzmet.calendar import DEFAULT_OFFICE_HOURS, TIMEZONE, Duration, Unit, calendar_default, deadline

DEFAULT_STARTS = 1_000_000
SEED = 20250320
FIRST = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2028, 1, 1, tzinfo=UTC) - FIRST).total_seconds())
VALUES = {Unit.MINUTES: (1, 600), Unit.HOURS: (1, 72), Unit.WORKING_DAYS: (1, 30), Unit.CALENDAR_DAYS: (1, 30)}
HOURS = DEFAULT_OFFICE_HOURS


def since_midnight(moment: time) -> timedelta:
    return timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second, microseconds=moment.microsecond)


OFFICE_INTERVALS = (
    (since_midnight(HOURS.open), since_midnight(HOURS.lunch_start)),
    (since_midnight(HOURS.lunch_end), since_midnight(HOURS.close)),
)

HEADER = f"  {'unit':<14} {'qyzmet':>12} {'starts':>10} {'workalendar':>12} {'starts':>10} {'speed-up':>9} {'same':>7}"

Work = list[tuple[datetime, Duration]]


def work_make(count: int, unit: Unit, rng: random.Random) -> Work:
    """Random (start, duration) pairs for one unit."""
    low, high = VALUES[unit]
    return [
        (FIRST + timedelta(seconds=rng.randrange(SPAN_SECONDS)), Duration(rng.randint(low, high), unit))
        for _ in range(count)
    ]


def qyzmet_deadline(start: datetime, duration: Duration) -> datetime:
    return deadline(start, duration)


class WorkalendarDeadlines:
    """The same rules, computed with workalendar's Kazakhstan calendar (day-by-day where it has no API)."""

    def __init__(self) -> None:
        from workalendar.asia import Kazakhstan

        self.calendar = Kazakhstan()
        with warnings.catch_warnings():  # "this Islamic calendar computation may be wrong"
            warnings.simplefilter("ignore", UserWarning)
            for year in range(FIRST.year - 1, FIRST.year + 6):  # warm its per-year cache, as our tables are
                self.calendar.holidays(year)

    def __call__(self, start: datetime, duration: Duration) -> datetime:
        local = start.astimezone(TIMEZONE)
        if duration.unit is Unit.WORKING_DAYS:
            return datetime.combine(self.calendar.add_working_days(local.date(), duration.value), HOURS.close, TIMEZONE)
        if duration.unit is Unit.CALENDAR_DAYS:
            day = local.date() + timedelta(days=duration.value)
            while not self.calendar.is_working_day(day):
                day += timedelta(days=1)
            return datetime.combine(day, HOURS.close, TIMEZONE)
        minutes = duration.value * (60 if duration.unit is Unit.HOURS else 1)
        return self._office_minutes(local, timedelta(minutes=minutes))

    def _office_minutes(self, local: datetime, left: timedelta) -> datetime:
        day, moment = local.date(), since_midnight(local.time())
        while True:
            if self.calendar.is_working_day(day):
                for opening, closing in OFFICE_INTERVALS:
                    begin = max(opening, moment)
                    if begin < closing:
                        if begin + left <= closing:
                            return datetime.combine(day, time(), TIMEZONE) + begin + left
                        left -= closing - begin
            day, moment = day + timedelta(days=1), timedelta(0)


def rate(compute: Callable[[datetime, Duration], datetime], work: Work) -> tuple[float, list[datetime]]:
    """Deadlines per second over `work`, and the deadlines."""
    began = clock.perf_counter()
    results = [compute(start, duration) for start, duration in work]
    return len(work) / (clock.perf_counter() - began), results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="calendar_bench", description="deadlines per second")
    parser.add_argument("--starts", type=int, default=int(os.environ.get("QYZMET_BENCH_STARTS", DEFAULT_STARTS)))
    parser.add_argument("--workalendar-starts", type=int, default=os.environ.get("QYZMET_BENCH_WORKALENDAR_STARTS"))
    parser.add_argument("--quick", action="store_true", help="100,000 starts unless --starts says otherwise")
    args, _ = parser.parse_known_args(argv)
    starts = min(args.starts, 100_000) if args.quick else args.starts
    workalendar_starts = min(starts, int(args.workalendar_starts or max(1, starts // 50)))

    began = clock.perf_counter()
    calendar_default().count_before(date(2027, 12, 31).toordinal())
    build_ms = (clock.perf_counter() - began) * 1000
    other = WorkalendarDeadlines()
    rng = random.Random(SEED)

    print(f"calendar: deadlines per second, random UTC starts in 2024–2027, Python {sys.version.split()[0]}")
    print(f"  qyzmet tables built in {build_ms:.0f} ms (2000–2030, once per process)")
    print(HEADER)
    for unit in Unit:
        work = work_make(starts, unit, rng)
        ours, results = rate(qyzmet_deadline, work)
        theirs, their_results = rate(other, work[:workalendar_starts])
        same = sum(a == b for a, b in zip(results, their_results, strict=False)) / len(their_results)
        print(
            f"  {unit.value:<14} {ours:>10,.0f}/s {starts:>10,} {theirs:>10,.0f}/s {workalendar_starts:>10,}"
            f" {ours / theirs:>8.0f}x {same:>7.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
