"""The platform's errors a person may see, shared by every app.

Every such error carries a stable `code` and its message in kk, ru and en; the message texts are
module constants next to the code that raises them, so tests can assert them exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from qyzmet.core.i18n import DEFAULT_LANGUAGE, LANGUAGES


class LocalizedError(Exception):
    """An error with a stable `code` and a message per language (kk, ru, en)."""

    def __init__(self, code: str, messages: Mapping[str, str]) -> None:
        missing = [language for language in LANGUAGES if language not in messages]
        if missing:
            raise ValueError(f"message for {code!r} lacks languages {missing}")
        super().__init__(messages["en"])
        self.code = code
        self.messages: Mapping[str, str] = MappingProxyType(dict(messages))

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The message in `language` (`kk`, `ru` or `en`; a regional variant such as `ru-kz` works too)."""
        return self.messages.get(language.split("-")[0].lower(), self.messages[DEFAULT_LANGUAGE])


class NotFound(Exception):
    """The object does not exist, or exists but the caller may not see it (never says which)."""
