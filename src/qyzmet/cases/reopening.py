"""Reopening a case after an upheld appeal.

Part of the case engine; `qyzmet.cases.services` re-exports every name.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from qyzmet.cases import errors
from qyzmet.cases.events import case_event_record
from qyzmet.cases.models import Case, CaseEvent, CaseStatus, Task, TaskStatus
from qyzmet.cases.selectors import route_of
from qyzmet.cases.tasks import _advance
from qyzmet.cases.workflow import is_automatic
from qyzmet.reports.summary import sla_case_reopened


def reopenable_steps(case: Case) -> list[str]:
    """The steps of the case's route a person does (not the applicant's or a system's): where it may reopen."""
    return [placed.step.id for placed in route_of(case).placed if not is_automatic(placed.step)]


@transaction.atomic
def case_reopen(case: Case, step_id: str, *, by_appeal: Case, now: datetime) -> Task | None:
    """Reopen the case at `step_id` because the appeal `by_appeal` was upheld; the new open task.

    Idempotent: a second call for the same appeal does nothing and returns None. `step_id` must be
    a staff step of the case's route (TransitionNotAllowed otherwise, nothing changed). Under the
    case's row lock: open tasks (an appeal of inaction) are cancelled, the case is in progress
    again with no outcome, and the step opens with a fresh deadline counted from `now` (a shared
    procedure budget starts again). Result documents already issued stay as they were, as history.
    Side effects: a `case_reopened` event on the case and an `original_reopened` event on the appeal.
    """
    if step_id not in reopenable_steps(case):
        raise errors.TransitionNotAllowed("step_unknown", step=step_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if CaseEvent.objects.filter(case=case, kind="case_reopened", data__appeal=by_appeal.number).exists():
        return None
    sla_case_reopened(case, now=now)  # out of the SLA report's closed counts (reports.summary, ADR 0027)
    for task in Task.objects.select_for_update().filter(case=case, status=TaskStatus.OPEN):
        task.status, task.completed_at = TaskStatus.CANCELLED, now
        task.save(update_fields=["status", "completed_at"])
    before = case.status
    case.status, case.closed_at, case.outcome, case.refusal_ground = CaseStatus.IN_PROGRESS, None, "", ""
    case.save(update_fields=["status", "closed_at", "outcome", "refusal_ground"])
    case_event_record(
        case=case, kind="case_reopened", at=now, step_id=step_id, state_before=before, state_after=case.status,
        data={"appeal": by_appeal.number},
    )
    case_event_record(
        case=by_appeal, kind="original_reopened", at=now, step_id=step_id, data={"case": case.number},
    )
    route = route_of(case)
    return _advance(case, route, route.get(step_id), now=now, decisions={})
