"""Prometheus metrics at /metrics/: request latency by route, applications per channel, open and overdue
tasks, the task queue's depth, gateway look-ups by outcome.

Counters and the latency histogram live in the process that counts them. With one server process
(`qyzmet serve`, waitress threads) that is all there is. With several processes, set
`PROMETHEUS_MULTIPROC_DIR` to an empty folder shared by them (cleared at each start): prometheus_client
then writes each process's counts there and the scrape adds them up (`MultiProcessCollector`).
The gauges (tasks, queue, waiting registry requests) are read from the database at scrape time
with indexed queries, so they are right whatever process answers.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from typing import Final

from django.conf import settings
from django.http import HttpRequest
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

UNMATCHED_ROUTE: Final = "<unmatched>"
LATENCY_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# Not registered anywhere at import: each scrape builds its registry (see `metrics_text`).
REQUEST_LATENCY: Final = Histogram(
    "qyzmet_http_request_duration_seconds", "Time to answer an HTTP request, by route (the URL pattern), "
    "method and status", ["route", "method", "status"], buckets=LATENCY_BUCKETS, registry=None,
)
APPLICATIONS: Final = Counter(
    "qyzmet_applications_filed", "Applications filed as cases, by channel", ["channel"], registry=None,
)
GATEWAY_LOOKUPS: Final = Counter(
    "qyzmet_gateway_lookups", "Registry look-ups through the gateway, by registry and outcome "
    "(found, not_found, unavailable, rejected, refused)", ["registry", "outcome"], registry=None,
)
COUNTED: Final = (REQUEST_LATENCY, APPLICATIONS, GATEWAY_LOOKUPS)


class DatabaseGauges(Collector):
    """Gauges read at scrape time: open and overdue tasks, the task queue, requests waiting for a registry."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def collect(self) -> Iterator[Metric]:
        from qyzmet.cases.models import Task
        from qyzmet.core.health import queue_depth
        from qyzmet.gateway.models import PendingRequest

        open_tasks = Task.objects.open()
        yield GaugeMetricFamily("qyzmet_tasks_open", "Open tasks of cases", value=open_tasks.count())
        yield GaugeMetricFamily("qyzmet_tasks_overdue", "Open tasks past their deadline",
                                value=open_tasks.due_before(self.now).count())
        yield GaugeMetricFamily("qyzmet_task_queue_depth", "Background tasks waiting to run", value=queue_depth())
        yield GaugeMetricFamily("qyzmet_gateway_requests_waiting", "Registry requests kept to be sent again",
                                value=PendingRequest.objects.waiting().count())


def metrics_text(*, now: datetime) -> bytes:
    """The Prometheus text exposition of every metric (all processes' counters in multiprocess mode)."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in COUNTED:
            registry.register(metric)
    registry.register(DatabaseGauges(now))
    return generate_latest(registry)


def route_of(request: HttpRequest) -> str:
    """The URL pattern that served the request (never the raw path, which holds ids), language prefix removed."""
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", "") if match is not None else ""
    if match is None:
        return UNMATCHED_ROUTE
    for code, _name in settings.LANGUAGES:
        if route.startswith(f"{code}/"):
            route = route[len(code) + 1:]
            break
    return f"/{route}"


def request_observe(request: HttpRequest, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(route_of(request), request.method or "", str(status)).observe(seconds)


def application_filed(channel: str) -> None:
    APPLICATIONS.labels(channel).inc()


def lookup_counted(registry: str, outcome: str) -> None:
    GATEWAY_LOOKUPS.labels(registry, outcome).inc()


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


def metrics_allowed(request: HttpRequest) -> bool:
    """Whether this request may read /metrics/: a matching bearer token, or a client address allowed.

    settings.QYZMET_METRICS_TOKEN (empty: no token accepted) and settings.QYZMET_METRICS_ALLOWED_IPS
    (addresses or networks; by default 127.0.0.1 and ::1 outside production, none in production).
    """
    token = str(settings.QYZMET_METRICS_TOKEN or "")
    given = str(request.headers.get("Authorization") or "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip(), token):
        return True
    try:
        address = ipaddress.ip_address(_client_address(request))
    except ValueError:
        return False
    for allowed in settings.QYZMET_METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("QYZMET_METRICS_ALLOWED_IPS: %r is not an address or network", allowed)
    return False
