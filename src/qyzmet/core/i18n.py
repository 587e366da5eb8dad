"""The platform's languages (kk, ru, en), the active one, and a gettext message in each of them.

Every text a person reads is a gettext message (English msgid; Kazakh and Russian in the `.po`
catalogues). Where the platform must give all three at once (an API error, an event's reason, a
notification's parameters) `render_messages` renders one message in each language.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from django.utils import translation
from django.utils.functional import Promise

LANGUAGES: Final[tuple[str, ...]] = ("kk", "ru", "en")
DEFAULT_LANGUAGE: Final = "kk"

Message = str | Promise  # a gettext_lazy / pgettext_lazy message (or a text already in its language)


def active_language() -> str:
    """The request's language (kk, ru or en); Kazakh when anything else is active."""
    language = translation.get_language() or DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def in_language(message: Message, language: str) -> str:
    """`message` translated into `language` (kk, ru or en), whatever language is active."""
    with translation.override(language):
        return str(message)


def render_messages(message: Message, **values: Any) -> Mapping[str, str]:
    """`message` in kk, ru and en with its `{placeholders}` filled; a read-only mapping.

    A value that is itself a gettext message is translated into each language, and a value that is
    a kk/ru/en mapping (an earlier `render_messages`) gives each language its own text.
    """
    return MappingProxyType({
        language: in_language(message, language).format(
            **{name: _value_in(value, language) for name, value in values.items()}
        )
        for language in LANGUAGES
    })


def _value_in(value: Any, language: str) -> Any:
    if isinstance(value, Promise):
        return in_language(value, language)
    if isinstance(value, Mapping) and value.keys() >= set(LANGUAGES):
        return value[language]
    return value
