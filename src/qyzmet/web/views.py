"""Public pages: the landing page with the service list, and a health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from qyzmet.web.selectors import service_rows_by_field


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    groups = service_rows_by_field()
    total = sum(len(rows) for rows in groups.values())
    return render(request, "web/landing.html", {"groups": groups, "total": total})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
