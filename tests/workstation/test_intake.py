"""Intake at the window: the request the operator signs with their EDS, the registries over real HTTP,
and what the operator is shown (case number, waiting for a registry, no data, refusal receipt)."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from qyzmet.api.services import sc_request_id
from qyzmet.cases.models import Case, Receipt
from qyzmet.gateway.models import GatewayMessage
from qyzmet.gateway.services import gateway_retry_pending
from qyzmet.gateway.simulator import SimulatorServer, dataset_default
from qyzmet.identity.demo import CITIZENS
from qyzmet.identity.models import Organization, User
from qyzmet.state_corporation.models import Intake
from qyzmet.state_corporation.services import IntakeSubmission, sc_request_document, ticket_issue
from tests.api.helpers import key_for, sign_b64
from tests.workstation.conftest import JAMBYL_OPERATOR_IIN

pytestmark = pytest.mark.django_db

SERVICE = "wko-2019-school-transport"  # ГБД ФЛ and ЕНИС; the State Corporation may refuse expired documents
AYGUL, BAUYRZHAN, GULNAR = CITIZENS[0].iin, CITIZENS[3].iin, CITIZENS[4].iin
DOCUMENT = "application (Standard app. 1)"


def _fields(**changes: Any) -> dict[str, Any]:
    return {"service": SERVICE, "provider": "", "applicant_iin": AYGUL, "applicant_bin": "",
            "representative_iin": "", "poa_number": "", "documents": DOCUMENT, "request_key": "window-3-0001",
            **changes}


def _preview(desk: Client, fields: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Step 1 as the browser sends it; returns the signing form's fields and the bytes to sign."""
    page = desk.post("/en/hall/desk/intake/", fields)
    assert page.status_code == 200, page.content.decode()[:3000]
    text = page.content.decode()
    form = text[text.index("data-eds-form"):text.index("</form>", text.index("data-eds-form"))]
    hidden: dict[str, Any] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        if name == "documents":
            hidden.setdefault("documents", []).append(html.unescape(value))
        elif name != "csrfmiddlewaretoken":
            hidden[name] = html.unescape(value)
    content = base64.b64decode(re.search(r'name="signature" data-eds-sign="([^"]+)"', form).group(1))
    return hidden, content


def _signed(desk: Client, operator: User, branch: Organization, fields: dict[str, Any],
            signer: User | None = None) -> dict[str, Any]:
    hidden, content = _preview(desk, fields)
    bundle = key_for(signer or operator, organization=None if signer else branch)
    return {**hidden, "signature": sign_b64(bundle, content)}


def _nothing_written() -> None:
    assert not Intake.objects.exists()
    assert not GatewayMessage.objects.exists()
    assert not Case.objects.exists()


def test_the_intake_form_lists_the_branchs_services(desk: Client, branch: Organization) -> None:
    page = desk.get("/en/hall/desk/intake/").content.decode()

    assert f'<option value="{SERVICE}"' in page
    assert "karaganda-2015-child-allowance" not in page
    assert re.search(r'name="request_key" value="[0-9a-f-]{36}"', page)


def test_step_one_shows_the_exact_request_bytes_and_writes_nothing(
    desk: Client, branch: Organization, operator: User
) -> None:
    # when
    _, content = _preview(desk, _fields())

    # then: the hall's request document for these fields, bound to this operator's request id
    expected = sc_request_document(submission=IntakeSubmission(
        request_id=sc_request_id(user=operator, key="window-3-0001"), service_id=SERVICE, applicant_iin=AYGUL,
        documents=(DOCUMENT,)), branch=branch, operator=operator)
    assert content == expected
    assert json.loads(content)["operator"] == operator.iin
    _nothing_written()


def test_a_signed_intake_files_the_case_and_shows_its_number(
    desk: Client, branch: Organization, operator: User, registry: SimulatorServer
) -> None:
    # given: ticket 001 called to the operator's window
    ticket_issue(branch=branch, now=timezone.now(), service_slug=SERVICE)
    desk.post("/en/hall/desk/window/open/", {"number": "3"})
    desk.post("/en/hall/desk/call-next/")
    body = _signed(desk, operator, branch, _fields())

    # when
    response = desk.post("/en/hall/desk/intake/submit/", body)

    # then
    intake = Intake.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/hall/desk/intakes/{intake.number}/?branch=wko-sc"
    case = Case.objects.get()
    assert (intake.status, intake.case, intake.ticket.number) == ("filed", case, "001")
    assert (case.channel, case.intake_office, case.confirmation, case.applicant_name) == (
        "state_corporation", branch, "operator_eds", "Нурланова Айгул Сериккызы")
    page = desk.get(response["Location"]).content.decode()
    assert f"case {case.number}" in page and "Filed at the provider" in page
    assert "State database of individuals" in page and ">found<" in page


def test_a_double_submit_makes_one_intake_and_one_case(
    desk: Client, branch: Organization, operator: User, registry: SimulatorServer
) -> None:
    body = _signed(desk, operator, branch, _fields())

    first = desk.post("/en/hall/desk/intake/submit/", body)
    second = desk.post("/en/hall/desk/intake/submit/", body)

    assert first["Location"] == second["Location"]
    assert Intake.objects.count() == 1 and Case.objects.count() == 1
    message = GatewayMessage.objects.get()
    assert registry.simulator.stats()["processed"] == {message.message_id: 1}


def test_a_request_signed_by_someone_else_is_refused_and_nothing_is_written(
    desk: Client, branch: Organization, operator: User
) -> None:
    # given: the operator's request, signed with the applicant's own key
    body = _signed(desk, operator, branch, _fields(), signer=User.objects.get(iin=AYGUL))

    # when
    response = desk.post("/ru/hall/desk/intake/submit/", body)

    # then
    assert response.status_code == 422
    assert "ЭЦП оператора не подтверждена: IIN_MISMATCH" in response.content.decode()
    _nothing_written()


def test_a_request_changed_after_it_was_signed_is_refused(
    desk: Client, branch: Organization, operator: User
) -> None:
    body = _signed(desk, operator, branch, _fields())

    response = desk.post("/en/hall/desk/intake/submit/", {**body, "documents": ["another document"]})

    assert response.status_code == 422
    assert "CONTENT_TAMPERED" in response.content.decode()
    _nothing_written()


def test_a_bad_iin_is_refused_at_step_one_in_the_operators_language(desk: Client, branch: Organization) -> None:
    response = desk.post("/ru/hall/desk/intake/", _fields(applicant_iin="880314412010"))

    assert response.status_code == 422
    assert 'class="errorlist"' in response.content.decode()
    assert "data-eds-sign" not in response.content.decode()
    _nothing_written()


def test_a_representative_without_a_power_of_attorney_is_stopped_at_step_one(
    desk: Client, branch: Organization
) -> None:
    response = desk.post("/ru/hall/desk/intake/", _fields(representative_iin=GULNAR))

    assert response.status_code == 422
    assert "Для представителя нужна доверенность" in response.content.decode()


def test_while_the_registry_is_down_the_intake_waits_and_is_filed_once_it_answers(
    desk: Client, branch: Organization, operator: User, registry: SimulatorServer, clock: time_machine.Coordinates
) -> None:
    # given
    registry.simulator.fault_set("down")
    body = _signed(desk, operator, branch, _fields())

    # when
    response = desk.post("/en/hall/desk/intake/submit/", body)

    # then: kept, waiting, listed
    intake = Intake.objects.get()
    assert intake.status == "waiting_registry" and not Case.objects.exists()
    page = desk.get(response["Location"]).content.decode()
    assert "Waiting for State database of individuals" in page
    assert "no answer yet: asked again automatically" in page
    waiting = desk.get("/en/hall/desk/intakes/").content.decode()
    assert intake.number in waiting.split("Latest intakes")[0]
    assert "1 application waits for a registry." in desk.get("/en/hall/desk/").content.decode()

    # when: the registry is back and the gateway's sweeper runs
    registry.simulator.fault_set("none")
    clock.shift(timedelta(minutes=1))
    gateway_retry_pending(now=timezone.now())

    # then
    page = desk.get(response["Location"]).content.decode()
    case = Case.objects.get()
    assert f"case {case.number}" in page
    assert "No application is waiting for a registry." in desk.get("/en/hall/desk/intakes/").content.decode()


def test_an_applicant_missing_from_the_registry_gets_data_cannot_be_obtained(
    desk: Client, branch: Organization, operator: User
) -> None:
    body = _signed(desk, operator, branch, _fields(applicant_iin=dataset_default().absent_iin()))

    response = desk.post("/ru/hall/desk/intake/submit/", body)

    page = desk.get(response["Location"]).content.decode()
    assert "Получение данных невозможно в связи с отсутствием данных в ГБД ФЛ." in page
    assert not Case.objects.exists()


def test_an_expired_notarised_power_of_attorney_is_refused_with_the_receipt(
    desk: Client, branch: Organization, operator: User
) -> None:
    # given: Bauyrzhan's representative with a notarised power of attorney that ended in 2022
    fields = _fields(applicant_iin=BAUYRZHAN, representative_iin=GULNAR, poa_number="ENIS-2021-000003",
                     poa_notarised="on", request_key="window-3-0006")
    body = _signed(desk, operator, branch, fields)

    # when
    response = desk.post("/en/hall/desk/intake/submit/", body)

    # then
    receipt = Receipt.objects.get()
    assert (receipt.kind, receipt.grounds) == ("refusal_to_accept", ["expired_documents"])
    page = desk.get(response["Location"]).content.decode()
    assert "the power of attorney has expired" in page and receipt.number in page
    assert not Case.objects.exists()


def test_a_power_of_attorney_not_notarised_is_taken_without_its_data(
    desk: Client, branch: Organization, operator: User
) -> None:
    fields = _fields(applicant_iin=CITIZENS[2].iin, representative_iin=BAUYRZHAN, poa_number="ENIS-2024-000002")
    body = _signed(desk, operator, branch, fields)

    response = desk.post("/en/hall/desk/intake/submit/", body)

    intake = Intake.objects.get()
    assert intake.status == "filed" and intake.power_of_attorney == {"number": "ENIS-2024-000002",
                                                                     "notarised": False}
    assert intake.power_of_attorney_data == {}
    assert "not notarised: its data are not filled in" in desk.get(response["Location"]).content.decode()


def test_an_intake_is_shown_only_to_operators_of_its_branch(
    desk: Client, branch: Organization, operator: User
) -> None:
    desk.post("/en/hall/desk/intake/submit/", _signed(desk, operator, branch, _fields()))
    number = Intake.objects.get().number
    other = Client()
    other.force_login(User.objects.get(iin=JAMBYL_OPERATOR_IIN))

    assert other.get(f"/en/hall/desk/intakes/{number}/").status_code == 404
    assert other.post(f"/en/hall/desk/intakes/{number}/retry/").status_code == 404
    assert number not in other.get("/en/hall/desk/intakes/").content.decode()


def test_an_incomplete_package_is_refused_with_the_receipt_and_no_case(desk: Client, branch: Organization) -> None:
    # when
    response = desk.post("/en/hall/desk/intake/refuse/", {
        "service": SERVICE, "applicant_iin": AYGUL, "applicant_name": "Нұрланова Айгүл",
        "missing": "certificate of study", "expired": "", "request_key": "window-3-0009"})
    again = desk.post("/en/hall/desk/intake/refuse/", {
        "service": SERVICE, "applicant_iin": AYGUL, "applicant_name": "Нұрланова Айгүл",
        "missing": "certificate of study", "expired": "", "request_key": "window-3-0009"})

    # then
    receipt = Receipt.objects.get()
    intake = Intake.objects.get()
    assert (receipt.kind, receipt.grounds, receipt.missing) == (
        "refusal_to_accept", ["incomplete_package"], ["certificate of study"])
    assert (intake.status, intake.receipt) == ("refused_to_accept", receipt)
    assert response["Location"] == again["Location"] == f"/en/hall/desk/intakes/{intake.number}/?branch=wko-sc"
    page = desk.get(response["Location"]).content.decode()
    assert receipt.number in page and "certificate of study" in page
    assert not Case.objects.exists()


def test_a_refusal_with_nothing_missing_is_refused_in_the_operators_language(
    desk: Client, branch: Organization
) -> None:
    response = desk.post("/ru/hall/desk/intake/refuse/", {
        "service": SERVICE, "applicant_iin": AYGUL, "applicant_name": "Нұрланова Айгүл",
        "missing": "", "expired": "", "request_key": "window-3-0010"})

    assert response.status_code == 422
    assert "Укажите недостающий или просроченный документ" in response.content.decode()
    assert not Receipt.objects.exists() and not Intake.objects.exists()


def test_where_the_regulation_does_not_let_the_branch_refuse_nothing_is_issued(
    desk: Client, branch: Organization
) -> None:
    # given: guardianship establishment, refused to accept by the provider only
    response = desk.post("/en/hall/desk/intake/refuse/", {
        "service": "wko-2019-guardianship-establishment", "applicant_iin": AYGUL, "applicant_name": "Айгүл",
        "missing": "certificate", "expired": "", "request_key": "window-3-0011"})

    assert response.status_code == 422
    assert "The regulation does not let the State Corporation refuse to accept" in response.content.decode()
    assert not Receipt.objects.exists() and not Intake.objects.exists()


def test_the_operator_asks_the_registry_again_once_it_is_back(
    desk: Client, branch: Organization, operator: User, registry: SimulatorServer, clock: time_machine.Coordinates
) -> None:
    # given: an intake kept while ГБД ФЛ was down
    registry.simulator.fault_set("down")
    response = desk.post("/en/hall/desk/intake/submit/", _signed(desk, operator, branch, _fields()))
    intake = Intake.objects.get()
    assert intake.status == "waiting_registry"

    # when: the registry is back and the operator presses "ask again"
    registry.simulator.fault_set("none")
    clock.shift(timedelta(minutes=1))
    again = desk.post(f"/en/hall/desk/intakes/{intake.number}/retry/")

    # then
    assert again["Location"] == response["Location"]
    intake.refresh_from_db()
    assert intake.status == "filed" and Case.objects.get() == intake.case
