"""Why an appeal cannot be filed or decided as asked, in kk/ru/en. Nothing is written when one is raised."""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext_lazy as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import Message, render_messages

MESSAGES: Final[dict[str, Message]] = {
    "not_appealable": _("This case cannot be appealed: it has no decision, refusal or overdue step"),
    "appeal_pending": _("An appeal of this case is still being considered ({number})"),
    "subject_unknown": _("Choose what the appeal is about: a decision, an action or inaction"),
    "text_required": _("Write the text of the appeal (up to 5000 characters)"),
    "decision_unknown": _("Choose the decision: upheld or rejected"),
    "reopen_step_required": _("Choose the step the case is reopened at: {choices}"),
    "reason_required": _("A rejection needs its reason"),
    "not_an_appeal": _("This task is not the decision on an appeal"),
}


class AppealRefused(LocalizedError):
    """An appeal that cannot be filed or decided as given."""


def refused(code: str, **values: str) -> AppealRefused:
    return AppealRefused(f"appeal.{code}", render_messages(MESSAGES[code], **values))
