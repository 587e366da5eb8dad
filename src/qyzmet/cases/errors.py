"""Errors of the case engine, each with a stable code and kk/ru/en messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from django.utils.translation import gettext_lazy as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import Message, render_messages

NOT_ALLOWED: Final = _("This action is not allowed: {reason}")
REASONS: Final[dict[str, Message]] = {
    "task_closed": _("the task is already done"),
    "wrong_role": _("you do not hold the role '{role}' in this organization"),
    "not_applicant": _("you are not the applicant"),
    "branch_required": _("choose the outcome: {choices}"),
    "decision_required": _("choose the decision: {choices}"),
    "ground_required": _("a refusal needs its ground"),
    "signature_required": _("the document '{document}' is not signed with an EDS"),
    "signature_invalid": _("the EDS of '{document}' is not confirmed: {detail}"),
    "appeal_decision": _("an appeal is decided on its own form (with the step to reopen or the reason to reject)"),
    "step_unknown": _("'{step}' is not a staff step of this case"),
    "unexpected_input": _("'{field}' is not taken at this step"),
}


class TransitionNotAllowed(LocalizedError):
    """A task action refused for this user, role, organization or case state; nothing was changed."""

    def __init__(self, reason: str, **values: str) -> None:
        messages = render_messages(NOT_ALLOWED, reason=render_messages(REASONS[reason], **values))
        super().__init__(f"transition_not_allowed.{reason}", messages)
        self.reason = reason


CHANNEL_UNAVAILABLE: Final = _("The channel '{channel}' is not offered for this service")
PROVIDER_UNSUITABLE: Final = _("'{provider}' does not provide this service")
CONDITION_NOT_MET: Final = _(
    "The rural akim route is offered only where there is no provider at the applicant's residence"
)


class IntakeRefused(LocalizedError):
    """An application that cannot be filed as given; no case was created."""


class PackageIncomplete(IntakeRefused):
    """A required document (Standard p.9) was not presented where the desk may refuse to accept: nothing filed."""

    def __init__(self, messages: Mapping[str, str], missing: list[str]) -> None:
        super().__init__("package_incomplete", messages)
        self.missing = missing


def channel_unavailable(channel: str) -> IntakeRefused:
    return IntakeRefused("channel_unavailable", render_messages(CHANNEL_UNAVAILABLE, channel=channel))


def provider_unsuitable(provider: str) -> IntakeRefused:
    return IntakeRefused("provider_unsuitable", render_messages(PROVIDER_UNSUITABLE, provider=provider))


def condition_not_met() -> IntakeRefused:
    return IntakeRefused("channel_condition_not_met", render_messages(CONDITION_NOT_MET))


class CaseVersionMismatch(RuntimeError):
    """A case's stored version no longer has the content hash recorded at filing: the catalogue was tampered with.

    Stored versions are immutable (ADR 0019), so this is an integrity failure, not a user error.
    """

    def __init__(self, number: str, recorded: str, stored: str) -> None:
        super().__init__(
            f"case {number} was filed under definition {recorded[:12]}, its version now holds {stored[:12]}"
        )
        self.number = number
