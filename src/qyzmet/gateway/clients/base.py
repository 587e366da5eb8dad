"""The gateway client: send a signed envelope, retry within bounds, accept only a verified answer.

Transport-level and free of the database: the HTTP client is injected (tests pass an
`httpx.MockTransport`, integration tests the simulator's address), and so are the signature
verifier and the sleep function. What is logged, and what happens when a registry stays
silent, is decided by `gateway.services`.

Retries: a timeout, a dropped connection or a 5xx answer is retried up to `policy.attempts`
times with exponential backoff; the same envelope (same `messageId`) is sent each time, so the
gateway answers a repeat with its first answer and never acts twice. A 4xx answer is the
gateway refusing the request and is not retried. An answer is accepted only when it is signed
by the registry's certificate (its BIN), the signature verifies, and its payload names our
request.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import httpx

from qyzmet.core import context
from qyzmet.gateway import envelope, messages
from qyzmet.gateway.envelope import Answer
from qyzmet.gateway.registries import RegistrySpec
from qyzmet.signatures.messages import BIN_MISMATCH

SYNC_PATH: Final = "/sync"
ASYNC_SEND_PATH: Final = "/async/send"
ASYNC_STATUS_PATH: Final = "/async/status/{message_id}"
ASYNC_MESSAGE_PATH: Final = "/async/messages/{message_id}"

STATUS_DETAIL: Final = "HTTP {status}: {text}"
NOT_JSON: Final = "the body is not JSON"
STILL_ON_DELIVERY: Final = "still on delivery after {attempts} status checks"

# Gives the request to send on a retry: the same message, dated and signed again.
Resigner = Callable[[dict[str, Any]], dict[str, Any]]


class SignatureVerdict(Protocol):
    """What the gateway needs of a verifier's verdict (signatures.verify.Verdict fits)."""

    @property
    def is_valid(self) -> bool: ...

    @property
    def code(self) -> str | None: ...


class AnswerVerifier(Protocol):
    """Verifies a registry's CMS signature (signatures.backends.Verifier fits)."""

    def verify(
        self, content: bytes | None, signature: bytes, *, expected_bin: str | None = None, now: datetime | None = None,
    ) -> SignatureVerdict: ...


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for one attempt, how many attempts, and the pauses between them."""

    attempts: int = 3
    timeout: float = 5.0
    backoff: float = 0.25
    multiplier: float = 2.0
    max_backoff: float = 4.0

    def pause(self, attempt: int) -> float:
        """The pause after failed attempt number `attempt` (1-based)."""
        return float(min(self.max_backoff, self.backoff * self.multiplier ** (attempt - 1)))


@dataclass(frozen=True)
class VerifiedAnswer:
    """A registry answer whose signature, signer and request binding were checked."""

    envelope: dict[str, Any]
    answer: Answer
    attempts: int
    delivery_status: str = ""

    @property
    def is_found(self) -> bool:
        return self.answer.result_code == envelope.RESULT_OK


class Unanswered(Exception):
    """One attempt produced no usable answer (internal: turned into RegistryUnavailable)."""


class GatewayClient:
    """Sends gateway envelopes over an injected httpx client."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        verifier: AnswerVerifier,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._verifier = verifier
        self.policy = policy or RetryPolicy()
        self._sleep = sleep

    def close(self) -> None:
        self._http.close()

    # --- synchronous channel -------------------------------------------------------------------

    def sync_send(self, registry: RegistrySpec, request: dict[str, Any], *, now: datetime,
                  resign: Resigner | None = None) -> VerifiedAnswer:
        """Send `request` on the sync channel; the verified answer, or a GatewayError.

        With `resign`, every attempt after the first goes out dated and signed again (same
        message id), so a gateway refusing replayed envelopes still takes the retry.
        """
        body = self._retrying(registry, self._poster(registry, SYNC_PATH, request, resign))
        return self._accept(registry, request, body[0], now=now, attempts=body[1])

    def _poster(self, registry: RegistrySpec, path: str, request: dict[str, Any],
                resign: Resigner | None) -> Callable[[], dict[str, Any]]:
        sent: list[int] = []

        def attempt() -> dict[str, Any]:
            body = resign(request) if resign is not None and sent else request
            sent.append(1)
            return self._post(registry, path, body)

        return attempt

    # --- asynchronous channel ------------------------------------------------------------------

    def async_send(self, registry: RegistrySpec, request: dict[str, Any], resign: Resigner | None = None) -> str:
        """Hand `request` to the async channel; returns its delivery state (normally ON_DELIVERY)."""
        body, _ = self._retrying(registry, self._poster(registry, ASYNC_SEND_PATH, request, resign))
        return str(body.get("status") or envelope.ON_DELIVERY)

    def async_status(self, registry: RegistrySpec, message_id: str) -> str:
        """The delivery state of a message sent on the async channel."""
        path = ASYNC_STATUS_PATH.format(message_id=message_id)
        body, _ = self._retrying(registry, lambda: self._get(registry, path))
        return str(body.get("status") or "")

    def async_exchange(self, registry: RegistrySpec, request: dict[str, Any], *, now: datetime,
                       resign: Resigner | None = None) -> VerifiedAnswer:
        """Send on the async channel, follow the delivery state, and fetch the verified answer.

        NOT_DELIVERED, DELIVERY_STOPPED or a message still on delivery after the policy's
        attempts raise RegistryUnavailable (with `delivery_status` set on it).
        """
        message_id = str(request["messageInfo"]["messageId"])
        status = self.async_send(registry, request, resign)
        checks = 0
        while status == envelope.ON_DELIVERY and checks < self.policy.attempts:
            self._sleep(self.policy.pause(checks + 1))
            status = self.async_status(registry, message_id)
            checks += 1
        if status != envelope.DELIVERED:
            raise messages.RegistryUnavailable(
                registry.code, attempts=checks + 1, delivery_status=status,
                detail=STILL_ON_DELIVERY.format(attempts=checks) if status == envelope.ON_DELIVERY else status,
            )
        path = ASYNC_MESSAGE_PATH.format(message_id=message_id)
        body, attempts = self._retrying(registry, lambda: self._get(registry, path))
        verified = self._accept(registry, request, body, now=now, attempts=attempts)
        return VerifiedAnswer(verified.envelope, verified.answer, verified.attempts, delivery_status=status)

    # --- shared --------------------------------------------------------------------------------

    def _retrying(
        self, registry: RegistrySpec, attempt: Callable[[], dict[str, Any]]
    ) -> tuple[dict[str, Any], int]:
        last_error = ""
        for number in range(1, self.policy.attempts + 1):
            try:
                return attempt(), number
            except Unanswered as error:
                last_error = str(error)
            if number < self.policy.attempts:
                self._sleep(self.policy.pause(number))
        raise messages.RegistryUnavailable(registry.code, attempts=self.policy.attempts, detail=last_error)

    def _post(self, registry: RegistrySpec, path: str, request: dict[str, Any]) -> dict[str, Any]:
        content = json.dumps(request, ensure_ascii=False).encode("utf-8")
        return self._call(registry, "POST", path, content)

    def _get(self, registry: RegistrySpec, path: str) -> dict[str, Any]:
        return self._call(registry, "GET", path, None)

    def _call(self, registry: RegistrySpec, method: str, path: str, content: bytes | None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json; charset=utf-8"} if content is not None else {}
        if request_id := context.request_id():  # the registry's logs can then be matched with ours
            headers[context.REQUEST_ID_HEADER] = request_id
        try:
            response = self._http.request(method, path, content=content, headers=headers,
                                          timeout=self.policy.timeout)
        except httpx.TransportError as error:  # timeouts, refused and dropped connections
            raise Unanswered(f"{type(error).__name__}: {error}") from error
        if response.status_code >= 500:
            raise Unanswered(STATUS_DETAIL.format(status=response.status_code, text=response.text[:200]))
        body = _json_body(response)
        if response.status_code >= 400:
            error_info = body.get("errorInfo") if isinstance(body, dict) else None
            info = error_info if isinstance(error_info, dict) else {}
            raise messages.GatewayRefused(
                registry.code, error_code=str(info.get("errorCode") or response.status_code),
                detail=str(info.get("errorMessage") or response.text[:200]),
            )
        if not isinstance(body, dict):
            raise messages.AnswerRejected(registry.code, reason=messages.REJECT_MALFORMED, detail=NOT_JSON)
        return body

    def _accept(
        self, registry: RegistrySpec, request: dict[str, Any], body: dict[str, Any], *, now: datetime, attempts: int
    ) -> VerifiedAnswer:
        try:
            answer = envelope.answer_parse(body)
        except envelope.EnvelopeError as error:
            raise messages.AnswerRejected(registry.code, reason=messages.REJECT_MALFORMED, detail=str(error)) from error
        request_id = str(request["messageInfo"]["messageId"])
        if answer.correlation_id != request_id or answer.request_id != request_id:
            raise messages.AnswerRejected(registry.code, reason=messages.REJECT_MISMATCH,
                                          detail=f"{answer.correlation_id}/{answer.request_id} != {request_id}")
        if answer.signature is None:
            raise messages.AnswerRejected(registry.code, reason=messages.REJECT_UNSIGNED)
        # The registry signs its answer on the wall clock; a caller working on a virtual clock (the
        # demo replaying a case filed in the past) must not see that answer as signed in the future.
        checked_at = max(now, datetime.now(UTC))
        verdict = self._verifier.verify(answer.signed_content, answer.signature, expected_bin=registry.bin,
                                        now=checked_at)
        if not verdict.is_valid:
            reason = messages.REJECT_SIGNER if verdict.code == BIN_MISMATCH else messages.REJECT_SIGNATURE
            raise messages.AnswerRejected(registry.code, reason=reason, detail=verdict.code or "")
        return VerifiedAnswer(envelope=body, answer=answer, attempts=attempts)


def _json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
