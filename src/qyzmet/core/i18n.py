"""The platform's languages (kk, ru, en), the active one, and a message rendered in each of them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from django.utils.translation import get_language

LANGUAGES: Final[tuple[str, ...]] = ("kk", "ru", "en")
DEFAULT_LANGUAGE: Final = "kk"


def active_language() -> str:
    """The request's language (kk, ru or en); Kazakh when anything else is active."""
    language = get_language() or DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def render_messages(templates: Mapping[str, str], **values: Any) -> Mapping[str, str]:
    """Fill the `{placeholders}` of a kk/ru/en template set; returns a read-only mapping."""
    return MappingProxyType({language: templates[language].format(**values) for language in LANGUAGES})
