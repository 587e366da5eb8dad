"""The identity admin pages open, and the user forms work with the custom user model."""

from __future__ import annotations

import pytest
from django.test import Client

from qyzmet.identity.models import User
from tests.identity.conftest import Personas, Tree
from tests.identity.factories import PASSWORD, UserFactory

PAGES = ["user", "organization", "staffrole", "loginattempt", "personaldataaccess", "onetimepassword", "smsoutbox"]


@pytest.fixture
def admin_client_for_identity(client: Client) -> Client:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
@pytest.mark.urls("tests.identity.admin_urls")
@pytest.mark.parametrize("model", PAGES)
def test_each_identity_list_page_opens(admin_client_for_identity: Client, model: str, personas: Personas) -> None:
    assert admin_client_for_identity.get(f"/admin/identity/{model}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.urls("tests.identity.admin_urls")
def test_change_pages_open(admin_client_for_identity: Client, tree: Tree, personas: Personas) -> None:
    client = admin_client_for_identity
    assert client.get(f"/admin/identity/user/{personas.aliya_clerk_a.pk}/change/").status_code == 200
    assert client.get(f"/admin/identity/organization/{tree.district_a.pk}/change/").status_code == 200


@pytest.mark.django_db
@pytest.mark.urls("tests.identity.admin_urls")
def test_a_user_can_be_added_in_the_admin(admin_client_for_identity: Client) -> None:
    # when
    response = admin_client_for_identity.post("/admin/identity/user/add/", {
        "iin": "760212350620", "surname": "Омаров", "given_name": "Болат", "patronymic": "", "mobile": "",
        "password1": PASSWORD, "password2": PASSWORD,
        "staff_roles-TOTAL_FORMS": "0", "staff_roles-INITIAL_FORMS": "0",
    })

    # then
    assert response.status_code == 302
    assert User.objects.get(iin="760212350620").check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.urls("tests.identity.admin_urls")
def test_an_organization_added_in_the_admin_gets_its_path(admin_client_for_identity: Client, tree: Tree) -> None:
    # when
    response = admin_client_for_identity.post("/admin/identity/organization/add/", {
        "code": "wko-burli-aksai", "bin": "990140004654", "name_kk": "Ақсай", "name_ru": "Аксай", "name_en": "",
        "kind": "rural_akim_office", "parent": tree.district_b.pk, "opens_at": "09:00", "closes_at": "18:30",
        "lunch_starts_at": "13:00", "lunch_ends_at": "14:30",
    })

    # then
    assert response.status_code == 302
    assert tree.district_b.children.get(code="wko-burli-aksai").path == "wko/wko-burli/wko-burli-aksai/"
