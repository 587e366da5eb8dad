"""The oblast administrator keeps the Standard's p.9/p.10 lists of a service (issue 14, ADR 0025)."""

from __future__ import annotations

import pytest
from django.test import Client

from qyzmet.catalog.models import StandardList
from qyzmet.identity.models import Role, StaffRole
from tests.backoffice.conftest import TEREKTI_CLERK, login

pytestmark = pytest.mark.django_db
URL = "/ru/backoffice/regulations/drafts/standard-lists/wko-2019-school-meals/"


def _admin(oblast: str) -> str:
    role = StaffRole.objects.filter(role=Role.ADMINISTRATOR, organization__code=oblast).select_related("user").first()
    assert role is not None
    return role.user.iin


def test_the_oblast_administrator_saves_a_list_and_the_page_shows_it(data: None) -> None:
    admin = login(Client(), _admin("wko"))
    body = {"kind": "documents_required", "items_kk": "Өтініш\nКуәлік", "items_ru": "Заявление\nСвидетельство",
            "items_en": "", "source": "Standard p.9 (test)"}

    response = admin.post(URL, body)

    assert response.status_code == 302
    row = StandardList.objects.get(service__slug="wko-2019-school-meals", kind="documents_required")
    assert row.items("ru") == ["Заявление", "Свидетельство"] and row.items("en") == ["Заявление", "Свидетельство"]
    assert row.updated_by is not None and row.updated_by.iin == _admin("wko")
    page = Client().get("/ru/services/wko-2019-school-meals/").content.decode()
    assert "<li>Свидетельство</li>" in page and "Standard p.9 (test)" in page


def test_different_counts_per_language_are_refused_and_nothing_is_saved(data: None) -> None:
    admin = login(Client(), _admin("wko"))
    body = {"kind": "refusal_grounds", "items_kk": "бір\nекі", "items_ru": "один", "items_en": "", "source": "x"}

    response = admin.post(URL, body)

    assert response.status_code == 422
    assert "Укажите одинаковое число пунктов (строк) на каждом языке." in response.content.decode()
    assert not StandardList.objects.exists()


def test_others_get_404_and_change_nothing(data: None) -> None:
    clerk = login(Client(), TEREKTI_CLERK)
    other_admin = login(Client(), _admin("karaganda"))
    body = {"kind": "documents_required", "items_kk": "a", "items_ru": "a", "items_en": "", "source": "x"}

    assert clerk.get(URL).status_code == 404
    assert other_admin.post(URL, body).status_code == 404
    assert not StandardList.objects.exists()
