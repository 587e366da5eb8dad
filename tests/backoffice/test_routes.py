"""Whole routes through the case page: the rural akim's forwarding route, a branching check, and a deciding
step that signs its own decision (no signing step after it), each acted on by the people the regulation names."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from qyzmet.cases.models import Case, ResultDocument, Task
from qyzmet.catalog.definitions import catalog_default
from qyzmet.demo.driver import case_open
from qyzmet.identity.models import Organization, StaffRole, User
from tests.api.helpers import key_for, sign_b64
from tests.backoffice.conftest import DOSKEY_SPECIALIST, login
from tests.backoffice.helpers import act, eds_inputs, form_key, office_case, open_task, rural_akim_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data")]


def _holder(task: Task) -> User:
    role = StaffRole.objects.filter(role=task.role, organization=task.organization).select_related("user").first()
    assert role is not None
    return role.user


def _signed(page: str, signer: User, organization: Organization) -> dict[str, str]:
    bundle = key_for(signer, organization=organization)
    return {name: sign_b64(bundle, base64.b64decode(content)) for name, content in eds_inputs(page).items()}


def _drive(client: Client, case: Case, clock: time_machine.Coordinates, *, decision: str = "issued") -> list[str]:
    """Each open task's role holder opens the case page and does what its form asks, signing where it signs."""
    steps = []
    for _ in range(20):
        task = Task.objects.filter(case=case, status=Task.Status.OPEN).first()
        if task is None:
            return steps
        person = _holder(task)
        login(client, person.iin)
        page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
        fields: dict[str, str] = {}
        if 'name="decision"' in page:
            fields["decision"] = decision
        if 'name="branch"' in page:
            fields["branch"] = "compliant"
        assert task.organization is not None
        if eds_inputs(page):
            fields.update(_signed(page, person, task.organization))
        clock.shift(timedelta(minutes=5))
        response = client.post(f"/backoffice/cases/{case.pk}/tasks/{task.pk}/", {"form_key": form_key(page), **fields})
        if response.status_code == 200 and eds_inputs(response.content.decode()):
            signing = response.content.decode()  # the decision's documents, shown to be signed
            response = client.post(f"/backoffice/cases/{case.pk}/tasks/{task.pk}/", {
                "form_key": form_key(signing), **fields, **_signed(signing, person, task.organization)})
        assert response.status_code == 302, (task.step_id, response.content.decode()[:3000])
        steps.append(f"{task.step_id}:{person.iin}")
    raise AssertionError("the case did not finish")


def test_rural_akim_forwarding_route_to_the_signed_result(client: Client, clock: time_machine.Coordinates) -> None:
    # given: taken at the Doskey rural akim's office for the Bukhar-Zhyrau employment department
    case = rural_akim_case("karaganda-2015-child-allowance", DOSKEY_SPECIALIST, "karaganda-bukhar-zhyrau-employment")

    # when
    steps = _drive(client, case, clock)

    # then: the regulation's route, each step by its role in its organization
    assert [s.split(":")[0] for s in steps] == [
        "akim_register", "akim_resolve", "akim_prepare_letter", "akim_forward", "register", "resolve", "prepare",
        "sign", "forward_to_akim", "akim_issue",
    ]
    case.refresh_from_db()
    assert case.status == "issued"
    result = ResultDocument.objects.get(case=case, intermediate=False)
    assert result.signed_by is not None and result.signed_by.iin == "951218438346"  # the department's head
    assert result.delivered_to == "rural_akim"


def test_a_branching_check_offers_its_branches(client: Client, clock: time_machine.Coordinates) -> None:
    # given: a portal application; the clerk checks the package (compliant / deficient)
    case = case_open(catalog_default().latest("wko-2015-patronat-payment"), "portal", now=timezone.now())
    task = open_task(case)
    login(client, _holder(task).iin)

    # when
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    missing = act(client, case, task, clock)
    chosen = act(client, case, task, clock, branch="compliant")

    # then
    assert page.count('name="branch"') == 2 and 'value="compliant"' in page and 'value="deficient"' in page
    assert missing.status_code == 409
    assert chosen.status_code == 302
    assert Task.objects.get(pk=task.pk).branch == "compliant"


def test_a_deciding_step_without_a_later_signature_signs_its_decision(
    client: Client, clock: time_machine.Coordinates
) -> None:
    # given: the Pavlodar preschool queue: the clerk registers and decides (queue) and signs it there
    case = office_case("pavlodar-2016-preschool-queue", "930314351838")
    task = open_task(case)
    login(client, "930314351838")
    page = client.get(f"/ru/backoffice/cases/{case.pk}/").content.decode()

    # when: the decision is chosen, the page shows the documents to sign; signed, the step completes
    shown = client.post(f"/ru/backoffice/cases/{case.pk}/tasks/{task.pk}/",
                        {"form_key": form_key(page), "decision": "queued"})
    signing = shown.content.decode()
    still_open = Task.objects.get(pk=task.pk).status == Task.Status.OPEN
    clerk = User.objects.get(iin="930314351838")
    done = client.post(f"/backoffice/cases/{case.pk}/tasks/{task.pk}/", {
        "form_key": form_key(signing), "decision": "queued", "ground": "",
        **_signed(signing, clerk, Organization.objects.get(code="pavlodar-city"))})

    # then
    assert shown.status_code == 200 and "data-eds-form" in signing and eds_inputs(signing)
    assert still_open
    assert done.status_code == 302, done.content.decode()[:2000]
    case.refresh_from_db()
    assert case.outcome == "queued"
    assert all(d.signed_by == clerk for d in ResultDocument.objects.filter(case=case, intermediate=False))
    queued = client.get(f"/ru/backoffice/cases/{case.pk}/").content.decode()
    assert "Место в очереди" in queued and "1-е в pavlodar-city" in queued
