"""Views of the platform itself: /health/ for load balancers, /metrics/ for Prometheus, the 500 handler."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import server_error as django_server_error

from qyzmet.core.health import health_report
from qyzmet.core.metrics import metrics_allowed, metrics_text
from qyzmet.core.unavailable import RETRY_AFTER_SECONDS, database_unavailable_response

METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """`{"status": "ok"|"fail", "checks": {database, gateway, queue}}`: 200 when every check is ok, else 503."""
    checks = health_report()
    healthy = all(check.ok for check in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": {name: check.as_json() for name, check in checks.items()}},
        status=200 if healthy else 503,
    )
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format, for the scraper only (QYZMET_METRICS_TOKEN or QYZMET_METRICS_ALLOWED_IPS)."""
    if not metrics_allowed(request):
        return HttpResponseForbidden(b"", content_type="text/plain")
    return HttpResponse(metrics_text(now=timezone.now()), content_type=METRICS_CONTENT_TYPE)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unreachable database answers 503 with Retry-After; anything else Django's 500."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable_response(request)
    return django_server_error(request)
