"""Writes of the reports: the pre-aggregated timings of completed tasks."""

from __future__ import annotations

from datetime import datetime

from qyzmet.cases.models import Task, TaskStatus
from qyzmet.reports.measures import HoursCache, report_unit, working_overrun, working_used
from qyzmet.reports.models import TaskTiming


def task_timings_refresh(*, now: datetime, batch: int = 5000) -> int:
    """Measure completed staff tasks that have no `TaskTiming` yet, up to `batch` of them; returns how many.

    A completed task never changes, so each is measured once. Safe to run twice and from several
    workers at once: rows are inserted with ignore_conflicts on the task's primary key, so a task
    measured by another worker meanwhile is skipped. Side effects: creates TaskTiming rows.
    """
    values = list(
        Task.objects.filter(status=TaskStatus.DONE, organization__isnull=False, timing__isnull=True)
        .order_by("pk")
        .values_list("pk", "duration_unit", "started_at", "completed_at", "due_at", "organization_id")[:batch]
    )
    hours = HoursCache(v[5] for v in values)
    rows = []
    for task_id, duration_unit, started, completed, due, organization_id in values:
        assert completed is not None  # done tasks carry their completion time (a model constraint)
        unit, office = report_unit(duration_unit), hours.get(organization_id)
        rows.append(TaskTiming(
            task_id=task_id, unit=unit.value, used=working_used(started, completed, unit, office),
            late=due is not None and completed > due, overrun=working_overrun(due, completed, unit, office),
            measured_at=now,
        ))
    TaskTiming.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def task_timings_refresh_all(*, now: datetime, batch: int = 5000) -> int:
    """Refresh in batches until every completed staff task is measured; the total measured."""
    total = 0
    while measured := task_timings_refresh(now=now, batch=batch):
        total += measured
    return total
