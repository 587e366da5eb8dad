"""Staff intake through the API: office, rural akim, refusal to accept; idempotency keys.

The State Corporation's intake (through the registries) is in `test_state_corporation`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from qyzmet.cases.intake import ORIGINALS_NOT_COMPARED
from qyzmet.cases.models import Case, Receipt
from qyzmet.core.i18n import render_messages
from qyzmet.identity.demo import iin_for
from qyzmet.identity.models import Organization, User
from tests.api.helpers import APPLICANT_IIN, OTHER_CITIZEN_IIN, ApiClient, staff_member, user

WITH_RECEIPT = "jambyl-2015-adoption-candidates"  # receipt of acceptance; originals compared and returned
WITH_CONDITION = "karaganda-2015-targeted-social-assistance"  # rural akim only where no provider at residence


def _provider(api: ApiClient, service: str) -> dict[str, Any]:
    return dict(api.ok(api.get(None, f"/services/{service}/providers"))[0])


def _clerk(provider: dict[str, Any]) -> User:
    return staff_member("office_clerk", Organization.objects.get(pk=provider["id"]))


def _office_body(service: str, provider: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"service": service, "provider": provider["id"], "applicant": {"iin": APPLICANT_IIN},
            "originals_compared": True, **extra}


@pytest.mark.django_db
def test_office_intake_gives_the_receipt_with_the_incoming_number(api: ApiClient) -> None:
    # given
    provider = _provider(api, WITH_RECEIPT)
    clerk = _clerk(provider)

    # when
    case = api.ok(api.post(clerk, "/intake/office", _office_body(WITH_RECEIPT, provider)), 201)

    # then
    assert case["channel"] == "provider_office"
    assert case["confirmation"] == "paper"
    assert case["applicant"]["name"] == user(APPLICANT_IIN).full_name
    [receipt] = case["receipts"]
    assert receipt["kind"] == "acceptance"
    assert receipt["case"] == case["id"]
    assert receipt["organization"]["id"] == provider["id"]
    for person in (user(APPLICANT_IIN), clerk):
        assert api.ok(api.get(person, f"/receipts/{receipt['number']}"))["number"] == receipt["number"]
    assert api.get(user(OTHER_CITIZEN_IIN), f"/receipts/{receipt['number']}").status_code == 404


@pytest.mark.django_db
def test_office_intake_needs_the_originals_compared_where_the_regulation_says_so(api: ApiClient) -> None:
    provider = _provider(api, WITH_RECEIPT)

    response = api.post(_clerk(provider), "/intake/office",
                        _office_body(WITH_RECEIPT, provider, originals_compared=False))

    assert response.status_code == 422
    assert response.json() == {"code": "originals_not_compared", "message": render_messages(ORIGINALS_NOT_COMPARED)}
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_same_idempotency_key_files_one_case(api: ApiClient) -> None:
    provider = _provider(api, WITH_RECEIPT)
    clerk = _clerk(provider)
    body = _office_body(WITH_RECEIPT, provider)

    first = api.ok(api.post(clerk, "/intake/office", body, key="7a0c2d3e-retry"), 201)
    second = api.ok(api.post(clerk, "/intake/office", body, key="7a0c2d3e-retry"), 201)

    assert second["id"] == first["id"]
    assert second["number"] == first["number"]
    assert Case.objects.count() == 1
    assert Receipt.objects.count() == 1

    third = api.ok(api.post(clerk, "/intake/office", body, key="another-key"), 201)
    assert third["id"] != first["id"]
    assert Case.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 201, "ключ"])
def test_a_malformed_idempotency_key_is_refused(api: ApiClient, key: str) -> None:
    provider = _provider(api, WITH_RECEIPT)

    response = api.post(_clerk(provider), "/intake/office", _office_body(WITH_RECEIPT, provider), key=key)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_an_applicant_without_an_account_is_filed_by_iin_and_name(api: ApiClient) -> None:
    provider = _provider(api, WITH_RECEIPT)
    iin = iin_for(date(1990, 1, 1), "M", 4242)
    body = _office_body(WITH_RECEIPT, provider, applicant={"iin": iin, "name": "Сейітов Марат"})

    case = api.ok(api.post(_clerk(provider), "/intake/office", body), 201)

    assert case["applicant"] == {"iin": iin, "name": "Сейітов Марат"}
    assert Case.objects.get().applicant is None


@pytest.mark.django_db
def test_an_iin_with_a_wrong_check_digit_is_refused(api: ApiClient) -> None:
    provider = _provider(api, WITH_RECEIPT)
    iin = iin_for(date(1990, 1, 1), "M", 4242)
    wrong = iin[:-1] + str((int(iin[-1]) + 1) % 10)
    body = _office_body(WITH_RECEIPT, provider, applicant={"iin": wrong, "name": "Сейітов Марат"})

    response = api.post(_clerk(provider), "/intake/office", body)

    assert response.status_code == 422
    assert response.json()["code"] == "check_digit"
    assert set(response.json()["message"]) == {"kk", "ru", "en"}
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_refusal_to_accept_gives_a_receipt_and_no_case(api: ApiClient) -> None:
    # given
    service = "wko-2019-school-meals"
    provider = _provider(api, service)
    clerk = _clerk(provider)
    body = {"service": service, "channel": "provider_office", "organization": provider["id"],
            "applicant": {"iin": APPLICANT_IIN}, "grounds": ["incomplete_package"],
            "missing": ["справка с места учебы"]}

    # when
    first = api.ok(api.post(clerk, "/intake/refusals", body, key="refusal-1"), 201)
    again = api.ok(api.post(clerk, "/intake/refusals", body, key="refusal-1"), 201)

    # then
    assert first == again
    assert first["kind"] == "refusal_to_accept"
    assert first["case"] is None
    assert first["grounds"] == ["incomplete_package"]
    assert first["missing"] == ["справка с места учебы"]
    assert Receipt.objects.count() == 1
    assert not Case.objects.exists()
    assert api.ok(api.get(user(APPLICANT_IIN), f"/receipts/{first['number']}"))["kind"] == "refusal_to_accept"


@pytest.mark.django_db
def test_refusal_to_accept_needs_a_ground_of_the_regulation(api: ApiClient) -> None:
    service = "wko-2019-school-meals"
    provider = _provider(api, service)
    body = {"service": service, "channel": "provider_office", "organization": provider["id"],
            "applicant": {"iin": APPLICANT_IIN}, "grounds": ["bad_mood"]}

    response = api.post(_clerk(provider), "/intake/refusals", body)

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed.decision_required"
    assert not Receipt.objects.exists()


@pytest.mark.django_db
def test_rural_akim_intake_forwards_to_the_provider(api: ApiClient) -> None:
    provider = _provider(api, WITH_CONDITION)
    office = api.ok(api.get(None, f"/services/{WITH_CONDITION}/rural-akim-offices", provider=provider["id"]))[0]
    specialist = staff_member("akim_office_specialist", Organization.objects.get(pk=office["id"]))

    case = api.ok(api.post(specialist, "/intake/rural-akim", {
        "service": WITH_CONDITION, "akim_office": office["id"], "provider": provider["id"],
        "applicant": {"iin": APPLICANT_IIN}}), 201)

    assert case["channel"] == "rural_akim"
    assert case["intake_office"]["id"] == office["id"]
    assert case["provider"]["id"] == provider["id"]
    assert case["form"]["residence"] == office["code"]


@pytest.mark.django_db
def test_rural_akim_intake_only_where_no_provider_sits_at_the_residence(api: ApiClient) -> None:
    provider = _provider(api, WITH_CONDITION)
    office = api.ok(api.get(None, f"/services/{WITH_CONDITION}/rural-akim-offices", provider=provider["id"]))[0]
    specialist = staff_member("akim_office_specialist", Organization.objects.get(pk=office["id"]))

    response = api.post(specialist, "/intake/rural-akim", {
        "service": WITH_CONDITION, "akim_office": office["id"], "provider": provider["id"],
        "residence": provider["id"], "applicant": {"iin": APPLICANT_IIN}})

    assert response.status_code == 422
    assert response.json()["code"] == "channel_condition_not_met"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_office_intake_at_an_organization_that_does_not_provide_the_service_is_refused(api: ApiClient) -> None:
    # given: the Terekti district's clerk, asked to register a Jambyl service there
    terekti = Organization.objects.get(code="wko-terekti")
    body = _office_body(WITH_RECEIPT, {"id": terekti.pk})

    # when
    response = api.post(staff_member("office_clerk", terekti), "/intake/office", body)

    # then
    assert response.status_code == 422
    assert response.json() == {"code": "provider_unsuitable", "message": {
        "kk": "«wko-terekti» бұл қызметті көрсетпейді", "ru": "«wko-terekti» не оказывает эту услугу",
        "en": "'wko-terekti' does not provide this service"}}
    assert not Case.objects.exists()
    assert not Receipt.objects.exists()


@pytest.mark.django_db
def test_refusal_to_accept_by_a_party_the_regulation_does_not_name_is_refused(api: ApiClient) -> None:
    # given: the guardian allowance lets only the State Corporation refuse to accept
    service = "wko-2019-guardian-allowance"
    provider = _provider(api, service)
    body = {"service": service, "channel": "portal", "organization": provider["id"],
            "applicant": {"iin": APPLICANT_IIN}, "grounds": ["incomplete_package"]}

    # when
    response = api.post(_clerk(provider), "/intake/refusals", body)

    # then
    assert response.status_code == 422
    assert response.json()["code"] == "refusal_to_accept_not_by_party"
    assert response.json()["message"]["en"] == (
        "Under the regulation the provider may not refuse to accept; only the State Corporation may")
    assert not Receipt.objects.exists()


# --- the Standard p.9 checklist, as at the desk (cases.intake.package_check) ---------------------------------

CHECKLIST_SERVICE = "wko-2019-school-meals"  # the office may refuse to accept an incomplete package (its p.8)


def _checklist() -> None:
    from django.utils import timezone

    from qyzmet.catalog.models import Service, StandardList

    # an administrator's list (test data, not the Standard's text)
    StandardList.objects.create(
        service=Service.objects.get(slug=CHECKLIST_SERVICE), kind="documents_required",
        items_kk="Өтініш\nАнықтама", items_ru="Заявление\nСправка с места учёбы", items_en="",
        source="Standard p.9 (test)", updated_at=timezone.now())


@pytest.mark.django_db
def test_the_standard_lists_are_read_in_the_language_asked(api: ApiClient) -> None:
    _checklist()

    lists = api.ok(api.get(None, f"/services/{CHECKLIST_SERVICE}/standard-lists?language=ru"))

    assert lists["documents_required"] == {"items": ["Заявление", "Справка с места учёбы"],
                                           "source": "Standard p.9 (test)", "administered": True}
    assert lists["refusal_grounds"]["administered"] is False


@pytest.mark.django_db
def test_an_office_intake_missing_a_listed_document_is_refused_and_files_nothing(api: ApiClient) -> None:
    _checklist()
    provider = _provider(api, CHECKLIST_SERVICE)

    response = api.post(_clerk(provider), "/intake/office",
                        _office_body(CHECKLIST_SERVICE, provider, presented=[0], language="ru"))

    assert response.status_code == 422
    assert response.json()["code"] == "package_incomplete"
    assert "Справка с места учёбы" in response.json()["message"]["ru"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_complete_package_is_filed_with_the_handed_in_documents_first(api: ApiClient) -> None:
    _checklist()
    provider = _provider(api, CHECKLIST_SERVICE)
    body = _office_body(CHECKLIST_SERVICE, provider, presented=[1, 0], language="ru",
                        attachments=[{"name": "scan.pdf", "sha256": "ab" * 32}])

    case = api.ok(api.post(_clerk(provider), "/intake/office", body), 201)

    names = [attachment["name"] for attachment in Case.objects.get(pk=case["id"]).attachments]
    assert names == ["Заявление", "Справка с места учёбы", "scan.pdf"]


@pytest.mark.django_db
def test_a_presented_index_past_the_list_is_refused(api: ApiClient) -> None:
    _checklist()
    provider = _provider(api, CHECKLIST_SERVICE)

    response = api.post(_clerk(provider), "/intake/office", _office_body(CHECKLIST_SERVICE, provider, presented=[2]))

    assert response.status_code == 422
    assert response.json()["code"] == "presented_out_of_range"
    assert not Case.objects.exists()
