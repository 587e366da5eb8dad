"""Tasks of a case: opening them with their deadlines, advancing the route, completing a task, closing.

Part of the case engine; `qyzmet.cases.services` re-exports every name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from django.db import connection, transaction

from qyzmet.audit.checkpoints import case_checkpoints_deferred, case_events_pending
from qyzmet.calendar import Duration as CalendarDuration
from qyzmet.calendar import Unit as CalendarUnit
from qyzmet.calendar import deadline
from qyzmet.cases import errors
from qyzmet.cases.assignment import calendar_hours, organization_for_step
from qyzmet.cases.decisions import TaskAction, _apply_decision
from qyzmet.cases.documents import _after_step, _documents_issue, _documents_sign, _signing_documents_prepare
from qyzmet.cases.events import GENESIS, case_event_chain_carried, case_event_chain_released, case_event_record
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


def _task_due(
    case: Case, placed: PlacedStep, organization: Organization | None, now: datetime, *, unsaved: Sequence[Task] = ()
) -> datetime | None:
    """The step's own deadline, or the procedure's single shared budget counted from its first task.

    A reopened case (`case_reopen`) counts a fresh budget from the reopening. `unsaved` are the tasks
    the running `_advance` made and has not inserted yet (they follow every task in the database).
    """
    if placed.budget is None:
        return _due(organization, now, placed.step.duration)
    earlier = Task.objects.filter(case=case, phase="procedure").exclude(due_at=None)
    reopened = _reopened_last(case)
    if reopened is not None:
        earlier = earlier.filter(started_at__gte=reopened)
    first = earlier.order_by("sequence").first() or next(
        (t for t in unsaved if t.phase == "procedure" and t.due_at is not None
         and (reopened is None or t.started_at >= reopened)), None)
    return first.due_at if first else _due(organization, now, placed.budget)


def _reopened_last(case: Case) -> datetime | None:
    kept = [event for event in case_events_pending(case.pk) if event.kind == "case_reopened"]
    if kept:
        return kept[-1].at
    event = CaseEvent.objects.filter(case=case, kind="case_reopened").order_by("-sequence").only("at").first()
    return event.at if event is not None else None


def _task_make(
    case: Case, placed: PlacedStep, *, now: datetime, sequence: int | None = None, done_with_branch: str | None = None,
    unsaved: Sequence[Task] = (),
) -> Task:
    """The step's task, not yet inserted: open, or (an automatic step, `done_with_branch` given) already done.

    `sequence` is the task's number in the case when the caller knows it (it holds the case's lock
    and made the previous task), otherwise read from the last task. `unsaved`: see `_task_due`.
    """
    step = placed.step
    organization = None if is_automatic(step) else organization_for_step(case, step)
    if sequence is None:
        last = Task.objects.filter(case=case).order_by("-sequence").only("sequence").first()
        sequence = (last.sequence + 1) if last else 1
    done = done_with_branch is not None
    return Task(
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
        due_at=_task_due(case, placed, organization, now, unsaved=unsaved),
    )


def _tasks_insert(tasks: list[Task]) -> None:
    """Insert the tasks `_advance` made, in one statement."""
    if len(tasks) == 1:
        tasks[0].save(force_insert=True)
    elif tasks:
        Task.objects.bulk_create(tasks)


def _advance(
    case: Case, route: Route, placed: PlacedStep | None, *, now: datetime, decisions: dict[str, str],
    sequence: int | None = None,
) -> Task | None:
    """Open tasks from `placed` on, completing automatic steps, until a person must act or the flow ends.

    `sequence` is the next task's number in the case when the caller knows it (under the case lock).
    The tasks it makes are inserted together, before the case closes or when the next one opens.
    """
    made: list[Task] = []
    while placed is not None:
        if not is_automatic(placed.step):
            task = _task_make(case, placed, now=now, sequence=sequence, unsaved=made)
            _tasks_insert([*made, task])
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
        # An automatic step's task is made done at once: one INSERT, not an INSERT and an UPDATE.
        task = _task_make(case, placed, now=now, sequence=sequence, done_with_branch=branch or "", unsaved=made)
        made.append(task)
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
            _tasks_insert(made)
            _case_close(case, route, placed, now=now)
            return None
        placed = route.next_of(placed.step.id, branch)
    _tasks_insert(made)
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
    # Each joined table costs ~0.4 ms of ORM CPU: the case comes with its own lock, its applicant when told.
    task = Task.objects.select_for_update(of=("self",)).select_related("organization").get(pk=task.pk)
    case = Case.objects.select_for_update(of=("self",)).select_related("provider").get(pk=task.case_id)
    task.case = case
    context.case_number_bind(case.number)
    task_ensure_allowed(task, actor)
    last_event, last_task = _case_ends(case)
    case_event_chain_carried(case, last_event)
    try:
        return _task_complete_locked(task, case, actor=actor, action=action, now=now, next_task=last_task + 1)
    finally:
        case_event_chain_released(case)


def _case_ends(case: Case) -> tuple[tuple[int, str], int]:
    """The case's last event (sequence, hash) and last task's number, in one read. Call under the case lock.

    Written as SQL: once per task completion, where the ORM spends ~2 ms of CPU building it (ADR 0028).
    """
    with connection.cursor() as cursor:
        cursor.execute(_case_ends_sql(connection.vendor), [case.pk, case.pk, case.pk])
        event, event_hash, task = cursor.fetchone()
    return ((event, event_hash) if event is not None else (0, GENESIS)), task or 0


@lru_cache(maxsize=4)
def _case_ends_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    events, tasks = quote(CaseEvent._meta.db_table), quote(Task._meta.db_table)
    case_id, sequence = quote("case_id"), quote("sequence")
    last = f"WHERE {case_id} = %s ORDER BY {sequence} DESC LIMIT 1"
    return (f"SELECT (SELECT {sequence} FROM {events} {last}), (SELECT {quote('hash')} FROM {events} {last}), "
            f"(SELECT {sequence} FROM {tasks} {last})")


def _task_complete_locked(
    task: Task, case: Case, *, actor: User, action: TaskAction, now: datetime, next_task: int
) -> Task | None:
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
    return _advance(case, route, route.next_of(step.id, branch), now=now, decisions={}, sequence=next_task)
