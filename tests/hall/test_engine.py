"""A State Corporation case runs through the engine from the hall's real intake to its result.

The operator signs the request with their key, the registries are asked through the gateway over
real HTTP (the simulator), and the case is filed at the provider; every step after that is done by
the person holding its role. The clock is today's (the test CA's certificates are issued now), so
the expected deadlines come from the tests' hand-written reference calendar, not from the code.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from qyzmet.api.selectors import task_row
from qyzmet.cases.models import CaseStatus, ResultDocument, Task
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.services import catalog_sync
from qyzmet.gateway.models import GatewayMessage
from qyzmet.identity.demo import CITIZENS, load_demo
from qyzmet.identity.models import Organization, User
from qyzmet.state_corporation.models import Intake
from tests.api.helpers import office_hours
from tests.calendar.reference import add_office_minutes, deadline_reference
from tests.cases.factories import case_at_state_corporation, task_done, task_open
from tests.gateway.fixtures import OPERATOR_IIN, OperatorKey

CAMP = "wko-2019-camp-referrals"
AYGUL = CITIZENS[0].iin


@pytest.fixture
def hall(recorded_certificates: None) -> dict[str, Any]:
    """The catalogue and the demo organizations, staff and citizens (use with the django_db marker)."""
    catalog_sync(catalog=catalog_default(), now=datetime.now(UTC))
    load_demo()
    return {"branch": Organization.objects.get(code="wko-sc"), "operator": User.objects.get(iin=OPERATOR_IIN)}


@pytest.mark.django_db
def test_a_case_taken_in_the_hall_runs_to_its_signed_result_within_every_term(
    hall: dict[str, Any], operator_key: OperatorKey, make_client: Any
) -> None:
    # given: taken now at the West Kazakhstan branch, the request signed by the operator
    taken = datetime.now(UTC).replace(microsecond=0)
    case = case_at_state_corporation(CAMP, at=taken, branch=hall["branch"], operator=hall["operator"],
                                     sign=operator_key.sign, client=make_client(), applicant_iin=AYGUL)

    # when: each person does their step one office minute after the step before
    moment = taken
    while Task.objects.filter(case=case, status=Task.Status.OPEN).exists():
        task = task_open(case)
        assert task.organization is not None
        moment = add_office_minutes(max(moment, task.started_at), 1, office_hours(task.organization))
        task_done(case, at=moment)

    # then
    case.refresh_from_db()
    intake = Intake.objects.get(case=case)
    assert (intake.status, case.channel, case.intake_office, case.confirmation) == (
        "filed", "state_corporation", hall["branch"], "operator_eds")
    assert GatewayMessage.objects.filter(case_number=case.number, registry="gbd_fl").exists()
    assert case.status == CaseStatus.ISSUED
    tasks = list(case.tasks.select_related("organization").order_by("sequence"))
    assert [t.step_id for t in tasks] == [
        "hand_over", "sc_login", "sc_fill_request", "query_registries", "check_registries", "sc_send_request",
        "register_in_gateway", "sc_check_documents", "register", "resolve", "prepare", "sign", "issue",
        "sc_receive_result",
    ]
    for task in tasks:  # the system's own steps (no organization) keep the default office day
        assert task.duration_value is not None
        hours = office_hours(task.organization) if task.organization else None
        expected = (deadline_reference(task.started_at, task.duration_value, task.duration_unit, hours) if hours
                    else deadline_reference(task.started_at, task.duration_value, task.duration_unit))
        assert task.due_at == expected, task.step_id
    assert [t.step_id for t in tasks if task_row(t, now=moment)["overdue"]] == []
    decision = ResultDocument.objects.get(case=case, intermediate=False)
    assert decision.signature is not None and decision.signed_by is not None
    assert decision.signed_by.staff_roles.filter(role="head", organization=case.provider).exists()
