"""Middleware of the platform: the request id and access log, and 503 while the database is down."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from qyzmet.core import context, metrics
from qyzmet.core.unavailable import database_unavailable_response

logger = logging.getLogger("qyzmet.request")
QUIET_ROUTES: Final = frozenset({"/health/", "/metrics/"})  # probed every few seconds: counted, not logged


class RequestIdMiddleware:
    """Binds the request id (the client's `X-Request-ID` when acceptable, else a new one) for the request,
    answers with it in `X-Request-ID`, logs one line per request and observes its latency by route."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with context.work_context(request_id=request.headers.get(context.REQUEST_ID_HEADER)) as request_id:
            request.request_id = request_id  # type: ignore[attr-defined]  # for django.request's log lines
            started = time.perf_counter()
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            response[context.REQUEST_ID_HEADER] = request_id
            metrics.request_observe(request, response.status_code, elapsed)
            route = metrics.route_of(request)
            if route not in QUIET_ROUTES:
                logger.info("%s %s %s", request.method, route, response.status_code, extra={
                    "method": request.method, "route": route, "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                })
            return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database is unreachable answers 503 with Retry-After, not 500.

    Django closes the broken connection at the end of the request and opens a new one for the next
    (CONN_HEALTH_CHECKS), so service comes back by itself when the database does. Errors raised
    outside views (in other middleware) reach `core.views.server_error`, which answers the same.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("database unavailable: %s: %s", type(exception).__name__, exception)
            return database_unavailable_response(request)
        return None
