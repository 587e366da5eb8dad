"""A worker killed (SIGKILL) in the middle of a task: the next worker runs it again, and its effect happens once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QYZMET = [sys.executable, "-m", "qyzmet"]

pytestmark = [pytest.mark.slow]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QYZMET_")}
    env.update(
        QYZMET_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'qyzmet.sqlite3'}",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        QYZMET_TASKS_BACKEND="database",
        DJANGO_SETTINGS_MODULE="qyzmet.settings",
        **extra,
    )
    return env


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _rows(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


def test_a_killed_worker_s_task_runs_again_and_its_sms_goes_once(tmp_path: Path) -> None:
    # given: a migrated database with one notification whose delivery is queued
    env = _env(tmp_path)
    database = tmp_path / "qyzmet.sqlite3"
    _run([*QYZMET, "manage", "migrate", "--verbosity", "0"], env)
    notification_id = int(_run([sys.executable, "-m", "tests.worker.killed_setup"], env).strip())
    started = tmp_path / "sms-started"
    slow = _env(tmp_path, QYZMET_SMS_BACKEND="tests.worker.slow_sms.SlowOutboxSmsBackend",
                QYZMET_TEST_SMS_STARTED=str(started))

    # when: a worker starts the delivery (the SMS is written, not yet committed) and is killed
    worker = subprocess.Popen([*QYZMET, "worker", "--queue", "notifications", "--interval", "0.2"], env=slow, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not started.exists():
            assert worker.poll() is None and time.monotonic() < deadline, "the worker never started the task"
            time.sleep(0.1)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    # then: the task is left "running", and nothing of its work was kept
    assert _rows(database, "select status from django_tasks_database_dbtaskresult") == [("RUNNING",)]
    assert _rows(database, "select count(*) from identity_smsoutbox") == [(0,)]

    # when: another worker comes, and then one more
    second = _run([*QYZMET, "worker", "--burst", "--queue", "notifications"], env)
    third = _run([*QYZMET, "worker", "--burst", "--queue", "notifications"], env)

    # then: the second ran it again; the SMS went once; the third found nothing to do
    assert second.strip().endswith("1 task(s) run") and third.strip().endswith("0 task(s) run")
    assert _rows(database, "select count(*), min(\"to\") from identity_smsoutbox") == [(1, "+77010000001")]
    [(status, worker_ids)] = _rows(database, "select status, worker_ids from django_tasks_database_dbtaskresult")
    assert status == "SUCCESSFUL" and str(worker_ids).count(":") == 4  # two workers: host:pid:random each
    [(sent_at, attempts)] = _rows(
        database, f"select sent_at, attempts from notifications_notification where id = {notification_id}"
    )
    assert sent_at is not None and attempts == 2
