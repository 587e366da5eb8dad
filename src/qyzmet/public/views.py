"""Public pages: the landing page, a page per service with its diagrams and regulation, a health check."""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qyzmet.catalog.definitions import ServiceNotFound
from qyzmet.catalog.diagrams.bpmn import bpmn_document
from qyzmet.catalog.diagrams.svg import diagram_svg, interaction_svg
from qyzmet.catalog.render import render as render_regulation
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version, version_in_force
from qyzmet.core.i18n import active_language
from qyzmet.public.selectors import service_page, service_rows_by_field

CONTENT_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}



def _definition(service_id: str) -> ServiceDefinition:
    """The stored version in force today: what an applicant filing now is held to (ADR 0019)."""
    try:
        return definition_of_version(version_in_force(service_id, timezone.localdate()))
    except ServiceNotFound as exc:
        raise Http404(str(exc)) from exc


def _channel(definition: ServiceDefinition, channel: str) -> str:
    if channel not in {c.code.value for c in definition.channels}:
        raise Http404(f"service '{definition.id}' has no channel '{channel}'")
    return channel


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    groups = service_rows_by_field()
    total = sum(len(rows) for rows in groups.values())
    return render(request, "web/landing.html", {"groups": groups, "total": total})


@require_GET
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    page = service_page(_definition(service_id), active_language())
    return render(request, "web/service.html", {"page": page})


@require_GET
def service_diagram(request: HttpRequest, service_id: str, channel: str) -> HttpResponse:
    definition = _definition(service_id)
    return HttpResponse(
        diagram_svg(definition, _channel(definition, channel), active_language()), content_type="image/svg+xml"
    )


@require_GET
def service_interaction(request: HttpRequest, service_id: str, channel: str) -> HttpResponse:
    definition = _definition(service_id)
    try:
        svg = interaction_svg(definition, _channel(definition, channel), active_language())
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    return HttpResponse(svg, content_type="image/svg+xml")


@require_GET
def service_bpmn(request: HttpRequest, service_id: str, channel: str) -> HttpResponse:
    definition = _definition(service_id)
    response = HttpResponse(
        bpmn_document(definition, _channel(definition, channel), active_language()), content_type="application/xml"
    )
    response["Content-Disposition"] = f'attachment; filename="{service_id}-{channel}.bpmn"'
    return response


@require_GET
def service_regulation(request: HttpRequest, service_id: str, output_format: str) -> HttpResponse:
    if output_format not in CONTENT_TYPES:
        raise Http404(f"unknown format '{output_format}'")
    definition = _definition(service_id)
    body = render_regulation(definition, active_language(), output_format)
    return HttpResponse(body, content_type=CONTENT_TYPES[output_format])


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
