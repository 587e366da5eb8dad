"""What each kind of notification says, in Kazakh, Russian and English, with its parameters filled in."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from qyzmet.calendar import TIMEZONE

SUBJECTS: Final[dict[str, dict[str, str]]] = {
    "kk": {"default": "Qyzmet: мемлекеттік қызмет бойынша хабарлама"},
    "ru": {"default": "Qyzmet: уведомление по государственной услуге"},
    "en": {"default": "Qyzmet: a notice about your public service"},
}

TEXTS: Final[dict[str, dict[str, str]]] = {
    "accepted": {
        "kk": (
            "«{service}» қызметі бойынша өтінішіңіз қабылданды, тіркеу нөмірі {number}. "
            "Нәтиженің күтілетін күні: {expected}."
        ),
        "ru": (
            "Ваше заявление на услугу «{service}» принято, регистрационный номер {number}. "
            "Ожидаемая дата результата: {expected}."
        ),
        "en": (
            "Your application for “{service}” has been accepted, registration number {number}. "
            "Expected result: {expected}."
        ),
    },
    "refused_at_intake": {
        "kk": "«{service}» қызметі бойынша құжаттарыңызды қабылдаудан бас тартылды (қолхат {number}): {grounds}.",
        "ru": "В приёме документов на услугу «{service}» отказано (расписка {number}): {grounds}.",
        "en": "Your documents for “{service}” were not accepted (receipt {number}): {grounds}.",
    },
    "result_ready": {
        "kk": "{number} ісі бойынша нәтиже дайын: «{document}».",
        "ru": "Результат по делу {number} готов: «{document}».",
        "en": "The result of case {number} is ready: “{document}”.",
    },
    "ended": {
        "kk": "{number} ісі бойынша қызмет көрсетуден бас тарту туралы хабарлама жіберілді.",
        "ru": "По делу {number} направлено сообщение об отказе в оказании услуги.",
        "en": "Case {number} has ended with a message refusing the service.",
    },
    "overdue": {
        "kk": (
            "Кешірім сұраймыз: {number} ісі бойынша кезеңнің мерзімі өтіп кетті ({step}, мерзімі {due}). "
            "Нәтиженің жаңа күтілетін күні: {expected}."
        ),
        "ru": (
            "Приносим извинения: по делу {number} истёк срок этапа ({step}, срок {due}). "
            "Новая ожидаемая дата результата: {expected}."
        ),
        "en": (
            "We apologise: a step of case {number} is past its deadline ({step}, due {due}). "
            "The new expected date of the result: {expected}."
        ),
    },
    "escalated": {
        "kk": (
            "{number} ісі бойынша кезеңнің мерзімі өтіп кетті ({step}, мерзімі {due}), "
            "{level} жіберілді: {organization}."
        ),
        "ru": "По делу {number} просрочен этап ({step}, срок {due}), передано {level}: {organization}.",
        "en": "Case {number}: a step is overdue ({step}, due {due}), escalated {level}: {organization}.",
    },
    "appeal_decided": {
        "kk": "{number} ісі бойынша шағымыңыз қаралды: {decision}.",
        "ru": "Ваша жалоба по делу {number} рассмотрена: {decision}.",
        "en": "Your appeal in case {number} has been decided: {decision}.",
    },
}

ROLES: Final[dict[str, dict[str, str]]] = {
    "office_clerk": {"kk": "кеңсе қызметкері", "ru": "сотрудник канцелярии", "en": "office clerk"},
    "head": {"kk": "басшы", "ru": "руководитель", "en": "head"},
    "executor": {"kk": "жауапты орындаушы", "ru": "ответственный исполнитель", "en": "responsible executor"},
    "sc_operator": {"kk": "Мемлекеттік корпорация операторы", "ru": "оператор Госкорпорации",
                    "en": "State Corporation operator"},
    "akim_office_specialist": {"kk": "әкім аппаратының маманы", "ru": "специалист аппарата акима",
                               "en": "specialist of the akim's office"},
    "akim": {"kk": "әкім", "ru": "аким", "en": "akim"},
    "akimat": {"kk": "әкімдік", "ru": "акимат", "en": "akimat"},
}


def role_text(role: str) -> dict[str, str]:
    """A staff role's name as a {kk, ru, en} text (the code itself when unknown)."""
    return ROLES.get(role, {"kk": role, "ru": role, "en": role})


LEVELS: Final[dict[str, dict[str, str]]] = {
    "head": {"kk": "ұйым басшысына", "ru": "руководителю организации", "en": "to the head of the organization"},
    "monitor": {
        "kk": "облыстың сапа мониторына",
        "ru": "мониторингу качества области",
        "en": "to the oblast's quality monitor",
    },
}


def _localized(value: Any, language: str) -> Any:
    """A {kk, ru, en} mapping becomes its text in `language` (Russian, then Kazakh, when missing)."""
    if isinstance(value, dict) and value.keys() & {"kk", "ru", "en"}:
        return value.get(language) or value.get("ru") or value.get("kk") or ""
    return value


def moment_text(value: str | None) -> str:
    """An ISO moment as Almaty wall-clock time, 'DD.MM.YYYY HH:MM'; a dash when unknown."""
    if not value:
        return "—"
    return datetime.fromisoformat(value).astimezone(TIMEZONE).strftime("%d.%m.%Y %H:%M")


def notification_render(kind: str, params: dict[str, Any], language: str) -> str:
    """The text of a notification of `kind` in `language` (kk, ru or en)."""
    texts = TEXTS[kind]
    template = texts.get(language) or texts["kk"]
    values = {name: _localized(value, language) for name, value in params.items()}
    for name in ("due", "expected"):
        if name in values:
            values[name] = moment_text(values[name])
    if "level" in values:
        values["level"] = LEVELS.get(values["level"], {}).get(language, values["level"])
    return template.format_map(_Defaulting(values))


def subject_for(language: str) -> str:
    return SUBJECTS.get(language, SUBJECTS["kk"])["default"]


class _Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"

GROUNDS: Final[dict[str, dict[str, str]]] = {
    "incomplete_package": {
        "kk": "құжаттар топтамасы толық емес",
        "ru": "неполный пакет документов",
        "en": "the package of documents is incomplete",
    },
    "expired_documents": {
        "kk": "құжаттардың қолданылу мерзімі өткен",
        "ru": "документы с истёкшим сроком действия",
        "en": "documents whose validity has expired",
    },
}


def grounds_text(grounds: list[str]) -> dict[str, str]:
    """The refusal grounds (codes) as a {kk, ru, en} text."""
    return {
        language: "; ".join(GROUNDS.get(code, {}).get(language, code) for code in grounds)
        for language in ("kk", "ru", "en")
    }
