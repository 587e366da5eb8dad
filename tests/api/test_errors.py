"""Every error is JSON `{"code", "message": {kk, ru, en}}` with its HTTP status."""

from __future__ import annotations

import pytest

from qyzmet.api.errors import INVALID_INPUT, NOT_FOUND, UNAUTHENTICATED
from qyzmet.core.i18n import render_messages
from tests.api.helpers import API, APPLICANT_IIN, ApiClient, user

LANGUAGES = {"kk", "ru", "en"}


@pytest.mark.django_db
def test_invalid_input_is_400_naming_the_fields(api: ApiClient) -> None:
    response = api.post(user(APPLICANT_IIN), "/intake/office", {"service": "x", "applicant": {"iin": "123"}})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"] == dict(render_messages(INVALID_INPUT, fields="applicant.iin, provider"))
    assert {(e["field"], e["type"]) for e in body["errors"]} == {("applicant.iin", "string_pattern_mismatch"),
                                                                ("provider", "missing")}


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_400(api: ApiClient) -> None:
    response = api.client.post(f"{API}/auth/token", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()["message"]) == LANGUAGES


@pytest.mark.django_db
def test_a_bad_path_parameter_is_400(api: ApiClient) -> None:
    response = api.get(user(APPLICANT_IIN), "/cases/not-a-number")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


@pytest.mark.django_db
def test_a_bad_status_filter_is_400(api: ApiClient) -> None:
    response = api.get(user(APPLICANT_IIN), "/cases", status="lost")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"


@pytest.mark.django_db
def test_not_found_and_unauthenticated_carry_all_three_languages(api: ApiClient) -> None:
    missing = api.get(user(APPLICANT_IIN), "/cases/999999")
    anonymous = api.get(None, "/cases")

    assert (missing.status_code, missing.json()) == (404, {"code": "not_found", "message": render_messages(NOT_FOUND)})
    assert (anonymous.status_code, anonymous.json()) == (
        401, {"code": "unauthenticated", "message": render_messages(UNAUTHENTICATED)}
    )


@pytest.mark.django_db
def test_a_method_the_endpoint_does_not_have_is_405(api: ApiClient) -> None:
    response = api.client.put(f"{API}/cases", headers={"Authorization": f"Bearer {api.token(user(APPLICANT_IIN))}"})

    assert response.status_code == 405
