"""Tasks of a case: opening them with their deadlines, advancing the route, completing a task, closing.

Part of the case engine; `qyzmet.cases.services` re-exports every name.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from qyzmet.audit.checkpoints import case_checkpoints_deferred
from qyzmet.calendar import Duration as CalendarDuration
from qyzmet.calendar import Unit as CalendarUnit
from qyzmet.calendar import deadline
from qyzmet.cases import errors
from qyzmet.cases.assignment import calendar_hours, organization_for_step
from qyzmet.cases.decisions import TaskAction, _apply_decision
from qyzmet.cases.documents import _after_step, _documents_issue, _documents_sign, _signing_documents_prepare
from qyzmet.cases.events import case_event_record
from qyzmet.cases.models import Case, CaseEvent, CaseStatus, Task, TaskStatus
from qyzmet.cases.selectors import route_of
from qyzmet.cases.telling import _applicant_tell
from qyzmet.cases.workflow import (
    PlacedStep,
    Route,
    branch_ensure,
    decision_branch_ensure,
    ends_with_refusal_message,
    is_automatic,
    is_delivering,
)
from qyzmet.catalog.schema import Duration
from qyzmet.core import context
from qyzmet.identity.access import user_has_role
from qyzmet.identity.models import Organization, User
from qyzmet.reports.summary import sla_case_closed

OUTCOME_STATUS = {"issued": CaseStatus.ISSUED, "refused": CaseStatus.REFUSED, "queued": CaseStatus.QUEUED}


def _due(organization: Organization | None, start: datetime, duration: Duration | None) -> datetime | None:
    if duration is None:
        return None
    term = CalendarDuration(duration.value, CalendarUnit(duration.unit.value))
    if organization is None:
        return deadline(start, term)
    return deadline(start, term, hours=calendar_hours(organization))


def _task_due(case: Case, placed: PlacedStep, organization: Organization | None, now: datetime) -> datetime | None:
    """The step's own deadline, or the procedure's single shared budget counted from its first task.

    A reopened case (`case_reopen`) counts a fresh budget from the reopening.
    """
    if placed.budget is None:
        return _due(organization, now, placed.step.duration)
    earlier = Task.objects.filter(case=case, phase="procedure").exclude(due_at=None)
    reopened = _reopened_last(case)
    if reopened is not None:
        earlier = earlier.filter(started_at__gte=reopened)
    first = earlier.order_by("sequence").first()
    return first.due_at if first else _due(organization, now, placed.budget)


def _reopened_last(case: Case) -> datetime | None:
    event = CaseEvent.objects.filter(case=case, kind="case_reopened").order_by("-sequence").only("at").first()
    return event.at if event is not None else None


def _task_open(
    case: Case, placed: PlacedStep, *, now: datetime, sequence: int | None = None, done_with_branch: str | None = None
) -> Task:
    """Write the step's task: open, or (an automatic step, `done_with_branch` given) already done.

    `sequence` is the task's number in the case when the caller knows it (it holds the case's lock
    and wrote the previous task), otherwise read from the last task.
    """
    step = placed.step
    organization = None if is_automatic(step) else organization_for_step(case, step)
    if sequence is None:
        last = Task.objects.filter(case=case).order_by("-sequence").only("sequence").first()
        sequence = (last.sequence + 1) if last else 1
    done = done_with_branch is not None
    task = Task.objects.create(
        case=case,
        sequence=sequence,
        step_id=step.id,
        status=TaskStatus.DONE if done else TaskStatus.OPEN,
        completed_at=now if done else None,
        branch=done_with_branch or "",
        phase=placed.phase,
        role=step.role.value,
        does=step.does.value,
        organization=organization,
        started_at=now,
        duration_value=step.duration.value if step.duration else None,
        duration_unit=step.duration.unit.value if step.duration else "",
        due_at=_task_due(case, placed, organization, now),
    )
    return task


def _advance(
    case: Case, route: Route, placed: PlacedStep | None, *, now: datetime, decisions: dict[str, str]
) -> Task | None:
    """Open tasks from `placed` on, completing automatic steps, until a person must act or the flow ends."""
    sequence: int | None = None
    while placed is not None:
        if not is_automatic(placed.step):
            task = _task_open(case, placed, now=now, sequence=sequence)
            _signing_documents_prepare(case, route, placed, now=now)
            case_event_record(
                case=case,
                kind="task_opened",
                at=now,
                role=task.role,
                organization=task.organization,
                step_id=task.step_id,
                data={"due_at": task.due_at},
            )
            return task
        # The branch the intake found for this check (at filing, or kept on the case since), else its success branch.
        branch = (decisions.get(placed.step.id) or case.intake_checks.get(placed.step.id)
                  or route.success_branch(placed.step))
        # An automatic step's task is written done at once: one INSERT, not an INSERT and an UPDATE.
        task = _task_open(case, placed, now=now, sequence=sequence, done_with_branch=branch or "")
        sequence = task.sequence + 1
        case_event_record(
            case=case,
            kind="step_completed",
            at=now,
            role=task.role,
            step_id=task.step_id,
            data={"automatic": True, "branch": branch},
        )
        _after_step(case, route, placed, now=now, actor=None)
        if placed.step.end or ends_with_refusal_message(placed.step):
            _case_close(case, route, placed, now=now)
            return None
        placed = route.next_of(placed.step.id, branch)
    _case_close(case, route, None, now=now)
    return None


def _task_close(task: Task, *, actor: User | None, branch: str, now: datetime) -> None:
    task.status = TaskStatus.DONE
    task.completed_at = now
    task.completed_by = actor
    task.branch = branch
    task.save(update_fields=["status", "completed_at", "completed_by", "branch"])


def _case_close(case: Case, route: Route, placed: PlacedStep | None, *, now: datetime) -> None:
    before = case.status
    if placed is not None and ends_with_refusal_message(placed.step):
        case.status = CaseStatus.ENDED
    else:
        case.status = OUTCOME_STATUS.get(case.outcome, CaseStatus.ISSUED)
    case.closed_at = now
    case.save(update_fields=["status", "closed_at"])
    sla_case_closed(case, now=now)  # the SLA report's counts (reports.summary, ADR 0027)
    if case.status != CaseStatus.ENDED:
        # Nothing half-done: a result not yet handed over by a delivery step is delivered on closing.
        _documents_issue(case, now=now, actor=None)
    closed = case_event_record(
        case=case,
        kind="case_closed",
        at=now,
        state_before=before,
        state_after=case.status,
        step_id=placed.step.id if placed else "",
        data={"outcome": case.outcome},
    )
    _applicant_tell(closed, now=now)


def task_ensure_allowed(task: Task, actor: User) -> None:
    """Refuse (TransitionNotAllowed) unless the task is open and the actor holds its role there."""
    if task.status != TaskStatus.OPEN or task.case.status != CaseStatus.IN_PROGRESS:
        raise errors.TransitionNotAllowed("task_closed")
    if task.organization is None or not user_has_role(actor, task.role, task.organization):
        raise errors.TransitionNotAllowed("wrong_role", role=task.role)


@transaction.atomic
@case_checkpoints_deferred()
def task_complete(*, task: Task, actor: User, action: TaskAction, now: datetime) -> Task | None:
    """Complete a task as the regulation's step says, then open the next one(s).

    Guards: the task is open, the actor holds its role in its organization, a branching step gets
    one of its branches, the deciding step gets an allowed decision (a refusal with its ground),
    and a signing step gets a valid EDS signature of every unsigned result document by the actor.
    A refused action raises TransitionNotAllowed and changes nothing. Returns the next open task.
    """
    task = Task.objects.select_for_update(of=("self",)).select_related("case", "organization").get(pk=task.pk)
    case = Case.objects.select_for_update(of=("self",)).select_related("provider").get(pk=task.case_id)
    task.case = case
    context.case_number_bind(case.number)
    task_ensure_allowed(task, actor)
    route = route_of(case)
    placed = route.get(task.step_id)
    step = placed.step
    branch = action.branch
    branch_ensure(step, branch)
    if step.decides:
        decision_branch_ensure(step, branch, action.decision)
        _apply_decision(case, route, placed, action, now=now)
    elif action.decision:
        raise errors.TransitionNotAllowed("unexpected_input", field="decision")
    signed: list[str] = []
    if route.signs_at(step.id, branch):
        signed = _documents_sign(
            case, actor=actor, organization=task.organization, signatures=action.signatures, now=now
        )
    _task_close(task, actor=actor, branch=branch or "", now=now)
    case_event_record(
        case=case,
        kind="step_completed",
        at=now,
        actor=actor,
        role=task.role,
        organization=task.organization,
        step_id=task.step_id,
        data={
            "branch": branch,
            "decision": action.decision if step.decides else None,
            "ground": action.ground if step.decides and action.decision == "refused" else None,
            "signed": signed,
        },
    )
    if not step.decides:
        _after_step(case, route, placed, now=now, actor=actor, details=action.details)
    elif is_delivering(step):
        _documents_issue(case, now=now, actor=actor)
    if step.end or ends_with_refusal_message(step):
        _case_close(case, route, placed, now=now)
        return None
    return _advance(case, route, route.next_of(step.id, branch), now=now, decisions={})
