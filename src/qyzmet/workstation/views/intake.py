"""Intake at the window: the application, the request signed with the operator's EDS, the outcome."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qyzmet.api.errors import ApiError
from qyzmet.api.services import sc_request_id, sc_request_preview
from qyzmet.cases.errors import PackageIncomplete
from qyzmet.cases.intake import package_check, package_documents
from qyzmet.catalog.vocabulary import form_caption
from qyzmet.core.errors import LocalizedError, NotFound
from qyzmet.core.i18n import active_language
from qyzmet.identity.models import Organization, User
from qyzmet.state_corporation.services import (
    intake_message,
    sc_intake_refuse,
    sc_intake_resume,
    sc_intake_submit,
)
from qyzmet.workstation import selectors
from qyzmet.workstation.forms import IntakeForm, IntakeSignForm, RefusalForm
from qyzmet.workstation.views._shared import error_text, operator_required, redirect_to, url_or_none


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
        form.add_error(None, error_text(exc))
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
        return render(request, "workstation/intake_form.html", _form_context(form, branch))
    form = _intake_form(IntakeForm, branch, request.POST)
    if not form.is_valid() or not _checklist_complete(request, form, branch):
        return render(request, "workstation/intake_form.html", _form_context(form, branch), status=422)
    return _sign_page(request, form, operator, branch)


def _form_context(form: IntakeForm, branch: Organization) -> dict[str, Any]:
    services = selectors.kiosk_services(branch, on=timezone.localdate(), language=active_language())
    return {"form": form, "branch": branch, "checklists": [s for s in services if s.documents_required]}


def _checklist_complete(request: HttpRequest, form: IntakeForm, branch: Organization) -> bool:
    """The operator's ticks against the Standard p.9 checklist: the ticked documents join the package; an
    unticked one stops intake where the regulation lets the State Corporation refuse to accept."""
    service = next((s for s in selectors.kiosk_services(branch, on=timezone.localdate(), language=active_language())
                    if s.id == form.cleaned_data["service"]), None)
    if service is None or service.definition is None or not service.documents_required:
        return True
    ticked = {int(v) for v in request.POST.getlist(f"presented-{service.id}") if v.isdigit()}
    form.cleaned_data["documents"] = package_documents(service.documents_required, ticked,
                                                       form.cleaned_data["documents"])
    try:
        package_check(service.definition, selectors.CHANNEL, required=service.documents_required, presented=ticked)
    except PackageIncomplete as exc:
        form.add_error(None, exc.message(active_language()))
        return False
    return True


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
        return _sign_page(request, form, operator, branch, error=error_text(exc), status=422)
    except IntegrityError:  # a twin request committed first: show what it made
        found = selectors.intake_get_by_request(branch=branch, request_id=request_id)
        if found is None:
            raise
        taken = found
    return redirect_to("intake_detail", branch, taken.number)


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
        form.add_error(None, error_text(exc))
        return render(request, "workstation/intake_refuse.html", {"form": form, "branch": branch}, status=422)
    refused = selectors.intake_get_by_request(branch=branch, request_id=request_id)
    assert refused is not None
    return redirect_to("intake_detail", branch, refused.number)


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
               "case_url": url_or_none("backoffice:case", taken.case.pk) if taken.case else None,
               "receipt_url": url_or_none("documents:receipt", taken.receipt.number) if taken.receipt else None,
               "receipt_form": form_caption(taken.receipt.form, active_language()) if taken.receipt else ""}
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
    return redirect_to("intake_detail", branch, taken.number)


@require_GET
@operator_required
def intakes(request: HttpRequest, operator: User, branch: Organization) -> HttpResponse:
    """The branch's intakes waiting for a registry, and the latest ones."""
    context = {"branch": branch, "waiting": selectors.intakes_open_of_branch(branch),
               "latest": selectors.intakes_of_branch(branch)}
    return render(request, "workstation/intakes.html", context)
