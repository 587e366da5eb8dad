from __future__ import annotations

import pytest

from qyzmet.core.i18n import render_messages
from qyzmet.signatures import messages

CODES = [value for name, value in vars(messages).items() if name.isupper() and isinstance(value, str) and name == value]


def test_every_code_constant_has_a_message() -> None:
    assert sorted(CODES) == sorted(messages.MESSAGES)


@pytest.mark.parametrize("code", sorted(messages.MESSAGES))
def test_every_message_is_written_in_kazakh_russian_and_english(code: str) -> None:
    texts = render_messages(messages.MESSAGES[code])

    assert set(texts) == {"kk", "ru", "en"}
    assert all(text.strip() for text in texts.values())
    assert len(set(texts.values())) == 3


def test_messages_differ_between_codes() -> None:
    russian = [render_messages(message)["ru"] for message in messages.MESSAGES.values()]

    assert len(set(russian)) == len(russian)


def test_message_falls_back_to_russian_for_an_unknown_language() -> None:
    assert messages.message(messages.CERT_EXPIRED, "de") == "Срок действия регистрационного свидетельства истёк."
