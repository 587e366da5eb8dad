"""Tasks through the API: the work queue, what a step needs, previews of what to sign, refusals that change nothing,
deadlines and time left in working units, overdue marking."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from qyzmet.cases.models import CaseEvent, ResultDocument, Task
from qyzmet.cases.services import tasks_mark_overdue
from qyzmet.identity.models import Organization, User
from tests.api.helpers import (
    APPLICANT_IIN,
    REFUSAL_GROUND,
    ApiClient,
    branch_for,
    case_file,
    key_for,
    moment,
    sign_b64,
    staff_member,
    task_act,
    user,
)
from tests.calendar.reference import deadline_reference

SERVICE = "wko-2019-parent-visit-permission"


def _open_row(case: dict[str, Any]) -> dict[str, Any]:
    return dict(next(row for row in case["timeline"] if row["status"] == "open"))


def _actor(row: dict[str, Any]) -> User:
    return staff_member(row["role"], Organization.objects.get(pk=row["organization"]["id"]))


def _until(api: ApiClient, clock: time_machine.Coordinates, case: dict[str, Any], *, decides: bool = False,
           does: str | None = None) -> dict[str, Any]:
    """Act on the case's tasks until the open one decides (or does `does`); return that task's detail."""
    row = _open_row(case)
    for _ in range(20):
        detail = api.ok(api.get(_actor(row), f"/tasks/{row['id']}"))
        if (decides and detail["decides"]) or (does and detail["does"] == does):
            return dict(detail)
        row = task_act(api, clock, row, outcome="issued")["next_task"]
    raise AssertionError("no such step")


def _written(case_id: int) -> tuple[int, list[Any], int]:
    return (CaseEvent.objects.filter(case_id=case_id).count(),
            list(Task.objects.filter(case_id=case_id).values_list("pk", "status")),
            ResultDocument.objects.filter(case_id=case_id).count())


@pytest.mark.django_db
def test_task_detail_says_what_the_step_needs(api: ApiClient, clock: time_machine.Coordinates) -> None:
    case = case_file(api, SERVICE, "provider_office", applicant=user(APPLICANT_IIN))

    detail = _until(api, clock, case, decides=True)

    assert detail["may_act"] is True
    assert detail["case"]["id"] == case["id"]
    assert detail["action"]
    decisions = {d["decision"]: d for d in detail["decisions"]}
    assert set(decisions) == {"issued", "refused"}
    assert decisions["refused"]["ground_required"] is True
    assert decisions["issued"]["ground_required"] is False
    assert decisions["refused"]["documents"] == [["motivated_refusal"]]


@pytest.mark.django_db
def test_a_refusal_without_its_ground_is_refused_and_changes_nothing(api: ApiClient,
                                                                      clock: time_machine.Coordinates) -> None:
    case = case_file(api, SERVICE, "provider_office", applicant=user(APPLICANT_IIN))
    detail = _until(api, clock, case, decides=True)
    before = _written(case["id"])
    body: dict[str, Any] = {"decision": "refused", "ground": "  "}
    if detail["branches"]:
        body["branch"] = branch_for(detail, "refused")

    response = api.post(_actor(detail), f"/tasks/{detail['id']}/complete", body)

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed.ground_required"
    assert _written(case["id"]) == before


@pytest.mark.django_db
def test_an_unknown_decision_is_refused_with_the_choices(api: ApiClient, clock: time_machine.Coordinates) -> None:
    case = case_file(api, SERVICE, "provider_office", applicant=user(APPLICANT_IIN))
    detail = _until(api, clock, case, decides=True)
    before = _written(case["id"])

    response = api.post(_actor(detail), f"/tasks/{detail['id']}/complete", {"decision": "maybe"})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed.decision_required"
    assert "issued, refused" in body["message"]["en"]
    assert _written(case["id"]) == before


@pytest.mark.django_db
def test_the_signing_preview_is_what_the_step_makes(api: ApiClient, clock: time_machine.Coordinates) -> None:
    # given: the signing step of a case that was decided as a refusal
    case = case_file(api, SERVICE, "provider_office", applicant=user(APPLICANT_IIN))
    row = _open_row(case)
    while True:
        detail = api.ok(api.get(_actor(row), f"/tasks/{row['id']}"))
        if detail["signs"]:
            break
        row = task_act(api, clock, row, outcome="refused")["next_task"]
    signer = _actor(row)
    body: dict[str, Any] = {"branch": branch_for(detail, "refused")} if detail["branches"] else {}
    if detail["decides"]:
        body |= {"decision": "refused", "ground": REFUSAL_GROUND}

    # when
    preview = api.ok(api.post(signer, f"/tasks/{row['id']}/preview", body))
    signatures = {d["document_id"]: sign_b64(key_for(signer, organization=Organization.objects.get(
        pk=row["organization"]["id"])), base64.b64decode(d["content"])) for d in preview["documents"]}
    api.ok(api.post(signer, f"/tasks/{row['id']}/complete", {**body, "signatures": signatures}))

    # then: the stored documents are the bytes previewed, signed by the signer
    assert preview["signs"] is True
    for item in preview["documents"]:
        stored = ResultDocument.objects.get(case_id=case["id"], document_id=item["document_id"])
        assert bytes(stored.content) == base64.b64decode(item["content"])
        assert stored.signed_by == signer


@pytest.mark.django_db
def test_a_signature_by_someone_else_is_refused_and_changes_nothing(api: ApiClient,
                                                                    clock: time_machine.Coordinates) -> None:
    case = case_file(api, SERVICE, "provider_office", applicant=user(APPLICANT_IIN))
    row = _open_row(case)
    while True:
        detail = api.ok(api.get(_actor(row), f"/tasks/{row['id']}"))
        if detail["signs"]:
            break
        row = task_act(api, clock, row, outcome="issued")["next_task"]
    signer = _actor(row)
    body: dict[str, Any] = {"branch": branch_for(detail, "issued")} if detail["branches"] else {}
    if detail["decides"]:
        body["decision"] = "issued"
    preview = api.ok(api.post(signer, f"/tasks/{row['id']}/preview", body))
    someone_else = user(APPLICANT_IIN)
    before = _written(case["id"])

    response = api.post(signer, f"/tasks/{row['id']}/complete", {**body, "signatures": {
        d["document_id"]: sign_b64(key_for(someone_else), base64.b64decode(d["content"]))
        for d in preview["documents"]}})

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed.signature_invalid"
    assert _written(case["id"]) == before


@pytest.mark.django_db
def test_time_used_and_left_are_in_working_units(api: ApiClient, clock: time_machine.Coordinates) -> None:
    # given: the first task, 30 working minutes (say) from its start
    case = case_file(api, SERVICE, "provider_office", applicant=user(APPLICANT_IIN))
    row = _open_row(case)
    assert row["duration"] is not None
    assert row["time"]["used"] == 0
    assert row["time"]["left"] == row["duration"]["value"]

    # when: the clock moves to one unit before the deadline (the tests' reference calendar's)
    deadline = moment(row["deadline"])
    started = moment(row["started"])
    assert started is not None and deadline is not None
    assert deadline == deadline_reference(started, row["duration"]["value"], row["duration"]["unit"])
    unit = {"minutes": timedelta(minutes=1), "hours": timedelta(hours=1)}.get(row["duration"]["unit"])
    assert unit is not None, "the first step of this service is counted in minutes or hours"
    clock.move_to(deadline - unit)

    # then
    task = api.ok(api.get(_actor(row), f"/tasks/{row['id']}"))
    assert task["time"] == {"unit": row["duration"]["unit"], "used": row["duration"]["value"] - 1, "left": 1,
                            "overdue": False}
    assert task["overdue"] is False


@pytest.mark.django_db
def test_a_task_past_its_deadline_is_overdue(api: ApiClient, clock: time_machine.Coordinates) -> None:
    # given
    case = case_file(api, SERVICE, "provider_office", applicant=user(APPLICANT_IIN))
    row = _open_row(case)
    deadline = moment(row["deadline"])
    started = moment(row["started"])
    assert started is not None and deadline is not None
    assert deadline == deadline_reference(started, row["duration"]["value"], row["duration"]["unit"])

    # when: a second after the deadline the sweeper runs, and a day later the applicant looks
    clock.move_to(deadline)
    assert tasks_mark_overdue(now=timezone.now()) == 0
    clock.move_to(deadline + timedelta(seconds=1))
    assert tasks_mark_overdue(now=timezone.now()) == 1
    clock.move_to(deadline + timedelta(days=1))

    # then
    seen = api.ok(api.get(user(APPLICANT_IIN), f"/cases/{case['id']}"))
    late = next(r for r in seen["timeline"] if r["id"] == row["id"])
    assert late["overdue"] is True
    assert late["time"]["overdue"] is True
    assert late["time"]["left"] < 0
    queue = api.ok(api.get(_actor(row), "/tasks"))
    assert next(t for t in queue if t["id"] == row["id"])["overdue"] is True
