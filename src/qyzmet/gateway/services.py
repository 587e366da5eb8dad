"""Writes of the gateway: logged registry look-ups, the retry sweeper, the participants' credentials.

`registry_lookup` is the one path by which the platform asks a registry anything: it writes
the message log row before sending, records the answer and every person it concerns
(`LookupSubject` and identity's personal-data log), and, when asked to, keeps a request whose
registry did not answer as a `PendingRequest` for `gateway_retry_pending` to re-send.
Network calls are made outside database transactions; each write is its own small one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from qyzmet.audit.chain import GATEWAY_MESSAGES, log_append
from qyzmet.core.metrics import lookup_counted
from qyzmet.gateway import continuations, messages
from qyzmet.gateway.clients.base import GatewayClient, RetryPolicy, VerifiedAnswer
from qyzmet.gateway.clients.registry import Channel, RegistryClient, records_of
from qyzmet.gateway.credentials import (
    RegistryCredentials,
    SystemCredentials,
    platform_credentials_load,
    registry_credentials_load,
)
from qyzmet.gateway.log import message_log_payload, message_outcome_content, message_request_content
from qyzmet.gateway.models import (
    GatewayMessage,
    LookupOutcome,
    LookupSubject,
    MessageLogEntry,
    MessageStatus,
    PendingRequest,
)
from qyzmet.gateway.registries import ENIS, GBD_UL, registry_spec
from qyzmet.identity.identifiers import bin_validate, iin_validate
from qyzmet.identity.models import Organization, User
from qyzmet.identity.services import personal_data_access_record
from qyzmet.signatures.backends import get_verifier
from qyzmet.signatures.models import IssuedCertificate
from qyzmet.signatures.pki import Pki, serial_hex
from qyzmet.signatures.profile import Purpose, key_identifier
from qyzmet.signatures.services import certificate_record_issued, pki_default

logger = logging.getLogger(__name__)

PURPOSE_REQUIRED: Final = "a registry look-up needs a purpose (the law asks why personal data was read)"
# A claimed pending request is not due again for this long, so two sweepers never send it together.
CLAIM_LEASE: Final = timedelta(minutes=5)
FIRST_PENDING_DELAY: Final = timedelta(seconds=30)
MAX_PENDING_DELAY: Final = timedelta(hours=1)


@dataclass(frozen=True)
class LookupResult:
    """What a look-up gave: the logged message, the records found, and the pending row if it waits."""

    registry: str
    message: GatewayMessage
    records: list[dict[str, Any]]
    pending: PendingRequest | None = None
    error: messages.GatewayError | None = None

    @property
    def status(self) -> str:
        """found / not_found / unavailable / rejected / refused."""
        return self.message.outcome if self.message.is_answered else self.message.status

    @property
    def is_found(self) -> bool:
        return self.message.outcome == LookupOutcome.FOUND

    @property
    def is_not_found(self) -> bool:
        return self.message.outcome == LookupOutcome.NOT_FOUND

    @property
    def is_waiting(self) -> bool:
        return self.pending is not None and self.pending.status == PendingRequest.Status.WAITING


@dataclass(frozen=True)
class RetryReport:
    answered: int = 0
    waiting: int = 0
    failed: int = 0
    continuation_errors: int = 0


# --- credentials ------------------------------------------------------------------------------------


def _register_if_missing(authority: Pki, certificate: Any, *, now: datetime) -> None:
    """Record a system certificate in the CA's register (OCSP then answers "good" for it)."""
    known = IssuedCertificate.objects.filter(
        authority_key_id=key_identifier(authority.issuing.certificate),
        serial_number=serial_hex(certificate.serial_number),
    ).exists()
    if not known:
        certificate_record_issued(pki=authority, certificate=certificate, purpose=Purpose.SIGN, now=now)


def platform_credentials(*, now: datetime) -> SystemCredentials:
    """The platform's gateway signing credentials (QYZMET_PKI_DIR/gateway/), issued on first use.

    Side effects: may write the key and certificate files and record the certificate in the
    test CA's register. Raises PkiNotInitialised when the test CA is not set up.
    """
    authority = pki_default()
    credentials, _ = platform_credentials_load(settings.QYZMET_PKI_DIR, authority,
                                               base_url=settings.QYZMET_PKI_BASE_URL, now=now)
    _register_if_missing(authority, credentials.certificate, now=now)
    return credentials


def registry_credentials(*, now: datetime) -> RegistryCredentials:
    """The simulated registries' credentials (QYZMET_PKI_DIR/gateway/), issued on first use.

    Side effects: may write key and certificate files and record the certificates in the register.
    """
    authority = pki_default()
    credentials, _ = registry_credentials_load(settings.QYZMET_PKI_DIR, authority,
                                               base_url=settings.QYZMET_PKI_BASE_URL, now=now)
    for certificate in credentials.certificates.values():
        _register_if_missing(authority, certificate, now=now)
    return credentials


# --- clients ------------------------------------------------------------------------------------------


def gateway_policy() -> RetryPolicy:
    """The retry policy of settings.QYZMET_GATEWAY_TIMEOUT / _ATTEMPTS / _BACKOFF."""
    return RetryPolicy(attempts=int(settings.QYZMET_GATEWAY_ATTEMPTS), timeout=float(settings.QYZMET_GATEWAY_TIMEOUT),
                       backoff=float(settings.QYZMET_GATEWAY_BACKOFF))


def gateway_client_default(*, now: datetime, registry_url: str | None = None,
                           policy: RetryPolicy | None = None, http: httpx.Client | None = None) -> RegistryClient:
    """A registry client for settings.QYZMET_REGISTRY_URL (or `registry_url`), signing as the platform.

    With `http`, it sends through that client (and closing it closes that client); else through a new one.
    """
    http = http if http is not None else httpx.Client(base_url=registry_url or settings.QYZMET_REGISTRY_URL)
    gateway = GatewayClient(http, verifier=get_verifier(), policy=policy or gateway_policy())
    return RegistryClient(gateway, sign=platform_credentials(now=now).sign,
                          sender_id=settings.QYZMET_GATEWAY_SENDER_ID)


_SHARED_HTTP: dict[tuple[int, str], httpx.Client] = {}
_SHARED_HTTP_LOCK = threading.Lock()


def gateway_http_shared() -> httpx.Client:
    """The process's keep-alive httpx client for settings.QYZMET_REGISTRY_URL, made on first use.

    A new client per look-up built an SSL context and opened a connection every time; an httpx client
    may be shared between threads. Keyed by the process id too, so a forked worker makes its own.
    """
    key = (os.getpid(), str(settings.QYZMET_REGISTRY_URL))
    client = _SHARED_HTTP.get(key)
    if client is None or client.is_closed:
        with _SHARED_HTTP_LOCK:
            client = _SHARED_HTTP.get(key)
            if client is None or client.is_closed:
                client = _SHARED_HTTP[key] = httpx.Client(base_url=key[1])
    return client


@contextlib.contextmanager
def _client_or_default(client: RegistryClient | None, now: datetime) -> Iterator[RegistryClient]:
    # The default sends through the process's shared connection pool, which stays open afterwards.
    yield client if client is not None else gateway_client_default(now=now, http=gateway_http_shared())


# --- look-ups ---------------------------------------------------------------------------------------


def registry_lookup(
    *, registry: str, identifier: str, actor: User | None, purpose: str, now: datetime,
    organization: Organization | None = None, reference: str = "", case_number: str = "",
    extra: dict[str, str] | None = None, message_id: str | None = None, channel: Channel = "sync",
    keep_pending: bool = False, continuation: str = "", continuation_key: str = "",
    client: RegistryClient | None = None,
) -> LookupResult:
    """Ask `registry` (gbd_fl, gbd_ul, enis) about `identifier` through the gateway, and log it.

    The identifier is validated first (InvalidIdentifier: nothing is written or sent). A
    `message_id` already answered returns the logged answer without sending; one not yet
    answered is re-sent with the same envelope, so the registry never acts twice. With
    `keep_pending`, an unanswered (or untrusted) request is kept as a PendingRequest that
    `gateway_retry_pending` re-sends, then resumes `continuation` with `continuation_key`.
    Side effects: writes GatewayMessage and LookupSubject rows and, for every person in an
    answer, a PersonalDataAccess row; may write a PendingRequest.
    """
    spec = registry_spec(registry)
    identifier = (iin_validate if spec.identifier == "iin" else bin_validate)(identifier)
    if not purpose.strip():
        raise ValueError(PURPOSE_REQUIRED)
    existing = GatewayMessage.objects.filter(message_id=message_id).first() if message_id else None
    if existing is not None and existing.status in {MessageStatus.ANSWERED, MessageStatus.REFUSED}:
        return _result_of(existing)
    with _client_or_default(client, now) as registry_client:
        message = existing or _message_create(
            registry_client, registry=registry, identifier=identifier, extra=extra or {}, actor=actor,
            organization=organization, purpose=purpose.strip(), reference=reference, case_number=case_number,
            channel=channel, message_id=message_id, now=now,
        )
        result = _exchange(registry_client, message, now=now)
    if result.message.is_answered:
        PendingRequest.objects.filter(message=message, status=PendingRequest.Status.WAITING).update(
            status=PendingRequest.Status.ANSWERED, finished_at=now)
        return result
    if keep_pending and result.message.status != MessageStatus.REFUSED:
        pending, _ = PendingRequest.objects.get_or_create(message=message, defaults={
            "next_attempt_at": now + FIRST_PENDING_DELAY, "continuation": continuation,
            "continuation_key": continuation_key, "created_at": now,
        })
        return LookupResult(result.registry, result.message, [], pending, result.error)
    return result


def _message_create(
    client: RegistryClient, *, registry: str, identifier: str, extra: dict[str, str], actor: User | None,
    organization: Organization | None, purpose: str, reference: str, case_number: str, channel: Channel,
    message_id: str | None, now: datetime,
) -> GatewayMessage:
    spec = registry_spec(registry)
    request = client.request_for(registry, identifier, now=now, message_id=message_id, **extra)
    info = request["messageInfo"]
    try:
        with transaction.atomic():
            message = GatewayMessage.objects.create(
                message_id=info["messageId"], correlation_id=info.get("correlationId") or "",
                service_id=spec.service_id, registry=registry, channel=channel, sender_id=info["senderId"],
                subject_iin=identifier if spec.identifier == "iin" else "",
                subject_bin=identifier if spec.identifier == "bin" else "",
                actor=actor, actor_iin=actor.iin if actor else "", organization=organization, purpose=purpose,
                reference=reference, case_number=case_number, request=request, created_at=now,
            )
            if spec.identifier == "iin":
                LookupSubject.objects.create(message=message, iin=identifier, role=LookupSubject.Role.SUBJECT)
            _log(message, MessageLogEntry.Kind.REQUEST, message_request_content(message), now)
    except IntegrityError:  # the same message id was logged concurrently: use that row
        return GatewayMessage.objects.get(message_id=info["messageId"])
    return message


def _exchange(client: RegistryClient, message: GatewayMessage, *, now: datetime) -> LookupResult:
    """Send the logged request (again), record what happened and count it by outcome (/metrics/)."""
    result = _exchange_record(client, message, now=now)
    lookup_counted(message.registry, result.status)
    return result


def _exchange_record(client: RegistryClient, message: GatewayMessage, *, now: datetime) -> LookupResult:
    try:
        verified = client.send(message.registry, message.request, now=now,
                               channel="async" if message.channel == "async" else "sync",
                               resend=message.attempts > 0)
    except messages.RegistryUnavailable as error:
        _failure_record(message, MessageStatus.UNAVAILABLE, error, attempts=error.attempts,
                        delivery_status=error.delivery_status, now=now)
        return LookupResult(message.registry, message, [], error=error)
    except messages.AnswerRejected as error:
        _failure_record(message, MessageStatus.REJECTED, error, attempts=1, now=now)
        logger.warning("rejected %s answer to %s: %s %s", message.registry, message.message_id, error.reason,
                       error.detail)
        return LookupResult(message.registry, message, [], error=error)
    except messages.GatewayRefused as error:
        _failure_record(message, MessageStatus.REFUSED, error, attempts=1, now=now)
        return LookupResult(message.registry, message, [], error=error)
    return _answer_record(message, verified, now=now)


def _log(message: GatewayMessage, kind: str, content: dict[str, Any], at: datetime) -> None:
    """Append to the chained message log (in the caller's transaction)."""
    log_append(GATEWAY_MESSAGES, MessageLogEntry(message_id=message.message_id, kind=kind, content=content, at=at),
               message_log_payload)


@transaction.atomic
def _failure_record(message: GatewayMessage, status: str, error: messages.GatewayError, *, attempts: int,
                    delivery_status: str = "", now: datetime) -> None:
    message.status = status
    message.error = f"{error.code}: {getattr(error, 'detail', '') or error}"[:2000]
    message.delivery_status = delivery_status or message.delivery_status
    message.attempts += attempts
    message.save(update_fields=["status", "error", "delivery_status", "attempts"])
    _log(message, MessageLogEntry.Kind.OUTCOME, message_outcome_content(message), now)


@transaction.atomic
def _answer_record(message: GatewayMessage, verified: VerifiedAnswer, *, now: datetime) -> LookupResult:
    records = records_of(message.registry, verified.answer.data)
    message.status = MessageStatus.ANSWERED
    message.outcome = LookupOutcome.FOUND if verified.is_found and records else LookupOutcome.NOT_FOUND
    message.answer = verified.envelope
    message.answered_at = now
    message.attempts += verified.attempts
    message.delivery_status = verified.delivery_status or message.delivery_status
    message.error = ""
    message.save(update_fields=["status", "outcome", "answer", "answered_at", "attempts", "delivery_status", "error"])
    _log(message, MessageLogEntry.Kind.OUTCOME, message_outcome_content(message), now)
    recorded: set[str] = set()
    for iin, role in _people_in(message, records):
        LookupSubject.objects.get_or_create(message=message, iin=iin, role=role)
        if iin not in recorded:
            recorded.add(iin)
            personal_data_access_record(
                subject_iin=iin, actor=message.actor, purpose=message.purpose, source=message.registry, now=now,
                reference=message.case_number or message.reference or message.message_id,
            )
    return LookupResult(message.registry, message, records if message.outcome == LookupOutcome.FOUND else [])


def _people_in(message: GatewayMessage, records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Every person whose data the look-up read: the person asked about, PoA parties, an entity's head."""
    people = [(message.subject_iin, LookupSubject.Role.SUBJECT)] if message.subject_iin else []
    for record in records:
        if message.registry == ENIS:
            people.append((str((record.get("principal") or {}).get("iin") or ""), LookupSubject.Role.PRINCIPAL))
            people.append((str((record.get("representative") or {}).get("iin") or ""),
                           LookupSubject.Role.REPRESENTATIVE))
        elif message.registry == GBD_UL:
            people.append((str((record.get("head") or {}).get("iin") or ""), LookupSubject.Role.HEAD))
    return [(iin, role) for iin, role in people if len(iin) == 12 and iin.isdigit()]


def _result_of(message: GatewayMessage) -> LookupResult:
    records = records_of(message.registry, message.answer["responseData"]["data"]) if message.answer else []
    pending = PendingRequest.objects.filter(message=message).first()
    return LookupResult(message.registry, message, records if message.outcome == LookupOutcome.FOUND else [], pending)


@transaction.atomic
def messages_link_case(*, reference: str, case_number: str) -> int:
    """Name the case a set of look-ups (by their reference, e.g. an intake number) was made for.

    Side effects: sets `case_number` on those GatewayMessage rows and logs each link; returns how many.
    """
    linked = 0
    for message in GatewayMessage.objects.filter(reference=reference).exclude(case_number=case_number):
        message.case_number = case_number
        message.save(update_fields=["case_number"])
        _log(message, MessageLogEntry.Kind.CASE_LINK, {"case_number": case_number}, timezone.now())
        linked += 1
    return linked


# --- the retry sweeper ------------------------------------------------------------------------------


def pending_delay(attempts: int) -> timedelta:
    """How long a pending request waits after its `attempts`-th re-send: 30 s doubling, at most an hour."""
    seconds = FIRST_PENDING_DELAY.total_seconds() * 2 ** max(0, attempts - 1)
    return min(MAX_PENDING_DELAY, timedelta(seconds=seconds))


def gateway_retry_pending(*, now: datetime, client: RegistryClient | None = None, batch: int = 100,
                          all_waiting: bool = False) -> RetryReport:
    """Re-send every due pending request (same message id), settle it, and resume what waited for it.

    `all_waiting` also re-sends those not yet due (an operator's "try now"). Safe to run from
    several workers at once: each row is claimed with a conditional update before it is sent.
    An answered request (found or not found) and one given up after
    settings.QYZMET_GATEWAY_PENDING_MAX_ATTEMPTS re-sends both resume their continuation.
    Side effects: updates PendingRequest and GatewayMessage rows; whatever the continuations write.
    """
    due_by = now + timedelta(days=36500) if all_waiting else now
    candidates = list(PendingRequest.objects.due(due_by).values_list("pk", flat=True)[:batch])
    answered = waiting = failed = errors = 0
    if not candidates:
        return RetryReport()
    with _client_or_default(client, now) as registry_client:
        for pending_id in candidates:
            claimed = PendingRequest.objects.filter(
                pk=pending_id, status=PendingRequest.Status.WAITING, next_attempt_at__lte=due_by,
            ).update(next_attempt_at=now + CLAIM_LEASE, attempts=F("attempts") + 1, last_attempt_at=now)
            if claimed != 1:
                continue  # another worker took it
            pending = PendingRequest.objects.select_related("message").get(pk=pending_id)
            result = _exchange(registry_client, pending.message, now=now)
            status = _pending_settle(pending, result, now=now)
            if status == PendingRequest.Status.WAITING:
                waiting += 1
                continue
            answered, failed = answered + (status == PendingRequest.Status.ANSWERED), failed + (
                status == PendingRequest.Status.FAILED)
            try:
                continuations.continuation_run(pending.continuation, pending.continuation_key, now=now,
                                               client=registry_client)
            except Exception:  # one broken continuation must not stop the sweep; it is logged
                logger.exception("continuation %s(%s) failed", pending.continuation, pending.continuation_key)
                errors += 1
    return RetryReport(answered=answered, waiting=waiting, failed=failed, continuation_errors=errors)


def _pending_settle(pending: PendingRequest, result: LookupResult, *, now: datetime) -> str:
    if result.message.is_answered:
        pending.status, pending.finished_at = PendingRequest.Status.ANSWERED, now
    elif (result.message.status == MessageStatus.REFUSED
          or pending.attempts >= settings.QYZMET_GATEWAY_PENDING_MAX_ATTEMPTS):
        pending.status, pending.finished_at = PendingRequest.Status.FAILED, now
    else:
        pending.next_attempt_at = now + pending_delay(pending.attempts)
    pending.save(update_fields=["status", "finished_at", "next_attempt_at"])
    return pending.status


__all__ = [
    "LookupResult",
    "RetryReport",
    "gateway_client_default",
    "gateway_policy",
    "gateway_retry_pending",
    "messages_link_case",
    "pending_delay",
    "platform_credentials",
    "registry_credentials",
    "registry_lookup",
]
