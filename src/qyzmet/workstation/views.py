"""The State Corporation hall in the browser: parse, check access, call one hall service or selector.

Public: the ticket kiosk, the printed ticket and the hall display (no personal data on them).
Operators (role sc_operator at a State Corporation branch): the desk with the window and the
queue, the intake signed with the operator's EDS, the intakes list, and the results to hand over.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qyzmet.api.errors import ApiError
from qyzmet.api.services import sc_request_id, sc_request_preview
from qyzmet.cases.errors import TransitionNotAllowed
from qyzmet.core.i18n import active_language
from qyzmet.hall.errors import HallError
from qyzmet.hall.selectors import hall_board
from qyzmet.hall.services import (
    hall_window_close,
    hall_window_open,
    intake_message,
    sc_intake_refuse,
    sc_intake_resume,
    sc_intake_submit,
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_no_show,
)
from qyzmet.identity.errors import LocalizedError, NotFound
from qyzmet.identity.models import Organization, User
from qyzmet.workstation import selectors
from qyzmet.workstation.forms import HandOverForm, IntakeForm, IntakeSignForm, RefusalForm, WindowOpenForm
from qyzmet.workstation.selectors import PICKUP
from qyzmet.workstation.services import Recipient, result_hand_over

P = ParamSpec("P")
DeskView = Callable[Concatenate[HttpRequest, User, Organization, P], HttpResponse]


def _message(error: LocalizedError) -> str:
    return error.message(active_language())


def _url_or_none(name: str, *args: object) -> str | None:
    """The address of another app's page, or None where that app does not offer it (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _public_branch(code: str) -> Organization:
    try:
        return selectors.branch_get_public(code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


# --- the kiosk, the ticket, the display ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, branch_code: str) -> HttpResponse:
    """Choose a service (or "collect a result") and take a ticket."""
    branch = _public_branch(branch_code)
    services = selectors.kiosk_services(branch, on=timezone.localdate(), language=active_language())
    if request.method == "POST":
        choice = request.POST.get("service", "")
        if choice != PICKUP and choice not in {service.id for service in services}:
            context = {"branch": branch, "services": services, "pickup": PICKUP,
                       "error": _("Choose a service from the list.")}
            return render(request, "workstation/kiosk.html", context, status=400)
        ticket = ticket_issue(branch=branch, now=timezone.now(), service_slug=choice)
        return redirect("workstation:ticket", branch_code=branch.code, ticket_id=ticket.pk)
    return render(request, "workstation/kiosk.html", {"branch": branch, "services": services, "pickup": PICKUP})


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


# --- the operator's desk ---------------------------------------------------------------------------------


def operator_required(view: DeskView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Logged in, and an operator at a State Corporation branch (403 with a message otherwise).

    The branch is the one named by `branch` (GET or POST) among the user's branches (404 for
    another), or their first.
    """
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        user = request.user
        assert isinstance(user, User)
        branches = selectors.operator_branches(user)
        if not branches.exists():
            return render(request, "workstation/forbidden.html", status=403)
        code = request.POST.get("branch") or request.GET.get("branch")
        branch = branches.filter(code=code).first() if code else branches.first()
        if branch is None:
            raise Http404(f"branch {code}")
        return view(request, user, branch, *args, **kwargs)
    return wrapped


def _to(name: str, branch: Organization, *args: object) -> HttpResponse:
    return redirect(f"{reverse(f'workstation:{name}', args=args)}?branch={branch.code}")


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
        return _to("desk", branch)
    try:
        hall_window_open(branch=branch, number=form.cleaned_data["number"], operator=operator, now=timezone.now())
    except HallError as exc:
        messages.error(request, _message(exc))
    return _to("desk", branch)


@require_POST
@operator_required
def window_close(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    try:
        hall_window_close(window=selectors.window_get_for_operator(operator=operator, branch=branch),
                          operator=operator)
    except NotFound:
        messages.error(request, _("Your window is not open."))
    except HallError as exc:
        messages.error(request, _message(exc))
    return _to("desk", branch)


@require_POST
@operator_required
def call_next(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    try:
        window = selectors.window_get_for_operator(operator=operator, branch=branch)
        called = ticket_call_next(window=window, operator=operator, now=timezone.now())
    except NotFound:
        messages.error(request, _("Open your window first."))
    except HallError as exc:
        messages.error(request, _message(exc))
    else:
        if called is None:
            messages.info(request, _("Nobody is waiting."))
    return _to("desk", branch)


def _ticket_action(request: HttpRequest, operator: User, branch: Organization, ticket_id: int,
                   action: Callable[..., Any]) -> HttpResponse:
    try:
        called = selectors.ticket_get_for_operator(operator=operator, branch=branch, ticket_id=ticket_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    try:
        action(ticket=called, operator=operator, now=timezone.now())
    except HallError as exc:
        messages.error(request, _message(exc))
    return _to("desk", branch)


@require_POST
@operator_required
def ticket_done(request: HttpRequest, operator: User, branch: Organization, ticket_id: int) -> HttpResponse:
    return _ticket_action(request, operator, branch, ticket_id, ticket_finish)


@require_POST
@operator_required
def ticket_missed(request: HttpRequest, operator: User, branch: Organization, ticket_id: int) -> HttpResponse:
    return _ticket_action(request, operator, branch, ticket_id, ticket_no_show)


# --- intake ----------------------------------------------------------------------------------------------


def _intake_form(form_class: type[IntakeForm], branch: Organization, data: Any = None) -> IntakeForm:
    language, today = active_language(), timezone.localdate()
    services = [(s.id, s.title) for s in selectors.kiosk_services(branch, on=today, language=language)]
    chosen = (data.get("service") if data is not None else None) or (services[0][0] if services else "")
    providers = selectors.intake_providers(chosen, on=today, language=language)
    return form_class(data, services=services, providers=providers)


@require_GET
@operator_required
def intake_providers(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    """The provider choices of one service (htmx swaps them in when the service changes)."""
    form = _intake_form(IntakeForm, branch, request.GET)
    return render(request, "workstation/_providers.html", {"field": form["provider"]})


def _sign_page(request: HttpRequest, form: IntakeForm, operator: User, branch: Organization, *,
               error: str = "", status: int = 200) -> HttpResponse:
    try:
        request_id = sc_request_id(user=operator, key=form.cleaned_data["request_key"])
        content = sc_request_preview(operator=operator, branch=branch, submission=form.submission(request_id))
    except (LocalizedError, ApiError) as exc:
        form.add_error(None, _message(exc))
        return render(request, "workstation/intake_form.html", {"form": form, "branch": branch}, status=422)
    context = {"form": form, "branch": branch, "data": form.cleaned_data, "error": error,
               "content": content.decode("utf-8"), "content_b64": base64.b64encode(content).decode("ascii")}
    return render(request, "workstation/intake_sign.html", context, status=status)


@require_http_methods(["GET", "POST"])
@operator_required
def intake(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    """Step 1: the operator enters the application; then the exact request bytes to sign (step 2)."""
    if request.method == "GET":
        form = _intake_form(IntakeForm, branch)
        return render(request, "workstation/intake_form.html", {"form": form, "branch": branch})
    form = _intake_form(IntakeForm, branch, request.POST)
    if not form.is_valid():
        return render(request, "workstation/intake_form.html", {"form": form, "branch": branch}, status=422)
    return _sign_page(request, form, operator, branch)


@require_POST
@operator_required
def intake_submit(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    """Step 2: the request signed with the operator's EDS goes through the registries to the provider.

    A repeat of the same form (its request key) shows the intake the first one made.
    """
    form = _intake_form(IntakeSignForm, branch, request.POST)
    if not form.is_valid():
        return render(request, "workstation/intake_form.html", {"form": form, "branch": branch}, status=422)
    try:
        request_id = sc_request_id(user=operator, key=form.cleaned_data["request_key"])
        signature = base64.b64decode(form.cleaned_data.get("signature") or "", validate=True)
    except (binascii.Error, ValueError, ApiError):
        return _sign_page(request, form, operator, branch, error=_("The signature could not be read: sign again."),
                          status=422)
    called = selectors.desk_state(operator=operator, branch=branch, day=timezone.localdate()).called
    try:
        taken = sc_intake_submit(operator=operator, branch=branch, submission=form.submission(request_id),
                                 signature=signature, now=timezone.now(), ticket=called)
    except LocalizedError as exc:
        return _sign_page(request, form, operator, branch, error=_message(exc), status=422)
    except IntegrityError:  # a twin request committed first: show what it made
        found = selectors.intake_get_by_request(branch=branch, request_id=request_id)
        if found is None:
            raise
        taken = found
    return _to("intake_detail", branch, taken.number)


@require_http_methods(["GET", "POST"])
@operator_required
def intake_refuse(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    """Refuse to accept an incomplete or expired package: the receipt of refusal, no case."""
    services = [(s.id, s.title) for s in selectors.kiosk_services(branch, on=timezone.localdate(),
                                                                   language=active_language())]
    form = RefusalForm(request.POST if request.method == "POST" else None, services=services)
    if request.method == "GET" or not form.is_valid():
        status = 422 if request.method == "POST" else 200
        return render(request, "workstation/intake_refuse.html", {"form": form, "branch": branch}, status=status)
    data = form.cleaned_data
    called = selectors.desk_state(operator=operator, branch=branch, day=timezone.localdate()).called
    try:
        request_id = sc_request_id(user=operator, key=data["request_key"])
        sc_intake_refuse(operator=operator, branch=branch, service_id=data["service"],
                         applicant_iin=data["applicant_iin"], applicant_name=data["applicant_name"],
                         missing=tuple(data["missing"]), expired=tuple(data["expired"]), request_id=request_id,
                         ticket=called, now=timezone.now())
    except LocalizedError as exc:
        form.add_error(None, _message(exc))
        return render(request, "workstation/intake_refuse.html", {"form": form, "branch": branch}, status=422)
    refused = selectors.intake_get_by_request(branch=branch, request_id=request_id)
    assert refused is not None
    return _to("intake_detail", branch, refused.number)


@require_GET
@operator_required
def intake_detail(request: HttpRequest, operator: User, branch: Organization, number: str) -> HttpResponse:
    """An intake as it stands: the registries' answers and the outcome (case, waiting, no data, receipt)."""
    try:
        taken = selectors.intake_get_for_operator(operator=operator, branch=branch, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    message = intake_message(taken)
    context = {"intake": taken, "branch": branch, "message": message[active_language()] if message else "",
               "answers": selectors.intake_registry_answers(taken, language=active_language()),
               "case_url": _url_or_none("backoffice:case", taken.case.pk) if taken.case else None,
               "receipt_url": _url_or_none("documents:receipt", taken.receipt.number) if taken.receipt else None}
    return render(request, "workstation/intake_detail.html", context)


@require_POST
@operator_required
def intake_retry(request: HttpRequest, operator: User, branch: Organization, number: str) -> HttpResponse:
    """Ask the registry again now for a waiting intake (the sweeper also does, on its own)."""
    try:
        taken = selectors.intake_get_for_operator(operator=operator, branch=branch, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    sc_intake_resume(intake=taken, now=timezone.now())
    return _to("intake_detail", branch, taken.number)


@require_GET
@operator_required
def intakes(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    """The branch's intakes waiting for a registry, and the latest ones."""
    context = {"branch": branch, "waiting": selectors.intakes_open_of_branch(branch),
               "latest": selectors.intakes_of_branch(branch)}
    return render(request, "workstation/intakes.html", context)


# --- results to hand over --------------------------------------------------------------------------------


@require_GET
@operator_required
def results(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    """Results that arrived at the branch and wait for their applicant."""
    return render(request, "workstation/results.html",
                  {"branch": branch, "tasks": selectors.results_awaiting_hand_over(branch)})


@require_http_methods(["GET", "POST"])
@operator_required
def result_hand_over_view(request: HttpRequest, operator: User, branch: Organization, task_id: int) -> HttpResponse:
    """Hand one result over: who came for it; completes the case's hand-over step."""
    try:
        task = selectors.hand_over_task_get(operator=operator, task_id=task_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    form = HandOverForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            result_hand_over(task=task, operator=operator, now=timezone.now(), recipient=Recipient(
                iin=data["recipient_iin"], name=data["recipient_name"], power_of_attorney=data["power_of_attorney"]))
        except (LocalizedError, TransitionNotAllowed) as exc:
            form.add_error(None, _message(exc))
            status = 422
        else:
            messages.success(request, _("Result of case %(number)s handed over.") % {"number": task.case.number})
            return _to("results", task.organization or branch)
    elif request.method == "POST":
        status = 422
    documents = [(document, _url_or_none("documents:download", document.pk, "pdf"))
                 for document in task.case.documents.filter(intermediate=False)]
    context = {"branch": task.organization or branch, "task": task, "form": form, "documents": documents}
    return render(request, "workstation/result_hand_over.html", context, status=status)
