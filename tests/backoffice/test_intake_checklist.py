"""The Standard p.9 checklist at the provider's office (issue 14, ADR 0025): ticked documents join the package;
an unticked one stops intake where the regulation lets the office refuse to accept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qyzmet.cases.models import Case, Receipt
from qyzmet.catalog.models import Service, StandardList
from tests.backoffice.conftest import APPLICANT, TEREKTI_CLERK, login
from tests.backoffice.helpers import form_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data")]

OFFICE = "/backoffice/intake/office/"
SERVICE = "wko-2019-child-opinion-decision"  # refusal to accept by the provider (002, S16)


@pytest.fixture
def checklist() -> StandardList:
    # an administrator's list (the two lines are test data, not the Standard's text)
    return StandardList.objects.create(
        service=Service.objects.get(slug=SERVICE), kind="documents_required",
        items_kk="Өтініш\nБаланың туу туралы куәлігі", items_ru="Заявление\nСвидетельство о рождении ребенка",
        source="Standard p.9 (test)", updated_at=timezone.now(),
    )


def _post(client: Client, **fields: Any) -> Any:
    page = client.get("/ru" + OFFICE).content.decode()
    body = {"form_key": form_key(page), "applicant_iin": APPLICANT, "applicant_name": "", "documents": "",
            "intent": "accept", "service": SERVICE, **fields}
    return client.post("/ru" + OFFICE, body)


def test_the_checklist_is_offered_for_the_service(client: Client, checklist: StandardList) -> None:
    login(client, TEREKTI_CLERK)
    page = client.get("/ru" + OFFICE).content.decode()
    assert f'id="checklist-{SERVICE}"' in page
    assert "Свидетельство о рождении ребенка" in page


def test_an_unticked_document_stops_intake_and_fills_the_refusal(client: Client, checklist: StandardList) -> None:
    login(client, TEREKTI_CLERK)

    response = _post(client, **{f"presented-{SERVICE}": "0"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Пакет документов неполный: Свидетельство о рождении ребенка." in page
    assert not Case.objects.exists() and not Receipt.objects.exists()


def test_a_complete_package_is_filed_with_the_ticked_documents(client: Client, checklist: StandardList) -> None:
    login(client, TEREKTI_CLERK)

    response = _post(client, documents="photo.pdf", **{f"presented-{SERVICE}": ["0", "1"]})

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.attachments == [
        {"name": "Заявление"}, {"name": "Свидетельство о рождении ребенка"}, {"name": "photo.pdf"},
    ]


def test_without_a_list_intake_is_unchanged(client: Client) -> None:
    login(client, TEREKTI_CLERK)
    response = _post(client, documents="identity.pdf")
    assert response.status_code == 302
