"""The periodic jobs' tasks (django.tasks). Each calls one service with the time it runs at.

Every one is safe to run twice and from several workers at once (see the services it calls).
"""

from __future__ import annotations

import logging
from typing import Any

from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


@task
def deadlines_watch() -> dict[str, int]:
    """Overdue tasks (with apologies), escalations, and notices the event log holds and nobody sent."""
    from qyzmet.monitoring.services import deadlines_watch as watch
    from qyzmet.notifications.services import case_events_notify

    now = timezone.now()
    report = watch(now=now)
    caught_up = case_events_notify(now=now)
    return {
        "overdue": report.overdue,
        "to_head": report.to_head,
        "to_monitor": report.to_monitor,
        "notified_from_events": caught_up.from_events,
        "notified_from_receipts": caught_up.from_receipts,
    }


@task
def notifications_flush() -> int:
    """Deliver notifications whose queued delivery was lost or failed."""
    from qyzmet.notifications.services import notifications_send_pending

    return notifications_send_pending(now=timezone.now())


@task
def gateway_retry() -> dict[str, int]:
    """Re-send the registry requests kept while a registry was down (what `qyzmet gateway retry` does)."""
    from qyzmet.gateway.services import gateway_retry_pending

    report = gateway_retry_pending(now=timezone.now())
    return {
        "answered": report.answered,
        "waiting": report.waiting,
        "failed": report.failed,
        "continuation_errors": report.continuation_errors,
    }


@task
def reports_refresh() -> int:
    """Measure the working time of tasks completed since the last run (what `qyzmet reports refresh` does)."""
    from qyzmet.reports.services import task_timings_refresh_all

    return task_timings_refresh_all(now=timezone.now())


@task
def audit_verify() -> dict[str, Any]:
    """What `qyzmet audit verify` does: check the chains, checkpoints and logs; log each finding."""
    from qyzmet.audit.verify import audit_verify as verify

    report = verify()
    for finding in report.findings:
        logger.error("audit: %s", finding)
    return {"checked": report.cases, "events": report.events, "broken": [str(f) for f in report.findings]}


@task
def audit_checkpoint() -> dict[str, Any]:
    """What `qyzmet audit checkpoint` does: sign every case's and log's head, unless something changed."""
    from django.utils import timezone

    from qyzmet.audit.checkpoints import HeadsRefused, heads_checkpoint_make

    made = heads_checkpoint_make(now=timezone.now())
    if isinstance(made, HeadsRefused):
        for problem in made.problems:
            logger.error("audit checkpoint refused: %s", problem)
        return {"signed": False, "problems": made.problems}
    return {"signed": bool(made.signature), "sequence": made.sequence, "cases": made.cases, "root": made.root_hash}
