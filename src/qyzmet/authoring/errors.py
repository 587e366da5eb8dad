"""Refusals of the regulation authoring, each with a stable code and kk/ru/en messages; nothing is changed."""

from __future__ import annotations

from typing import Final

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import render_messages


class AuthoringRefused(LocalizedError):
    """A drafting or publication step refused as asked."""


NOT_ADMINISTRATOR: Final = {
    "kk": "Сіз «{jurisdiction}» облысының регламенттерін өңдей алмайсыз: "
    "ол үшін облыс әкімдігінің әкімшісі болу керек.",
    "ru": "Вы не можете редактировать регламенты области «{jurisdiction}»: "
    "для этого нужна роль администратора её акимата.",
    "en": "You cannot edit the regulations of the '{jurisdiction}' oblast: that takes an administrator of its akimat.",
}
NO_REGULATION: Final = {
    "kk": "Мәтінде регламент табылмады: «1. Жалпы ережелер» бөлімі жоқ.",
    "ru": "В тексте не найден ни один регламент: нет раздела «1. Общие положения».",
    "en": "No regulation was found in the text: it has no '1. General provisions' section.",
}
NOT_A_DRAFT: Final = {
    "kk": "Бұл жоба жарияланған немесе қайтарылып алынған; оны өзгертуге болмайды.",
    "ru": "Этот проект уже опубликован или отозван; изменить его нельзя.",
    "en": "This draft has already been published or withdrawn; it cannot be changed.",
}
FOUR_EYES: Final = {
    "kk": "Жобаны оны жазған немесе соңғы өзгерткен адам жариялай алмайды: екінші әкімшінің қолы керек.",
    "ru": "Проект не может опубликовать тот, кто его составил или последним изменил: "
    "нужна подпись второго администратора.",
    "en": "A draft cannot be published by the person who wrote or last changed it: a second administrator must sign.",
}
NOT_PUBLISHABLE: Final = {
    "kk": "Жобаны жариялауға болмайды: {problems} қате және {review} тексерілмеген тармақ қалды.",
    "ru": "Проект нельзя опубликовать: осталось ошибок — {problems}, непроверенных пунктов — {review}.",
    "en": "The draft cannot be published: {problems} problem(s) and {review} point(s) to review remain.",
}
SIGNATURE_INVALID: Final = {
    "kk": "Қолтаңба қабылданбады ({detail}): жобаның дәл осы мәтініне өз ЭЦҚ-ңызбен қол қойыңыз.",
    "ru": "Подпись не принята ({detail}): подпишите своей ЭЦП именно этот текст проекта.",
    "en": "The signature was not accepted ({detail}): sign exactly this text of the draft with your own EDS.",
}
TOO_LARGE: Final = {
    "kk": "Мәтін тым үлкен (1 МБ-тан артық).",
    "ru": "Текст слишком большой (больше 1 МБ).",
    "en": "The text is too large (over 1 MB).",
}
JURISDICTION_CHANGED: Final = {
    "kk": "Жобаның облысын өзгертуге болмайды (ол «{jurisdiction}»): басқа облыс үшін жаңа жоба бастаңыз.",
    "ru": "Область проекта менять нельзя (она «{jurisdiction}»): для другой области начните новый проект.",
    "en": "The draft's oblast cannot be changed (it is '{jurisdiction}'): start a new draft for another oblast.",
}



def not_administrator(jurisdiction: str) -> AuthoringRefused:
    return AuthoringRefused("not_administrator", render_messages(NOT_ADMINISTRATOR, jurisdiction=jurisdiction))


def no_regulation_found() -> AuthoringRefused:
    return AuthoringRefused("no_regulation_found", render_messages(NO_REGULATION))


def not_a_draft() -> AuthoringRefused:
    return AuthoringRefused("not_a_draft", render_messages(NOT_A_DRAFT))


def four_eyes() -> AuthoringRefused:
    return AuthoringRefused("four_eyes", render_messages(FOUR_EYES))


def not_publishable(problems: int, review: int) -> AuthoringRefused:
    return AuthoringRefused("not_publishable", render_messages(NOT_PUBLISHABLE, problems=problems, review=review))


def signature_invalid(detail: str) -> AuthoringRefused:
    return AuthoringRefused("signature_invalid", render_messages(SIGNATURE_INVALID, detail=detail))


def content_too_large() -> AuthoringRefused:
    return AuthoringRefused("content_too_large", render_messages(TOO_LARGE))


def jurisdiction_changed(jurisdiction: str) -> AuthoringRefused:
    return AuthoringRefused("jurisdiction_changed", render_messages(JURISDICTION_CHANGED, jurisdiction=jurisdiction))
