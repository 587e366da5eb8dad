"""POST /cases/{id}/appeals: the applicant appeals (signed), a clerk registers a written appeal, the head decides."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import time_machine

from qyzmet.appeals.models import Appeal
from qyzmet.cases.models import Case, CaseEvent
from qyzmet.identity.models import Organization
from tests.api.helpers import (
    APPLICANT_IIN,
    OTHER_CITIZEN_IIN,
    ApiClient,
    case_drive,
    key_for,
    sign_b64,
    staff_member,
    task_act,
    user,
)

pytestmark = [pytest.mark.django_db]
SERVICE = "wko-2015-patronat-payment"
COMPLAINT = {"subject": "decision", "text": "The refusal ignores the documents I handed in."}


def open_rows(case: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in case["timeline"] if row["status"] == "open"]


def appeal_signed(api: ApiClient, case_id: int) -> Any:
    applicant = user(APPLICANT_IIN)
    preview = api.ok(api.post(applicant, f"/cases/{case_id}/appeals/preview", COMPLAINT))
    signature = sign_b64(key_for(applicant), base64.b64decode(preview["content"]))
    return api.post(applicant, f"/cases/{case_id}/appeals", {**COMPLAINT, "signature": signature})


def test_the_applicant_appeals_and_the_head_upholds_it_reopening_the_case(
    api: ApiClient, clock: time_machine.Coordinates
) -> None:
    # given: a refused case
    original = case_drive(api, clock, SERVICE, "provider_office", outcome="refused").case
    assert original["status"] == "refused"

    # when: the applicant appeals it
    appeal = api.ok(appeal_signed(api, original["id"]), 201)

    # then: the appeal is a case of the complaint definition, with the clerk's registration open
    assert (appeal["service"], appeal["channel"], appeal["confirmation"]) == ("national-complaint", "portal", "eds")
    assert appeal["form"]["original"] == original["number"]
    register = open_rows(appeal)[0]
    assert (register["step"], register["role"]) == ("register", "office_clerk")

    # when: the clerk registers it; the generic completion refuses the head's decision; the head upholds it
    decide_row = task_act(api, clock, register, outcome="")["next_task"]
    head = staff_member("head", Organization.objects.get(pk=decide_row["organization"]["id"]))
    generic = api.post(head, f"/tasks/{decide_row['id']}/complete", {"decision": "issued"})
    body = {"decision": "upheld", "reopen_step": "prepare"}
    preview = api.ok(api.post(head, f"/tasks/{decide_row['id']}/appeal-decision/preview", body))
    bundle = key_for(head, organization=Organization.objects.get(pk=decide_row["organization"]["id"]))
    signatures = {d["document_id"]: sign_b64(bundle, base64.b64decode(d["content"])) for d in preview}
    decided = api.ok(api.post(head, f"/tasks/{decide_row['id']}/appeal-decision", {**body, "signatures": signatures}))

    # then
    assert generic.status_code == 409 and generic.json()["code"] == "transition_not_allowed.appeal_decision"
    assert [d["document_id"] for d in preview] == ["complaint_upheld"]
    assert decided["status"] == "issued"
    reopened = api.ok(api.get(user(APPLICANT_IIN), f"/cases/{original['id']}"))
    assert reopened["status"] == "in_progress" and [r["step"] for r in open_rows(reopened)] == ["prepare"]


def test_another_citizen_gets_404_and_nothing_is_written(api: ApiClient, clock: time_machine.Coordinates) -> None:
    # given
    original = case_drive(api, clock, SERVICE, "provider_office", outcome="refused").case
    counts = (Case.objects.count(), CaseEvent.objects.count(), Appeal.objects.count())
    stranger = user(OTHER_CITIZEN_IIN)

    # when
    preview = api.post(stranger, f"/cases/{original['id']}/appeals/preview", COMPLAINT)
    filed = api.post(stranger, f"/cases/{original['id']}/appeals", {**COMPLAINT, "otp_code": "123456"})

    # then
    assert (preview.status_code, filed.status_code) == (404, 404)
    assert (Case.objects.count(), CaseEvent.objects.count(), Appeal.objects.count()) == counts


def test_the_clerk_registers_a_written_appeal(api: ApiClient, clock: time_machine.Coordinates) -> None:
    # given
    original = case_drive(api, clock, SERVICE, "provider_office", outcome="refused").case
    clerk = staff_member("office_clerk", Organization.objects.get(pk=original["provider"]["id"]))

    # when
    first = api.ok(api.post(clerk, f"/cases/{original['id']}/appeals", COMPLAINT, key="written-1"), 201)
    again = api.ok(api.post(clerk, f"/cases/{original['id']}/appeals", COMPLAINT, key="written-1"), 201)

    # then: one appeal, filed for the applicant of the case, at the office
    assert first["id"] == again["id"] and Appeal.objects.count() == 1
    assert (first["channel"], first["applicant"]["iin"]) == ("provider_office", APPLICANT_IIN)
