"""Reads of the case engine shaped for screens, the API and the demo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from qyzmet.calendar import (
    DEFAULT_OFFICE_HOURS,
    TIMEZONE,
    Duration,
    OfficeHours,
    Unit,
    elapsed,
    local_time,
    remaining,
)
from qyzmet.cases import errors
from qyzmet.cases.assignment import calendar_hours
from qyzmet.cases.models import Case, QueueEntry, ResultDocument, Task
from qyzmet.cases.workflow import Route
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version, definition_of_version_seen
from qyzmet.identity.access import held_roles
from qyzmet.identity.models import User


def task_queue_for_user(user: User | AnonymousUser) -> QuerySet[Task]:
    """Open tasks the user may act on: their role, in the organization where they hold it."""
    if not user.is_authenticated:
        return Task.objects.none()
    condition = Q(pk__in=[])
    for held in held_roles(user):
        condition |= Q(organization_id=held.organization_id, role=held.role)
    return Task.objects.open().filter(condition).select_related("case", "organization").order_by("due_at", "pk")


QUEUE_VIEWS: Final = ("mine", "overdue", "today", "all")


def _local_day_end(now: datetime) -> datetime:
    """The first moment of tomorrow in Almaty: deadlines before it (and not past) end today."""
    tomorrow = local_time(now).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0, 0), tzinfo=TIMEZONE)


def deadline_state(due_at: datetime | None, now: datetime) -> str:
    """overdue (past the deadline), today (ends before midnight in Almaty), ok (time left) or none.

    The three states are the site's deadline colours (.due-overdue, .due-today, .due-ok).
    """
    if due_at is None:
        return "none"
    if due_at < now:
        return "overdue"
    return "today" if due_at < _local_day_end(now) else "ok"


def task_queue_filtered(
    user: User | AnonymousUser, *, view: str = "all", search: str = "", now: datetime
) -> QuerySet[Task]:
    """The user's work queue (`task_queue_for_user`) narrowed to one view and a search.

    Views: `mine` (assigned to the user or to nobody in their role), `overdue` (deadline passed),
    `today` (deadline later today, Almaty time), `all` (every open task of the user's roles).
    The search matches the case number, the applicant's IIN or the service (id or title).
    """
    tasks = task_queue_for_user(user).select_related("case__service_version__service", "assignee")
    if view == "mine":
        tasks = tasks.filter(Q(assignee_id=user.pk) | Q(assignee=None))
    elif view == "overdue":
        tasks = tasks.filter(Q(due_at__lt=now) | Q(overdue_at__isnull=False))
    elif view == "today":
        tasks = tasks.filter(due_at__gte=now, due_at__lt=_local_day_end(now))
    text = search.strip()
    if text:
        tasks = tasks.filter(
            Q(case__number__icontains=text)
            | Q(case__applicant_iin__startswith=text)
            | Q(case__service_slug__icontains=text)
            | Q(case__service_version__service__title_kk__icontains=text)
            | Q(case__service_version__service__title_ru__icontains=text)
            | Q(case__service_version__service__title_en__icontains=text)
        )
    return tasks


@dataclass(frozen=True)
class TimeLeft:
    """How much of a task's term is used and left, in the term's own unit (working units).

    `shown_unit` and `shown_left` are what a page tells a person: the same, except that a term in
    minutes or hours overdue by a whole working day's office time or more is told in working days
    ("overdue by 51 working days", not "by 24,701 working minutes"). The API keeps the term's unit."""

    unit: str
    used: int
    left: int
    overdue: bool
    shown_unit: str
    shown_left: int


def task_time_left(task: Task, now: datetime, *, hours: OfficeHours | None = None) -> TimeLeft | None:
    """The task's term used and left at `now` (or at its completion); `hours`, when the caller has them, are
    its organization's office hours (a page of tasks computes them once per organization)."""
    if task.due_at is None or not task.duration_unit:
        return None
    unit = Unit(task.duration_unit)
    if unit is Unit.CALENDAR_DAYS:
        unit = Unit.WORKING_DAYS  # reported in working days: calendar days are counted to a working day's end
    if hours is None:
        hours = calendar_hours(task.organization) if task.organization else DEFAULT_OFFICE_HOURS
    end = task.completed_at or now
    used = elapsed(task.started_at, end, unit, hours=hours)
    left = remaining(task.due_at, end, unit, hours=hours)
    # Late is past the deadline itself (the rule the API and the sweep use), not "a whole unit late":
    # a working-day step finished one office minute late is overdue, in its first started day.
    overdue = end > task.due_at
    left = min(left, -1) if overdue else left
    if overdue and unit in (Unit.MINUTES, Unit.HOURS):
        # the office time past the deadline, in this office's working days (09:00-18:30 less lunch: 480 minutes)
        late_minutes = -left if unit is Unit.MINUTES else -remaining(task.due_at, end, Unit.MINUTES, hours=hours)
        days = late_minutes * 60_000_000 // hours.day_us
        if days >= 1:
            return TimeLeft(unit.value, used, left, overdue, Unit.WORKING_DAYS.value, -days)
    return TimeLeft(unit.value, used, left, overdue, unit.value, left)


def queue_position(entry: QueueEntry) -> int | None:
    """The entry's place among those still waiting in its locality and group (1 = next)."""
    if entry.status != QueueEntry.Status.WAITING:
        return None
    ahead = QueueEntry.objects.filter(
        locality=entry.locality, group=entry.group, status=QueueEntry.Status.WAITING
    ).filter(Q(registered_at__lt=entry.registered_at) | Q(registered_at=entry.registered_at, pk__lt=entry.pk))
    return ahead.count() + 1


def case_timeline(case: Case) -> list[dict[str, object]]:
    """Every step of the case so far: step, role, organization, start, deadline, completion, who, branch."""
    rows = []
    for task in case.tasks.select_related("organization", "completed_by").order_by("sequence"):
        rows.append(
            {
                "sequence": task.sequence,
                "step": task.step_id,
                "phase": task.phase,
                "role": task.role,
                "does": task.does,
                "organization": task.organization.code if task.organization else None,
                "duration": {"value": task.duration_value, "unit": task.duration_unit} if task.duration_value else None,
                "started": task.started_at,
                "deadline": task.due_at,
                "completed": task.completed_at,
                "actor": task.completed_by.iin if task.completed_by else None,
                "status": task.status,
                "branch": task.branch or None,
                "overdue": task.overdue_at is not None,
            }
        )
    return rows



def documents_unsigned(case: Case) -> list[ResultDocument]:
    """The case's final result documents still to be signed (intermediate acts are not signed), oldest first."""
    return list(ResultDocument.objects.filter(case=case, signature=None, intermediate=False).order_by("pk"))

def definition_of(case: Case) -> ServiceDefinition:
    """The definition the case runs: the stored version it was filed under, never a later one (ADR 0019).

    Raises CaseVersionMismatch if the version's content hash is not the one the case recorded at filing.
    A version this process already read with the recorded hash is not loaded again (versions never change).
    """
    if case.definition_sha256:
        seen = definition_of_version_seen(case.service_version_id, case.definition_sha256)
        if seen is not None:
            return seen
    version = case.service_version
    if case.definition_sha256 and case.definition_sha256 != version.sha256:
        raise errors.CaseVersionMismatch(case.number, case.definition_sha256, version.sha256)
    return definition_of_version(version)


def route_of(case: Case) -> Route:
    return Route(definition_of(case), case.channel)


__all__ = [
    "QUEUE_VIEWS",
    "Duration",
    "TimeLeft",
    "case_timeline",
    "deadline_state",
    "definition_of",
    "documents_unsigned",
    "queue_position",
    "route_of",
    "task_queue_filtered",
    "task_queue_for_user",
    "task_time_left",
]
