"""The language of an API request, for what the platform issues to the applicant (result documents)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language_from_request

from qyzmet.core.i18n import LANGUAGES


def request_language(request: HttpRequest, given: str | None = None) -> str:
    """`given` when the client names a language; otherwise its Accept-Language (or language cookie); Kazakh.

    The API is outside the pages' /ru/ and /en/ prefixes, so the active language of an API request is
    always the default one: the client says which language it wants in the header.
    """
    if given:
        return given
    language = get_language_from_request(request, check_path=False)
    return language if language in LANGUAGES else "kk"
