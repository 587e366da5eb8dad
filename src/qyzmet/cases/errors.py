"""Errors of the case engine, each with a stable code and kk/ru/en messages."""

from __future__ import annotations

from typing import Final

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import LANGUAGES, render_messages

NOT_ALLOWED: Final = {
    "kk": "Бұл әрекет рұқсат етілмейді: {reason}",
    "ru": "Действие не разрешено: {reason}",
    "en": "This action is not allowed: {reason}",
}
REASONS: Final[dict[str, dict[str, str]]] = {
    "task_closed": {"kk": "тапсырма аяқталған", "ru": "задача уже завершена", "en": "the task is already done"},
    "wrong_role": {
        "kk": "сізде осы ұйымда «{role}» рөлі жоқ",
        "ru": "у вас нет роли «{role}» в этой организации",
        "en": "you do not hold the role '{role}' in this organization",
    },
    "not_applicant": {"kk": "сіз өтініш беруші емессіз", "ru": "вы не заявитель", "en": "you are not the applicant"},
    "branch_required": {
        "kk": "нәтижені таңдаңыз: {choices}",
        "ru": "выберите исход: {choices}",
        "en": "choose the outcome: {choices}",
    },
    "decision_required": {
        "kk": "шешімді таңдаңыз: {choices}",
        "ru": "выберите решение: {choices}",
        "en": "choose the decision: {choices}",
    },
    "ground_required": {
        "kk": "бас тартудың негізін көрсетіңіз",
        "ru": "укажите основание отказа",
        "en": "a refusal needs its ground",
    },
    "signature_required": {
        "kk": "«{document}» құжатына ЭЦҚ қойылмаған",
        "ru": "документ «{document}» не подписан ЭЦП",
        "en": "the document '{document}' is not signed with an EDS",
    },
    "signature_invalid": {
        "kk": "«{document}» құжатының ЭЦҚ расталмады: {detail}",
        "ru": "ЭЦП документа «{document}» не подтверждена: {detail}",
        "en": "the EDS of '{document}' is not confirmed: {detail}",
    },
    "appeal_decision": {
        "kk": "шағым бойынша шешім өз нысанында қабылданады (қайта ашылатын кезеңімен немесе бас тарту себебімен)",
        "ru": "решение по жалобе принимается в своей форме (с этапом возобновления или причиной отказа)",
        "en": "an appeal is decided on its own form (with the step to reopen or the reason to reject)",
    },
    "step_unknown": {
        "kk": "«{step}» кезеңі бұл істе қызметкер орындайтын кезең емес",
        "ru": "этап «{step}» не является этапом сотрудника в этом деле",
        "en": "'{step}' is not a staff step of this case",
    },
    "unexpected_input": {
        "kk": "бұл қадамда «{field}» берілмейді",
        "ru": "на этом шаге «{field}» не передается",
        "en": "'{field}' is not taken at this step",
    },
}


class TransitionNotAllowed(LocalizedError):
    """A task action refused for this user, role, organization or case state; nothing was changed."""

    def __init__(self, reason: str, **values: str) -> None:
        reason_text = {language: REASONS[reason][language].format(**values) for language in LANGUAGES}
        messages = {language: NOT_ALLOWED[language].format(reason=reason_text[language]) for language in reason_text}
        super().__init__(f"transition_not_allowed.{reason}", messages)
        self.reason = reason


CHANNEL_UNAVAILABLE: Final = {
    "kk": "«{channel}» арнасы бұл қызмет үшін қолжетімсіз",
    "ru": "Канал «{channel}» недоступен для этой услуги",
    "en": "The channel '{channel}' is not offered for this service",
}
PROVIDER_UNSUITABLE: Final = {
    "kk": "«{provider}» бұл қызметті көрсетпейді",
    "ru": "«{provider}» не оказывает эту услугу",
    "en": "'{provider}' does not provide this service",
}
CONDITION_NOT_MET: Final = {
    "kk": (
        "Ауылдық округ әкімі арқылы өтініш тек тұрғылықты жерде көрсетілетін қызметті беруші болмаған жағдайда беріледі"
    ),
    "ru": "Через акима сельского округа заявление подается, только если по месту жительства нет услугодателя",
    "en": "The rural akim route is offered only where there is no provider at the applicant's residence",
}


class IntakeRefused(LocalizedError):
    """An application that cannot be filed as given; no case was created."""


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
