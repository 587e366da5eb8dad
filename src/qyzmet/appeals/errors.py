"""Why an appeal cannot be filed or decided as asked, in kk/ru/en. Nothing is written when one is raised."""

from __future__ import annotations

from typing import Final

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import render_messages

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "not_appealable": {
        "kk": "Бұл іс бойынша шағым беруге болмайды: шешім, бас тарту немесе мерзімі өткен кезең жоқ",
        "ru": "По этому делу нельзя подать жалобу: нет решения, отказа или просроченного этапа",
        "en": "This case cannot be appealed: it has no decision, refusal or overdue step",
    },
    "appeal_pending": {
        "kk": "Бұл іс бойынша шағым әлі қаралуда ({number})",
        "ru": "Жалоба по этому делу ещё рассматривается ({number})",
        "en": "An appeal of this case is still being considered ({number})",
    },
    "subject_unknown": {
        "kk": "Шағымның нысанасын таңдаңыз: шешім, әрекет немесе әрекетсіздік",
        "ru": "Выберите предмет жалобы: решение, действие или бездействие",
        "en": "Choose what the appeal is about: a decision, an action or inaction",
    },
    "text_required": {
        "kk": "Шағымның мәтінін жазыңыз (5000 таңбаға дейін)",
        "ru": "Напишите текст жалобы (до 5000 знаков)",
        "en": "Write the text of the appeal (up to 5000 characters)",
    },
    "decision_unknown": {
        "kk": "Шешімді таңдаңыз: қанағаттандыру немесе бас тарту",
        "ru": "Выберите решение: удовлетворить или отказать",
        "en": "Choose the decision: upheld or rejected",
    },
    "reopen_step_required": {
        "kk": "Іс қайта ашылатын кезеңді таңдаңыз: {choices}",
        "ru": "Выберите этап, с которого возобновляется дело: {choices}",
        "en": "Choose the step the case is reopened at: {choices}",
    },
    "reason_required": {
        "kk": "Бас тартудың себебін көрсетіңіз",
        "ru": "Укажите причину отказа",
        "en": "A rejection needs its reason",
    },
    "not_an_appeal": {
        "kk": "Бұл тапсырма шағым бойынша шешім емес",
        "ru": "Эта задача не является решением по жалобе",
        "en": "This task is not the decision on an appeal",
    },
}


class AppealRefused(LocalizedError):
    """An appeal that cannot be filed or decided as given."""


def refused(code: str, **values: str) -> AppealRefused:
    return AppealRefused(f"appeal.{code}", render_messages(MESSAGES[code], **values))
