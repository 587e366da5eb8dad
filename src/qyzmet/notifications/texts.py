"""What each kind of notification says, in Kazakh, Russian and English, with its parameters filled in."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qyzmet.calendar import TIMEZONE
from qyzmet.core.i18n import LANGUAGES, Message, in_language, render_messages

SUBJECT: Final = _("Qyzmet: a notice about your public service")

TEXTS: Final[dict[str, Message]] = {
    "accepted": _(
        "Your application for “{service}” has been accepted, registration number {number}. Expected result: "
        "{expected}."
    ),
    "refused_at_intake": _("Your documents for “{service}” were not accepted (receipt {number}): {grounds}."),
    "result_ready": _("The result of case {number} is ready: “{document}”."),
    "ended": _("Case {number} has ended with a message refusing the service."),
    "overdue": _(
        "We apologise: a step of case {number} is past its deadline ({step}, due {due}). The new expected date of the "
        "result: {expected}."
    ),
    "escalated": _("Case {number}: a step is overdue ({step}, due {due}), escalated {level}: {organization}."),
    "appeal_decided": _("Your appeal in case {number} has been decided: {decision}."),
}

ROLES: Final[dict[str, Message]] = {
    "office_clerk": pgettext_lazy("notification role", "office clerk"),
    "head": pgettext_lazy("notification role", "head"),
    "executor": pgettext_lazy("notification role", "responsible executor"),
    "sc_operator": pgettext_lazy("notification role", "State Corporation operator"),
    "akim_office_specialist": pgettext_lazy("notification role", "specialist of the akim's office"),
    "akim": pgettext_lazy("notification role", "akim"),
    "akimat": pgettext_lazy("notification role", "akimat"),
}


def role_text(role: str) -> dict[str, str]:
    """A staff role's name as a {kk, ru, en} text (the code itself when unknown)."""
    return dict(render_messages(ROLES.get(role, role)))


LEVELS: Final[dict[str, Message]] = {
    "head": _("to the head of the organization"),
    "monitor": _("to the oblast's quality monitor"),
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
    template = in_language(TEXTS[kind], language)
    values = {name: _localized(value, language) for name, value in params.items()}
    for name in ("due", "expected"):
        if name in values:
            values[name] = moment_text(values[name])
    if "level" in values:
        level = LEVELS.get(values["level"])
        values["level"] = in_language(level, language) if level is not None else values["level"]
    return template.format_map(_Defaulting(values))


def subject_for(language: str) -> str:
    return in_language(SUBJECT, language)


class _Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"

GROUNDS: Final[dict[str, Message]] = {
    "incomplete_package": _("the package of documents is incomplete"),
    "expired_documents": _("documents whose validity has expired"),
}


def grounds_text(grounds: list[str]) -> dict[str, str]:
    """The refusal grounds (codes) as a {kk, ru, en} text."""
    return {
        language: "; ".join(in_language(GROUNDS.get(code, code), language) for code in grounds)
        for language in LANGUAGES
    }
