"""The State Corporation intake (process "1–8") against the registry simulator over real HTTP.

The demo organizations and staff are loaded in each test: the operator 811130471163 sits at the
West Kazakhstan branch `wko-sc`; the providers of the WKO services are the district akimats.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qyzmet.cases.models import Case, Receipt
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.services import catalog_sync
from qyzmet.gateway.models import GatewayMessage
from qyzmet.gateway.selectors import lookups_of_subject
from qyzmet.gateway.services import gateway_retry_pending
from qyzmet.gateway.simulator import dataset_default
from qyzmet.identity.demo import CITIZENS, load_demo
from qyzmet.identity.models import Organization, User
from qyzmet.signatures import pki
from qyzmet.signatures.profile import Purpose
from qyzmet.state_corporation.errors import HallError
from qyzmet.state_corporation.models import Intake
from qyzmet.state_corporation.selectors import intakes_waiting
from qyzmet.state_corporation.services import (
    IntakeSubmission,
    PowerOfAttorneyEntry,
    intake_message,
    sc_intake_refuse,
    sc_intake_submit,
    sc_request_document,
    ticket_issue,
)
from tests.gateway.fixtures import BASE_URL, OPERATOR_IIN, OperatorKey

CAMP = "wko-2019-camp-referrals"
GUARDIAN_ALLOWANCE = "wko-2019-guardian-allowance"
AYGUL, ERLAN, DINARA, BAUYRZHAN, GULNAR = (c.iin for c in CITIZENS)


@pytest.fixture
def hall(recorded_certificates: None) -> dict[str, Any]:
    """The catalogue and the demo organizations, staff and citizens (use with the django_db marker)."""
    catalog_sync(catalog=catalog_default(), now=datetime.now(UTC))
    load_demo()
    return {"branch": Organization.objects.get(code="wko-sc"), "operator": User.objects.get(iin=OPERATOR_IIN)}


def _submission(applicant: str = AYGUL, *, service: str = CAMP, **fields: Any) -> IntakeSubmission:
    return IntakeSubmission(request_id=str(uuid.uuid4()), service_id=service, applicant_iin=applicant,
                            documents=("application (Standard app. 1)",), **fields)


def _submit(hall: dict[str, Any], key: OperatorKey, submission: IntakeSubmission, client: Any,
            now: datetime | None = None, **extra: Any) -> Intake:
    content = sc_request_document(submission=submission, branch=hall["branch"], operator=hall["operator"])
    return sc_intake_submit(operator=hall["operator"], branch=hall["branch"], submission=submission,
                            signature=key.sign(content), now=now or datetime.now(UTC), client=client, **extra)


@pytest.mark.django_db
def test_a_full_intake_files_the_case_at_the_provider_signed_by_the_operator(hall, operator_key, make_client):
    # given
    ticket = ticket_issue(branch=hall["branch"], now=datetime.now(UTC), service_slug=CAMP)

    # when
    intake = _submit(hall, operator_key, _submission(), make_client(), ticket=ticket)

    # then
    assert intake.status == "filed"
    case = intake.case
    assert (case.channel, case.intake_office, case.confirmation) == (
        "state_corporation", hall["branch"], "operator_eds")
    assert (case.applicant_iin, case.applicant_name) == (AYGUL, "Нурланова Айгул Сериккызы")
    assert case.applicant == User.objects.get(iin=AYGUL)
    steps = list(case.tasks.values_list("step_id", "status", "branch"))
    assert steps == [
        ("hand_over", "done", ""), ("sc_login", "done", ""), ("sc_fill_request", "done", ""),
        ("query_registries", "done", ""), ("check_registries", "done", "found"), ("sc_send_request", "done", ""),
        ("register_in_gateway", "done", ""), ("sc_check_documents", "open", ""),
    ]
    assert case.tasks.get(step_id="sc_check_documents").organization == case.provider
    assert case.events.get(kind="case_filed").signature
    assert [row.case_number for row in lookups_of_subject(AYGUL)] == [case.number]
    assert intake.ticket == ticket


@pytest.mark.django_db
def test_an_applicant_missing_from_gbd_fl_stops_with_data_cannot_be_obtained(hall, operator_key, make_client):
    intake = _submit(hall, operator_key, _submission(dataset_default().absent_iin()), make_client())

    assert (intake.status, intake.result_registry, intake.case) == ("no_data", "gbd_fl", None)
    assert intake_message(intake)["ru"] == "Получение данных невозможно в связи с отсутствием данных в ГБД ФЛ."
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_representative_with_a_notarised_power_of_attorney_gets_its_data_filled_from_enis(
        hall, operator_key, make_client):
    submission = _submission(representative_iin=ERLAN,
                             power_of_attorney=PowerOfAttorneyEntry("ENIS-2024-000001", notarised=True))

    intake = _submit(hall, operator_key, submission, make_client())

    assert intake.status == "filed"
    filled = intake.case.form["power_of_attorney"]
    assert (filled["number"], filled["principal_iin"], filled["representative_iin"], filled["notarised"]) == (
        "ENIS-2024-000001", AYGUL, ERLAN, True)
    assert intake.case.representative_iin == ERLAN
    assert set(GatewayMessage.objects.values_list("registry", flat=True)) == {"gbd_fl", "enis"}


@pytest.mark.django_db
def test_a_power_of_attorney_certified_otherwise_is_not_filled_in_and_enis_is_not_asked(
        hall, operator_key, make_client):
    submission = _submission(DINARA, representative_iin=BAUYRZHAN,
                             power_of_attorney=PowerOfAttorneyEntry("ENIS-2024-000002", notarised=False))

    intake = _submit(hall, operator_key, submission, make_client())

    assert intake.status == "filed"
    assert intake.case.form["power_of_attorney"] is None
    assert list(GatewayMessage.objects.values_list("registry", flat=True)) == ["gbd_fl"]


@pytest.mark.django_db
def test_a_notarised_power_of_attorney_unknown_to_enis_stops_with_data_cannot_be_obtained(
        hall, operator_key, make_client):
    submission = _submission(representative_iin=ERLAN,
                             power_of_attorney=PowerOfAttorneyEntry("ENIS-2024-999999", notarised=True))

    intake = _submit(hall, operator_key, submission, make_client())

    assert (intake.status, intake.result_registry) == ("no_data", "enis")
    assert intake_message(intake)["kk"] == "Мәліметтерді алу мүмкін емес: БНАЖ жүйесінде деректер жоқ."
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_an_expired_notarised_power_of_attorney_is_refused_with_the_receipt(hall, operator_key, make_client):
    submission = _submission(BAUYRZHAN, representative_iin=GULNAR,
                             power_of_attorney=PowerOfAttorneyEntry("ENIS-2021-000003", notarised=True))

    intake = _submit(hall, operator_key, submission, make_client())

    assert intake.status == "refused_to_accept"
    assert (intake.receipt.kind, intake.receipt.form, intake.receipt.grounds) == (
        "refusal_to_accept", "Standard app. 2", ["expired_documents"])
    assert not Case.objects.exists()


@pytest.mark.parametrize(("service", "form"), [(CAMP, "Standard app. 2"), (GUARDIAN_ALLOWANCE, "Standard app. 3")])
@pytest.mark.django_db
def test_an_incomplete_package_is_refused_with_the_receipt_form_of_the_regulation(hall, registry, service, form):
    # when
    receipt = sc_intake_refuse(operator=hall["operator"], branch=hall["branch"], service_id=service,
                               applicant_iin=GULNAR, applicant_name="Есенова Гүлнар Талғатқызы",
                               missing=("birth certificate of the child",), now=datetime.now(UTC))

    # then
    assert (receipt.kind, receipt.form, receipt.grounds, receipt.missing) == (
        Receipt.Kind.REFUSAL_TO_ACCEPT, form, ["incomplete_package"], ["birth certificate of the child"])
    assert receipt.case is None
    assert Intake.objects.get().status == "refused_to_accept"
    assert not Case.objects.exists()
    assert registry.simulator.stats()["requests"] == 0


@pytest.mark.django_db
def test_the_state_corporation_may_not_refuse_where_the_regulation_gives_that_to_the_provider(hall):
    with pytest.raises(HallError) as raised:
        sc_intake_refuse(operator=hall["operator"], branch=hall["branch"],
                         service_id="wko-2019-guardianship-establishment", applicant_iin=GULNAR,
                         applicant_name="Есенова Гүлнар", missing=("x",), now=datetime.now(UTC))

    assert raised.value.code == "sc_may_not_refuse"
    assert not Receipt.objects.exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_an_intake_whose_registry_is_down_waits_and_is_filed_once_it_is_back(hall, operator_key, make_client,
                                                                            registry):
    # given
    registry.simulator.fault_set("down")
    client = make_client()
    now = datetime.now(UTC)

    # when
    waiting = _submit(hall, operator_key, _submission(), client, now=now)
    shown = intake_message(waiting)
    registry.simulator.fault_set("none")
    gateway_retry_pending(now=now + timedelta(minutes=1), client=client)
    gateway_retry_pending(now=now + timedelta(minutes=5), client=client)

    # then
    assert waiting.status == "waiting_registry"
    assert shown is not None and shown["en"].startswith("Waiting for State database of individuals")
    intake = Intake.objects.get()
    assert intake.status == "filed"
    assert Case.objects.count() == 1
    assert not intakes_waiting(hall["branch"]).exists()
    message = GatewayMessage.objects.get()
    assert registry.simulator.stats()["processed"] == {message.message_id: 1}
    assert message.case_number == intake.case.number


@pytest.mark.django_db
def test_a_repeated_submission_returns_the_first_intake(hall, operator_key, make_client):
    submission = _submission()
    client = make_client()

    first = _submit(hall, operator_key, submission, client)
    second = _submit(hall, operator_key, submission, client)

    assert first.pk == second.pk
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_request_not_signed_by_the_operator_is_refused_and_nothing_is_written(hall, operator_key, make_client):
    submission = _submission()

    with pytest.raises(HallError) as raised:
        sc_intake_submit(operator=hall["operator"], branch=hall["branch"], submission=submission,
                         signature=operator_key.sign(b"something else"), now=datetime.now(UTC),
                         client=make_client())

    assert (raised.value.code, raised.value.message("en")) == (
        "signature_invalid", "The operator's EDS is not confirmed: CONTENT_TAMPERED")
    assert not Intake.objects.exists()
    assert not GatewayMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("organization", "code"), [(None, "BIN_PERSONAL_KEY"), ("wko", "BIN_MISMATCH")])
def test_a_request_signed_with_the_operators_personal_or_another_organizations_key_is_refused(
    hall, gateway_ca, recorded_certificates, make_client, organization, code
):
    # given the operator's own key (right IIN), personal or as staff of the oblast akimat
    from qyzmet.signatures.profile import Holder
    from qyzmet.signatures.services import certificate_record_issued

    other = Organization.objects.get(code=organization) if organization else None
    key = pki.key_generate()
    holder = Holder(iin=OPERATOR_IIN, surname="ОПЕРАТОР", first_name="ТЕСТ", bin=other.bin if other else "",
                    organization=other.name_ru if other else "")
    certificate = pki.certificate_issue(gateway_ca, holder=holder, purpose=Purpose.SIGN,
                                        public_key=key.public_key(), base_url=BASE_URL, now=datetime.now(UTC))
    certificate_record_issued(pki=gateway_ca, certificate=certificate, purpose=Purpose.SIGN, now=datetime.now(UTC))
    signer = OperatorKey(key=key, certificate=certificate, chain=gateway_ca.chain)
    submission = _submission()
    content = sc_request_document(submission=submission, branch=hall["branch"], operator=hall["operator"])

    # when
    with pytest.raises(HallError) as raised:
        sc_intake_submit(operator=hall["operator"], branch=hall["branch"], submission=submission,
                         signature=signer.sign(content), now=datetime.now(UTC), client=make_client())

    # then
    assert (raised.value.code, raised.value.message("en")) == (
        "signature_invalid", f"The operator's EDS is not confirmed: {code}")
    assert not Intake.objects.exists()


@pytest.mark.django_db
def test_only_an_operator_of_the_branch_takes_applications(hall, operator_key, make_client):
    clerk = User.objects.get(staff_roles__role="office_clerk", staff_roles__organization__code="wko-terekti")
    hall = {**hall, "operator": clerk}

    with pytest.raises(HallError) as raised:
        _submit(hall, operator_key, _submission(), make_client())

    assert raised.value.code == "not_operator_here"


def test_the_gateway_log_holds_any_case_number_an_intake_files() -> None:
    # Long provider codes (Karaganda's departments) make case numbers longer than 40 characters;
    # linking the look-ups to such a case failed on PostgreSQL.
    assert GatewayMessage._meta.get_field("case_number").max_length == Case._meta.get_field("number").max_length
