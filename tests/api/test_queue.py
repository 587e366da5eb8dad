"""The preschool queue through the API: the clerk previews the next child's direction, signs it, directs.

A direction needs the clerk's valid EDS signature of the previewed bytes (409 and nothing written
otherwise), and a retried request with the same Idempotency-Key never directs a second child.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import time_machine

from qyzmet.cases.models import CaseEvent, QueueEntry, ResultDocument
from qyzmet.identity.models import Organization, User
from tests.api.helpers import (
    OTHER_CITIZEN_IIN,
    ApiClient,
    Drive,
    case_drive,
    key_for,
    queue_direct,
    sign_b64,
    staff_member,
    user,
)
from tests.documents.pdf import pdf_text

PRESCHOOL = "pavlodar-2016-preschool-queue"


def _queued(api: ApiClient, clock: time_machine.Coordinates, children: int) -> list[Drive]:
    return [
        case_drive(api, clock, PRESCHOOL, "provider_office", outcome="queued",
                   form={"age_group": "3-4", "child_iin": child_iin})
        for child_iin in ("210305600011", "210411500012", "210519600013")[:children]
    ]


def _clerk(locality: dict[str, Any]) -> User:
    return staff_member("office_clerk", Organization.objects.get(pk=locality["id"]))


def _nothing_directed() -> None:
    assert set(QueueEntry.objects.values_list("status", flat=True)) == {"waiting"}
    assert not ResultDocument.objects.filter(document_id="direction").exists()
    assert not CaseEvent.objects.filter(kind="document_signed", data__document="direction").exists()
    assert not CaseEvent.objects.filter(kind="queue_directed").exists()


@pytest.mark.django_db
def test_the_preview_shows_the_next_child_and_the_direction_bytes(
    api: ApiClient, clock: time_machine.Coordinates
) -> None:
    # given
    drives = _queued(api, clock, 2)
    locality = drives[0].case["queue"]["locality"]

    # when
    preview = api.ok(api.post(_clerk(locality), "/queue/direct-next/preview",
                              {"locality": locality["id"], "age_group": "3-4"}))

    # then
    assert preview["case"]["id"] == drives[0].case["id"]
    [document] = preview["documents"]
    assert (document["document_id"], document["kind"], document["content_type"]) == (
        "direction", "direction", "application/pdf")
    text = pdf_text(base64.b64decode(document["content"]))
    assert "Мемлекеттік қызмет көрсетілді" in text and drives[0].case["number"] in text
    _nothing_directed()


@pytest.mark.django_db
def test_a_retried_direction_with_the_same_key_directs_one_child(
    api: ApiClient, clock: time_machine.Coordinates
) -> None:
    # given
    drives = _queued(api, clock, 2)
    locality = drives[0].case["queue"]["locality"]
    clerk = _clerk(locality)
    body = {"locality": locality["id"], "age_group": "3-4"}
    [document] = api.ok(api.post(clerk, "/queue/direct-next/preview", body))["documents"]
    signatures = {"direction": sign_b64(key_for(clerk, organization=Organization.objects.get(pk=locality["id"])),
                                        base64.b64decode(document["content"]))}

    # when: the same request twice (a lost answer, retried)
    first = api.ok(api.post(clerk, "/queue/direct-next", {**body, "signatures": signatures}, key="direct-42"))
    retried = api.ok(api.post(clerk, "/queue/direct-next", {**body, "signatures": signatures}, key="direct-42"))

    # then
    assert first["id"] == retried["id"] == drives[0].case["id"]
    assert list(QueueEntry.objects.order_by("registered_at").values_list("status", flat=True)) == [
        "directed", "waiting"]
    assert ResultDocument.objects.filter(document_id="direction").count() == 1
    assert CaseEvent.objects.filter(kind="queue_directed").count() == 1
    second = api.ok(api.get(drives[1].applicant, f"/cases/{drives[1].case['id']}"))
    assert second["queue"]["position"] == 1


@pytest.mark.django_db
def test_a_direction_without_the_clerks_signature_is_refused_and_changes_nothing(
    api: ApiClient, clock: time_machine.Coordinates
) -> None:
    locality = _queued(api, clock, 1)[0].case["queue"]["locality"]

    response = api.post(_clerk(locality), "/queue/direct-next", {"locality": locality["id"], "age_group": "3-4"},
                        key="direct-43")

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed.signature_required"
    _nothing_directed()


@pytest.mark.django_db
def test_a_direction_signed_by_someone_else_is_refused_and_changes_nothing(
    api: ApiClient, clock: time_machine.Coordinates
) -> None:
    # given: the preview signed with another person's key
    locality = _queued(api, clock, 1)[0].case["queue"]["locality"]
    body = {"locality": locality["id"], "age_group": "3-4"}
    clerk = _clerk(locality)
    [document] = api.ok(api.post(clerk, "/queue/direct-next/preview", body))["documents"]
    forged = sign_b64(key_for(user(OTHER_CITIZEN_IIN)), base64.b64decode(document["content"]))

    # when
    response = api.post(clerk, "/queue/direct-next", {**body, "signatures": {"direction": forged}})

    # then
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed.signature_invalid"
    assert "IIN_MISMATCH" in response.json()["message"]["en"]
    _nothing_directed()


@pytest.mark.django_db
def test_a_clerk_of_another_locality_neither_previews_nor_directs(
    api: ApiClient, clock: time_machine.Coordinates
) -> None:
    # given
    locality = _queued(api, clock, 1)[0].case["queue"]["locality"]
    body = {"locality": locality["id"], "age_group": "3-4"}
    other = next(p for p in api.ok(api.get(None, f"/services/{PRESCHOOL}/providers")) if p["id"] != locality["id"])

    # when
    responses = [api.post(_clerk(other), "/queue/direct-next/preview", body),
                 api.post(_clerk(other), "/queue/direct-next", {**body, "signatures": {"direction": "AAAA"}})]

    # then
    for response in responses:
        assert response.status_code == 409
        assert response.json()["code"] == "transition_not_allowed.wrong_role"
    _nothing_directed()


@pytest.mark.django_db
def test_with_nobody_waiting_there_is_nothing_to_preview_or_direct(
    api: ApiClient, clock: time_machine.Coordinates
) -> None:
    locality = _queued(api, clock, 1)[0].case["queue"]["locality"]
    clerk = _clerk(locality)
    api.ok(queue_direct(api, clerk, locality, "3-4"))

    preview = api.post(clerk, "/queue/direct-next/preview", {"locality": locality["id"], "age_group": "3-4"})
    directed = api.post(clerk, "/queue/direct-next", {"locality": locality["id"], "age_group": "3-4"})

    assert (preview.status_code, directed.status_code) == (204, 204)
