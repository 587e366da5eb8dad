"""The active interface language, as the pages and documents use it."""

from __future__ import annotations

from typing import Final

from django.utils.translation import get_language

LANGUAGES: Final = frozenset({"kk", "ru", "en"})


def active_language() -> str:
    """The request's language (kk, ru or en); Kazakh when anything else is active."""
    language = get_language() or "kk"
    return language if language in LANGUAGES else "kk"
