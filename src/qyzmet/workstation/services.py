"""The one write the workstation adds: handing a result over at the window, with who received it.

The hand-over step itself is the engine's (`task_complete` on the case's delivery step: who may
do it, what it issues); this adds the recipient to the case's event log in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qyzmet.cases.events import case_event_record
from qyzmet.cases.models import Case, Task
from qyzmet.cases.services import TaskAction, task_complete, task_ensure_allowed
from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import Message, render_messages
from qyzmet.identity.identifiers import iin_validate
from qyzmet.identity.models import User

HANDED_OVER: Final = "result_handed_over"
MESSAGES: Final[dict[str, Message]] = {
    "recipient_not_entitled": _(
        "The result is handed only to the applicant or a representative with a power of attorney: enter its number"
    ),
}


class HandOverRefused(LocalizedError):
    """The result cannot be handed to this person as entered; nothing was written."""

    def __init__(self, code: str) -> None:
        super().__init__(code, render_messages(MESSAGES[code]))


@dataclass(frozen=True)
class Recipient:
    """Who came for the result: their IIN and name, and the power of attorney of a representative."""

    iin: str
    name: str = ""
    power_of_attorney: str = ""


@transaction.atomic
def result_hand_over(*, task: Task, operator: User, recipient: Recipient, now: datetime) -> Task | None:
    """Hand the result over at the window: complete the case's hand-over step and record who received it.

    The recipient is the applicant, the case's representative, or someone with a power of
    attorney (its number). Raises InvalidIdentifier or HandOverRefused (nothing written), and
    TransitionNotAllowed from `task_complete` (a step already done, an operator of another branch).
    Side effects: the step's completion (the result documents issued to the State Corporation) and
    a `result_handed_over` event with the recipient.
    """
    iin = iin_validate(recipient.iin)
    case = Case.objects.select_for_update().get(pk=task.case_id)
    task = Task.objects.select_related("organization").get(pk=task.pk)
    task.case = case
    task_ensure_allowed(task, operator)
    power = recipient.power_of_attorney.strip()
    if iin not in {case.applicant_iin, case.representative_iin} and not power:
        raise HandOverRefused("recipient_not_entitled")
    case_event_record(
        case=case, kind=HANDED_OVER, at=now, actor=operator, role=task.role, organization=task.organization,
        step_id=task.step_id,
        data={"recipient_iin": iin, "recipient_name": recipient.name.strip(), "power_of_attorney": power or None,
              "is_applicant": iin == case.applicant_iin},
    )
    return task_complete(task=task, actor=operator, action=TaskAction(), now=now)
