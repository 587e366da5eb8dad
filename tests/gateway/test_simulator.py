"""The registry simulator over real HTTP on 127.0.0.1: its data, its checks, its memory, its control endpoints."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from qyzmet.gateway import envelope
from qyzmet.gateway.credentials import SystemCredentials
from qyzmet.gateway.registries import GBD_FL, REGISTRIES
from qyzmet.gateway.simulator import SimulatorServer, dataset_default
from qyzmet.identity.demo import CITIZENS, demo_staff
from qyzmet.identity.identifiers import bin_is_valid, iin_is_valid


def _request(platform_keys: SystemCredentials, iin: str, *, service_id: str = REGISTRIES[GBD_FL].service_id,
             message_id: str | None = None) -> dict:
    return envelope.request_build(service_id=service_id, data={"iin": iin}, sender_id="QYZMET",
                                  message_date=datetime.now(UTC), sign=platform_keys.sign, message_id=message_id)


def test_the_data_holds_the_demo_citizens_and_staff_with_valid_numbers():
    # when
    dataset = dataset_default()

    # then
    assert {c.iin for c in CITIZENS} <= set(dataset.persons)
    assert {s.iin for s in demo_staff()} <= set(dataset.persons)
    assert all(iin_is_valid(iin) for iin in dataset.persons)
    assert all(bin_is_valid(bin_) for bin_ in dataset.entities)
    assert dataset.absent_iin() not in dataset.persons
    assert iin_is_valid(dataset.absent_iin())


def test_the_data_is_the_same_on_every_build():
    first, second = dataset_default(), dataset_default()

    assert first.sample("person", 300) == second.sample("person", 300)
    assert first.person_payload(CITIZENS[2].iin) == second.person_payload(CITIZENS[2].iin)
    assert first.powers_payload(CITIZENS[0].iin) == second.powers_payload(CITIZENS[0].iin)


def test_family_links_point_both_ways():
    dataset = dataset_default()
    guardian = dataset.persons[CITIZENS[-1].iin]

    ward = dataset.persons[guardian.wards[0]]
    child = dataset.persons[guardian.children[0]]

    assert ward.guardians == [guardian.iin]
    assert child.parents == [guardian.iin]


def test_a_repeated_message_id_gets_the_first_answer_and_is_acted_on_once(registry, platform_keys):
    # given
    request = _request(platform_keys, CITIZENS[0].iin)

    # when
    first = httpx.post(f"{registry.url}/sync", json=request)
    second = httpx.post(f"{registry.url}/sync", json=request)

    # then
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    stats = httpx.get(f"{registry.url}/admin/stats").json()
    assert stats["processed"] == {request["messageInfo"]["messageId"]: 1}
    assert stats["repeats"] == 1


def test_an_unsigned_request_is_refused(registry, platform_keys):
    request = _request(platform_keys, CITIZENS[0].iin)
    del request["signature"]

    response = httpx.post(f"{registry.url}/sync", json=request)

    assert response.status_code == 401
    assert response.json()["errorInfo"]["errorCode"] == envelope.ERROR_SIGNATURE


def test_a_request_whose_data_was_changed_after_signing_is_refused(registry, platform_keys):
    request = _request(platform_keys, CITIZENS[0].iin)
    request["messageData"]["data"]["iin"] = CITIZENS[1].iin

    response = httpx.post(f"{registry.url}/sync", json=request)

    assert response.status_code == 401
    assert "CONTENT_TAMPERED" in response.json()["errorInfo"]["errorMessage"]


def test_an_unknown_service_is_refused(registry, platform_keys):
    response = httpx.post(f"{registry.url}/sync", json=_request(platform_keys, CITIZENS[0].iin, service_id="NOPE"))

    assert response.status_code == 404
    assert response.json()["errorInfo"]["errorCode"] == envelope.ERROR_UNKNOWN_SERVICE


def test_the_control_endpoint_switches_faults(registry: SimulatorServer, platform_keys):
    # given
    set_failing = httpx.post(f"{registry.url}/admin/fault", json={"mode": "fail"})

    # when
    failing = httpx.post(f"{registry.url}/sync", json=_request(platform_keys, CITIZENS[0].iin))
    httpx.post(f"{registry.url}/admin/fault", json={"mode": "none"})
    healthy = httpx.post(f"{registry.url}/sync", json=_request(platform_keys, CITIZENS[0].iin))

    # then
    assert set_failing.json()["fault"] == "fail"
    assert failing.status_code == 503
    assert healthy.status_code == 200
    assert httpx.get(f"{registry.url}/admin/health").json()["fault"] == "none"


def test_down_drops_the_connection_without_an_answer(registry, platform_keys):
    registry.simulator.fault_set("down")

    try:
        httpx.post(f"{registry.url}/sync", json=_request(platform_keys, CITIZENS[0].iin), timeout=2)
    except httpx.TransportError as error:
        dropped = error
    else:
        dropped = None

    assert isinstance(dropped, httpx.TransportError)


def test_the_async_channel_reports_delivery_states(registry, platform_keys):
    # given
    request = _request(platform_keys, CITIZENS[0].iin)
    message_id = request["messageInfo"]["messageId"]

    # when
    sent = httpx.post(f"{registry.url}/async/send", json=request).json()
    states = []
    for _ in range(50):
        states.append(httpx.get(f"{registry.url}/async/status/{message_id}").json()["status"])
        if states[-1] != envelope.ON_DELIVERY:
            break
    answer = httpx.get(f"{registry.url}/async/messages/{message_id}")

    # then
    assert sent["status"] == envelope.ON_DELIVERY
    assert states[-1] == envelope.DELIVERED
    assert answer.json()["responseInfo"]["correlationId"] == message_id


def test_the_certificates_endpoint_serves_each_registry_certificate(registry):
    pems = httpx.get(f"{registry.url}/admin/certificates").json()

    assert set(pems) == set(REGISTRIES)
    assert all(text.startswith("-----BEGIN CERTIFICATE-----") for text in pems.values())


def test_the_sample_command_prints_identifiers_that_exist(capsys):
    from qyzmet.cli import main

    code = main(["registries", "sample", "--kind", "poa", "--count", "2"])

    printed = capsys.readouterr().out.split()
    assert code == 0
    assert printed == [CITIZENS[1].iin, CITIZENS[3].iin]
