"""A small case set built through the real intake and `task_complete` at chosen virtual times.

Service wko-2015-patronat-payment, provider_office channel: register (office clerk, 15 minutes),
resolve (head, 1 working day), prepare (executor, 3 working days), sign (head, 1 working day),
issue (office clerk, 15 minutes). The report period is 2026-09-01 … 2026-09-08 (Asia/Almaty) and
the report is read at NOW, Tuesday 2026-09-08 12:00. 2026-09-05/06 is a weekend; no holiday.

  A  Terekti, filed 09-01 09:30, driven to a refusal, every step within its term  → closed, on time
  B  Terekti, filed 09-01 10:00, resolve (due 09-02 18:30) done 09-04 10:00, rest within → closed, late
  C  Terekti, filed 09-07 10:00, register done 10:05, resolve open (due 09-08 18:30)  → open, not late
  D  Burli,   filed 09-07 10:00, register (due 10:15) done 10:45, resolve open in term  → open, late
  E  Terekti, filed 09-01 09:30, register still open (due 09:45)                    → open, late
  G  Burli,   filed 09-01 00:30 (08-31 19:30 UTC), driven to issue within every term → closed, on time
  F  Terekti, filed 08-28 10:00 (outside the period), driven to issue               → not counted
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from qyzmet.cases.intake import Applicant, Application, intake_office
from qyzmet.cases.models import Case, Task
from qyzmet.cases.services import TaskAction, task_complete
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.registry import catalog_default
from qyzmet.demo.driver import DEMO_APPLICANT_IIN, case_drive, staff_member
from qyzmet.identity.models import Organization, User

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
    definition = catalog_default().latest(SERVICE)
    version = ServiceVersion.objects.get(service__slug=definition.id, version=definition.version)
    citizen = User.objects.get(iin=DEMO_APPLICANT_IIN)
    return intake_office(
        version=version, provider=provider, clerk=staff_member("office_clerk", provider),
        applicant=Applicant(iin=citizen.iin, name=citizen.full_name, user=citizen),
        application=Application(form={"demo": True}), originals_compared=True, now=now,
    )


def _complete_open_task(case: Case, now: datetime) -> None:
    task = Task.objects.select_related("organization").get(case=case, status=Task.Status.OPEN)
    assert task.organization is not None
    task_complete(task=task, actor=staff_member(task.role, task.organization), action=TaskAction(), now=now)


def case_set_build() -> CaseSet:
    terekti = Organization.objects.get(code="wko-terekti")
    burli = Organization.objects.get(code="wko-burli")
    cases: dict[str, Case] = {}

    cases["A"] = _file(terekti, at(1, 9, 30))
    case_drive(cases["A"], now=at(1, 9, 30), outcome="refused")

    cases["B"] = _file(terekti, at(1, 10))
    _complete_open_task(cases["B"], at(1, 10, 5))  # register, on time
    _complete_open_task(cases["B"], at(4, 10))  # resolve, due 09-02 18:30: late
    case_drive(cases["B"], now=at(4, 10))

    cases["C"] = _file(terekti, at(7, 10))
    _complete_open_task(cases["C"], at(7, 10, 5))

    cases["D"] = _file(burli, at(7, 10))
    _complete_open_task(cases["D"], at(7, 10, 45))  # register, due 10:15: late

    cases["E"] = _file(terekti, at(1, 9, 30))

    cases["G"] = _file(burli, at(1, 0, 30))
    case_drive(cases["G"], now=at(1, 0, 30))

    cases["F"] = _file(terekti, at(28, 10, month=8))
    case_drive(cases["F"], now=at(28, 10, month=8))
    for case in cases.values():
        case.refresh_from_db()
    return CaseSet(terekti=terekti, burli=burli, cases=cases)
