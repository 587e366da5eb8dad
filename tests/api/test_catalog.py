"""The catalogue through the API, and the OpenAPI description."""

from __future__ import annotations

import pytest

from qyzmet.catalog.definitions import catalog_default, definition_normalised
from tests.api.helpers import API, ApiClient


@pytest.mark.django_db
def test_every_service_is_listed(api: ApiClient) -> None:
    services = api.ok(api.get(None, "/services"))

    assert [s["id"] for s in services] == catalog_default().ids()
    transport = next(s for s in services if s["id"] == "wko-2019-school-transport")
    assert transport["channels"] == ["provider_office", "state_corporation", "portal"]
    assert set(transport["title"]) == {"kk", "ru", "en"}


@pytest.mark.django_db
def test_a_service_is_its_normalised_definition(api: ApiClient) -> None:
    definition = catalog_default().latest("karaganda-2015-assistance-status-certificate")

    body = api.ok(api.get(None, f"/services/{definition.id}"))

    assert body == definition_normalised(definition)
    assert any(channel["shared_budget"] for channel in body["channels"])


@pytest.mark.django_db
def test_providers_branches_and_rural_offices(api: ApiClient) -> None:
    providers = api.ok(api.get(None, "/services/karaganda-2015-child-allowance/providers"))
    branches = api.ok(api.get(None, "/services/karaganda-2015-child-allowance/state-corporation-branches"))
    offices = api.ok(api.get(None, "/services/karaganda-2015-child-allowance/rural-akim-offices",
                             provider=providers[0]["id"]))

    assert {p["kind"] for p in providers} == {"employment_social_department"}
    assert {"id", "code", "bin", "kind", "names"} <= set(providers[0])
    assert set(providers[0]["names"]) == {"kk", "ru", "en"}
    assert [b["code"] for b in branches] == ["karaganda-sc"]
    assert {o["kind"] for o in offices} == {"rural_akim_office"}


@pytest.mark.django_db
def test_channels_a_service_does_not_have_list_no_offices(api: ApiClient) -> None:
    providers = api.ok(api.get(None, "/services/wko-2019-school-meals/providers"))

    assert api.ok(api.get(None, "/services/wko-2019-school-meals/state-corporation-branches")) == []
    assert api.ok(api.get(None, "/services/wko-2019-school-meals/rural-akim-offices",
                          provider=providers[0]["id"])) == []


@pytest.mark.django_db
def test_an_unknown_service_is_404(api: ApiClient) -> None:
    for path in ("/services/no-such", "/services/no-such/providers", "/services/no-such/state-corporation-branches"):
        response = api.get(None, path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_openapi_describes_every_endpoint(api: ApiClient) -> None:
    schema = api.ok(api.client.get(f"{API}/openapi.json"))

    paths = set(schema["paths"])
    assert {
        "/api/v1/auth/token", "/api/v1/auth/eds", "/api/v1/auth/challenge", "/api/v1/services",
        "/api/v1/services/{service_id}", "/api/v1/services/{service_id}/providers", "/api/v1/applications",
        "/api/v1/applications/{draft_id}/submit", "/api/v1/applications/{draft_id}/otp", "/api/v1/intake/office",
        "/api/v1/intake/rural-akim", "/api/v1/intake/state-corporation", "/api/v1/intake/refusals",
        "/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/tasks", "/api/v1/tasks/{task_id}",
        "/api/v1/tasks/{task_id}/preview", "/api/v1/tasks/{task_id}/complete", "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/content", "/api/v1/documents/{document_id}/signature",
        "/api/v1/receipts/{number}", "/api/v1/queue/direct-next", "/api/v1/queue/direct-next/preview",
        "/api/v1/intake/state-corporation/preview", "/api/v1/intake/state-corporation/{number}",
    } <= paths
    security = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in security.values()} == {"http", "apiKey"}
    for path in ("/api/v1/intake/office", "/api/v1/intake/state-corporation", "/api/v1/queue/direct-next"):
        assert "Idempotency-Key" in [p["name"] for p in schema["paths"][path]["post"]["parameters"]]
