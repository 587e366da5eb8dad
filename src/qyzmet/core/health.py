"""What a load balancer asks: is the database there, does the registry gateway answer, how deep is the task queue.

Each check answers ok or fail and how long it took, nothing more (no personal data, no error text):
the details go to the log. `health_report` runs them all; the view answers 200 when all are ok,
503 (with Retry-After) when one is not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import httpx
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

GATEWAY_TIMEOUT: Final = 2.0  # seconds: a load balancer probes often and must not wait for a slow registry


@dataclass(frozen=True)
class Check:
    ok: bool
    latency_ms: float
    depth: int | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "ok" if self.ok else "fail", "latency_ms": round(self.latency_ms, 1)}
        if self.depth is not None:
            body["depth"] = self.depth
        return body


def _timed(name: str, probe: Callable[[], int | None]) -> Check:
    started = time.perf_counter()
    try:
        depth = probe()
    except Exception as error:  # any failure is "fail"; what failed is logged, never shown
        logger.warning("health check %s failed: %s: %s", name, type(error).__name__, error)
        return Check(False, (time.perf_counter() - started) * 1000)
    return Check(True, (time.perf_counter() - started) * 1000, depth)


def database_ping() -> None:
    """One round trip to the database (raises when it is down)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def gateway_ping(*, url: str | None = None, timeout: float = GATEWAY_TIMEOUT) -> None:
    """Raise unless something answers HTTP at the gateway's configured address without a server error.

    Any answer below 500 (even 404: the gateway has no probe address of its own) means it is reachable;
    a refused connection, a timeout or a 5xx means it is not.
    """
    response = httpx.get(url or f"{settings.QYZMET_REGISTRY_URL}/", timeout=timeout)
    if response.status_code >= 500:
        raise RuntimeError(f"HTTP {response.status_code}")


def queue_depth() -> int:
    """Tasks waiting to run: ready rows of django-tasks-db, or the RQ queues' lengths on Redis."""
    if settings.QYZMET_TASKS_BACKEND == "redis":
        import django_rq

        return sum(int(django_rq.get_queue(name).count) for name in settings.QYZMET_TASK_QUEUES)
    from django_tasks_db.models import DBTaskResult

    return int(DBTaskResult.objects.ready().count())


def health_report() -> dict[str, Check]:
    """database, gateway and queue, each checked now."""
    return {
        "database": _timed("database", database_ping),
        "gateway": _timed("gateway", gateway_ping),
        "queue": _timed("queue", queue_depth),
    }
