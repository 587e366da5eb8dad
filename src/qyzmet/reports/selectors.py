"""Reads behind the quality reports: SLA compliance, step times, delay attribution, workload, hall times.

Every selector takes a `ReportPeriod` (cases filed on those Asia/Almaty dates), a `ReportScope`
(organizations by tree path, optionally one service) and `now` (the moment "open past its
deadline" is judged at). Counts are aggregate queries over indexed columns (`Case.filed_at`,
`Case.provider`, `Task.case`, `Task.due_at`, `QueueTicket.branch/day`); only the working-time
arithmetic of the calendar, which no database knows, reads value tuples into Python.

On time, precisely:

* a **task is late** when it was completed (status done) after its `due_at`, or is still open and
  its `due_at` is before `now`; a task without a `due_at` (an applicant's or a system's step) is
  never late; completing exactly at `due_at` is on time;
* a **case is late** when any of its tasks is late;
* a case is **on time** when it is closed (any closed status: issued, refused, queued, ended) and
  none of its tasks is late;
* a case is **open** while it is in progress.

So `cases = closed + open`, `on_time <= closed`, and `late` counts closed and open cases alike
(an open case past a deadline is already late; an open case within its deadlines is neither).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from qyzmet.calendar import TIMEZONE
from qyzmet.cases.models import Case, CaseStatus, Task, TaskStatus
from qyzmet.identity.models import StaffRole
from qyzmet.reports.expressions import SecondsBetween
from qyzmet.reports.measures import HoursCache, report_unit, working_overrun, working_used
from qyzmet.reports.models import SlaDay
from qyzmet.reports.percentiles import percentile, percentile_by_group
from qyzmet.reports.scope import ReportPeriod, ReportScope
from qyzmet.reports.summary import task_late_q
from qyzmet.state_corporation.models import QueueTicket, TicketStatus

P90 = 0.9


# --- the population ---------------------------------------------------------------------------------


def cases_in_report(*, period: ReportPeriod, scope: ReportScope) -> QuerySet[Case]:
    """Cases filed in the period (local dates) whose provider lies in the scope (and of its service)."""
    start, end = period.bounds()
    cases = Case.objects.filter(filed_at__gte=start, filed_at__lt=end).filter(scope.organizations_q("provider"))
    if scope.service:
        cases = cases.filter(service_slug=scope.service)
    return cases


def _tasks_in_report(period: ReportPeriod, scope: ReportScope) -> QuerySet[Task]:
    return Task.objects.filter(case__in=cases_in_report(period=period, scope=scope).values("pk"))


# --- SLA compliance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaRow:
    """One service at one provider: how many cases were filed, closed, on time, late, still open."""

    service: str
    provider: str
    cases: int
    closed: int
    on_time: int
    late: int
    open: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "service": self.service, "provider": self.provider, "cases": self.cases, "closed": self.closed,
            "on_time": self.on_time, "late": self.late, "open": self.open,
        }


SLA_COLUMNS = ("service", "provider", "cases", "closed", "on_time", "late", "open")


def sla_compliance(*, period: ReportPeriod, scope: ReportScope, now: datetime) -> list[SlaRow]:
    """Per service (catalogue id) and provider (organization code), ordered by both: see the module docstring
    for what on time, late and open mean.

    Closed cases are summed from the `SlaDay` rows of the period's dates (`reports.summary` keeps them as
    cases close and reopen), so the cost follows days × providers × services, not the year's cases; open
    cases, whose lateness grows with `now`, are counted live with the EXISTS probe. Two grouped queries."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # closed, closed late, open, open late
    days = SlaDay.objects.filter(day__gte=period.date_from, day__lte=period.date_to).filter(
        scope.organizations_q("provider"))
    if scope.service:
        days = days.filter(service_slug=scope.service)
    for row in (days.values("service_slug", "provider__code").annotate(closed_sum=Sum("closed"), late_sum=Sum("late"))
                .order_by()):
        if row["closed_sum"]:
            counts[(row["service_slug"], row["provider__code"])][0:2] = [row["closed_sum"], row["late_sum"]]
    is_late = Exists(Task.objects.filter(case=OuterRef("pk")).filter(task_late_q(now)))
    live = (
        cases_in_report(period=period, scope=scope).filter(status=CaseStatus.IN_PROGRESS)
        .annotate(is_late=is_late)
        .values("service_slug", "provider__code")
        .annotate(total=Count("pk"), late_count=Count("pk", filter=Q(is_late=True)))
        .order_by()
    )
    for live_row in live:
        key = (live_row["service_slug"], live_row["provider__code"])
        counts[key][2:4] = [live_row["total"], live_row["late_count"]]
    return [
        SlaRow(service=service, provider=provider, cases=closed + open_, closed=closed, on_time=closed - closed_late,
               late=closed_late + open_late, open=open_)
        for (service, provider), (closed, closed_late, open_, open_late) in sorted(counts.items())
    ]


def sla_compliance_by_scan(*, period: ReportPeriod, scope: ReportScope, now: datetime) -> list[SlaRow]:
    """The same figures as `sla_compliance` straight from the cases and their tasks (one grouped query with an
    EXISTS per case): linear in the period's cases, kept as the reference the summary is checked against."""
    is_late = Exists(Task.objects.filter(case=OuterRef("pk")).filter(task_late_q(now)))
    closed = Q(status__in=CaseStatus.closed())
    rows = (
        cases_in_report(period=period, scope=scope)
        .annotate(is_late=is_late)
        .values("service_slug", "provider__code")
        .annotate(
            total=Count("pk"),
            closed_count=Count("pk", filter=closed),
            on_time_count=Count("pk", filter=closed & Q(is_late=False)),
            late_count=Count("pk", filter=Q(is_late=True)),
            open_count=Count("pk", filter=Q(status=CaseStatus.IN_PROGRESS)),
        )
        .order_by("service_slug", "provider__code")
    )
    return [
        SlaRow(
            service=row["service_slug"], provider=row["provider__code"], cases=row["total"],
            closed=row["closed_count"], on_time=row["on_time_count"], late=row["late_count"], open=row["open_count"],
        )
        for row in rows
    ]


def sla_total(rows: Iterable[SlaRow]) -> SlaRow:
    """The sum of SLA rows (the table's last line)."""
    listed = list(rows)
    return SlaRow(
        service="", provider="", cases=sum(r.cases for r in listed), closed=sum(r.closed for r in listed),
        on_time=sum(r.on_time for r in listed), late=sum(r.late for r in listed), open=sum(r.open for r in listed),
    )


# --- working time of steps ---------------------------------------------------------------------------

STEP_KEY: Final = ("case__service_slug", "step_id", "role", "duration_value", "duration_unit")
StepKey = tuple[Any, ...]


@dataclass(frozen=True)
class StepTimeRow:
    """Time used by one step of one service on completed tasks, against the regulation's norm."""

    service: str
    step: str
    role: str
    norm_value: int | None
    norm_unit: str
    unit: str
    tasks: int
    average: float | None
    p90: float | None
    late: int


def _measure_unrefreshed(tasks: QuerySet[Task]) -> dict[StepKey, list[tuple[int, bool]]]:
    """(used, late) per step key of completed tasks with no `TaskTiming` yet, computed now."""
    values = list(tasks.values_list(*STEP_KEY, "started_at", "completed_at", "due_at", "organization_id"))
    hours = HoursCache(v[8] for v in values)
    grouped: dict[StepKey, list[tuple[int, bool]]] = defaultdict(list)
    for *key, started, completed, due, organization_id in values:
        assert completed is not None  # done tasks carry their completion time (a model constraint)
        used = working_used(started, completed, report_unit(key[4]), hours.get(organization_id))
        grouped[tuple(key)].append((used, due is not None and completed > due))
    return grouped


def step_times(*, period: ReportPeriod, scope: ReportScope, now: datetime) -> list[StepTimeRow]:
    """Per service, step and role: completed tasks, the average and 90th percentile of their working time
    (from start to completion, in `report_unit` of the norm, with the organization's office hours), and how
    many were completed after their deadline. Staff steps only (applicant and system steps take no time).

    Reads the pre-aggregated `TaskTiming` rows with one grouped query (and the percentile backend); tasks
    completed since the last `task_timings_refresh` are measured on the fly, so the numbers are the same."""
    done = _tasks_in_report(period, scope).filter(status=TaskStatus.DONE, organization__isnull=False)
    measured = done.filter(timing__isnull=False)
    stats = {
        tuple(row[name] for name in STEP_KEY): row
        for row in measured.values(*STEP_KEY).annotate(
            count=Count("pk"), used_sum=Sum("timing__used"), late_count=Count("pk", filter=Q(timing__late=True)),
        ).order_by()
    }
    fresh = _measure_unrefreshed(done.filter(timing__isnull=True))
    if fresh:  # the percentile needs every value of a group: read the stored ones (plain integers) too
        stored: dict[StepKey, list[float]] = defaultdict(list)
        for *key, used in measured.values_list(*STEP_KEY, "timing__used"):
            stored[tuple(key)].append(float(used))
        p90 = {key: percentile(stored[key] + [float(u) for u, _late in fresh.get(key, [])], P90)
               for key in set(stats) | set(fresh)}
    else:
        p90 = percentile_by_group(measured, list(STEP_KEY), F("timing__used"), P90)
    rows = []
    for key in sorted(set(stats) | set(fresh), key=lambda k: (k[0], k[1], k[2], k[3] or 0, k[4])):
        row, extra = stats.get(key), fresh.get(key, [])
        count = (row["count"] if row else 0) + len(extra)
        used_sum = (row["used_sum"] if row else 0) + sum(used for used, _late in extra)
        late = (row["late_count"] if row else 0) + sum(1 for _used, is_late in extra if is_late)
        service, step, role, norm, norm_unit = key
        rows.append(StepTimeRow(
            service=service, step=step, role=role, norm_value=norm, norm_unit=norm_unit,
            unit=report_unit(norm_unit).value, tasks=count, average=used_sum / count, p90=p90.get(key), late=late,
        ))
    return rows


# --- delay attribution -------------------------------------------------------------------------------

DELAY_KEY: Final = (
    "case__service_slug", "step_id", "role", "organization__code", "completed_by__iin", "completed_by__surname",
    "completed_by__given_name",
)


@dataclass(frozen=True)
class DelayRow:
    """Late tasks of one step, role and person (empty person: still open, nobody has acted)."""

    service: str
    step: str
    role: str
    organization: str
    person_iin: str
    person_name: str
    late_tasks: int
    overrun: int
    unit: str


def _delay_key(values: tuple[Any, ...], unit: str) -> tuple[str, ...]:
    service, step, role, organization, iin, surname, given = values
    name = " ".join(part for part in (surname, given) if part)
    return (service, step, role, organization or "", iin or "", name, unit)


def delay_attribution(*, period: ReportPeriod, scope: ReportScope, now: datetime) -> list[DelayRow]:
    """Who used the time beyond the norm on late cases: per service, step, role, organization and the person
    who completed the late task (none while it is open), the late tasks and their total overrun, i.e. the
    working time from the deadline to completion (or to `now` for an open task), in `report_unit`.

    Completed late tasks are summed from `TaskTiming` in one grouped query; open late tasks (their overrun
    grows with `now`) and tasks not yet refreshed are measured on the fly. The most late tasks first."""
    late = _tasks_in_report(period, scope).filter(task_late_q(now))
    grouped: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0])
    stored = (
        late.filter(timing__isnull=False).values(*DELAY_KEY, "timing__unit")
        .annotate(count=Count("pk"), overrun=Sum("timing__overrun")).order_by()
    )
    for row in stored:
        totals = grouped[_delay_key(tuple(row[name] for name in DELAY_KEY), row["timing__unit"])]
        totals[0] += row["count"]
        totals[1] += row["overrun"]
    live = list(late.filter(timing__isnull=True).values_list(
        *DELAY_KEY, "duration_unit", "due_at", "completed_at", "organization_id"))
    hours = HoursCache(v[10] for v in live)
    for *key, unit, due, completed, organization_id in live:
        measured = report_unit(unit)
        totals = grouped[_delay_key(tuple(key), measured.value)]
        totals[0] += 1
        totals[1] += working_overrun(due, completed or now, measured, hours.get(organization_id))
    rows = [
        DelayRow(
            service=service, step=step, role=role, organization=organization, person_iin=iin, person_name=name,
            late_tasks=count, overrun=overrun, unit=unit,
        )
        for (service, step, role, organization, iin, name, unit), (count, overrun) in grouped.items()
    ]
    return sorted(rows, key=lambda r: (-r.late_tasks, r.service, r.step, r.person_iin))


# --- workload ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleWorkloadRow:
    """Open tasks waiting for one role in one organization, and the people who hold that role there."""

    organization: str
    role: str
    open: int
    overdue: int
    holders: int


def workload_by_role(*, period: ReportPeriod, scope: ReportScope, now: datetime) -> list[RoleWorkloadRow]:
    """Open tasks (of the period's cases) per organization and role, those past their deadline at `now`,
    and how many staff hold the role there (any of them may take the task)."""
    counts = (
        _tasks_in_report(period, scope)
        .filter(status=TaskStatus.OPEN, organization__isnull=False)
        .values("organization_id", "organization__code", "role")
        .annotate(open_count=Count("pk"), overdue_count=Count("pk", filter=Q(due_at__lt=now)))
        .order_by("organization__code", "role")
    )
    listed = list(counts)
    holders = {
        (row["organization_id"], row["role"]): row["people"]
        for row in StaffRole.objects.filter(organization_id__in={r["organization_id"] for r in listed})
        .values("organization_id", "role").annotate(people=Count("user_id", distinct=True)).order_by()
    }
    return [
        RoleWorkloadRow(
            organization=row["organization__code"], role=row["role"], open=row["open_count"],
            overdue=row["overdue_count"], holders=holders.get((row["organization_id"], row["role"]), 0),
        )
        for row in listed
    ]


@dataclass(frozen=True)
class PersonWorkloadRow:
    """Tasks one person completed in one role and organization (of the period's cases), and how many late."""

    person_iin: str
    person_name: str
    organization: str
    role: str
    completed: int
    late: int


def workload_by_person(*, period: ReportPeriod, scope: ReportScope) -> list[PersonWorkloadRow]:
    """Tasks of the period's cases completed per person, role and organization, and those completed late."""
    rows = (
        _tasks_in_report(period, scope)
        .filter(status=TaskStatus.DONE, completed_by__isnull=False)
        .values("completed_by__iin", "completed_by__surname", "completed_by__given_name", "organization__code", "role")
        .annotate(done=Count("pk"), late_count=Count("pk", filter=Q(completed_at__gt=F("due_at"))))
        .order_by("organization__code", "role", "completed_by__iin")
    )
    return [
        PersonWorkloadRow(
            person_iin=row["completed_by__iin"],
            person_name=f"{row['completed_by__surname']} {row['completed_by__given_name']}".strip(),
            organization=row["organization__code"] or "", role=row["role"], completed=row["done"],
            late=row["late_count"],
        )
        for row in rows
    ]


def arrivals_per_day(*, period: ReportPeriod, scope: ReportScope) -> list[tuple[date, int]]:
    """Cases filed on each local date of the period (every date listed, zero included)."""
    counts = {
        row["day"]: row["filed"]
        for row in cases_in_report(period=period, scope=scope)
        .annotate(day=TruncDate("filed_at", tzinfo=TIMEZONE))
        .values("day").annotate(filed=Count("pk")).order_by("day")
    }
    return [(day, counts.get(day, 0)) for day in period.days()]


# --- the State Corporation hall ------------------------------------------------------------------------


@dataclass(frozen=True)
class HallTimesRow:
    """Tickets of one State Corporation branch: waiting (issue → call) and service (call → finish) minutes."""

    branch: str
    tickets: int
    served: int
    no_show: int
    waiting_average: float | None
    waiting_p90: float | None
    service_average: float | None
    service_p90: float | None


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def hall_times(*, period: ReportPeriod, scope: ReportScope) -> list[HallTimesRow]:
    """Per branch in the scope, tickets taken on the period's dates (all services): how many, served and
    not come, and the average and 90th percentile of waiting and of service time in wall-clock minutes."""
    tickets = QueueTicket.objects.filter(day__gte=period.date_from, day__lte=period.date_to).filter(
        scope.organizations_q("branch")
    )
    waiting = SecondsBetween(F("issued_at"), F("called_at"))
    service = SecondsBetween(F("called_at"), F("finished_at"))
    called = tickets.filter(called_at__isnull=False)
    served = tickets.filter(status=TicketStatus.DONE)
    counts = (
        tickets.values("branch__code")
        .annotate(
            total=Count("pk"), served_count=Count("pk", filter=Q(status=TicketStatus.DONE)),
            no_show_count=Count("pk", filter=Q(status=TicketStatus.NO_SHOW)),
        )
        .order_by("branch__code")
    )
    waiting_average = dict(called.values("branch__code").annotate(v=Avg(waiting)).values_list("branch__code", "v"))
    service_average = dict(served.values("branch__code").annotate(v=Avg(service)).values_list("branch__code", "v"))
    waiting_p90 = percentile_by_group(called, ["branch__code"], waiting, P90)
    service_p90 = percentile_by_group(served, ["branch__code"], service, P90)
    return [
        HallTimesRow(
            branch=row["branch__code"], tickets=row["total"], served=row["served_count"],
            no_show=row["no_show_count"],
            waiting_average=_minutes(waiting_average.get(row["branch__code"])),
            waiting_p90=_minutes(waiting_p90.get((row["branch__code"],))),
            service_average=_minutes(service_average.get(row["branch__code"])),
            service_p90=_minutes(service_p90.get((row["branch__code"],))),
        )
        for row in counts
    ]
