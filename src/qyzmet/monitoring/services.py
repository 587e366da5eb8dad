"""The deadline watch: mark overdue tasks, escalate them to the head, then to the oblast's quality monitor.

Every function is safe to run from several workers at once and again after a crash: an overdue
task is claimed with a conditional update, an escalation is unique per (task, level), and each
event is appended while holding the case's row lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db import IntegrityError, transaction

from qyzmet.calendar import Duration as CalendarDuration
from qyzmet.calendar import Unit as CalendarUnit
from qyzmet.calendar import deadline
from qyzmet.cases.assignment import calendar_hours
from qyzmet.cases.events import case_event_record
from qyzmet.cases.models import Case, Task, TaskStatus
from qyzmet.cases.services import definition_of, tasks_mark_overdue
from qyzmet.identity.models import Organization, StaffRole, User
from qyzmet.identity.selectors import organization_ancestors
from qyzmet.monitoring.models import Escalation, EscalationLevel
from qyzmet.notifications.models import Channel, NotificationKind
from qyzmet.notifications.services import notify
from qyzmet.notifications.texts import role_text

# When a definition names no `escalation.monitor_after`: the quality monitor is told three working
# days after the deadline (docs/adr/0009-background-work.md).
DEFAULT_MONITOR_AFTER: Final = CalendarDuration(3, CalendarUnit.WORKING_DAYS)
HEAD_ROLES: Final = ("head", "akim")


@dataclass(frozen=True)
class WatchReport:
    overdue: int = 0
    to_head: int = 0
    to_monitor: int = 0


def monitor_after_of(case: Case) -> CalendarDuration:
    """The service's second threshold (definition `escalation.monitor_after`), or the default."""
    escalation = definition_of(case).escalation
    if escalation is None:
        return DEFAULT_MONITOR_AFTER
    term = escalation.monitor_after
    return CalendarDuration(term.value, CalendarUnit(term.unit.value))


def monitor_threshold(task: Task) -> datetime | None:
    """The moment after which the task, still open, goes to the quality monitor."""
    if task.due_at is None or task.organization is None:
        return None
    return deadline(task.due_at, monitor_after_of(task.case), hours=calendar_hours(task.organization))


def _people(organization: Organization, roles: tuple[str, ...]) -> list[User]:
    held = StaffRole.objects.filter(organization=organization, role__in=roles, user__is_active=True)
    return [r.user for r in held.select_related("user").order_by("user__iin")]


def heads_for(organization: Organization) -> tuple[Organization, list[User]]:
    """The nearest organization, itself first then upwards, whose head (or akim) exists, and its heads."""
    for candidate in [organization, *reversed(organization_ancestors(organization))]:
        people = _people(candidate, HEAD_ROLES)
        if people:
            return candidate, people
    return organization, []


def monitors_for(organization: Organization) -> tuple[Organization, list[User]]:
    """The oblast the organization is in, and its quality monitors."""
    oblast_code = organization.path.split("/")[0]
    oblast = Organization.objects.filter(code=oblast_code).first() or organization
    return oblast, _people(oblast, ("quality_monitor",))


def _escalation_notify(case: Case, task: Task, escalation: Escalation, people: list[User], *, now: datetime) -> None:
    params = {
        "number": case.number,
        "step": role_text(task.role),
        "due": task.due_at.isoformat() if task.due_at else None,
        "level": escalation.level,
        "organization": {"kk": escalation.organization.name_kk, "ru": escalation.organization.name_ru,
                         "en": escalation.organization.name_en or escalation.organization.name_ru},
    }
    for person in people:
        notify(
            kind=NotificationKind.ESCALATED, key=f"{task.pk}:{escalation.level}:{person.iin}", case=case,
            recipient=person, recipient_iin=person.iin, params=params, now=now,
            channels=(Channel.CABINET, Channel.EMAIL),
        )


def task_escalate(*, task_id: int, level: str, now: datetime) -> Escalation | None:
    """Escalate an open overdue task to `level` unless it already was; None when nothing was done.

    Side effects: an Escalation row, a `task_escalated` event (under the case lock), notifications
    to the people escalated to.
    """
    with transaction.atomic():
        case_id = Task.objects.filter(pk=task_id).values_list("case_id", flat=True).first()
        if case_id is None:
            return None
        case = Case.objects.select_for_update().get(pk=case_id)
        task = Task.objects.select_related("organization").get(pk=task_id)
        if task.status != TaskStatus.OPEN or task.overdue_at is None or task.organization is None:
            return None
        finder = heads_for if level == EscalationLevel.HEAD else monitors_for
        to, people = finder(task.organization)
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    task=task, case=case, level=level, organization=to,
                    recipients=[p.iin for p in people], escalated_at=now,
                )
        except IntegrityError:
            return None  # another worker escalated it first
        case_event_record(
            case=case, kind="task_escalated", at=now, role=task.role, organization=to, step_id=task.step_id,
            data={"level": level, "to": escalation.recipients, "due_at": task.due_at},
        )
        _escalation_notify(case, task, escalation, people, now=now)
        return escalation


def tasks_escalate(*, now: datetime, batch: int = 500) -> tuple[int, int]:
    """Escalate open overdue tasks: each to its head once, and past the service's threshold to the monitor once.

    Returns (to the head, to the monitor).
    """
    overdue = Task.objects.open().exclude(overdue_at=None).exclude(organization=None)
    to_head = 0
    for task_id in list(overdue.exclude(escalations__level=EscalationLevel.HEAD).values_list("pk", flat=True)[:batch]):
        to_head += task_escalate(task_id=task_id, level=EscalationLevel.HEAD, now=now) is not None
    to_monitor = 0
    waiting = overdue.exclude(escalations__level=EscalationLevel.MONITOR).select_related(
        "organization", "case__service_version"
    )
    for task in waiting.iterator():
        threshold = monitor_threshold(task)
        if threshold is None or not now > threshold:
            continue
        to_monitor += task_escalate(task_id=task.pk, level=EscalationLevel.MONITOR, now=now) is not None
        if to_monitor >= batch:
            break
    return to_head, to_monitor


def deadlines_watch(*, now: datetime) -> WatchReport:
    """One pass of the watch: open tasks past their deadline become overdue (with an apology), then escalate."""
    overdue = tasks_mark_overdue(now=now)
    to_head, to_monitor = tasks_escalate(now=now)
    return WatchReport(overdue=overdue, to_head=to_head, to_monitor=to_monitor)
