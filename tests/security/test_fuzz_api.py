"""JSON bodies that are valid JSON but hostile to Python: lone surrogates, NaN and Infinity, deep nesting, huge
numbers. Every API operation that takes a body answers them with an error of the API's shape, never a 500.
"""

from __future__ import annotations

from typing import Any, Final

import pytest
from django.test import Client

from qyzmet.core.i18n import LANGUAGES
from tests.api.helpers import API, APPLICANT_IIN, ApiClient, user

# Raw JSON texts: json.dumps could not write some of them (a lone surrogate is written as its escape here).
HOSTILE_BODIES: Final = {
    "lone surrogate": '{"service": "\\ud800", "form": {"name": "\\udfff"}, "iin": "\\ud800", "password": "\\ud800"}',
    "NaN": '{"service": NaN, "provider": NaN, "form": {"amount": NaN}, "iin": Infinity, "password": -Infinity}',
    "deep nesting": '{"form": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "huge number": '{"provider": 1' + "0" * 5000 + ', "service": "x"}',
    "not an object": '["service", "provider"]',
    "empty": "",
    "null bytes": '{"service": "\\u0000", "form": {"\\u0000": "\\u0000"}}',
}
POST_PATHS: Final = [
    "/auth/token", "/auth/eds", "/applications", "/intake/office", "/intake/rural-akim",
    "/intake/state-corporation/preview", "/intake/state-corporation", "/intake/refusals", "/queue/direct-next/preview",
    "/queue/direct-next", "/tasks/1/preview", "/tasks/1/complete", "/applications/1/submit",
]


@pytest.fixture
def api(api_data: None, api_registries: Any, clock: Any) -> ApiClient:
    return ApiClient(Client())


def _post(api: ApiClient, path: str, body: str) -> Any:
    return api.client.post(f"{API}{path}", body, content_type="application/json",
                           headers={"Authorization": f"Bearer {api.token(user(APPLICANT_IIN))}"})


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(HOSTILE_BODIES))
@pytest.mark.parametrize("path", POST_PATHS)
def test_a_hostile_json_body_is_an_error_of_the_api_shape(api: ApiClient, path: str, kind: str) -> None:
    response = _post(api, path, HOSTILE_BODIES[kind])

    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"] and set(body["message"]) == set(LANGUAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ['"\\ud800"', "NaN", "Infinity"])
def test_a_value_without_a_canonical_form_in_an_application_is_refused_not_signed(api: ApiClient, value: str) -> None:
    # the application would be signed as canonical UTF-8 JSON, which a lone surrogate does not have
    services = api.ok(api.client.get(f"{API}/services"))
    service = next(s for s in services if "portal" in s.get("channels", []))
    providers = api.ok(api.client.get(f"{API}/services/{service['id']}/providers"))
    body = f'{{"service": "{service["id"]}", "provider": {providers[0]["id"]}, "form": {{"note": {value}}}}}'

    response = _post(api, "/applications", body)

    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "bad_request"
