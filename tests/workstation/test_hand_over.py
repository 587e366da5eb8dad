"""Handing over at the window the results that came back to the branch for pick-up."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from qyzmet.cases.models import Case, CaseEvent, ResultDocument, Task
from qyzmet.gateway.simulator import SimulatorServer
from qyzmet.identity.models import Organization, User
from tests.api.helpers import ApiClient, case_file, task_act, user
from tests.workstation.conftest import JAMBYL_OPERATOR_IIN

pytestmark = pytest.mark.django_db

SERVICE = "wko-2019-school-transport"
AYGUL = "880314412019"
OTHER_CITIZEN = "791102333026"


def _result_at_the_branch(api: ApiClient, clock: time_machine.Coordinates) -> Case:
    """An application taken at wko-sc, decided and signed by the provider: its hand-over step is open."""
    filed = case_file(api, SERVICE, "state_corporation", applicant=user(AYGUL))
    row: Any = next(r for r in filed["timeline"] if r["status"] == "open")
    while row["phase"] != "delivery":
        row = task_act(api, clock, row, outcome="issued")["next_task"]
    return Case.objects.get(pk=filed["id"])


def _hand_over_task(case: Case) -> Task:
    return Task.objects.get(case=case, phase="delivery")


def test_the_operator_sees_the_result_and_hands_it_over_to_the_applicant(
    api: ApiClient, clock: time_machine.Coordinates, registry: SimulatorServer, desk: Client, branch: Organization,
    operator: User,
) -> None:
    # given
    case = _result_at_the_branch(api, clock)
    task = _hand_over_task(case)

    # when
    listed = desk.get("/en/hall/desk/results/").content.decode()
    response = desk.post(f"/en/hall/desk/results/{task.pk}/", {"recipient_iin": AYGUL,
                                                               "recipient_name": "Нұрланова Айгүл"})

    # then
    assert case.number in listed
    assert response.status_code == 302 and response["Location"] == "/en/hall/desk/results/?branch=wko-sc"
    task.refresh_from_db()
    assert (task.status, task.completed_by) == ("done", operator)
    handed = CaseEvent.objects.get(case=case, kind="result_handed_over")
    assert (handed.actor, handed.data) == (operator, {
        "recipient_iin": AYGUL, "recipient_name": "Нұрланова Айгүл", "power_of_attorney": None,
        "is_applicant": True})
    documents = ResultDocument.objects.filter(case=case, intermediate=False)
    assert documents and {d.delivered_to for d in documents} == {"state_corporation"}
    after = desk.get("/en/hall/desk/results/", follow=True).content.decode()
    assert "No result is waiting to be handed over." in after and f"Result of case {case.number} handed over." in after
    assert desk.post(f"/en/hall/desk/results/{task.pk}/", {"recipient_iin": AYGUL}).status_code == 404


def test_someone_else_needs_a_power_of_attorney(
    api: ApiClient, clock: time_machine.Coordinates, registry: SimulatorServer, desk: Client, branch: Organization,
) -> None:
    # given
    case = _result_at_the_branch(api, clock)
    task = _hand_over_task(case)

    # when
    refused = desk.post(f"/ru/hall/desk/results/{task.pk}/", {"recipient_iin": OTHER_CITIZEN})

    # then: refused, nothing written
    assert refused.status_code == 422
    assert "укажите номер доверенности" in refused.content.decode()
    task.refresh_from_db()
    assert task.status == "open"
    assert not CaseEvent.objects.filter(case=case, kind="result_handed_over").exists()

    # when: with the power of attorney's number
    desk.post(f"/ru/hall/desk/results/{task.pk}/", {"recipient_iin": OTHER_CITIZEN, "power_of_attorney": "N-17"})

    # then
    handed = CaseEvent.objects.get(case=case, kind="result_handed_over")
    assert (handed.data["recipient_iin"], handed.data["power_of_attorney"], handed.data["is_applicant"]) == (
        OTHER_CITIZEN, "N-17", False)


def test_only_operators_of_the_branch_the_case_came_through_hand_it_over(
    api: ApiClient, clock: time_machine.Coordinates, registry: SimulatorServer, branch: Organization,
) -> None:
    # given
    case = _result_at_the_branch(api, clock)
    task = _hand_over_task(case)
    other = Client()
    other.force_login(User.objects.get(iin=JAMBYL_OPERATOR_IIN))
    citizen = Client()
    citizen.force_login(User.objects.get(iin=AYGUL))

    # when
    listed = other.get("/en/hall/desk/results/").content.decode()
    page = other.get(f"/en/hall/desk/results/{task.pk}/")
    posted = other.post(f"/en/hall/desk/results/{task.pk}/", {"recipient_iin": AYGUL})
    by_citizen = citizen.post(f"/en/hall/desk/results/{task.pk}/", {"recipient_iin": AYGUL})

    # then
    assert case.number not in listed
    assert (page.status_code, posted.status_code, by_citizen.status_code) == (404, 404, 403)
    task.refresh_from_db()
    assert task.status == "open"
