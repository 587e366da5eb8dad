"""When a case can be expected to end, computed from the regulation's terms on the working-time calendar."""

from __future__ import annotations

import logging
from datetime import datetime

from qyzmet.calendar import Duration as CalendarDuration
from qyzmet.calendar import Unit as CalendarUnit
from qyzmet.calendar import deadline
from qyzmet.cases.assignment import RoutingError, calendar_hours, organization_for_step
from qyzmet.cases.models import Case, Task
from qyzmet.cases.services import route_of
from qyzmet.cases.workflow import ends_with_refusal_message, is_automatic
from qyzmet.catalog.schema import Step

logger = logging.getLogger(__name__)


def _step_end(case: Case, step: Step, start: datetime) -> datetime:
    if step.duration is None:
        return start
    term = CalendarDuration(step.duration.value, CalendarUnit(step.duration.unit.value))
    if is_automatic(step):
        return deadline(start, term)
    try:
        organization = organization_for_step(case, step)
    except RoutingError:
        return deadline(start, term)
    return deadline(start, term, hours=calendar_hours(organization))


def case_expected_after(case: Case, *, step_id: str, start: datetime) -> datetime:
    """When the case ends if step `step_id` is done at `start` and every later step takes its full term.

    The path is the one the definition takes when every check passes (each step's first branch);
    steps without a term (the applicant's, the systems') add nothing, and each step's term counts
    from the end of the one before, on the calendar and office hours of the organization doing it.
    """
    route = route_of(case)
    current = route.get(step_id).step
    placed = None if current.end or ends_with_refusal_message(current) else route.next_of(
        step_id, route.success_branch(current)
    )
    moment = start
    while placed is not None:
        step = placed.step
        moment = _step_end(case, step, moment)
        if step.end or ends_with_refusal_message(step):
            break
        placed = route.next_of(step.id, route.success_branch(step))
    return moment


def case_expected_after_or_none(case: Case, *, step_id: str, start: datetime) -> datetime | None:
    """`case_expected_after`, or None (logged) when the definition's path cannot be followed.

    A notification must never stop the sweep or the intake that sends it.
    """
    try:
        return case_expected_after(case, step_id=step_id, start=start)
    except Exception:
        logger.exception("case %s: no expected date after step %s", case.number, step_id)
        return None


def case_expected_completion(case: Case) -> datetime | None:
    """When the case ends if its open task takes its whole term and so does every later step; None if none is open."""
    task = Task.objects.filter(case=case, status=Task.Status.OPEN).exclude(due_at=None).order_by("sequence").first()
    if task is None or task.due_at is None:
        return None
    return case_expected_after_or_none(case, step_id=task.step_id, start=task.due_at)
