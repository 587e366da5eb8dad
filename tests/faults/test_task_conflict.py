"""Two staff act on the same task at the same moment (PostgreSQL, two connections): one wins, the other is
told clearly that the task is already done (API 409 in kk/ru/en; the case page's notice), nothing twice."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from qyzmet.api.services import token_issue
from qyzmet.cases.errors import REASONS
from qyzmet.cases.events import case_chain_verify
from qyzmet.cases.models import Case, CaseEvent, Task
from qyzmet.catalog.definitions import catalog_default
from qyzmet.core.i18n import in_language
from qyzmet.demo.driver import case_open, staff_member
from qyzmet.identity.identifiers import check_digit
from qyzmet.identity.models import StaffRole, User
from tests.cases.conftest import START, _pki_settings, pki_directory, platform

__all__ = ["_pki_settings", "pki_directory", "platform"]

pytestmark = [pytest.mark.postgres, pytest.mark.fault, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("platform")]

SERVICE = "wko-2015-patronat-payment"


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and two concurrent writers (SQLite serialises writers)")


def _together(actions: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(actions))
    outcomes: list[Any] = [None] * len(actions)

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = actions[index]()
        except BaseException as error:  # collected for the assertions
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _unused_iin() -> str:
    for serial in range(1000, 9999):
        body = f"9001013{serial:04d}"
        digit = check_digit(body)
        if digit is not None and not User.objects.filter(iin=f"{body}{digit}").exists():
            return f"{body}{digit}"
    raise AssertionError("no free IIN")


def _two_holders() -> tuple[Case, Task, User, User]:
    """An office case whose first task is open, and two people holding that task's role in its organization."""
    case = case_open(catalog_default().latest(SERVICE), "provider_office", now=START)
    task = Task.objects.select_related("organization").get(case=case, status=Task.Status.OPEN)
    assert task.organization is not None
    first = staff_member(task.role, task.organization)
    second = User.objects.create_user(_unused_iin(), None, surname="Екінші", given_name="Қызметкер")
    StaffRole.objects.create(user=second, organization=task.organization, role=task.role, granted_at=START)
    return case, task, first, second


def _api_complete(user: User, task: Task) -> Callable[[], Any]:
    token = token_issue(user=user, method="password", now=timezone.now()).token

    def complete() -> Any:
        return Client(HTTP_HOST="127.0.0.1").post(f"/api/v1/tasks/{task.pk}/complete", json.dumps({}),
                                                  content_type="application/json",
                                                  headers={"Authorization": f"Bearer {token}"})

    return complete


def test_two_staff_completing_one_task_through_the_api_one_wins_the_other_gets_409() -> None:
    # given
    case, task, first, second = _two_holders()
    steps_before = CaseEvent.objects.filter(case=case, kind="step_completed").count()

    # when: both send "complete" at the same instant
    answers = _together([_api_complete(first, task), _api_complete(second, task)])

    # then: one 200, one 409 saying the task is already done, in the three languages
    assert sorted(a.status_code for a in answers) == [200, 409], [a.content[:300] for a in answers]
    conflict = next(a for a in answers if a.status_code == 409).json()
    assert conflict["code"] == "transition_not_allowed.task_closed"
    for language in ("kk", "ru", "en"):
        assert in_language(REASONS["task_closed"], language) in conflict["message"][language]
    # the step was done once, by the winner, and the next step opened once
    task.refresh_from_db()
    winner = first if answers[0].status_code == 200 else second
    assert task.status == "done" and task.completed_by_id == winner.pk
    assert CaseEvent.objects.filter(case=case, kind="step_completed").count() == steps_before + 1
    assert Task.objects.filter(case=case, status="open").count() == 1
    assert case_chain_verify(case) is None


def test_two_staff_completing_one_task_on_the_case_page_one_wins_the_other_sees_a_notice() -> None:
    # given
    case, task, first, second = _two_holders()
    steps_before = CaseEvent.objects.filter(case=case, kind="step_completed").count()

    def page_complete(user: User) -> Callable[[], Any]:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)

        def complete() -> Any:
            return client.post(f"/ru/backoffice/cases/{case.pk}/tasks/{task.pk}/", {"form_key": f"k-{user.pk}"})

        return complete

    # when
    answers = _together([page_complete(first), page_complete(second)])

    # then: one is redirected to the case (done), the other gets the case page with 409 and the notice in Russian
    assert sorted(a.status_code for a in answers) == [302, 409], [a.status_code for a in answers]
    refused = next(a for a in answers if a.status_code == 409).content.decode()
    assert in_language(REASONS["task_closed"], "ru") in refused
    assert CaseEvent.objects.filter(case=case, kind="step_completed").count() == steps_before + 1
