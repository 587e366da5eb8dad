"""Periodic work, scheduled by the workers themselves (no cron).

Each job has one `ScheduledJob` row. A worker that finds the row due moves `next_run_at` to the
next slot with a conditional UPDATE (`WHERE next_run_at = <the value it read>`) and enqueues the
job's task in the same transaction; a second worker reading the same row updates nothing and
enqueues nothing. Missed slots (no worker was running) are run once, not once per missed slot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.module_loading import import_string

from qyzmet.calendar import TIMEZONE
from qyzmet.worker.models import ScheduledJob

logger = logging.getLogger(__name__)
# UTC: adding to an Asia/Almaty epoch would count wall-clock time across the 2024 change of offset.
EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Periodic:
    """A job run every `every`, or once a day at `daily_at` (Asia/Almaty wall-clock time)."""

    name: str
    task_path: str
    every: timedelta | None = None
    daily_at: time | None = None

    def next_after(self, moment: datetime) -> datetime:
        """The first slot strictly after `moment`: aligned to `every` from 2000-01-01, or the next `daily_at`."""
        if self.every is not None:
            slots = (moment - EPOCH) // self.every + 1
            return EPOCH + slots * self.every
        assert self.daily_at is not None
        local = moment.astimezone(TIMEZONE)
        candidate = datetime.combine(local.date(), self.daily_at, TIMEZONE)
        return candidate if candidate > local else datetime.combine(
            local.date() + timedelta(days=1), self.daily_at, TIMEZONE
        )

    def first_slot(self, now: datetime) -> datetime:
        """Where a new row starts: interval jobs at once, daily jobs at their next time of day."""
        return now if self.every is not None else self.next_after(now)


SCHEDULE: Final = (
    Periodic("deadlines-watch", "qyzmet.worker.tasks.deadlines_watch", every=timedelta(minutes=1)),
    Periodic("notifications-flush", "qyzmet.worker.tasks.notifications_flush", every=timedelta(minutes=1)),
    Periodic("gateway-retry", "qyzmet.worker.tasks.gateway_retry", every=timedelta(minutes=5)),
    Periodic("reports-refresh", "qyzmet.worker.tasks.reports_refresh", every=timedelta(minutes=10)),
    Periodic("audit-verify", "qyzmet.worker.tasks.audit_verify", daily_at=time(2, 0)),
    Periodic("audit-checkpoint", "qyzmet.worker.tasks.audit_checkpoint", every=timedelta(hours=1)),
)


def _row_for(periodic: Periodic, now: datetime) -> ScheduledJob:
    row = ScheduledJob.objects.filter(name=periodic.name).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return ScheduledJob.objects.create(name=periodic.name, next_run_at=periodic.first_slot(now))
    except IntegrityError:  # another worker created it first
        return ScheduledJob.objects.get(name=periodic.name)


def _slot_claim(periodic: Periodic, row: ScheduledJob, *, now: datetime, worker_id: str) -> bool:
    claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
        next_run_at=periodic.next_after(now), last_run_at=now, last_worker=worker_id[:100], runs=F("runs") + 1
    )
    return claimed == 1


def schedule_tick(*, now: datetime, worker_id: str, schedule: tuple[Periodic, ...] = SCHEDULE) -> list[str]:
    """Enqueue every periodic job whose slot is due at `now` and that no other worker claimed first.

    Returns the names of the jobs this worker enqueued. Side effects: updates ScheduledJob rows
    and enqueues tasks (with the database backend, in the same transaction as the claim).
    """
    enqueued = []
    for periodic in schedule:
        row = _row_for(periodic, now)
        if row.next_run_at > now:
            continue
        with transaction.atomic():
            if not _slot_claim(periodic, row, now=now, worker_id=worker_id):
                continue  # another worker took this slot
            task: Any = import_string(periodic.task_path)
            task.enqueue()
        enqueued.append(periodic.name)
        logger.info("worker %s enqueued %s (slot %s)", worker_id, periodic.name, row.next_run_at.isoformat())
    return enqueued
