"""Open tasks turn overdue exactly at their deadline, escalate to the head and then to the quality monitor, once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from qyzmet.cases.models import Case, CaseEvent, Task
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.services import version_load
from qyzmet.identity.models import Organization
from qyzmet.monitoring.models import Escalation
from qyzmet.monitoring.services import deadlines_watch, heads_for, monitors_for
from qyzmet.notifications.models import Notification
from qyzmet.notifications.selectors import notifications_for
from qyzmet.notifications.services import notification_text
from tests.worker.conftest import ALMATY, PREPARE_DUE, SERVICE, case_at_prepare

pytestmark = [pytest.mark.django_db]

ONE_SECOND = timedelta(seconds=1)
# Three working days after the deadline 8 Jan 2025 18:30 (the default second threshold):
# 9 Jan (Thu) 1, 10 Jan (Fri) 2, 11-12 Jan weekend, 13 Jan (Mon) 3 -> 13.01.2025 18:30.
MONITOR_DUE = datetime(2025, 1, 13, 18, 30, tzinfo=ALMATY)


def events(case: Case, kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("sequence"))


def test_the_deadline_counts_the_holidays_and_the_transferred_working_day(prepared_case: tuple[Case, Task]) -> None:
    # given
    _case, task = prepared_case

    # then
    assert task.step_id == "prepare"
    assert task.due_at == PREPARE_DUE


@pytest.mark.usefixtures("platform")
@pytest.mark.parametrize(
    ("resolved", "due"),
    [
        # Nauryz 2026: 21-23 March (Saturday to Monday) are holidays, and the two that fall on the
        # weekend move to Tuesday 24 and Wednesday 25 March. From Friday 20 March: 26 Mar (Thu) 1,
        # 27 Mar (Fri) 2, 28-29 weekend, 30 Mar (Mon) 3 -> 30.03.2026 18:30.
        (datetime(2026, 3, 20, 10, 0, tzinfo=ALMATY), datetime(2026, 3, 30, 18, 30, tzinfo=ALMATY)),
        # Independence Day, Tuesday 16 December 2025. From Monday 15 December: 17 Dec (Wed) 1,
        # 18 Dec (Thu) 2, 19 Dec (Fri) 3 -> 19.12.2025 18:30.
        (datetime(2025, 12, 15, 11, 0, tzinfo=ALMATY), datetime(2025, 12, 19, 18, 30, tzinfo=ALMATY)),
    ],
    ids=["nauryz-2026", "independence-day-2025"],
)
def test_three_working_days_across_other_holidays_end_when_counted_by_hand(resolved: datetime, due: datetime) -> None:
    # given
    case, task = case_at_prepare(resolved)

    # when
    at_deadline = deadlines_watch(now=due)
    after = deadlines_watch(now=due + ONE_SECOND)

    # then
    assert task.due_at == due
    assert (at_deadline.overdue, after.overdue) == (0, 1)
    assert len(events(case, "task_overdue")) == 1


def test_a_task_is_not_overdue_at_its_deadline_and_is_one_second_later(prepared_case: tuple[Case, Task]) -> None:
    # given
    case, task = prepared_case

    # when
    at_deadline = deadlines_watch(now=PREPARE_DUE)
    # then
    assert at_deadline.overdue == 0 and Task.objects.get(pk=task.pk).overdue_at is None
    assert events(case, "task_overdue") == []

    # when
    after = deadlines_watch(now=PREPARE_DUE + ONE_SECOND)
    again = deadlines_watch(now=PREPARE_DUE + 2 * ONE_SECOND)

    # then
    assert (after.overdue, after.to_head, after.to_monitor) == (1, 1, 0)
    assert (again.overdue, again.to_head, again.to_monitor) == (0, 0, 0)
    assert Task.objects.get(pk=task.pk).overdue_at == PREPARE_DUE + ONE_SECOND
    assert len(events(case, "task_overdue")) == 1
    escalated = events(case, "task_escalated")
    assert [e.data["level"] for e in escalated] == ["head"]
    # The head of the provider, the Burli district akimat (demo staff: `qyzmet identity demo-users`).
    assert escalated[0].data["to"] == ["790206464696"]


def test_the_applicant_gets_an_apology_with_the_new_expected_date(prepared_case: tuple[Case, Task]) -> None:
    # given
    case, task = prepared_case

    # when
    deadlines_watch(now=PREPARE_DUE + ONE_SECOND)

    # then: if the executor finished now (8 Jan 18:30:01), the head's signing (1 working day; the
    # arrival date 8 Jan is not counted) ends 9 Jan 18:30, and the clerk's issue (15 office minutes,
    # counted from the next opening) ends Friday 10 Jan 2025 09:15.
    apology = Notification.objects.get(case=case, kind="overdue")
    assert apology.key == str(task.pk) and apology.recipient_iin == case.applicant_iin
    assert datetime.fromisoformat(apology.params["expected"]) == datetime(2025, 1, 10, 9, 15, tzinfo=ALMATY)
    text = notification_text(apology, "ru")
    assert text == (
        f"Приносим извинения: по делу {case.number} истёк срок этапа (ответственный исполнитель, срок 08.01.2025 "
        "18:30). Новая ожидаемая дата результата: 10.01.2025 09:15."
    )
    assert "10.01.2025 09:15" in notification_text(apology, "kk")
    assert Notification.objects.filter(case=case, kind="overdue").count() == 1


def test_the_quality_monitor_is_told_past_the_default_threshold_once(prepared_case: tuple[Case, Task]) -> None:
    # given
    case, task = prepared_case
    deadlines_watch(now=PREPARE_DUE + ONE_SECOND)

    # when
    at_threshold = deadlines_watch(now=MONITOR_DUE)
    past = deadlines_watch(now=MONITOR_DUE + ONE_SECOND)
    again = deadlines_watch(now=MONITOR_DUE + timedelta(hours=1))

    # then
    assert (at_threshold.to_monitor, past.to_monitor, again.to_monitor) == (0, 1, 0)
    monitor = Escalation.objects.get(task=task, level="monitor")
    assert monitor.organization.code == "wko" and monitor.recipients == ["890912335272"]
    assert [e.data["level"] for e in events(case, "task_escalated")] == ["head", "monitor"]
    told = Notification.objects.filter(case=case, kind="escalated").order_by("pk")
    assert [n.recipient_iin for n in told] == ["790206464696", "890912335272"]


@pytest.mark.usefixtures("platform")
def test_a_service_sets_its_own_threshold() -> None:
    # given: the next version of the definition says the monitor hears of it one working day after the deadline
    stored = ServiceVersion.objects.get(service__slug=SERVICE)
    definition = ServiceDefinition.model_validate(
        {**stored.definition, "escalation": {"monitor_after": {"value": 1, "unit": "working_days"}}}
    )
    assert version_load(definition=definition, now=PREPARE_DUE - timedelta(days=30)).version.version == 2
    case, _task = case_at_prepare()
    assert case.service_version.version == 2
    deadlines_watch(now=PREPARE_DUE + ONE_SECOND)

    # when: one working day after 8 Jan 18:30 is 9 Jan 18:30
    at = deadlines_watch(now=datetime(2025, 1, 9, 18, 30, tzinfo=ALMATY))
    after = deadlines_watch(now=datetime(2025, 1, 9, 18, 30, 1, tzinfo=ALMATY))

    # then
    assert (at.to_monitor, after.to_monitor) == (0, 1)


def test_a_completed_task_is_never_escalated(prepared_case: tuple[Case, Task]) -> None:
    # given
    _case, task = prepared_case
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE, completed_at=PREPARE_DUE)

    # when
    report = deadlines_watch(now=MONITOR_DUE + ONE_SECOND)

    # then
    assert (report.overdue, report.to_head, report.to_monitor) == (0, 0, 0)
    assert not Escalation.objects.exists()


def test_the_escalation_field_is_optional_in_the_catalogue() -> None:
    definition = catalog_default().latest("wko-2015-patronat-payment")
    data = definition.model_dump(mode="json", by_alias=True)
    assert definition.escalation is None

    with_threshold = ServiceDefinition.model_validate(
        {**data, "escalation": {"monitor_after": {"value": 2, "unit": "working_days"}}}
    )

    assert with_threshold.escalation is not None and with_threshold.escalation.monitor_after.value == 2


def test_the_head_sees_the_escalation_in_the_cabinet(prepared_case: tuple[Case, Task]) -> None:
    # given
    case, _task = prepared_case
    deadlines_watch(now=PREPARE_DUE + ONE_SECOND)
    head = Notification.objects.get(kind="escalated").recipient
    assert head is not None

    # when
    rows = notifications_for(head, language="en")

    # then
    assert len(rows) == 1 and rows[0].case_number == case.number
    assert rows[0].text.startswith(
        f"Case {case.number}: a step is overdue (responsible executor, due 08.01.2025 18:30), "
        "escalated to the head of the organization: "
    )


@pytest.mark.usefixtures("platform")
def test_in_a_rural_akim_s_office_its_head_and_akim_are_told_and_the_monitor_is_the_oblast_s() -> None:
    # given: the Fedorov rural okrug akim's office (WKO): akim 951209324856 and head 910301426948 (demo staff)
    office = Organization.objects.get(staff_roles__user__iin="951209324856", staff_roles__role="akim")

    # when
    head_at, heads = heads_for(office)
    monitor_at, monitors = monitors_for(office)

    # then
    assert head_at == office and [u.iin for u in heads] == ["910301426948", "951209324856"]
    assert monitor_at.code == "wko" and [u.iin for u in monitors] == ["890912335272"]
