"""The simulated gateway and registries: check a request, answer it from the data, sign, remember.

What a real participant would see:
* a request must be a signed envelope whose signature chains to the test national CA (the
  simulator has no revocation register, so that one check is left to the platform's side);
* the answer is signed by the registry's own certificate and names the request's id;
* a message id is remembered: a repeat gets the first answer again, and the registry acts once;
* with a freshness window (`max_age`, as `qyzmet registries serve` runs it), a request dated
  outside the window is refused as stale, and an envelope already received (the same message
  id, date and signature) is refused as replayed; a re-send is dated and signed again
  (`envelope.request_resign`) and gets the remembered answer;
* the async channel answers ON_DELIVERY, then DELIVERED (or NOT_DELIVERED when failing).

Faults make the misbehaviour tests need: `slow` (answer after `delay` seconds), `fail`
(503, nothing remembered), `down` (connections dropped without an answer), and three kinds of
bad answer: `unsigned`, `forged` (signed by a look-alike certificate no CA issued),
`tampered` (data changed after signing) and `wrong_person` (a genuine, signed answer about
someone other than the person asked about). No Django.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from qyzmet.gateway import envelope
from qyzmet.gateway.clients.registry import RECORDS_KEY
from qyzmet.gateway.credentials import RegistryCredentials, SystemCredentials
from qyzmet.gateway.registries import ENIS, GBD_FL, GBD_UL, RegistrySpec, registry_by_service
from qyzmet.gateway.simulator.data import Dataset
from qyzmet.signatures import messages, pki
from qyzmet.signatures.trust import TrustStore
from qyzmet.signatures.verify import signature_verify

DEFAULT_SLOW_DELAY: Final = 2.0
DEFAULT_ASYNC_DELAY: Final = 0.05
# Message ids remembered at most; the oldest are forgotten first (a long-running demo stays small).
MAX_REMEMBERED: Final = 50_000
NOT_JSON: Final = "the body is not JSON"
UNSIGNED_REQUEST: Final = "the request is not signed"
BAD_REQUEST_SIGNATURE: Final = "the request signature is not valid: {codes}"
UNKNOWN_SERVICE: Final = "no registry answers service {service_id!r}"
FAILING: Final = "the registry is failing (simulated fault)"
UNKNOWN_MESSAGE: Final = "no message {message_id} on the async channel"
NOT_YET_DELIVERED: Final = "message {message_id} is {status}"
MISSING_IDENTIFIER: Final = "the request data has no {name}"
STALE: Final = "the request is dated {date}, outside the {seconds} s window around {now}"
REPLAYED: Final = "message {message_id} dated {date} was already received with this signature"
BAD_DATE: Final = "the request date {date!r} is not an ISO 8601 time with an offset"
# The only verifier check the simulator cannot make: it holds no revocation register.
TOLERATED_CODES: Final = frozenset({messages.REVOCATION_UNKNOWN})


class Fault(StrEnum):
    NONE = "none"
    SLOW = "slow"
    FAIL = "fail"
    DOWN = "down"
    UNSIGNED = "unsigned"
    FORGED = "forged"
    TAMPERED = "tampered"
    WRONG_PERSON = "wrong_person"


@dataclass(frozen=True)
class Reply:
    """What to send back: a status and a JSON body, or nothing at all (`drop`)."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0

    def content(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


@dataclass
class _AsyncEntry:
    request: envelope.Request
    ready_at: float
    status: str = envelope.ON_DELIVERY


class RegistrySimulator:
    """The gateway's and registries' behaviour, independent of HTTP."""

    def __init__(self, dataset: Dataset, credentials: RegistryCredentials, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 async_delay: float = DEFAULT_ASYNC_DELAY, max_age: timedelta | None = None) -> None:
        self.dataset = dataset
        self.credentials = credentials
        self._trust = TrustStore(
            anchors=tuple(c for c in credentials.chain if c.issuer == c.subject),
            intermediates=tuple(c for c in credentials.chain if c.issuer != c.subject),
        )
        self._clock = clock
        self.async_delay = async_delay
        self.fault = Fault.NONE
        self.delay = DEFAULT_SLOW_DELAY
        self._lock = threading.Lock()
        self._message_locks: dict[str, threading.Lock] = {}
        self._answers: dict[str, dict[str, Any]] = {}
        self._async: dict[str, _AsyncEntry] = {}
        self.processed: Counter[str] = Counter()
        self.repeats = 0
        self.requests = 0
        self._forger: SystemCredentials | None = None
        self.max_age = max_age
        # Envelopes received inside the window: signature digest -> request date.
        self._received: dict[str, datetime] = {}

    # --- control -------------------------------------------------------------------------------

    def fault_set(self, mode: str, delay: float | None = None) -> dict[str, Any]:
        """Switch the fault mode (ValueError for an unknown one); returns the state."""
        with self._lock:
            self.fault = Fault(mode)
            if delay is not None:
                self.delay = float(delay)
        return self.state()

    def reset(self) -> None:
        """Forget every message and statistic and clear the fault (between tests)."""
        with self._lock:
            self.fault, self.delay = Fault.NONE, DEFAULT_SLOW_DELAY
            self._answers.clear()
            self._async.clear()
            self._message_locks.clear()
            self._received.clear()
            self.processed.clear()
            self.repeats = self.requests = 0

    def state(self) -> dict[str, Any]:
        return {"status": "ok", "fault": self.fault.value, "delay": self.delay,
                "persons": len(self.dataset.persons), "entities": len(self.dataset.entities),
                "powersOfAttorney": len(self.dataset.powers)}

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {"requests": self.requests, "repeats": self.repeats, "processed": dict(self.processed)}

    # --- sync channel --------------------------------------------------------------------------

    def sync(self, body: bytes) -> Reply:
        """Answer a request on the sync channel."""
        refused = self._refusal(body)
        if isinstance(refused, Reply):
            return refused
        request, spec = refused
        answer = self._answer_once(request, spec)
        return self._deliver(answer, spec)

    # --- async channel -------------------------------------------------------------------------

    def async_send(self, body: bytes) -> Reply:
        """Accept a request on the async channel; a known message id gets its current state."""
        refused = self._refusal(body, failing_refuses=False)
        if isinstance(refused, Reply):
            return refused
        request, _ = refused
        with self._lock:
            entry = self._async.setdefault(
                request.message_id, _AsyncEntry(request, time.monotonic() + self.async_delay))
        return self._with_fault_delay(Reply(body={
            "messageId": request.message_id, "correlationId": request.correlation_id,
            "responseDate": self._clock().isoformat(), "status": entry.status,
        }))

    def async_status(self, message_id: str) -> Reply:
        if self.fault == Fault.DOWN:
            return Reply(drop=True)
        entry = self._async.get(message_id)
        if entry is None:
            return self._error(404, envelope.ERROR_NOT_FOUND, UNKNOWN_MESSAGE.format(message_id=message_id))
        if entry.status == envelope.ON_DELIVERY and time.monotonic() >= entry.ready_at:
            spec = registry_by_service(entry.request.service_id)
            if self.fault == Fault.FAIL or spec is None:
                entry.status = envelope.NOT_DELIVERED
            else:
                self._answer_once(entry.request, spec)
                entry.status = envelope.DELIVERED
        return self._with_fault_delay(Reply(body={"messageId": message_id, "status": entry.status}))

    def async_message(self, message_id: str) -> Reply:
        if self.fault == Fault.DOWN:
            return Reply(drop=True)
        entry = self._async.get(message_id)
        if entry is None or entry.status != envelope.DELIVERED:
            status = entry.status if entry else "unknown"
            return self._error(404, envelope.ERROR_NOT_FOUND,
                               NOT_YET_DELIVERED.format(message_id=message_id, status=status))
        spec = registry_by_service(entry.request.service_id)
        assert spec is not None  # delivered messages always have a registry
        return self._deliver(self._answers[message_id], spec)

    # --- the work ------------------------------------------------------------------------------

    def _refusal(self, body: bytes, *, failing_refuses: bool = True) -> Reply | tuple[envelope.Request, RegistrySpec]:
        if self.fault == Fault.DOWN:
            return Reply(drop=True)
        with self._lock:
            self.requests += 1
        try:
            request = envelope.request_parse(json.loads(body))
        except (ValueError, envelope.EnvelopeError) as error:
            return self._error(400, envelope.ERROR_BAD_REQUEST, str(error) if body else NOT_JSON)
        if self.max_age is not None and (stale := self._stale_problem(request)):
            return self._error(401, envelope.ERROR_STALE, stale)  # before the costlier signature check
        problem = self._signature_problem(request)
        if problem:
            return self._error(401, envelope.ERROR_SIGNATURE, problem)
        if self.max_age is not None and (replayed := self._replay_problem(request)):
            return self._error(401, envelope.ERROR_REPLAYED, replayed)
        spec = registry_by_service(request.service_id)
        if spec is None:
            unknown = UNKNOWN_SERVICE.format(service_id=request.service_id)
            return self._error(404, envelope.ERROR_UNKNOWN_SERVICE, unknown)
        if failing_refuses and self.fault == Fault.FAIL:
            return self._error(503, envelope.ERROR_UNAVAILABLE, FAILING)
        return request, spec

    def _signature_problem(self, request: envelope.Request) -> str:
        if request.signature is None:
            return UNSIGNED_REQUEST
        verdict = signature_verify(request.signed_content, request.signature, trust=self._trust,
                                   revocation_sources=(), now=self._clock())
        codes = set(verdict.codes) - TOLERATED_CODES
        return BAD_REQUEST_SIGNATURE.format(codes=", ".join(sorted(codes))) if codes else ""

    def _stale_problem(self, request: envelope.Request) -> str:
        """Why the request's date is outside the window (empty when it is inside)."""
        assert self.max_age is not None
        now = self._clock()
        try:
            dated = datetime.fromisoformat(request.message_date)
        except ValueError:
            return BAD_DATE.format(date=request.message_date)
        if dated.tzinfo is None:
            return BAD_DATE.format(date=request.message_date)
        if abs(now - dated) > self.max_age:
            return STALE.format(date=request.message_date, now=now.isoformat(),
                                seconds=int(self.max_age.total_seconds()))
        return ""

    def _replay_problem(self, request: envelope.Request) -> str:
        """Why the (verified, fresh) envelope is a replay: received before (empty when it is new)."""
        assert self.max_age is not None and request.signature is not None
        now = self._clock()
        digest = hashlib.sha256(request.signature).hexdigest()
        with self._lock:
            for seen, at in list(self._received.items()):  # forget what the window no longer admits
                if abs(now - at) > self.max_age:
                    del self._received[seen]
            if digest in self._received:
                return REPLAYED.format(message_id=request.message_id, date=request.message_date)
            self._received[digest] = datetime.fromisoformat(request.message_date)
        return ""

    def _answer_once(self, request: envelope.Request, spec: RegistrySpec) -> dict[str, Any]:
        """The answer to `request`, computed and signed the first time, remembered after that."""
        with self._lock:
            lock = self._message_locks.setdefault(request.message_id, threading.Lock())
        with lock:  # a repeat arriving while the first is still being answered waits for it
            known = self._answers.get(request.message_id)
            if known is not None:
                with self._lock:
                    self.repeats += 1
                return known
            answer = self._answer(request, spec)
            with self._lock:
                self._answers[request.message_id] = answer
                self.processed[request.message_id] += 1
                self._forget_oldest()
            return answer

    def _forget_oldest(self) -> None:
        while len(self._answers) > MAX_REMEMBERED:
            oldest = next(iter(self._answers))
            del self._answers[oldest]
            self._message_locks.pop(oldest, None)
            self._async.pop(oldest, None)
            self.processed.pop(oldest, None)

    def _answer(self, request: envelope.Request, spec: RegistrySpec) -> dict[str, Any]:
        now = self._clock()
        records = self._records(spec, request.data)
        code = envelope.RESULT_OK if records else envelope.RESULT_NOT_FOUND
        data = {
            "header": {
                "messageId": envelope.message_id_new(), "requestId": request.message_id,
                "messageDate": now.isoformat(), "sender": {"code": spec.sender_id, "nameRu": spec.name("ru"),
                                                          "nameKz": spec.name("kk")},
                "receiver": {"code": request.sender_id},
                "messageResult": {"code": code, "nameRu": envelope.RESULT_TEXTS[code]},
            },
            RECORDS_KEY[spec.code]: records,
        }
        return envelope.answer_build(request=request, data=data, sender_id=spec.sender_id, response_date=now,
                                     sign=self.credentials.for_registry(spec.code).sign)

    def _records(self, spec: RegistrySpec, data: dict[str, Any]) -> list[dict[str, Any]]:
        identifier = str(data.get(spec.identifier) or "")
        if self.fault == Fault.WRONG_PERSON:
            identifier = self._someone_else(spec, identifier)
        if spec.code == GBD_FL:
            person = self.dataset.person_payload(identifier)
            return [person] if person else []
        if spec.code == GBD_UL:
            entity = self.dataset.entity_payload(identifier)
            return [entity] if entity else []
        if spec.code == ENIS:
            return self.dataset.powers_payload(identifier, str(data.get("number") or ""))
        return []

    def _someone_else(self, spec: RegistrySpec, identifier: str) -> str:
        """Another person (entity) of the data set: what a registry mixing up records would answer."""
        if spec.code == GBD_UL:
            return next(code for code in sorted(self.dataset.entities) if code != identifier)
        if spec.code == ENIS:
            return next(p.principal_iin for p in self.dataset.powers if identifier not in (
                p.principal_iin, p.representative_iin))
        return next(iin for iin in sorted(self.dataset.persons) if iin != identifier)

    def _deliver(self, answer: dict[str, Any], spec: RegistrySpec) -> Reply:
        """Send the remembered answer, spoiled the way the current fault says."""
        body = json.loads(json.dumps(answer))
        if self.fault == Fault.UNSIGNED:
            body.pop("signature", None)
        elif self.fault == Fault.TAMPERED:
            records = body["responseData"]["data"].get(RECORDS_KEY[spec.code]) or []
            for record in records:
                record["tampered"] = True
            body["responseData"]["data"]["header"]["messageResult"]["code"] = envelope.RESULT_OK
        elif self.fault == Fault.FORGED:
            data = body["responseData"]["data"]
            signature = self._forger_for(spec).sign(envelope.canonical_json(data), self._clock())
            body["signature"] = base64.b64encode(signature).decode("ascii")
        return self._with_fault_delay(Reply(body=body))

    def _forger_for(self, spec: RegistrySpec) -> SystemCredentials:
        """A look-alike: the registry's subject name on a self-signed certificate no CA issued."""
        if self._forger is None:
            genuine = self.credentials.for_registry(spec.code).certificate
            key = pki.key_generate()
            now = self._clock()
            certificate = (
                x509.CertificateBuilder().subject_name(genuine.subject).issuer_name(genuine.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
                .sign(key, hashes.SHA256())
            )
            self._forger = SystemCredentials(key=key, certificate=certificate, chain=())
        return self._forger

    def _with_fault_delay(self, reply: Reply) -> Reply:
        if self.fault == Fault.SLOW:
            return Reply(status=reply.status, body=reply.body, delay=self.delay)
        return reply

    def _error(self, status: int, code: str, message: str) -> Reply:
        return Reply(status=status, body=envelope.error_build(code=code, message=message, at=self._clock()))


def certificate_pems(credentials: RegistryCredentials) -> dict[str, str]:
    """Each registry's certificate as PEM text (served for participants who pin them)."""
    return {code: pki.certificate_pem(certificate).decode("ascii")
            for code, certificate in credentials.certificates.items()}


__all__ = ["Fault", "RegistrySimulator", "Reply", "certificate_pems"]
