"""What a request's signature covers, stale and replayed requests, and answers about someone else.

Over real HTTP on 127.0.0.1 with the registry simulator: the session's simulator (no freshness
window, as the demo's virtual clock needs) and one run as `qyzmet registries serve` runs it,
with a five-minute window.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from qyzmet.gateway import envelope
from qyzmet.gateway.credentials import RegistryCredentials, SystemCredentials
from qyzmet.gateway.models import GatewayMessage, MessageLogEntry
from qyzmet.gateway.registries import GBD_FL, GBD_UL, REGISTRIES
from qyzmet.gateway.services import registry_lookup
from qyzmet.gateway.simulator import RegistrySimulator, SimulatorServer, dataset_default
from qyzmet.identity.demo import CITIZENS
from qyzmet.identity.models import PersonalDataAccess

AYGUL = CITIZENS[0].iin
WINDOW = timedelta(minutes=5)


def _request(platform_keys: SystemCredentials, *, at: datetime | None = None, message_id: str | None = None) -> dict:
    return envelope.request_build(service_id=REGISTRIES[GBD_FL].service_id, data={"iin": AYGUL}, sender_id="QYZMET",
                                  message_date=at or datetime.now(UTC), sign=platform_keys.sign, message_id=message_id)


@pytest.fixture
def strict_registry(registry_keys: RegistryCredentials) -> Iterator[SimulatorServer]:
    """The simulator with the five-minute window of `qyzmet registries serve`."""
    server = SimulatorServer(RegistrySimulator(dataset_default(), registry_keys, max_age=WINDOW)).start()
    yield server
    server.stop()


@pytest.mark.parametrize(("part", "value"), [
    ("messageId", "00000000-0000-0000-0000-000000000000"),
    ("messageDate", "2026-12-01T09:00:00+00:00"),
    ("senderId", "SOMEONE_ELSE"),
    ("serviceId", REGISTRIES[GBD_UL].service_id),
])
def test_the_signature_covers_the_message_id_date_sender_and_service(registry, platform_keys, part, value):
    # given: a well-signed request, then one part of its message info changed
    request = _request(platform_keys)
    request["messageInfo"][part] = value

    # when
    response = httpx.post(f"{registry.url}/sync", json=request)

    # then
    assert response.status_code == 401
    assert response.json()["errorInfo"]["errorCode"] == envelope.ERROR_SIGNATURE


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_request_dated_outside_the_window_is_refused_as_stale(strict_registry, platform_keys, offset):
    request = _request(platform_keys, at=datetime.now(UTC) + offset)

    response = httpx.post(f"{strict_registry.url}/sync", json=request)

    assert response.status_code == 401
    error = response.json()["errorInfo"]
    assert error["errorCode"] == envelope.ERROR_STALE
    assert "outside the 300 s window" in error["errorMessage"]
    assert strict_registry.simulator.stats()["processed"] == {}


def test_a_replayed_envelope_is_refused_and_a_re_signed_re_send_gets_the_first_answer(strict_registry, platform_keys):
    # given
    request = _request(platform_keys, at=datetime.now(UTC) - timedelta(seconds=1))
    first = httpx.post(f"{strict_registry.url}/sync", json=request)

    # when
    replayed = httpx.post(f"{strict_registry.url}/sync", json=request)
    resent = httpx.post(f"{strict_registry.url}/sync", json=envelope.request_resign(
        request, sign=platform_keys.sign, message_date=datetime.now(UTC)))

    # then
    assert first.status_code == 200
    assert replayed.status_code == 401
    assert replayed.json()["errorInfo"]["errorCode"] == envelope.ERROR_REPLAYED
    assert resent.status_code == 200 and resent.content == first.content
    assert strict_registry.simulator.stats()["processed"] == {request["messageInfo"]["messageId"]: 1}


@pytest.mark.django_db
def test_a_platform_retry_after_a_lost_answer_is_taken_by_a_strict_gateway(strict_registry, make_client):
    # given: the first attempt is answered but the answer is lost (slower than the client waits)
    from qyzmet.gateway.clients import RetryPolicy

    strict_registry.simulator.fault_set("slow", 0.6)
    client = make_client(RetryPolicy(attempts=3, timeout=0.3, backoff=0.3, max_backoff=0.3),
                         url=strict_registry.url)
    first = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose="test", now=datetime.now(UTC),
                            client=client)
    assert first.status == "unavailable"
    strict_registry.simulator.fault_set("none")

    # when: the same message is sent again (dated and signed again)
    again = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose="test", now=datetime.now(UTC),
                            message_id=first.message.message_id, client=client)

    # then: not refused as a replay; the registry acted once
    assert again.status == "found"
    assert strict_registry.simulator.stats()["processed"] == {first.message.message_id: 1}


@pytest.mark.django_db
def test_an_answer_about_someone_else_is_refused_logged_and_not_used(make_client, registry, caplog):
    # given: the registry answers, genuinely signed, with another person's record
    registry.simulator.fault_set("wrong_person")

    # when
    with caplog.at_level(logging.WARNING, logger="qyzmet.gateway.services"):
        result = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose="test", now=datetime.now(UTC),
                                 client=make_client())

    # then
    assert result.status == "rejected" and result.records == []
    assert result.error is not None
    assert result.error.message("kk") == (
        "ЖТ МДҚ жауабы қабылданбады: жауап сұралған адам туралы емес, басқа адам туралы.")
    assert result.error.message("ru") == (
        "Ответ ГБД ФЛ отклонён: ответ касается не того лица, о котором был запрос.")
    assert result.error.message("en").endswith("is rejected: the answer is about someone other than the person "
                                               "asked about.")
    message = GatewayMessage.objects.get()
    assert message.status == "rejected" and message.answer is None
    assert f"asked about {AYGUL}" in message.error
    assert not PersonalDataAccess.objects.exists()
    assert [e.kind for e in MessageLogEntry.objects.all()] == ["request", "outcome"]
    assert "rejected gbd_fl answer" in caplog.text
