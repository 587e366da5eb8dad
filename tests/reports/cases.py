"""A small case set built through the real intake and `task_complete` at virtual times chosen by hand.

Service wko-2015-patronat-payment, provider_office channel: register (office clerk, 15 minutes),
resolve (head, 1 working day), prepare (executor, 3 working days), sign (head, 1 working day),
issue (office clerk, 15 minutes). The report period is 2026-09-01 … 2026-09-08 (Asia/Almaty) and
the report is read at NOW, Tuesday 2026-09-08 12:00. 2026-09-05/06 is a weekend; no holiday (30 August
2026, a Sunday, is no longer one, so Monday 08-31 is a working day).

  A  Terekti, filed 09-01 09:30, refused, every step within its term                  → closed, on time
  B  Terekti, filed 09-01 10:00, resolve (due 09-02 18:30) done 09-04 10:00, rest within → closed, late
  C  Terekti, filed 09-07 10:00, register done 10:05, resolve open (due 09-08 18:30)  → open, not late
  D  Burli,   filed 09-07 10:00, register (due 10:15) done 10:45, resolve open in term  → open, late
  E  Terekti, filed 09-01 09:30, register still open (due 09:45)                    → open, late
  G  Burli,   filed 09-01 00:30 (08-31 19:30 UTC), issued within every term          → closed, on time
  F  Terekti, filed 08-28 10:00 (outside the period), issued                         → not counted

Each completion time is listed with the step's deadline beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from qyzmet.cases.models import Case
from qyzmet.identity.models import Organization
from tests.cases.factories import case_at_office, task_done, tasks_done

ALMATY = ZoneInfo("Asia/Almaty")
START = datetime(2026, 9, 1, 9, 30, tzinfo=ALMATY)
NOW = datetime(2026, 9, 8, 12, 0, tzinfo=ALMATY)
SERVICE = "wko-2015-patronat-payment"


def at(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ALMATY)


@dataclass(frozen=True)
class CaseSet:
    terekti: Organization
    burli: Organization
    cases: dict[str, Case]


def _file(provider: Organization, now: datetime) -> Case:
    return case_at_office(SERVICE, at=now, provider=provider)


def _complete_open_task(case: Case, now: datetime) -> None:
    task_done(case, at=now)


def case_set_build() -> CaseSet:
    terekti = Organization.objects.get(code="wko-terekti")
    burli = Organization.objects.get(code="wko-burli")
    cases: dict[str, Case] = {}

    cases["A"] = _file(terekti, at(1, 9, 30))
    tasks_done(cases["A"], [
        at(1, 9, 37),  # register, due 09-01 09:45
        at(1, 10, 37),  # resolve, due 09-02 18:30
        at(2, 18, 30),  # prepare, due 09-04 18:30
        at(3, 10),  # sign, due 09-03 18:30 (1 working day from 09-02)
        at(3, 10, 7),  # issue, due 09-03 10:15
    ], decision="refused")

    cases["B"] = _file(terekti, at(1, 10))
    tasks_done(cases["B"], [
        at(1, 10, 5),  # register, due 10:15
        at(4, 10),  # resolve, due 09-02 18:30: late
        at(7, 18, 30),  # prepare, due 09-09 18:30 (3 working days from Fri 09-04: 07, 08, 09)
        at(8, 10),  # sign, due 09-08 18:30
        at(8, 10, 7),  # issue, due 09-08 10:15
    ])

    cases["C"] = _file(terekti, at(7, 10))
    _complete_open_task(cases["C"], at(7, 10, 5))

    cases["D"] = _file(burli, at(7, 10))
    _complete_open_task(cases["D"], at(7, 10, 45))  # register, due 10:15: late

    cases["E"] = _file(terekti, at(1, 9, 30))

    cases["G"] = _file(burli, at(1, 0, 30))
    tasks_done(cases["G"], [
        at(1, 9, 7),  # register, due 09:15 (the 15 minutes run from the office's opening at 09:00)
        at(1, 10, 7),  # resolve, due 09-02 18:30
        at(2, 18, 30),  # prepare, due 09-04 18:30
        at(3, 10),  # sign, due 09-03 18:30
        at(3, 10, 7),  # issue, due 09-03 10:15
    ])

    cases["F"] = _file(terekti, at(28, 10, month=8))
    tasks_done(cases["F"], [
        at(28, 10, 7, month=8),  # register, due 10:15
        at(28, 11, 7, month=8),  # resolve, due Mon 08-31 18:30 (30 August is no longer a day off)
        at(31, 18, 30, month=8),  # prepare, due 09-02 18:30
        at(1, 10),  # sign, due 09-01 18:30
        at(1, 10, 7),  # issue, due 09-01 10:15
    ])
    for case in cases.values():
        case.refresh_from_db()
    return CaseSet(terekti=terekti, burli=burli, cases=cases)
