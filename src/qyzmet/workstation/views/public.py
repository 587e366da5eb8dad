"""The hall's public pages: the ticket kiosk, the printed ticket, the hall display (no personal data)."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qyzmet.core.errors import NotFound
from qyzmet.core.i18n import active_language
from qyzmet.identity.models import Organization
from qyzmet.state_corporation.selectors import hall_board
from qyzmet.state_corporation.services import (
    ticket_issue,
)
from qyzmet.workstation import selectors
from qyzmet.workstation.selectors import PICKUP


def _public_branch(code: str) -> Organization:
    try:
        return selectors.branch_get_public(code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc




@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, branch_code: str) -> HttpResponse:
    """Choose a service (or "collect a result") and take a ticket."""
    branch = _public_branch(branch_code)
    services = selectors.kiosk_services(branch, on=timezone.localdate(), language=active_language())
    if request.method == "POST":
        choice = request.POST.get("service", "")
        if choice != PICKUP and choice not in {service.id for service in services}:
            context = {"branch": branch, "services": services, "pickup": PICKUP,
                       "error": _("Choose a service from the list."),
                       "form_key": request.POST.get("form_key", "")[:64] or secrets.token_urlsafe(24)}
            return render(request, "workstation/kiosk.html", context, status=400)
        ticket = ticket_issue(branch=branch, now=timezone.now(), service_slug=choice,
                              key=request.POST.get("form_key", "")[:64])
        return redirect("workstation:ticket", branch_code=branch.code, ticket_id=ticket.pk)
    return render(request, "workstation/kiosk.html", {"branch": branch, "services": services, "pickup": PICKUP,
                                                      "form_key": secrets.token_urlsafe(24)})


@require_GET
def ticket(request: HttpRequest, branch_code: str, ticket_id: int) -> HttpResponse:
    """The printable ticket: number, time taken, what for, and how many are ahead."""
    branch = _public_branch(branch_code)
    try:
        taken = selectors.ticket_get_public(branch, ticket_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    title = _("Collect a result") if taken.service_slug == PICKUP else selectors.kiosk_service_title(
        branch, taken.service_slug, on=taken.day, language=active_language())
    context = {"branch": branch, "ticket": taken, "title": title, "ahead": selectors.ticket_people_ahead(taken)}
    return render(request, "workstation/ticket.html", context)


def _board_context(branch: Organization) -> dict[str, Any]:
    day = timezone.localdate()
    return {"branch": branch, "board": hall_board(branch, day), "recent": selectors.display_recent_calls(branch, day)}


@require_GET
def display(request: HttpRequest, branch_code: str) -> HttpResponse:
    """The hall's screen: which ticket is called to which window, refreshed every 3 seconds."""
    return render(request, "workstation/display.html", _board_context(_public_branch(branch_code)))


@require_GET
def display_board(request: HttpRequest, branch_code: str) -> HttpResponse:
    """The display's live part (htmx polls it)."""
    return render(request, "workstation/_board.html", _board_context(_public_branch(branch_code)))
