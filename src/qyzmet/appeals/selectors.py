"""What the appeal pages show: the link both ways, the steps an upheld appeal may reopen, who may act."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from qyzmet.appeals.models import Appeal
from qyzmet.appeals.services import appeal_pending, appealable
from qyzmet.cases.models import Case, Task
from qyzmet.cases.services import reopenable_steps, route_of
from qyzmet.identity.access import user_has_role
from qyzmet.identity.models import User


@dataclass(frozen=True)
class StepChoice:
    id: str
    role: str
    does: str
    action: str


@dataclass(frozen=True)
class AppealPanel:
    """The appeal side of a case page: this case's appeal (if it is one) and its original, or its appeals."""

    appeal: Appeal | None = None
    appeals: list[Appeal] = field(default_factory=list)
    may_appeal: bool = False
    may_register: bool = False
    decision_task: Task | None = None
    reopen_choices: list[StepChoice] = field(default_factory=list)


def reopen_choices(original: Case, language: str) -> list[StepChoice]:
    route = route_of(original)
    allowed = set(reopenable_steps(original))
    source = route.definition.source.language.value
    choices = []
    for placed in route.placed:
        step = placed.step
        if step.id in allowed:
            text = step.action.get(language) or step.action.get(source) or step.id
            choices.append(StepChoice(step.id, step.role.value, step.does.value, text))
    return choices


def _decision_task(appeal: Appeal) -> Task | None:
    steps = {s.id for s in route_of(appeal.case).steps if s.decides}
    return appeal.case.tasks.open().filter(step_id__in=steps).select_related("organization").first()


def appeal_panel(case: Case, *, user: User, language: str) -> AppealPanel:
    """For the cabinet (the applicant) and the case page of staff: the appeal link and what may be done."""
    # The case's own appeal (when the case is one) and the appeals of it, in one query.
    read = list(Appeal.objects.select_related("original", "case").filter(Q(case=case) | Q(original=case))
                .order_by("filed_at", "pk"))
    appeal = next((a for a in read if a.case_id == case.pk), None)
    if appeal is None:
        Appeal._meta.get_field("case").remote_field.set_cached_value(case, None)  # `appealable` need not ask again
    else:
        task = _decision_task(appeal)
        return AppealPanel(
            appeal=appeal, decision_task=task,
            reopen_choices=reopen_choices(appeal.original, language) if task is not None else [],
        )
    appeals = [a for a in read if a.original_id == case.pk]
    fileable = appealable(case) and appeal_pending(case, among=appeals) is None
    return AppealPanel(
        appeals=appeals,
        may_appeal=fileable and case.applicant_iin == getattr(user, "iin", None),
        may_register=fileable and user_has_role(user, "office_clerk", case.provider),
    )
