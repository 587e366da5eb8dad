"""The oblast administrator keeps the Standard's p.9/p.10 lists of a service (issue 14, ADR 0025)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
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


def _save(admin: Client, items_ru: str) -> None:
    body = {"kind": "documents_required", "items_kk": items_ru, "items_ru": items_ru, "items_en": "",
            "source": "Standard p.9 (test)"}
    assert admin.post(URL, body).status_code == 302


def test_every_saved_wording_is_a_revision_in_the_chained_log(data: None) -> None:
    from qyzmet.audit.verify import audit_verify
    from qyzmet.catalog.models import StandardListRevision

    admin = login(Client(), _admin("wko"))

    _save(admin, "Заявление")
    _save(admin, "Заявление\nСвидетельство")

    revisions = list(StandardListRevision.objects.order_by("chain_position"))
    assert [(r.chain_position, r.items_ru, r.actor_iin) for r in revisions] == [
        (1, "Заявление", _admin("wko")), (2, "Заявление\nСвидетельство", _admin("wko"))]
    assert revisions[1].previous_hash == revisions[0].hash
    assert audit_verify().intact


def test_a_list_changed_outside_the_log_and_an_edited_revision_are_named(data: None) -> None:
    from qyzmet.audit.verify import audit_verify
    from qyzmet.catalog.models import StandardListRevision

    admin = login(Client(), _admin("wko"))
    _save(admin, "Заявление")
    _save(admin, "Заявление\nСвидетельство")

    # when: someone with database access shortens the list, and rewrites the first revision
    StandardList.objects.update(items_kk="Заявление", items_ru="Заявление")
    if connection.vendor == "postgresql":
        # the revision log is append-only there: the rewrite is refused, the list change is named
        with pytest.raises(DatabaseError), transaction.atomic():
            StandardListRevision.objects.filter(chain_position=1).update(items_ru="Паспорт")
        expected = [("standard_list_changed", "standard_lists", None)]
    else:  # SQLite has no trigger; the chain shows the rewrite
        StandardListRevision.objects.filter(chain_position=1).update(items_ru="Паспорт")
        expected = [("log_row_edited", "standard_lists", 1), ("standard_list_changed", "standard_lists", None)]

    assert [(f.kind, f.log, f.sequence) for f in audit_verify().findings] == expected


def test_a_list_saved_in_the_django_admin_is_logged_too(data: None) -> None:
    from qyzmet.catalog.models import Service, StandardListRevision
    from qyzmet.identity.models import User

    superuser = User.objects.get(iin=_admin("wko"))
    User.objects.filter(pk=superuser.pk).update(is_staff=True, is_superuser=True)
    admin = login(Client(), superuser.iin)
    service = Service.objects.get(slug="wko-2019-school-meals")

    response = admin.post("/ru/admin/catalog/standardlist/add/", {
        "service": service.pk, "kind": "refusal_grounds", "items_kk": "бір", "items_ru": "один", "items_en": "",
        "source": "Standard p.10 (test)"})

    assert response.status_code == 302, response.content.decode()[:2000]
    revision = StandardListRevision.objects.get()
    assert (revision.service_slug, revision.kind, revision.items_ru, revision.actor_iin) == (
        "wko-2019-school-meals", "refusal_grounds", "один", superuser.iin)
    assert StandardList.objects.get().updated_by == superuser


def test_a_demo_oblast_administrator_has_no_django_permissions(data: None) -> None:
    from qyzmet.identity.models import User

    administrator = User.objects.get(iin=_admin("wko"))
    admin = login(Client(), administrator.iin)

    assert administrator.is_staff and not administrator.is_superuser  # staff: the regulation pages only
    assert admin.get("/ru/admin/identity/user/").status_code == 403  # no one's accounts
    assert admin.get("/ru/admin/catalog/standardlist/").status_code == 403  # lists: the scoped page above
