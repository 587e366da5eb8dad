"""Portal applications through the API: a draft, the bytes to sign, EDS or one-time password, submission."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from qyzmet.api.models import ApplicationDraft
from qyzmet.cases.intake import Application, application_bytes
from qyzmet.cases.models import Case, CaseEvent
from qyzmet.core.i18n import render_messages
from qyzmet.identity.models import Organization, SmsOutbox, User
from qyzmet.identity.otp import WRONG_CODE_MESSAGES
from tests.api.helpers import (
    APPLICANT_IIN,
    NO_MOBILE_IIN,
    OTHER_CITIZEN_IIN,
    ApiClient,
    key_for,
    sign_b64,
    user,
)

EDS_OR_OTP = "wko-2019-school-transport"
EDS_ONLY = "wko-2019-school-meals"
NO_PORTAL = "karaganda-2015-child-allowance"
ATTACHMENTS = [{"name": "birth-certificate.pdf", "sha256": "0f" * 32, "size": 1024}]
# Queries of one signed portal application (ADR 0029): the draft, and the submission with the engine's writes.
DRAFT_QUERIES = 6
SUBMIT_QUERIES = 42


def _provider(api: ApiClient, service: str) -> dict[str, Any]:
    return dict(api.ok(api.get(None, f"/services/{service}/providers"))[0])


def _draft(api: ApiClient, person: User, service: str = EDS_OR_OTP, *, key: str | None = None) -> dict[str, Any]:
    body = {"service": service, "provider": _provider(api, service)["id"], "form": {"school": "№ 7", "grade": 3},
            "attachments": ATTACHMENTS}
    return dict(api.ok(api.post(person, "/applications", body, key=key), 201))


def _sent_code() -> str:
    message = SmsOutbox.objects.order_by("-pk").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.text)
    assert found is not None
    return found.group(1)


@pytest.mark.django_db
def test_draft_shows_the_exact_bytes_to_sign(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)

    draft = _draft(api, citizen)

    stored = ApplicationDraft.objects.get(pk=draft["id"])
    expected = application_bytes(version=stored.service_version, provider=stored.provider, applicant_iin=citizen.iin,
                                 application=Application(form=stored.form, attachments=stored.attachments))
    assert base64.b64decode(draft["content"]) == expected
    assert draft["confirmation"] == ["eds", "otp"]
    assert draft["otp_purpose"].startswith("application:")
    assert draft["attachments"] == ATTACHMENTS
    assert draft["case"] is None
    assert api.ok(api.get(citizen, f"/applications/{draft['id']}")) == draft


@pytest.mark.django_db
def test_signed_application_becomes_a_case(api: ApiClient) -> None:
    # given
    citizen = user(APPLICANT_IIN)
    draft = _draft(api, citizen)
    signature = sign_b64(key_for(citizen), base64.b64decode(draft["content"]))

    # when
    case = api.ok(api.post(citizen, f"/applications/{draft['id']}/submit", {"signature": signature}), 201)

    # then
    assert case["channel"] == "portal"
    assert case["confirmation"] == "eds"
    assert case["status"] == "in_progress"
    assert case["applicant"] == {"iin": citizen.iin, "name": citizen.full_name}
    assert case["form"] == {"school": "№ 7", "grade": 3}
    assert CaseEvent.objects.filter(case_id=case["id"], kind="case_filed").get().signature == signature
    assert api.ok(api.get(citizen, f"/applications/{draft['id']}"))["case"]["id"] == case["id"]
    assert [c["id"] for c in api.ok(api.get(citizen, "/cases"))["items"]] == [case["id"]]


@pytest.mark.django_db
def test_submitting_twice_makes_one_case(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)
    draft = _draft(api, citizen)
    signature = sign_b64(key_for(citizen), base64.b64decode(draft["content"]))

    first = api.ok(api.post(citizen, f"/applications/{draft['id']}/submit", {"signature": signature}), 201)
    second = api.ok(api.post(citizen, f"/applications/{draft['id']}/submit", {"signature": signature}), 201)

    assert first["id"] == second["id"]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_same_idempotency_key_returns_the_same_draft(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)

    first = _draft(api, citizen, key="draft-7d1c")
    second = _draft(api, citizen, key="draft-7d1c")
    other_person = _draft(api, user(OTHER_CITIZEN_IIN), key="draft-7d1c")

    assert first["id"] == second["id"]
    assert other_person["id"] != first["id"]
    assert ApplicationDraft.objects.count() == 2


@pytest.mark.django_db
def test_one_time_password_confirms_the_application(api: ApiClient) -> None:
    # given
    citizen = user(APPLICANT_IIN)
    draft = _draft(api, citizen)

    # when
    sent = api.ok(api.post(citizen, f"/applications/{draft['id']}/otp"), 201)
    case = api.ok(api.post(citizen, f"/applications/{draft['id']}/submit", {"otp_code": _sent_code()}), 201)

    # then
    assert sent["sent_to"].startswith("+770") and sent["sent_to"].endswith(citizen.mobile[-2:])
    assert "*" in sent["sent_to"]
    assert case["confirmation"] == "otp"


@pytest.mark.django_db
def test_a_wrong_one_time_password_is_refused_and_files_nothing(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)
    draft = _draft(api, citizen)
    api.ok(api.post(citizen, f"/applications/{draft['id']}/otp"), 201)
    wrong = "000000" if _sent_code() != "000000" else "111111"

    response = api.post(citizen, f"/applications/{draft['id']}/submit", {"otp_code": wrong})

    assert response.status_code == 422
    assert response.json() == {"code": "wrong_code", "message": dict(render_messages(WRONG_CODE_MESSAGES,
                                                                                      attempts_left=2))}
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_one_time_password_is_refused_where_the_regulation_offers_only_eds(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)
    draft = _draft(api, citizen, EDS_ONLY)
    assert draft["confirmation"] == ["eds"]
    api.ok(api.post(citizen, f"/applications/{draft['id']}/otp"), 201)

    response = api.post(citizen, f"/applications/{draft['id']}/submit", {"otp_code": _sent_code()})

    assert response.status_code == 422
    assert response.json()["code"] == "confirmation_not_offered"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_no_one_time_password_without_a_mobile_number(api: ApiClient) -> None:
    citizen = user(NO_MOBILE_IIN)
    draft = _draft(api, citizen)

    response = api.post(citizen, f"/applications/{draft['id']}/otp")

    assert response.status_code == 422
    assert response.json()["code"] == "mobile_missing"
    assert not SmsOutbox.objects.exists()


@pytest.mark.django_db
def test_no_one_time_password_after_submission(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)
    draft = _draft(api, citizen)
    signature = sign_b64(key_for(citizen), base64.b64decode(draft["content"]))
    api.ok(api.post(citizen, f"/applications/{draft['id']}/submit", {"signature": signature}), 201)

    response = api.post(citizen, f"/applications/{draft['id']}/otp")

    assert response.status_code == 409
    assert response.json()["code"] == "draft_submitted"


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["another_persons_key", "other_bytes", "not_base64", "no_confirmation"])
def test_an_unconfirmed_eds_is_refused_with_its_reason(api: ApiClient, case: str) -> None:
    citizen = user(APPLICANT_IIN)
    draft = _draft(api, citizen)
    content = base64.b64decode(draft["content"])
    body = {
        "another_persons_key": {"signature": sign_b64(key_for(user(OTHER_CITIZEN_IIN)), content)},
        "other_bytes": {"signature": sign_b64(key_for(citizen), content + b" ")},
        "not_base64": {"signature": "%%%"},
        "no_confirmation": {},
    }[case]

    response = api.post(citizen, f"/applications/{draft['id']}/submit", body)

    assert response.status_code == 422
    assert response.json()["code"] == "eds_not_confirmed"
    assert set(response.json()["message"]) == {"kk", "ru", "en"}
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_someone_elses_draft_is_not_found(api: ApiClient) -> None:
    draft = _draft(api, user(APPLICANT_IIN))
    bob = user(OTHER_CITIZEN_IIN)

    for response in (
        api.get(bob, f"/applications/{draft['id']}"),
        api.post(bob, f"/applications/{draft['id']}/otp"),
        api.post(bob, f"/applications/{draft['id']}/submit", {"signature": "AA=="}),
    ):
        assert response.status_code == 404
    assert not SmsOutbox.objects.exists()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_service_without_a_portal_channel_is_refused(api: ApiClient) -> None:
    body = {"service": NO_PORTAL, "provider": _provider(api, NO_PORTAL)["id"]}

    response = api.post(user(APPLICANT_IIN), "/applications", body)

    assert response.status_code == 422
    assert response.json()["code"] == "channel_unavailable"
    assert not ApplicationDraft.objects.exists()


@pytest.mark.django_db
def test_a_provider_of_another_oblast_is_refused(api: ApiClient) -> None:
    body = {"service": EDS_OR_OTP, "provider": Organization.objects.get(code="pavlodar-city").pk}

    response = api.post(user(APPLICANT_IIN), "/applications", body)

    assert response.status_code == 422
    assert response.json()["code"] == "provider_unsuitable"


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "status"), [
    ({"service": "no-such-service", "provider": 1}, 404),
    ({"service": EDS_OR_OTP, "provider": 999_999}, 404),
    ({"service": EDS_OR_OTP}, 400),
    ({"service": EDS_OR_OTP, "provider": 1, "attachments": [{"name": "x.pdf", "sha256": "not-a-hash"}]}, 400),
    ({"service": EDS_OR_OTP, "provider": 1, "unknown": True}, 400),
])
def test_bad_application_input(api: ApiClient, body: dict[str, Any], status: int) -> None:
    response = api.post(user(APPLICANT_IIN), "/applications", body)

    assert response.status_code == status
    assert set(response.json()["message"]) == {"kk", "ru", "en"}


@pytest.mark.django_db
def test_one_signed_application_stays_within_its_query_budget(
    api: ApiClient, django_assert_max_num_queries: Any,
) -> None:
    """Issue 12: a draft and its signed submission read and write no more than ADR 0029 counts."""
    # given: the provider list read and one application already filed (caches of the process warm)
    citizen = user(APPLICANT_IIN)
    provider = _provider(api, EDS_OR_OTP)["id"]
    body = {"service": EDS_OR_OTP, "provider": provider, "form": {"school": "№ 7", "grade": 3}, "attachments": []}
    first = api.ok(api.post(citizen, "/applications", body), 201)
    api.ok(api.post(citizen, f"/applications/{first['id']}/submit",
                    {"signature": sign_b64(key_for(citizen), base64.b64decode(first["content"]))}), 201)

    # when / then
    with django_assert_max_num_queries(DRAFT_QUERIES):
        draft = api.ok(api.post(citizen, "/applications", body), 201)
    signature = sign_b64(key_for(citizen), base64.b64decode(draft["content"]))
    with django_assert_max_num_queries(SUBMIT_QUERIES):
        case = api.ok(api.post(citizen, f"/applications/{draft['id']}/submit", {"signature": signature}), 201)
    assert [step["sequence"] for step in case["timeline"]] == list(range(1, len(case["timeline"]) + 1))
    assert Case.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["another_drafts_bytes", "another_persons_key"])
def test_a_signature_is_checked_whole_after_the_signers_certificate_was_read_before(api: ApiClient, case: str) -> None:
    """The certificates and paths this process keeps never stand in for the checks of the signature itself."""
    # given: the citizen filed one application, so their certificate and its path are kept
    citizen = user(APPLICANT_IIN)
    first = _draft(api, citizen)
    first_signature = sign_b64(key_for(citizen), base64.b64decode(first["content"]))
    api.ok(api.post(citizen, f"/applications/{first['id']}/submit", {"signature": first_signature}), 201)
    other = user(OTHER_CITIZEN_IIN)
    other_draft = _draft(api, other)
    api.ok(api.post(other, f"/applications/{other_draft['id']}/submit",
                    {"signature": sign_b64(key_for(other), base64.b64decode(other_draft["content"]))}), 201)
    body = {"service": EDS_OR_OTP, "provider": first["provider"]["id"], "form": {"school": "№ 7", "grade": 4}}
    second = api.ok(api.post(citizen, "/applications", body), 201)  # other bytes: another grade
    second_content = base64.b64decode(second["content"])
    assert second_content != base64.b64decode(first["content"])
    body = {
        "another_drafts_bytes": {"signature": first_signature},
        "another_persons_key": {"signature": sign_b64(key_for(other), second_content)},
    }[case]

    # when
    response = api.post(citizen, f"/applications/{second['id']}/submit", body)

    # then
    assert response.status_code == 422
    assert response.json()["code"] == "eds_not_confirmed"
    assert Case.objects.count() == 2
    assert ApplicationDraft.objects.get(pk=second["id"]).case is None
