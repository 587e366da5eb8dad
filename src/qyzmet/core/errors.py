"""The platform's errors a person may see, shared by every app.

Every such error carries a stable `code` and its message in kk, ru and en: a gettext message (its
module constant next to the code that raises it, so tests can assert it exactly), rendered in each
language when the error is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from qyzmet.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, Message, in_language


class LocalizedError(Exception):
    """An error with a stable `code` and a message per language (kk, ru, en).

    `messages` is a gettext message (rendered in each language here) or the three texts already
    rendered (`render_messages(MESSAGE, **values)` for a message with placeholders).
    """

    def __init__(self, code: str, messages: Mapping[str, str] | Message) -> None:
        if not isinstance(messages, Mapping):
            messages = {language: in_language(messages, language) for language in LANGUAGES}
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
