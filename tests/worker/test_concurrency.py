"""Two workers at once on PostgreSQL: each overdue mark, escalation and notification happens once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from qyzmet.cases.events import case_chain_verify
from qyzmet.cases.models import CaseEvent
from qyzmet.identity.models import SmsOutbox
from qyzmet.monitoring.models import Escalation
from qyzmet.monitoring.services import deadlines_watch
from qyzmet.notifications.models import Notification
from qyzmet.worker.runner import worker_run
from tests.worker.conftest import PREPARE_DUE, RESOLVED, case_at_prepare
from tests.worker.test_deadlines import MONITOR_DUE

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("platform")]
ONE_SECOND = timedelta(seconds=1)


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent writers (SQLite serialises writers)")


def run_together(action: Callable[[int], object], times: int = 2) -> list[object]:
    barrier = threading.Barrier(times)
    outcomes: list[object] = [None] * times

    def worker(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = action(index)
        except BaseException as error:  # collected for the assertions
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_two_workers_mark_escalate_and_notify_once() -> None:
    # given
    case, task = case_at_prepare()
    mobile = case.applicant.mobile if case.applicant else ""
    sms_before = SmsOutbox.objects.filter(to=mobile).count()

    # when: two workers watch at the same instant, one second after the deadline and past the monitor threshold
    overdue = run_together(lambda _: deadlines_watch(now=PREPARE_DUE + ONE_SECOND))
    monitored = run_together(lambda _: deadlines_watch(now=MONITOR_DUE + ONE_SECOND))
    # and two workers deliver what was enqueued
    delivered = run_together(lambda i: worker_run(queues=["notifications"], burst=True, worker_id=f"w{i}"))

    # then
    assert not any(isinstance(o, BaseException) for o in [*overdue, *monitored, *delivered]), (overdue, monitored)
    assert sorted(r.overdue for r in overdue) == [0, 1]  # type: ignore[attr-defined]
    assert sorted(r.to_head for r in overdue) == [0, 1]  # type: ignore[attr-defined]
    assert sorted(r.to_monitor for r in monitored) == [0, 1]  # type: ignore[attr-defined]
    assert CaseEvent.objects.filter(case=case, kind="task_overdue").count() == 1
    assert list(Escalation.objects.filter(task=task).order_by("level").values_list("level", flat=True)) == [
        "head", "monitor",
    ]
    # "accepted" was told by the engine when the case was filed (ADR 0012), the rest by the watch
    assert sorted(Notification.objects.filter(case=case).values_list("kind", flat=True)) == [
        "accepted", "escalated", "escalated", "overdue",
    ]
    assert case_chain_verify(case) is None
    # Each delivery ran once, by one of the two workers, and the apology went by SMS once.
    runs = list(DBTaskResult.objects.filter(queue_name="notifications").values_list("status", "worker_ids"))
    assert len(runs) == 4 and all(status == "SUCCESSFUL" and len(ids) == 1 for status, ids in runs)
    assert sum(delivered) == 4  # type: ignore[arg-type]
    assert Notification.objects.filter(case=case, sent_at=None).count() == 0
    assert SmsOutbox.objects.filter(to=mobile).count() == sms_before + 2  # "accepted" and the apology


def test_two_workers_catch_up_from_the_event_log_once() -> None:
    # given
    from qyzmet.notifications.services import case_events_notify

    case, _task = case_at_prepare()

    # when
    reports = run_together(lambda _: case_events_notify(now=RESOLVED + ONE_SECOND), times=3)

    # then
    assert not any(isinstance(r, BaseException) for r in reports), reports
    assert list(Notification.objects.filter(case=case).values_list("kind", flat=True)) == ["accepted"]


def test_two_workers_ticking_at_once_claim_each_slot_once() -> None:
    # given: the schedule's rows exist, all due
    from datetime import UTC, datetime

    from qyzmet.worker.schedule import SCHEDULE, schedule_tick

    start = datetime(2026, 12, 1, 20, 59, 30, tzinfo=UTC)
    schedule_tick(now=start, worker_id="setup")
    night = datetime(2026, 12, 1, 21, 0, 0, tzinfo=UTC)  # 02:00 in Almaty: every job is due

    # when
    claimed = run_together(lambda i: schedule_tick(now=night, worker_id=f"w{i}"), times=4)

    # then: each job once, by one of the four
    assert not any(isinstance(c, BaseException) for c in claimed), claimed
    names = sorted(name for found in claimed for name in found)  # type: ignore[attr-defined]
    assert names == sorted(p.name for p in SCHEDULE)
    assert DBTaskResult.objects.filter(task_path="qyzmet.worker.tasks.audit_verify").count() == 1
