"""The deadline sweeper: open tasks past their deadline become overdue, and the applicant is told.

Part of the case engine; `qyzmet.cases.services` re-exports every name.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from qyzmet.cases.events import case_event_record
from qyzmet.cases.models import Case, Task, TaskStatus


def tasks_mark_overdue(*, now: datetime, batch: int = 500) -> int:
    """Mark open tasks whose deadline is before `now` as overdue, and apologise to the applicant.

    A task due at 18:30:00 is not overdue at 18:30:00 and is at any instant after it
    (`due_at < now`). Safe to run from several workers at once: each task is claimed with a
    conditional update, and its event is appended while holding the case's row lock (the same
    order as `task_complete`: task, then case). Side effects: sets `overdue_at`; a `task_overdue`
    event; an "overdue" notification with the new expected date (`notifications.notify`).
    """
    marked = 0
    candidates = Task.objects.open().due_before(now).filter(overdue_at=None).values_list("pk", "case_id")[:batch]
    for task_id, case_id in list(candidates):
        with transaction.atomic():
            claimed = Task.objects.filter(pk=task_id, overdue_at=None, status=TaskStatus.OPEN).update(overdue_at=now)
            if claimed != 1:
                continue  # another worker got there first, or the task was just completed
            case = Case.objects.select_for_update().get(pk=case_id)
            task = Task.objects.select_related("organization").get(pk=task_id)
            case_event_record(
                case=case,
                kind="task_overdue",
                at=now,
                role=task.role,
                organization=task.organization,
                step_id=task.step_id,
                data={"due_at": task.due_at},
            )
            _overdue_apologise(case, task, now=now)
        marked += 1
    return marked


def _overdue_apologise(case: Case, task: Task, *, now: datetime) -> None:
    # Imported here: both modules import this one.
    from qyzmet.cases.expectations import case_expected_after_or_none
    from qyzmet.notifications.services import notify
    from qyzmet.notifications.texts import role_text

    expected = case_expected_after_or_none(case, step_id=task.step_id, start=now)
    notify(
        kind="overdue",
        key=str(task.pk),
        case=case,
        recipient=case.applicant,
        recipient_iin=case.applicant_iin,
        params={
            "number": case.number,
            "step": role_text(task.role),
            "due": task.due_at.isoformat() if task.due_at else None,
            "expected": expected.isoformat() if expected else None,
        },
        now=now,
    )
