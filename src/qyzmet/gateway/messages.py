"""Errors of the gateway and the texts a person sees, each in kk, ru and en (module constants).

The "data cannot be obtained" texts follow the regulations' step "формирование сообщения о
невозможности получения данных в связи с отсутствием данных … в ГБД ФЛ / ЕНИС"
(ЖТ МДҚ / БНАЖ in the Kazakh texts). Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import LANGUAGES, render_messages
from qyzmet.gateway.registries import REGISTRIES, registry_spec

DATA_UNAVAILABLE: Final = {
    "kk": "Мәліметтерді алу мүмкін емес: {registry} жүйесінде деректер жоқ.",
    "ru": "Получение данных невозможно в связи с отсутствием данных в {registry}.",
    "en": "The data cannot be obtained: {registry} holds no such record.",
}
REGISTRY_UNAVAILABLE: Final = {
    "kk": "{registry} жауап бермейді (әрекет саны: {attempts}).",
    "ru": "{registry} не отвечает (попыток: {attempts}).",
    "en": "{registry} does not answer ({attempts} attempts).",
}
ANSWER_REJECTED: Final = {
    "kk": "{registry} жауабы қабылданбады: {reason}.",
    "ru": "Ответ {registry} отклонён: {reason}.",
    "en": "The answer of {registry} is rejected: {reason}.",
}
GATEWAY_REFUSED: Final = {
    "kk": "Шлюз сұрауды қабылдамады ({code}): {detail}",
    "ru": "Шлюз отклонил запрос ({code}): {detail}",
    "en": "The gateway refused the request ({code}): {detail}",
}

# Why an answer is rejected (the `reason` of ANSWER_REJECTED).
REJECT_UNSIGNED: Final = "unsigned"
REJECT_SIGNATURE: Final = "signature"
REJECT_SIGNER: Final = "signer"
REJECT_MISMATCH: Final = "mismatch"
REJECT_MALFORMED: Final = "malformed"
REJECT_SUBJECT: Final = "subject"
REJECT_REASONS: Final[dict[str, dict[str, str]]] = {
    REJECT_UNSIGNED: {"kk": "қол қойылмаған", "ru": "ответ не подписан", "en": "the answer is not signed"},
    REJECT_SIGNATURE: {
        "kk": "ЭЦҚ расталмады", "ru": "ЭЦП ответа не подтверждена", "en": "the answer's signature does not verify",
    },
    REJECT_SIGNER: {
        "kk": "қолды басқа ұйым қойған",
        "ru": "ответ подписан не тем реестром",
        "en": "the answer is signed by someone other than the registry",
    },
    REJECT_MISMATCH: {
        "kk": "жауап басқа сұрауға арналған",
        "ru": "ответ относится к другому запросу",
        "en": "the answer belongs to another request",
    },
    REJECT_MALFORMED: {
        "kk": "жауап пішімі қате", "ru": "ответ не читается", "en": "the answer cannot be read",
    },
    REJECT_SUBJECT: {
        "kk": "жауап сұралған адам туралы емес, басқа адам туралы",
        "ru": "ответ касается не того лица, о котором был запрос",
        "en": "the answer is about someone other than the person asked about",
    },
}


def _registry_names(code: str) -> Mapping[str, str]:
    spec = registry_spec(code)
    return {language: spec.name(language) for language in LANGUAGES}


def _per_language(templates: Mapping[str, str], registry_code: str, **values: object) -> dict[str, str]:
    names = _registry_names(registry_code)
    return {
        language: templates[language].format(
            registry=names[language],
            **{k: (v[language] if isinstance(v, Mapping) else v) for k, v in values.items()},
        )
        for language in LANGUAGES
    }


def registry_messages(templates: Mapping[str, str], registry: str, **values: object) -> Mapping[str, str]:
    """Fill kk/ru/en `templates` whose `{registry}` is the registry's name in each language."""
    return render_messages(_per_language(templates, registry, **values))


def data_unavailable_messages(registry: str) -> Mapping[str, str]:
    """The regulations' "data cannot be obtained" message for `registry`, in kk, ru and en."""
    return render_messages(_per_language(DATA_UNAVAILABLE, registry))


class GatewayError(LocalizedError):
    """Anything that kept a registry answer from being used; `registry` says which registry."""

    def __init__(self, code: str, messages: Mapping[str, str], *, registry: str) -> None:
        super().__init__(code, messages)
        self.registry = registry


class RegistryUnavailable(GatewayError):
    """No answer after the bounded retries: timeouts, dropped connections or 5xx answers."""

    def __init__(self, registry: str, *, attempts: int, detail: str, delivery_status: str = "") -> None:
        super().__init__("registry_unavailable",
                         _per_language(REGISTRY_UNAVAILABLE, registry, attempts=attempts), registry=registry)
        self.attempts = attempts
        self.detail = detail
        self.delivery_status = delivery_status


class AnswerRejected(GatewayError):
    """An answer came back but cannot be trusted: unsigned, forged, from another signer or request."""

    def __init__(self, registry: str, *, reason: str, detail: str = "") -> None:
        super().__init__("answer_rejected",
                         _per_language(ANSWER_REJECTED, registry, reason=REJECT_REASONS[reason]), registry=registry)
        self.reason = reason
        self.detail = detail


class GatewayRefused(GatewayError):
    """The gateway refused the request itself (bad envelope, signature, unknown service): not retried."""

    def __init__(self, registry: str, *, error_code: str, detail: str) -> None:
        super().__init__("gateway_refused",
                         _per_language(GATEWAY_REFUSED, registry, code=error_code, detail=detail), registry=registry)
        self.error_code = error_code
        self.detail = detail


__all__ = [
    "REGISTRIES",
    "AnswerRejected",
    "GatewayError",
    "GatewayRefused",
    "RegistryUnavailable",
    "data_unavailable_messages",
    "registry_messages",
]
