"""Who may see and act on what, through the API: 404 for "not yours", 409 for the wrong role, nothing written.

Personas: Alice applies (a citizen), the Terekti district clerk registers her case, Charlie is the
Burli district clerk (another district), Bob is another citizen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from qyzmet.cases.models import CaseEvent, Task
from qyzmet.identity.models import Organization, User
from tests.api.helpers import (
    APPLICANT_IIN,
    OTHER_CITIZEN_IIN,
    ApiClient,
    case_drive,
    case_file,
    staff_member,
    task_act,
    user,
)

SERVICE = "wko-2019-parent-visit-permission"


@dataclass
class People:
    alice: User
    bob: User
    clerk: User
    charlie: User
    terekti: Organization


@pytest.fixture
def people(api_data: None) -> People:
    terekti = Organization.objects.get(code="wko-terekti")
    return People(
        alice=user(APPLICANT_IIN), bob=user(OTHER_CITIZEN_IIN), clerk=staff_member("office_clerk", terekti),
        charlie=staff_member("office_clerk", Organization.objects.get(code="wko-burli")), terekti=terekti,
    )


def _terekti(api: ApiClient) -> dict[str, Any]:
    providers = api.ok(api.get(None, f"/services/{SERVICE}/providers"))
    return next(p for p in providers if p["code"] == "wko-terekti")


def _written(case_id: int) -> tuple[int, list[tuple[int, str, Any]]]:
    events = CaseEvent.objects.filter(case_id=case_id).count()
    tasks = list(Task.objects.filter(case_id=case_id).order_by("pk").values_list("pk", "status", "completed_at"))
    return events, tasks


@pytest.mark.django_db
def test_a_clerk_of_another_district_can_neither_see_nor_act_on_the_case(api: ApiClient, people: People) -> None:
    # given: Alice's case, registered at the Terekti district akimat, its first task open there
    case = case_file(api, SERVICE, "provider_office", applicant=people.alice, provider=_terekti(api))
    task_id = next(row["id"] for row in case["timeline"] if row["status"] == "open")
    before = _written(case["id"])

    # when / then: the Burli clerk gets 404 for the case, its task, its completion and its receipt
    for response in (
        api.get(people.charlie, f"/cases/{case['id']}"),
        api.get(people.charlie, f"/tasks/{task_id}"),
        api.post(people.charlie, f"/tasks/{task_id}/complete", {}),
        api.post(people.charlie, f"/tasks/{task_id}/preview", {}),
        *[api.get(people.charlie, f"/receipts/{r['number']}") for r in case["receipts"]],
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert case["id"] not in [c["id"] for c in api.ok(api.get(people.charlie, "/cases"))["items"]]
    assert task_id not in [t["id"] for t in api.ok(api.get(people.charlie, "/tasks"))]

    # and nothing was written
    assert _written(case["id"]) == before

    # while the Terekti clerk sees both
    assert api.get(people.clerk, f"/cases/{case['id']}").status_code == 200
    assert task_id in [t["id"] for t in api.ok(api.get(people.clerk, "/tasks"))]


@pytest.mark.django_db
def test_a_clerk_cannot_register_an_application_at_another_districts_office(api: ApiClient, people: People) -> None:
    response = api.post(people.charlie, "/intake/office", {
        "service": SERVICE, "provider": people.terekti.pk, "applicant": {"iin": people.alice.iin},
        "originals_compared": True})

    assert response.status_code == 422
    assert response.json()["code"] == "not_staff_here"
    assert not CaseEvent.objects.exists()


@pytest.mark.django_db
def test_a_citizen_cannot_see_another_citizens_case_documents_or_receipts(
    api: ApiClient, clock: time_machine.Coordinates, people: People
) -> None:
    # given: Alice's case, decided and issued
    drive = case_drive(api, clock, SERVICE, "provider_office", applicant=people.alice)
    case = drive.case
    document_ids = [d["id"] for d in case["documents"]]
    assert document_ids

    # when / then: Bob gets 404 everywhere, and does not see the case in his list
    paths = [f"/cases/{case['id']}", *[f"/receipts/{r['number']}" for r in case["receipts"]]]
    for document_id in document_ids:
        paths += [f"/documents/{document_id}", f"/documents/{document_id}/content",
                  f"/documents/{document_id}/signature"]
    for path in paths:
        response = api.get(people.bob, path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert api.ok(api.get(people.bob, "/cases"))["items"] == []

    # while Alice sees them all
    for path in paths:
        assert api.get(people.alice, path).status_code == 200, path


@pytest.mark.django_db
def test_a_citizen_does_not_see_documents_before_they_are_issued(api: ApiClient, clock: time_machine.Coordinates,
                                                                people: People) -> None:
    # given: a case decided (its result document drafted) but not yet signed and issued
    case = case_file(api, SERVICE, "provider_office", applicant=people.alice, provider=_terekti(api))
    following = next(row for row in case["timeline"] if row["status"] == "open")
    while following["does"] != "sign":
        following = task_act(api, clock, following, outcome="issued")["next_task"]
    drafted = [d for d in api.ok(api.get(people.clerk, f"/cases/{case['id']}"))["documents"]
               if not d["intermediate"] and d["issued_at"] is None]
    assert drafted

    # then: the clerk sees the draft, the applicant does not (404 on the document itself)
    mine = api.ok(api.get(people.alice, f"/cases/{case['id']}"))["documents"]
    assert all(d["issued_at"] is not None for d in mine)
    for document in drafted:
        assert api.get(people.alice, f"/documents/{document['id']}").status_code == 404
        assert api.get(people.clerk, f"/documents/{document['id']}").status_code == 200


@pytest.mark.django_db
def test_a_task_is_not_completed_by_someone_without_its_role(api: ApiClient, people: People) -> None:
    # given: the clerk's registration task, and the executor of the same office (who sees the case)
    case = case_file(api, SERVICE, "provider_office", applicant=people.alice, provider=_terekti(api))
    row = next(row for row in case["timeline"] if row["status"] == "open")
    assert row["role"] == "office_clerk"
    executor = staff_member("executor", people.terekti)
    assert api.ok(api.get(executor, f"/tasks/{row['id']}"))["may_act"] is False
    before = _written(case["id"])

    # when
    response = api.post(executor, f"/tasks/{row['id']}/complete", {})

    # then: 409 with the reason, and nothing written
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed.wrong_role"
    assert "office_clerk" in body["message"]["en"]
    assert set(body["message"]) == {"kk", "ru", "en"}
    assert _written(case["id"]) == before


@pytest.mark.django_db
def test_a_citizen_cannot_act_on_tasks(api: ApiClient, people: People) -> None:
    case = case_file(api, SERVICE, "provider_office", applicant=people.alice, provider=_terekti(api))
    row = next(row for row in case["timeline"] if row["status"] == "open")
    before = _written(case["id"])

    response = api.post(people.alice, f"/tasks/{row['id']}/complete", {})

    assert response.status_code == 404
    assert api.ok(api.get(people.alice, "/tasks")) == []
    assert _written(case["id"]) == before


@pytest.mark.django_db
def test_a_completed_task_cannot_be_completed_again(api: ApiClient, clock: time_machine.Coordinates,
                                                    people: People) -> None:
    case = case_file(api, SERVICE, "provider_office", applicant=people.alice, provider=_terekti(api))
    row = next(row for row in case["timeline"] if row["status"] == "open")
    task_act(api, clock, row, outcome="issued")
    before = _written(case["id"])

    response = api.post(people.clerk, f"/tasks/{row['id']}/complete", {})

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed.task_closed"
    assert _written(case["id"]) == before
