"""Back-office pages for administrators: the regulation definitions beside their diagrams and text."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qyzmet.cases.selectors import task_queue_for_user, task_time_left
from qyzmet.catalog.registry import ServiceNotFound, catalog_default
from qyzmet.catalog.render import regulation_document, render_html
from qyzmet.core.i18n import active_language


@require_GET
@staff_member_required
def regulation_list(request: HttpRequest) -> HttpResponse:
    catalog = catalog_default()
    rows = [(d, catalog.files[(d.id, d.version)].name) for d in catalog.latest_all()]
    return render(request, "backoffice/regulations.html", {"rows": rows})


@require_GET
@staff_member_required
def regulation_compare(request: HttpRequest, service_id: str) -> HttpResponse:
    """The definition file, its diagrams and its rendered regulation text, side by side."""
    catalog = catalog_default()
    try:
        definition = catalog.latest(service_id)
    except ServiceNotFound as exc:
        raise Http404(str(exc)) from exc
    language = request.GET.get("lang") or active_language()
    if language not in {"kk", "ru", "en"}:
        raise Http404(f"unknown language '{language}'")
    path = catalog.files[(definition.id, definition.version)]
    context = {
        "definition": definition,
        "language": language,
        "file_name": path.name,
        "source": path.read_text(encoding="utf-8"),
        "channels": [c.code.value for c in definition.channels],
        "regulation_html": render_html(regulation_document(definition, language, diagrams=False), language),
    }
    return render(request, "backoffice/regulation_compare.html", context)


@require_GET
@login_required
def task_queue(request: HttpRequest) -> HttpResponse:
    """The work queue: open tasks of the roles the user holds, in the organizations where they hold them."""
    now = timezone.now()
    rows = []
    for task in task_queue_for_user(request.user)[:200]:
        left = task_time_left(task, now)
        rows.append((task, left, abs(left.left) if left else None))
    return render(request, "backoffice/tasks.html", {"rows": rows})
