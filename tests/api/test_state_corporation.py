"""The State Corporation intake through the API: the operator's signed request, the registries over real HTTP.

The operator previews the request, signs its exact bytes with their EDS and sends it; the platform
asks ГБД ФЛ (and ЕНИС) at the registry simulator on 127.0.0.1 and files the case at the provider,
stops with "data cannot be obtained", refuses an expired power of attorney with a receipt, or
keeps the application while a registry does not answer.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from qyzmet.api.services import sc_request_id
from qyzmet.cases.models import Case, Receipt
from qyzmet.core.i18n import in_language
from qyzmet.gateway.messages import data_unavailable_messages
from qyzmet.gateway.models import GatewayMessage
from qyzmet.gateway.services import gateway_retry_pending
from qyzmet.gateway.simulator import SimulatorServer, dataset_default
from qyzmet.identity.demo import CITIZENS
from qyzmet.identity.models import Organization, User
from qyzmet.state_corporation.errors import MESSAGES as HALL_MESSAGES
from qyzmet.state_corporation.models import Intake
from qyzmet.state_corporation.services import IntakeSubmission, sc_request_document
from tests.api.helpers import APPLICANT_IIN, ApiClient, key_for, sc_signed, sign_b64, staff_member, user

SERVICE = "wko-2019-school-transport"  # ГБД ФЛ and ЕНИС; the State Corporation may refuse expired documents
KARAGANDA_SERVICE = "karaganda-2015-child-allowance"
BAUYRZHAN, GULNAR = CITIZENS[3].iin, CITIZENS[4].iin


@pytest.fixture
def branch(api: ApiClient) -> dict[str, Any]:
    return dict(api.ok(api.get(None, f"/services/{SERVICE}/state-corporation-branches"))[0])


@pytest.fixture
def operator(branch: dict[str, Any]) -> User:
    return staff_member("sc_operator", Organization.objects.get(pk=branch["id"]))


def _body(api: ApiClient, branch: dict[str, Any], **applicant: Any) -> dict[str, Any]:
    provider = api.ok(api.get(None, f"/services/{SERVICE}/providers"))[0]
    return {"service": SERVICE, "branch": branch["id"], "provider": provider["id"],
            "applicant": {"iin": APPLICANT_IIN, **applicant}, "documents": ["application (Standard app. 1)"],
            "form": {"school": "Terekti school No. 2"}}


def _nothing_written() -> None:
    assert not Intake.objects.exists()
    assert not GatewayMessage.objects.exists()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_preview_gives_the_exact_request_bytes_and_writes_nothing(
    api: ApiClient, branch: dict[str, Any], operator: User
) -> None:
    # given
    body = _body(api, branch)
    provider = Organization.objects.get(pk=body["provider"])

    # when
    preview = api.ok(api.post(operator, "/intake/state-corporation/preview", body, key="window-3-0001"))

    # then: the hall's request document, bound to this operator's request id
    submission = IntakeSubmission(
        request_id=sc_request_id(user=operator, key="window-3-0001"), service_id=SERVICE,
        applicant_iin=APPLICANT_IIN, provider_code=provider.code, documents=("application (Standard app. 1)",),
        form={"school": "Terekti school No. 2"},
    )
    content = base64.b64decode(preview["content"])
    assert preview["request_id"] == "window-3-0001"
    assert content == sc_request_document(submission=submission, branch=Organization.objects.get(pk=branch["id"]),
                                          operator=operator)
    assert json.loads(content)["operator"] == operator.iin
    _nothing_written()


@pytest.mark.django_db
def test_a_signed_request_is_filed_at_the_provider_after_the_registries_answer(
    api: ApiClient, branch: dict[str, Any], operator: User, registry: SimulatorServer
) -> None:
    # given
    body = sc_signed(api, operator, _body(api, branch), key="window-3-0002")

    # when
    case = api.ok(api.post(operator, "/intake/state-corporation", body, key="window-3-0002"), 201)
    again = api.ok(api.post(operator, "/intake/state-corporation", body, key="window-3-0002"), 201)

    # then
    assert (case["channel"], case["confirmation"], case["intake_office"]["id"]) == (
        "state_corporation", "operator_eds", branch["id"])
    assert case["applicant"] == {"iin": APPLICANT_IIN, "name": "Нурланова Айгул Сериккызы"}  # from ГБД ФЛ
    intake = Intake.objects.get()
    assert (intake.status, intake.case_id, case["form"]["sc_intake"]) == ("filed", case["id"], intake.number)
    assert [(row["step"], row["status"], row["branch"]) for row in case["timeline"]] == [
        ("hand_over", "done", None), ("sc_login", "done", None), ("sc_fill_request", "done", None),
        ("query_registries", "done", None), ("check_registries", "done", "found"),
        ("sc_send_request", "done", None), ("gateway_register", "done", None), ("sc_check_documents", "open", None),
    ]
    assert again["id"] == case["id"]
    assert Case.objects.count() == 1
    message = GatewayMessage.objects.get()
    assert (message.registry, message.case_number) == ("gbd_fl", case["number"])
    assert registry.simulator.stats()["processed"] == {message.message_id: 1}


@pytest.mark.django_db
def test_the_request_id_can_come_from_the_preview(api: ApiClient, branch: dict[str, Any], operator: User) -> None:
    # given: no Idempotency-Key; the preview made the request id
    body = sc_signed(api, operator, _body(api, branch))

    # when
    case = api.ok(api.post(operator, "/intake/state-corporation", body), 201)

    # then
    assert body["request_id"]
    assert Intake.objects.get().case_id == case["id"]


@pytest.mark.django_db
def test_a_request_without_a_request_id_is_refused(api: ApiClient, branch: dict[str, Any], operator: User) -> None:
    body = {**_body(api, branch), "signature": "AAAA"}

    response = api.post(operator, "/intake/state-corporation", body)

    assert response.status_code == 400
    assert response.json()["code"] == "request_id_required"
    _nothing_written()


@pytest.mark.django_db
def test_a_request_id_differing_from_the_idempotency_key_is_refused(
    api: ApiClient, branch: dict[str, Any], operator: User
) -> None:
    body = {**_body(api, branch), "request_id": "one"}

    response = api.post(operator, "/intake/state-corporation/preview", body, key="another")

    assert response.status_code == 400
    assert response.json()["code"] == "request_id_conflict"


@pytest.mark.django_db
def test_a_request_signed_by_someone_else_is_refused_and_nothing_is_written(
    api: ApiClient, branch: dict[str, Any], operator: User
) -> None:
    # given: the operator's request, signed with the applicant's own key
    body = _body(api, branch)
    preview = api.ok(api.post(operator, "/intake/state-corporation/preview", body, key="window-3-0003"))
    signature = sign_b64(key_for(user(APPLICANT_IIN)), base64.b64decode(preview["content"]))

    # when
    response = api.post(operator, "/intake/state-corporation", {**body, "signature": signature}, key="window-3-0003")

    # then
    assert response.status_code == 422
    assert response.json()["code"] == "signature_invalid"
    expected = in_language(HALL_MESSAGES["signature_invalid"], "en").format(detail="IIN_MISMATCH")
    assert response.json()["message"]["en"] == expected
    _nothing_written()


@pytest.mark.django_db
def test_a_request_changed_after_it_was_signed_is_refused(api: ApiClient, branch: dict[str, Any],
                                                          operator: User) -> None:
    body = sc_signed(api, operator, _body(api, branch), key="window-3-0004")

    response = api.post(operator, "/intake/state-corporation", {**body, "form": {"school": "another"}},
                        key="window-3-0004")

    assert response.status_code == 422
    assert response.json()["message"]["en"] == in_language(HALL_MESSAGES["signature_invalid"], "en").format(
        detail="CONTENT_TAMPERED")
    _nothing_written()


@pytest.mark.django_db
def test_only_an_operator_of_the_branch_takes_applications(api: ApiClient, branch: dict[str, Any]) -> None:
    # given: the provider's clerk, not an operator
    body = _body(api, branch)
    clerk = staff_member("office_clerk", Organization.objects.get(pk=body["provider"]))
    signature = sign_b64(key_for(clerk), b"anything")

    # when
    preview = api.post(clerk, "/intake/state-corporation/preview", body, key="k")
    response = api.post(clerk, "/intake/state-corporation", {**body, "signature": signature}, key="k")

    # then
    for refused in (preview, response):
        assert refused.status_code == 422
        assert refused.json()["code"] == "not_operator_here"
    _nothing_written()


@pytest.mark.django_db
def test_a_branch_of_another_oblast_does_not_take_the_service(api: ApiClient, branch: dict[str, Any]) -> None:
    # given: an operator of a Karaganda branch, asked for a West Kazakhstan service
    karaganda = api.ok(api.get(None, f"/services/{KARAGANDA_SERVICE}/state-corporation-branches"))[0]
    operator = staff_member("sc_operator", Organization.objects.get(pk=karaganda["id"]))
    body = sc_signed(api, operator, {**_body(api, branch), "branch": karaganda["id"]}, key="k")

    # when
    response = api.post(operator, "/intake/state-corporation", body, key="k")

    # then
    assert response.status_code == 422
    assert response.json()["code"] == "not_a_branch"
    _nothing_written()


@pytest.mark.django_db
def test_an_applicant_missing_from_gbd_fl_gets_data_cannot_be_obtained(
    api: ApiClient, branch: dict[str, Any], operator: User
) -> None:
    # given
    body = sc_signed(api, operator, _body(api, branch, iin=dataset_default().absent_iin()), key="window-3-0005")

    # when
    response = api.post(operator, "/intake/state-corporation", body, key="window-3-0005")
    again = api.post(operator, "/intake/state-corporation", body, key="window-3-0005")

    # then
    expected = {"code": "data_unavailable", "message": dict(data_unavailable_messages("gbd_fl"))}
    assert (response.status_code, response.json()) == (422, expected)
    assert (again.status_code, again.json()) == (422, expected)
    assert response.json()["message"]["ru"] == "Получение данных невозможно в связи с отсутствием данных в ГБД ФЛ."
    assert not Case.objects.exists()
    assert Intake.objects.get().status == "no_data"


@pytest.mark.django_db
def test_an_expired_notarised_power_of_attorney_gets_the_receipt_of_refusal(
    api: ApiClient, branch: dict[str, Any], operator: User
) -> None:
    # given: Bauyrzhan's representative with a notarised power of attorney that ended in 2022
    applicant = {"iin": BAUYRZHAN, "representative_iin": GULNAR,
                 "power_of_attorney": {"number": "ENIS-2021-000003", "notarised": True}}
    body = sc_signed(api, operator, _body(api, branch, **applicant), key="window-3-0006")

    # when
    receipt = api.ok(api.post(operator, "/intake/state-corporation", body, key="window-3-0006"), 200)

    # then
    assert (receipt["kind"], receipt["form"], receipt["grounds"], receipt["missing"]) == (
        "refusal_to_accept", "Standard app. 4", ["expired_documents"], ["power_of_attorney ENIS-2021-000003"])
    assert (receipt["case"], receipt["channel"], receipt["organization"]["id"]) == (None, "state_corporation",
                                                                                    branch["id"])
    assert not Case.objects.exists()
    assert Receipt.objects.count() == 1


@pytest.mark.django_db
def test_while_the_registry_is_down_the_application_waits_and_is_filed_once_it_answers(
    api: ApiClient, clock: time_machine.Coordinates, branch: dict[str, Any], operator: User,
    registry: SimulatorServer
) -> None:
    # given
    registry.simulator.fault_set("down")
    body = sc_signed(api, operator, _body(api, branch), key="window-3-0007")

    # when: sent while ГБД ФЛ does not answer
    waiting = api.ok(api.post(operator, "/intake/state-corporation", body, key="window-3-0007"), 202)

    # then: kept, not yet at the provider
    assert waiting["status"] == "waiting_registry"
    assert waiting["message"]["en"].startswith("Waiting for State database of individuals")
    assert set(waiting["message"]) == {"kk", "ru", "en"}
    assert (waiting["case"], waiting["receipt"]) == (None, None)
    assert not Case.objects.exists()

    # when: the registry is back and the gateway's sweeper runs
    registry.simulator.fault_set("none")
    clock.shift(timedelta(minutes=1))
    report = gateway_retry_pending(now=timezone.now())

    # then: the case is filed and visible through the API
    assert report.answered == 1
    filed = api.ok(api.get(operator, f"/intake/state-corporation/{waiting['number']}"))
    assert filed["status"] == "filed"
    assert filed["message"] is None
    case = api.ok(api.get(operator, f"/cases/{filed['case']['id']}"))
    assert (case["channel"], case["form"]["sc_intake"]) == ("state_corporation", waiting["number"])
    again = api.ok(api.post(operator, "/intake/state-corporation", body, key="window-3-0007"), 201)
    assert again["id"] == case["id"]
    assert Case.objects.count() == 1
    message = GatewayMessage.objects.get()
    assert registry.simulator.stats()["processed"] == {message.message_id: 1}


@pytest.mark.django_db
def test_an_intake_is_shown_only_to_the_staff_of_its_branch(
    api: ApiClient, branch: dict[str, Any], operator: User
) -> None:
    # given
    body = sc_signed(api, operator, _body(api, branch), key="window-3-0008")
    api.ok(api.post(operator, "/intake/state-corporation", body, key="window-3-0008"), 201)
    number = Intake.objects.get().number

    # when / then
    assert api.ok(api.get(operator, f"/intake/state-corporation/{number}"))["status"] == "filed"
    for outsider in (user(APPLICANT_IIN), staff_member("office_clerk", Organization.objects.get(pk=body["provider"]))):
        response = api.get(outsider, f"/intake/state-corporation/{number}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
