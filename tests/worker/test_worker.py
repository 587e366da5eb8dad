"""The worker runs queued tasks and the periodic schedule; each slot runs once whoever claims it."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django_tasks_db.models import DBTaskResult

from qyzmet.cases.models import Task
from qyzmet.identity.models import SmsOutbox, User
from qyzmet.notifications.models import Notification
from qyzmet.reports.models import TaskTiming
from qyzmet.worker.models import ScheduledJob
from qyzmet.worker.runner import tasks_recover_stale, worker_run
from qyzmet.worker.schedule import schedule_tick
from tests.cases.conftest import START
from tests.cases.factories import CITIZEN_IIN as DEMO_APPLICANT_IIN
from tests.cases.factories import case_at_office, case_worked

EVERY_MINUTE = ["deadlines-watch", "notifications-flush"]


@pytest.mark.django_db
def test_each_slot_is_claimed_by_one_worker() -> None:
    # given: 12:00:30 UTC
    now = datetime(2026, 12, 1, 12, 0, 30, tzinfo=UTC)

    # when
    first = schedule_tick(now=now, worker_id="a")
    second = schedule_tick(now=now, worker_id="b")
    next_minute = schedule_tick(now=now + timedelta(seconds=30), worker_id="b")

    # then
    assert first == [*EVERY_MINUTE, "gateway-retry", "reports-refresh", "audit-checkpoint"] and second == []
    assert next_minute == EVERY_MINUTE
    jobs = {job.name: job for job in ScheduledJob.objects.all()}
    assert jobs["deadlines-watch"].next_run_at == datetime(2026, 12, 1, 12, 2, tzinfo=UTC)
    assert jobs["gateway-retry"].next_run_at == datetime(2026, 12, 1, 12, 5, tzinfo=UTC)
    assert jobs["reports-refresh"].next_run_at == datetime(2026, 12, 1, 12, 10, tzinfo=UTC)
    # The hourly signed checkpoint of every case's head: the next whole hour.
    assert jobs["audit-checkpoint"].next_run_at == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    # The nightly audit: 02:00 in Almaty (UTC+5) is 21:00 UTC.
    assert jobs["audit-verify"].next_run_at == datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
    assert DBTaskResult.objects.count() == 7


@pytest.mark.django_db
def test_the_nightly_audit_runs_once_a_night() -> None:
    # given
    schedule_tick(now=datetime(2026, 12, 1, 12, 0, tzinfo=UTC), worker_id="a")

    # when
    night = schedule_tick(now=datetime(2026, 12, 1, 21, 0, tzinfo=UTC), worker_id="a")
    later = schedule_tick(now=datetime(2026, 12, 1, 21, 0, 40, tzinfo=UTC), worker_id="b")

    # then
    assert "audit-verify" in night and "audit-verify" not in later
    assert ScheduledJob.objects.get(name="audit-verify").next_run_at == datetime(2026, 12, 2, 21, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_task_left_running_by_a_dead_worker_is_taken_back() -> None:
    # given: a task claimed by a process of this host that no longer exists
    from qyzmet.worker.tasks import notifications_flush

    result = notifications_flush.enqueue()
    row = DBTaskResult.objects.get(id=result.id)
    row.claim(f"{socket.gethostname()[:40]}:999999999:dead00")
    alive = DBTaskResult.objects.get(id=notifications_flush.enqueue().id)
    alive.claim(f"{socket.gethostname()[:40]}:1:alive0")  # pid 1 exists

    # when
    recovered = tasks_recover_stale(now=datetime.now(UTC))

    # then
    assert recovered == 1
    assert DBTaskResult.objects.get(id=row.id).status == "READY"
    assert DBTaskResult.objects.get(id=alive.id).status == "RUNNING"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("platform")
def test_a_burst_worker_runs_the_watch_and_delivers_what_it_says() -> None:
    # given: a case decided and issued on 1-9 Sep 2026; the worker starts the next day
    case = case_at_office("wko-2015-patronat-payment", at=START)
    finished = case_worked(case, at=START + timedelta(minutes=5))
    sms_before = SmsOutbox.objects.filter(to=User.objects.get(iin=DEMO_APPLICANT_IIN).mobile).count()

    # when
    with time_machine.travel(finished + timedelta(days=1), tick=True):
        ran = worker_run(burst=True, worker_id="test-burst")
        again = worker_run(burst=True, worker_id="test-burst-2")

    # then: the five interval jobs (watch, flush, retry, reports, checkpoint), then one delivery per
    # notification; the second burst finds nothing due
    told = Notification.objects.filter(case=case)
    assert sorted(told.values_list("kind", flat=True)) == ["accepted", "result_ready"]
    assert all(n.sent_at is not None for n in told)
    assert ran == 5 + 2 and again == 0
    # the reports' refresh measured every staff task the case completed (register, resolve, prepare, sign, issue …)
    staff_tasks = Task.objects.filter(case=case, organization__isnull=False)
    assert staff_tasks.count() > 0
    assert TaskTiming.objects.filter(task__in=staff_tasks).count() == staff_tasks.count()
    mobile = User.objects.get(iin=DEMO_APPLICANT_IIN).mobile
    assert SmsOutbox.objects.filter(to=mobile).count() == sms_before + 2


def redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("platform")
@pytest.mark.skipif(not redis_reachable(REDIS_TEST_URL), reason="no Redis at 127.0.0.1:6379")
def test_the_redis_backend_runs_the_same_tasks(settings: Any) -> None:
    # given: RQ on Redis (database 15, emptied) instead of the database backend
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    settings.QYZMET_TASKS_BACKEND = "redis"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": settings.QYZMET_TASK_QUEUES}}
    settings.RQ_QUEUES = {name: {"URL": REDIS_TEST_URL} for name in settings.QYZMET_TASK_QUEUES}
    case = case_at_office("wko-2015-patronat-payment", at=START)

    # when
    with time_machine.travel(START + timedelta(minutes=5), tick=True):
        ran = worker_run(burst=True, worker_id=f"test-rq-{connection.vendor}")

    # then: the watch ran on RQ, said "accepted", and the delivery it enqueued on Redis ran too
    accepted = Notification.objects.get(case=case, kind="accepted")
    assert accepted.sent_at is not None and "sms" in accepted.delivered
    assert not DBTaskResult.objects.exists()
    assert ran == 5 + 1  # the five interval jobs and the one delivery


def test_the_worker_command_refuses_an_unknown_queue(capsys: pytest.CaptureFixture[str]) -> None:
    from qyzmet.cli import main

    assert main(["worker", "--burst", "--queue", "nowhere"]) == 2
    assert "unknown queue(s) nowhere; known: default, notifications" in capsys.readouterr().out
