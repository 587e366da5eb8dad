"""Errors of the gateway and the texts a person sees, each in kk, ru and en (gettext messages, module constants).

The "data cannot be obtained" texts follow the regulations' step "формирование сообщения о
невозможности получения данных в связи с отсутствием данных … в ГБД ФЛ / ЕНИС"
(ЖТ МДҚ / БНАЖ in the Kazakh texts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from django.utils.translation import gettext_lazy as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import LANGUAGES, Message, render_messages
from qyzmet.gateway.registries import REGISTRIES, registry_spec

DATA_UNAVAILABLE: Final = _("The data cannot be obtained: {registry} holds no such record.")
REGISTRY_UNAVAILABLE: Final = _("{registry} does not answer ({attempts} attempts).")
ANSWER_REJECTED: Final = _("The answer of {registry} is rejected: {reason}.")
GATEWAY_REFUSED: Final = _("The gateway refused the request ({code}): {detail}")

# Why an answer is rejected (the `reason` of ANSWER_REJECTED).
REJECT_UNSIGNED: Final = "unsigned"
REJECT_SIGNATURE: Final = "signature"
REJECT_SIGNER: Final = "signer"
REJECT_MISMATCH: Final = "mismatch"
REJECT_MALFORMED: Final = "malformed"
REJECT_SUBJECT: Final = "subject"
REJECT_REASONS: Final[dict[str, Message]] = {
    REJECT_UNSIGNED: _("the answer is not signed"),
    REJECT_SIGNATURE: _("the answer's signature does not verify"),
    REJECT_SIGNER: _("the answer is signed by someone other than the registry"),
    REJECT_MISMATCH: _("the answer belongs to another request"),
    REJECT_MALFORMED: _("the answer cannot be read"),
    REJECT_SUBJECT: _("the answer is about someone other than the person asked about"),
}


def _registry_names(code: str) -> Mapping[str, str]:
    spec = registry_spec(code)
    return {language: spec.name(language) for language in LANGUAGES}


def registry_messages(message: Message, registry: str, **values: object) -> Mapping[str, str]:
    """`message` in kk, ru and en, its `{registry}` the registry's name in each language."""
    return render_messages(message, registry=_registry_names(registry), **values)


def data_unavailable_messages(registry: str) -> Mapping[str, str]:
    """The regulations' "data cannot be obtained" message for `registry`, in kk, ru and en."""
    return registry_messages(DATA_UNAVAILABLE, registry)


class GatewayError(LocalizedError):
    """Anything that kept a registry answer from being used; `registry` says which registry."""

    def __init__(self, code: str, messages: Mapping[str, str], *, registry: str) -> None:
        super().__init__(code, messages)
        self.registry = registry


class RegistryUnavailable(GatewayError):
    """No answer after the bounded retries: timeouts, dropped connections or 5xx answers."""

    def __init__(self, registry: str, *, attempts: int, detail: str, delivery_status: str = "") -> None:
        super().__init__("registry_unavailable",
                         registry_messages(REGISTRY_UNAVAILABLE, registry, attempts=attempts), registry=registry)
        self.attempts = attempts
        self.detail = detail
        self.delivery_status = delivery_status


class AnswerRejected(GatewayError):
    """An answer came back but cannot be trusted: unsigned, forged, from another signer or request."""

    def __init__(self, registry: str, *, reason: str, detail: str = "") -> None:
        super().__init__("answer_rejected",
                         registry_messages(ANSWER_REJECTED, registry, reason=REJECT_REASONS[reason]), registry=registry)
        self.reason = reason
        self.detail = detail


class GatewayRefused(GatewayError):
    """The gateway refused the request itself (bad envelope, signature, unknown service): not retried."""

    def __init__(self, registry: str, *, error_code: str, detail: str) -> None:
        messages = registry_messages(GATEWAY_REFUSED, registry, code=error_code, detail=detail)
        super().__init__("gateway_refused", messages, registry=registry)
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
