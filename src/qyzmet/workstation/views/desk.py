"""The operator's window: open or close it, call the next ticket, finish it or mark a no-show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qyzmet.core.errors import NotFound
from qyzmet.identity.models import Organization, User
from qyzmet.state_corporation.errors import HallError
from qyzmet.state_corporation.services import (
    hall_window_close,
    hall_window_open,
    ticket_call_next,
    ticket_finish,
    ticket_no_show,
)
from qyzmet.workstation import selectors
from qyzmet.workstation.forms import WindowOpenForm
from qyzmet.workstation.selectors import PICKUP
from qyzmet.workstation.views._shared import error_text, operator_required, redirect_to


@require_GET
@operator_required
def desk(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    """The operator's window: open or close it, call the next ticket, finish or mark a no-show."""
    state = selectors.desk_state(operator=operator, branch=branch, day=timezone.localdate())
    return render(request, "workstation/desk.html", {"desk": state, "branch": branch, "open_form": WindowOpenForm(),
                                                     "pickup": PICKUP})


@require_POST
@operator_required
def window_open(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    form = WindowOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the window number (1–999)."))
        return redirect_to("desk", branch)
    try:
        hall_window_open(branch=branch, number=form.cleaned_data["number"], operator=operator, now=timezone.now())
    except HallError as exc:
        messages.error(request, error_text(exc))
    return redirect_to("desk", branch)


@require_POST
@operator_required
def window_close(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    try:
        hall_window_close(window=selectors.window_get_for_operator(operator=operator, branch=branch),
                          operator=operator)
    except NotFound:
        messages.error(request, _("Your window is not open."))
    except HallError as exc:
        messages.error(request, error_text(exc))
    return redirect_to("desk", branch)


@require_POST
@operator_required
def call_next(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    try:
        window = selectors.window_get_for_operator(operator=operator, branch=branch)
        called = ticket_call_next(window=window, operator=operator, now=timezone.now())
    except NotFound:
        messages.error(request, _("Open your window first."))
    except HallError as exc:
        messages.error(request, error_text(exc))
    else:
        if called is None:
            messages.info(request, _("Nobody is waiting."))
    return redirect_to("desk", branch)


def _ticket_action(request: HttpRequest, operator: User, branch: Organization, ticket_id: int,
                   action: Callable[..., Any]) -> HttpResponse:
    try:
        called = selectors.ticket_get_for_operator(operator=operator, branch=branch, ticket_id=ticket_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    try:
        action(ticket=called, operator=operator, now=timezone.now())
    except HallError as exc:
        messages.error(request, error_text(exc))
    return redirect_to("desk", branch)


@require_POST
@operator_required
def ticket_done(request: HttpRequest, operator: User, branch: Organization, ticket_id: int) -> HttpResponse:
    return _ticket_action(request, operator, branch, ticket_id, ticket_finish)


@require_POST
@operator_required
def ticket_missed(request: HttpRequest, operator: User, branch: Organization, ticket_id: int) -> HttpResponse:
    return _ticket_action(request, operator, branch, ticket_id, ticket_no_show)
