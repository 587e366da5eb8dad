"""The applicant's language through the API: given in the request, or the request's active language."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from qyzmet.gateway.simulator import SimulatorServer
from qyzmet.identity.models import Organization
from tests.api.helpers import API, APPLICANT_IIN, ApiClient, key_for, sc_signed, sign_b64, staff_member, user

WITH_RECEIPT = "jambyl-2015-adoption-candidates"
PORTAL_SERVICE = "wko-2019-school-transport"


def _provider(api: ApiClient, service: str) -> dict[str, Any]:
    return dict(api.ok(api.get(None, f"/services/{service}/providers"))[0])


def _office_body(api: ApiClient, **extra: Any) -> dict[str, Any]:
    provider = _provider(api, WITH_RECEIPT)
    return {"service": WITH_RECEIPT, "provider": provider["id"], "applicant": {"iin": APPLICANT_IIN},
            "originals_compared": True, **extra}


@pytest.mark.django_db
def test_office_intake_takes_the_language_given(api: ApiClient) -> None:
    body = _office_body(api, language="en")
    clerk = staff_member("office_clerk", Organization.objects.get(pk=body["provider"]))

    case = api.ok(api.post(clerk, "/intake/office", body), 201)

    assert case["language"] == "en"


@pytest.mark.django_db
def test_office_intake_without_a_language_takes_the_requests_language(api: ApiClient) -> None:
    body = _office_body(api)
    clerk = staff_member("office_clerk", Organization.objects.get(pk=body["provider"]))

    response = api.client.post(f"{API}/intake/office", json.dumps(body), content_type="application/json",
                               headers={"Authorization": f"Bearer {api.token(clerk)}", "Accept-Language": "ru"})
    plain = api.ok(api.post(clerk, "/intake/office", body), 201)

    assert api.ok(response, 201)["language"] == "ru"
    assert plain["language"] == "kk"


@pytest.mark.django_db
def test_an_unknown_language_is_refused(api: ApiClient) -> None:
    body = _office_body(api, language="de")
    clerk = staff_member("office_clerk", Organization.objects.get(pk=body["provider"]))

    response = api.post(clerk, "/intake/office", body)

    assert response.status_code == 400


@pytest.mark.django_db
def test_portal_draft_keeps_the_language_until_the_case_is_filed(api: ApiClient) -> None:
    citizen = user(APPLICANT_IIN)
    body = {"service": PORTAL_SERVICE, "provider": _provider(api, PORTAL_SERVICE)["id"], "language": "ru"}
    draft = api.ok(api.post(citizen, "/applications", body), 201)
    signature = sign_b64(key_for(citizen), base64.b64decode(draft["content"]))

    case = api.ok(api.post(citizen, f"/applications/{draft['id']}/submit", {"signature": signature}), 201)

    assert draft["language"] == "ru"
    assert case["language"] == "ru"


@pytest.mark.django_db
def test_state_corporation_intake_passes_the_language_to_the_case(api: ApiClient, registry: SimulatorServer) -> None:
    branch = api.ok(api.get(None, f"/services/{PORTAL_SERVICE}/state-corporation-branches"))[0]
    operator = staff_member("sc_operator", Organization.objects.get(pk=branch["id"]))
    body = {"service": PORTAL_SERVICE, "branch": branch["id"], "provider": _provider(api, PORTAL_SERVICE)["id"],
            "applicant": {"iin": APPLICANT_IIN}, "documents": ["application (Standard app. 1)"], "language": "en"}

    case = api.ok(api.post(operator, "/intake/state-corporation", sc_signed(api, operator, body, key="lang-1"),
                           key="lang-1"), 201)

    assert case["language"] == "en"
