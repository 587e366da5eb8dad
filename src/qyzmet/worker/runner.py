"""`qyzmet worker`: run queued tasks and the periodic schedule, on the database or on Redis (RQ).

The database loop reuses django-tasks-db's own pieces (its row claim with SKIP LOCKED and its
`Worker.run_task`) and adds what it lacks: the schedule tick, and taking back tasks left
"running" by a worker that died (killed, machine lost), so they run again.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from datetime import datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django.utils import timezone

from qyzmet.core.context import work_context
from qyzmet.worker.schedule import schedule_tick

logger = logging.getLogger(__name__)
SCHEDULE_QUEUE: Final = "default"  # the periodic tasks' queue: workers serving it also tick the schedule
TICK_EVERY: Final = 5.0  # seconds between schedule ticks while a worker drains a long queue


def worker_id_new() -> str:
    """host:pid:random, so a worker on the same host can tell that the owner of a running task is gone."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def _owner_is_gone(worker_id: str) -> bool:
    host, _, rest = worker_id.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def tasks_recover_stale(*, now: datetime, stale_after: timedelta | None = None) -> int:
    """Put back to "ready" the tasks left running by a dead worker (same host), or running too long.

    Each is taken back with a conditional update on its claim (`started_at`), so of two workers
    recovering at once one wins; the task then runs again, which every task here allows.
    """
    from django_tasks_db.models import DBTaskResult

    limit = stale_after or timedelta(seconds=settings.QYZMET_TASKS_STALE_AFTER)
    recovered = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", "worker_ids", "started_at")
    for result_id, worker_ids, started_at in list(running):
        owner = worker_ids[-1] if worker_ids else ""
        if not (started_at is None or started_at < now - limit or _owner_is_gone(owner)):
            continue
        recovered += DBTaskResult.objects.filter(
            id=result_id, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY)
        logger.warning("task %s of worker %s taken back to run again", result_id, owner)
    return recovered


def _next_claimed(queues: list[str], worker_id: str) -> object | None:
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS, queue_name__in=queues)
    try:
        with exclusive_transaction(ready.db):
            found = ready.get_locked()
            if found is not None:
                found.claim(worker_id)
            return found
    except OperationalError as error:
        if is_locked_database_exception(error):
            return None  # SQLite busy: try again on the next turn
        raise


def _tick(queues: list[str], worker_id: str) -> None:
    if SCHEDULE_QUEUE in queues:
        schedule_tick(now=timezone.now(), worker_id=worker_id)


def run_database(*, queues: list[str], burst: bool, interval: float, worker_id: str) -> int:
    """The database worker loop; returns how many tasks it ran. `burst`: drain the queues once, then stop."""
    from django_tasks_db.management.commands.db_worker import Worker

    engine = Worker(
        queue_names=queues, interval=interval, batch=burst, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
    )
    if threading.current_thread() is threading.main_thread():  # signals can only be handled there
        engine.configure_signals()
    ran = 0
    while engine.running:
        close_old_connections()
        tasks_recover_stale(now=timezone.now())
        _tick(queues, worker_id)
        ticked = time.monotonic()
        while engine.running and (found := _next_claimed(queues, worker_id)) is not None:
            with work_context(request_id=f"task-{getattr(found, 'id', '')}"):  # the task may bind its caller's id
                engine.run_task(found)  # type: ignore[arg-type]
            ran += 1
            if time.monotonic() - ticked > TICK_EVERY:
                _tick(queues, worker_id)
                ticked = time.monotonic()
        if burst:
            break
        time.sleep(interval)
    return ran


def _tick_loop(stop: threading.Event, interval: float, queues: list[str], worker_id: str) -> None:
    while not stop.wait(interval):
        try:
            _tick(queues, worker_id)
        except Exception:  # a database hiccup must not kill the ticker; the next tick tries again
            logger.exception("schedule tick failed")
        finally:
            close_old_connections()


def _counting_worker_class() -> type:
    from rq import SimpleWorker

    class CountingWorker(SimpleWorker):
        """RQ's in-process worker, counting the jobs it executes (for `--burst`'s report)."""

        executed = 0

        def execute_job(self, job: Any, queue: Any) -> Any:
            self.executed += 1
            return super().execute_job(job, queue)

    return CountingWorker


def run_redis(*, queues: list[str], burst: bool, interval: float, worker_id: str) -> int:
    """An RQ worker (no fork per job) on the Redis queues, with the schedule ticked beside it."""
    import django_rq
    from django_tasks_rq.backend import Job

    worker: Any = django_rq.get_worker(*queues, job_class=Job, worker_class=_counting_worker_class(), name=worker_id)
    _tick(queues, worker_id)
    if burst:
        worker.work(burst=True)
        return int(worker.executed)
    stop = threading.Event()
    ticker = threading.Thread(target=_tick_loop, args=(stop, interval, queues, worker_id), daemon=True)
    ticker.start()
    try:
        worker.work(with_scheduler=True)
    finally:
        stop.set()
    return 0


def worker_run(*, queues: list[str] | None = None, burst: bool = False, interval: float = 1.0,
               worker_id: str | None = None) -> int:
    """Run a worker on the backend the settings choose (QYZMET_TASKS_BACKEND)."""
    chosen = queues or list(settings.QYZMET_TASK_QUEUES)
    identity = worker_id or worker_id_new()
    logger.info("worker %s on %s, queues %s", identity, settings.QYZMET_TASKS_BACKEND, ",".join(chosen))
    if settings.QYZMET_TASKS_BACKEND == "redis":
        return run_redis(queues=chosen, burst=burst, interval=interval, worker_id=identity)
    return run_database(queues=chosen, burst=burst, interval=interval, worker_id=identity)
