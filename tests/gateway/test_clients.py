"""Unit tests of the gateway clients on httpx.MockTransport (no network, no database).

The fake transport hands each request to the simulator's behaviour class in-process, or
answers what a test needs (timeouts, 503s, replayed or spoiled answers).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from cryptography import x509

from qyzmet.gateway import envelope, messages
from qyzmet.gateway.clients import (
    GatewayClient,
    GatewayEntityRegistry,
    GatewayNotaryRegistry,
    GatewayPersonRegistry,
    RegistryClient,
    RetryPolicy,
)
from qyzmet.gateway.credentials import RegistryCredentials, SystemCredentials
from qyzmet.gateway.registries import ENIS, GBD_FL, REGISTRIES
from qyzmet.gateway.simulator import Dataset, RegistrySimulator, dataset_default
from qyzmet.gateway.simulator.registry import Reply
from qyzmet.identity.demo import CITIZENS
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.revocation import RevocationAnswer, RevocationStatus
from qyzmet.signatures.trust import TrustStore
from qyzmet.signatures.verify import Verdict, signature_verify


def _now() -> datetime:
    """The time of each call: the session's certificates may be issued after this module is collected."""
    return datetime.now(UTC)


POLICY = RetryPolicy(attempts=3, timeout=0.5, backoff=0.25, multiplier=2.0)


class GoodRevocation:
    """A revocation source that always says "good" (the database-backed OCSP is tested elsewhere)."""

    name = "ocsp"

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate, *, now: datetime) -> RevocationAnswer:
        return RevocationAnswer(self.name, RevocationStatus.GOOD)


class CaVerifier:
    """The real signature checks against the session CA, with a fake revocation source."""

    def __init__(self, ca: Pki) -> None:
        self.trust = TrustStore(anchors=(ca.root.certificate,), intermediates=(ca.issuing.certificate,))

    def verify(self, content: bytes | None, signature: bytes, *, expected_bin: str | None = None,
               now: datetime | None = None) -> Verdict:
        return signature_verify(content, signature, trust=self.trust, revocation_sources=[GoodRevocation()],
                                now=now or datetime.now(UTC), expected_bin=expected_bin)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return dataset_default()


@pytest.fixture
def simulator(dataset: Dataset, registry_keys: RegistryCredentials) -> RegistrySimulator:
    return RegistrySimulator(dataset, registry_keys, async_delay=0)


def _response(reply: Reply) -> httpx.Response:
    return httpx.Response(reply.status, json=reply.body)


def _routed(simulator: RegistrySimulator) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/sync":
            return _response(simulator.sync(request.content))
        if path == "/async/send":
            return _response(simulator.async_send(request.content))
        if path.startswith("/async/status/"):
            return _response(simulator.async_status(path.rsplit("/", 1)[1]))
        return _response(simulator.async_message(path.rsplit("/", 1)[1]))

    return handler


def _client(handler: Callable[[httpx.Request], httpx.Response], gateway_ca: Pki, platform_keys: SystemCredentials,
            sleeps: list[float] | None = None) -> RegistryClient:
    pauses = sleeps if sleeps is not None else []
    gateway = GatewayClient(
        httpx.Client(base_url="http://gateway.test", transport=httpx.MockTransport(handler)),
        verifier=CaVerifier(gateway_ca), policy=POLICY, sleep=pauses.append,
    )
    return RegistryClient(gateway, sign=platform_keys.sign)


def test_person_lookup_returns_the_person_with_names_in_both_languages(simulator, gateway_ca, platform_keys):
    # given
    registry = GatewayPersonRegistry(_client(_routed(simulator), gateway_ca, platform_keys))
    citizen = CITIZENS[0]

    # when
    person = registry.person_lookup(citizen.iin, now=_now())

    # then
    assert person is not None
    assert person.iin == citizen.iin
    assert person.full_name("kk") == "Нұрланова Айгүл Серікқызы"
    assert person.full_name("ru") == "Нурланова Айгул Сериккызы"
    assert person.sex == "F"
    assert person.address["region"]["code"] == "wko"
    assert len(person.children) == 1


def test_person_lookup_of_an_unknown_iin_returns_none(simulator, gateway_ca, platform_keys, dataset):
    registry = GatewayPersonRegistry(_client(_routed(simulator), gateway_ca, platform_keys))

    assert registry.person_lookup(dataset.absent_iin(), now=_now()) is None


def test_entity_and_power_of_attorney_lookups(simulator, gateway_ca, platform_keys, dataset):
    # given
    client = _client(_routed(simulator), gateway_ca, platform_keys)
    bin_ = dataset.sample("entity", 1)[0]

    # when
    entity = GatewayEntityRegistry(client).entity_lookup(bin_, now=_now())
    powers = GatewayNotaryRegistry(client).powers_of_attorney(CITIZENS[1].iin, now=_now())

    # then
    assert entity is not None and entity.bin == bin_
    assert [(p.number, p.principal_iin, p.notarised) for p in powers] == [
        ("ENIS-2024-000001", CITIZENS[0].iin, True)]


def test_5xx_answers_are_retried_with_backoff_and_the_same_message_id(simulator, gateway_ca, platform_keys):
    # given
    seen: list[str] = []
    routed = _routed(simulator)

    def flaky(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content)["messageInfo"]["messageId"])
        return httpx.Response(503, json={}) if len(seen) < 3 else routed(request)

    sleeps: list[float] = []
    client = _client(flaky, gateway_ca, platform_keys, sleeps)

    # when
    answer = client.query(GBD_FL, CITIZENS[0].iin, now=_now())

    # then
    assert answer.is_found
    assert answer.attempts == 3
    assert len(set(seen)) == 1
    assert sleeps == [0.25, 0.5]


def test_timeouts_on_every_attempt_raise_registry_unavailable(gateway_ca, platform_keys):
    # given
    calls: list[int] = []

    def silent(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ReadTimeout("no answer", request=request)

    client = _client(silent, gateway_ca, platform_keys)

    # when
    with pytest.raises(messages.RegistryUnavailable) as raised:
        client.query(GBD_FL, CITIZENS[0].iin, now=_now())

    # then
    assert raised.value.attempts == 3
    assert len(calls) == 3
    assert raised.value.message("ru") == "ГБД ФЛ не отвечает (попыток: 3)."


def test_a_request_the_gateway_refuses_is_not_retried(gateway_ca, platform_keys):
    calls: list[int] = []

    def refusing(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(400, json=envelope.error_build(code="BAD_REQUEST", message="no", at=_now()))

    with pytest.raises(messages.GatewayRefused) as raised:
        _client(refusing, gateway_ca, platform_keys).query(GBD_FL, CITIZENS[0].iin, now=_now())

    assert raised.value.error_code == "BAD_REQUEST"
    assert calls == [1]


def _spoiled(simulator: RegistrySimulator, spoil: Callable[[dict[str, Any]], None]) -> Callable[..., httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        body = simulator.sync(request.content).body
        spoil(body)
        return httpx.Response(200, json=body)

    return handler


def test_an_unsigned_answer_is_rejected(simulator, gateway_ca, platform_keys):
    client = _client(_spoiled(simulator, lambda body: body.pop("signature")), gateway_ca, platform_keys)

    with pytest.raises(messages.AnswerRejected) as raised:
        client.query(GBD_FL, CITIZENS[0].iin, now=_now())

    assert raised.value.reason == messages.REJECT_UNSIGNED


def test_an_answer_changed_after_signing_is_rejected(simulator, gateway_ca, platform_keys):
    def tamper(body: dict[str, Any]) -> None:
        body["responseData"]["data"]["persons"][0]["birthDate"] = "2001-01-01"

    with pytest.raises(messages.AnswerRejected) as raised:
        _client(_spoiled(simulator, tamper), gateway_ca, platform_keys).query(GBD_FL, CITIZENS[0].iin, now=_now())

    assert (raised.value.reason, raised.value.detail) == (messages.REJECT_SIGNATURE, "CONTENT_TAMPERED")


def test_an_answer_signed_by_another_registry_is_rejected(simulator, gateway_ca, platform_keys, registry_keys):
    def resign_as_enis(body: dict[str, Any]) -> None:
        data = envelope.canonical_json(body["responseData"]["data"])
        signature = registry_keys.for_registry(ENIS).sign(data, _now())
        body["signature"] = base64.b64encode(signature).decode()

    with pytest.raises(messages.AnswerRejected) as raised:
        _client(_spoiled(simulator, resign_as_enis), gateway_ca, platform_keys).query(GBD_FL, CITIZENS[0].iin,
                                                                                    now=_now())

    assert raised.value.reason == messages.REJECT_SIGNER


def test_a_genuine_answer_replayed_for_another_request_is_rejected(simulator, gateway_ca, platform_keys):
    # given: an answer recorded for an earlier request about the same person
    recorded = _client(_routed(simulator), gateway_ca, platform_keys).query(GBD_FL, CITIZENS[0].iin, now=_now())

    def replay(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=recorded.envelope)

    # when / then
    with pytest.raises(messages.AnswerRejected) as raised:
        _client(replay, gateway_ca, platform_keys).query(GBD_FL, CITIZENS[0].iin, now=_now())
    assert raised.value.reason == messages.REJECT_MISMATCH


def test_async_channel_follows_delivery_and_fetches_the_verified_answer(simulator, gateway_ca, platform_keys):
    client = _client(_routed(simulator), gateway_ca, platform_keys)

    answer = client.query(GBD_FL, CITIZENS[0].iin, now=_now(), channel="async")

    assert answer.is_found
    assert answer.delivery_status == envelope.DELIVERED


def test_async_message_not_delivered_raises_registry_unavailable(simulator, gateway_ca, platform_keys):
    simulator.fault_set("fail")
    client = _client(_routed(simulator), gateway_ca, platform_keys)

    with pytest.raises(messages.RegistryUnavailable) as raised:
        client.query(GBD_FL, CITIZENS[0].iin, now=_now(), channel="async")

    assert raised.value.delivery_status == envelope.NOT_DELIVERED


def test_every_registry_signs_with_its_own_bin(registry_keys):
    from qyzmet.signatures.profile import subject_identity

    bins = {code: subject_identity(c.subject).bin for code, c in registry_keys.certificates.items()}

    assert bins == {code: spec.bin for code, spec in REGISTRIES.items()}
