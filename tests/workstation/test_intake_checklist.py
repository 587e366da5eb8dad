"""The Standard p.9 checklist at the State Corporation desk (issue 14, ADR 0025)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from qyzmet.catalog.models import Service, StandardList
from qyzmet.identity.models import Organization
from qyzmet.state_corporation.models import Intake
from tests.workstation.test_intake import SERVICE, _fields, _preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(branch: Organization) -> StandardList:
    # an administrator's list (test data, not the Standard's text); the branch fixture has loaded the catalogue
    return StandardList.objects.create(
        service=Service.objects.get(slug=SERVICE), kind="documents_required",
        items_kk="Өтініш\nТуу туралы куәлік", items_ru="Заявление\nСвидетельство о рождении",
        items_en="Application\nBirth certificate", source="Standard p.9 (test)", updated_at=timezone.now(),
    )


def test_the_desk_offers_the_checklist(desk: Client, checklist: StandardList) -> None:
    page = desk.get("/en/hall/desk/intake/").content.decode()
    assert f'id="checklist-{SERVICE}"' in page and "Birth certificate" in page


def test_an_unticked_document_stops_the_intake_before_signing(desk: Client, checklist: StandardList) -> None:
    response = desk.post("/en/hall/desk/intake/", _fields(**{f"presented-{SERVICE}": "0"}))

    assert response.status_code == 422
    assert "The package is incomplete: Birth certificate." in response.content.decode()
    assert not Intake.objects.exists()


def test_the_ticked_documents_are_in_the_request_the_operator_signs(desk: Client, checklist: StandardList) -> None:
    _, content = _preview(desk, _fields(documents="photo.jpg", **{f"presented-{SERVICE}": ["0", "1"]}))
    assert json.loads(content)["documents"] == ["Application", "Birth certificate", "photo.jpg"]


def test_the_desk_reads_the_standard_lists_of_all_its_services_at_once(
        branch: Organization, checklist: StandardList) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qyzmet.workstation.selectors import kiosk_services

    on = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        services = kiosk_services(branch, on=on, language="en")

    assert len(services) > 1  # several State Corporation services in the branch's oblast
    assert [s.documents_required for s in services if s.id == SERVICE] == [("Application", "Birth certificate")]
    lists_read = [q for q in captured.captured_queries if "catalog_standardlist" in q["sql"]]
    assert len(lists_read) == 1
