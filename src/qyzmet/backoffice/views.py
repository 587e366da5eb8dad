"""Back-office pages: the regulations for administrators; the work queue, the case and intake for staff.

Views parse the request, check access through `cases.access` / `identity.access`, and call one
service or selector. What an action needs (branch, decision, ground, signature) and whether it
is allowed is the engine's answer (`task_detail`, `task_signing_preview`, `task_complete`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qyzmet.api.selectors import applicant_of, service_get, task_signing_preview
from qyzmet.api.services import idempotency_key_scoped, office_intake, refusal_issue, rural_akim_intake
from qyzmet.backoffice.selectors import (
    IntakeService,
    case_page,
    documents_for_signature,
    intake_desks,
    intake_services_for_office,
    intake_services_for_rural_akim,
    queue_page,
    roles_held,
)
from qyzmet.backoffice.templatetags.backoffice import VERBS
from qyzmet.calendar import local_time
from qyzmet.cases.access import case_get_for_officer, task_get_for_staff
from qyzmet.cases.errors import PackageIncomplete, TransitionNotAllowed
from qyzmet.cases.intake import Applicant, Application, package_check, package_documents
from qyzmet.cases.models import Case, Receipt, Task
from qyzmet.cases.selectors import QUEUE_VIEWS
from qyzmet.cases.services import TaskAction, task_complete
from qyzmet.catalog.definitions import ServiceNotFound, catalog_default
from qyzmet.catalog.render import regulation_document, render_html
from qyzmet.core.errors import LocalizedError, NotFound
from qyzmet.core.i18n import LANGUAGES, active_language
from qyzmet.identity.models import Organization, User

SIGNATURE_PREFIX: Final = "signature:"
FORMS_DONE_SESSION_KEY: Final = "backoffice_forms_done"
FORMS_DONE_KEPT: Final = 50
REFUSAL_GROUNDS: Final = ("incomplete_package", "expired_documents")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _form_key() -> str:
    """A fresh key for one rendering of a form: sent back once, it makes one thing at most."""
    return secrets.token_urlsafe(18)


# --- regulations (administrators) -----------------------------------------------------------------------


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
    if language not in LANGUAGES:
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


# --- the work queue ------------------------------------------------------------------------------------


def _queue_context(request: HttpRequest) -> dict[str, Any]:
    view = request.GET.get("view", "all")
    if view not in QUEUE_VIEWS:
        view = "all"
    search = request.GET.get("q", "").strip()[:80]
    after_text = request.GET.get("after", "")
    after = int(after_text) if after_text.isdigit() else None
    page = queue_page(_user(request), view=view, search=search, language=active_language(), now=timezone.now(),
                      after=after)
    query = urlencode({k: v for k, v in (("view", view), ("q", search)) if v})
    next_query = urlencode({"view": view, "q": search, "after": page.next_after}) if page.next_after else ""
    return {"rows": page.rows, "view": view, "search": search, "query": query, "views": QUEUE_VIEWS,
            "next_query": next_query, "after": after,
            "table_query": urlencode({k: v for k, v in (("view", view), ("q", search), ("after", after)) if v})}


@require_GET
@login_required
def task_queue(request: HttpRequest) -> HttpResponse:
    """The work queue: open tasks of the roles the user holds, in the organizations where they hold them."""
    return render(request, "backoffice/tasks.html", {**_queue_context(request), "roles": roles_held(_user(request))})


@require_GET
@login_required
def task_queue_table(request: HttpRequest) -> HttpResponse:
    """The queue's table alone, for htmx: refreshed every 30 seconds and when a filter changes."""
    context = _queue_context(request)
    response = render(request, "backoffice/_task_table.html", context)
    if request.headers.get("HX-Trigger") == "queue-filters":
        query = context["query"]
        response["HX-Push-Url"] = reverse("backoffice:tasks") + (f"?{query}" if query else "")
    return response


# --- the case ------------------------------------------------------------------------------------------


def _case_for(request: HttpRequest, case_id: int) -> Case:
    try:
        return case_get_for_officer(case_id=case_id, user=_user(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _render_case(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any) -> HttpResponse:
    from qyzmet.appeals.selectors import appeal_panel  # the appeals pages render this page too

    language = active_language()
    page = case_page(case, user=_user(request), language=language, now=timezone.now())
    context = {"page": page, "case": case, "form_key": _form_key(),
               "appeals": appeal_panel(case, user=_user(request), language=language), **extra}
    return render(request, "backoffice/case.html", context, status=status)


case_render = _render_case


@require_GET
@login_required
def case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case for staff who may see it: application, timeline, registry answers, results, actions now."""
    return _render_case(request, _case_for(request, case_id))


def _action_from(request: HttpRequest) -> TaskAction:
    signatures = {
        name[len(SIGNATURE_PREFIX):]: value.strip()
        for name in request.POST
        if name.startswith(SIGNATURE_PREFIX) and (value := request.POST.get(name, "")).strip()
    }
    return TaskAction(
        branch=request.POST.get("branch") or None,
        decision=request.POST.get("decision") or None,
        ground=request.POST.get("ground", ""),
        signatures=signatures,
    )


def _form_already_done(request: HttpRequest, key: str) -> bool:
    return bool(key) and key in request.session.get(FORMS_DONE_SESSION_KEY, [])


def _form_done(request: HttpRequest, key: str) -> None:
    if key:
        done = [*request.session.get(FORMS_DONE_SESSION_KEY, []), key][-FORMS_DONE_KEPT:]
        request.session[FORMS_DONE_SESSION_KEY] = done


def _task_of(request: HttpRequest, case: Case, task_id: int) -> Task:
    try:
        task = task_get_for_staff(task_id=task_id, user=_user(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if task.case_id != case.pk:
        raise Http404(f"task {task_id}")
    return task


@require_POST
@login_required
def task_act(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    """Complete an open task as its step says; a deciding step that signs shows the documents to sign first.

    Refusals of the engine are shown on the case page in the active language and change nothing;
    a form sent twice (a double click) completes at most one step.
    """
    case = _case_for(request, case_id)
    task = _task_of(request, case, task_id)
    user = _user(request)
    key = request.POST.get("form_key", "")
    case_url = reverse("backoffice:case", args=[case.pk])
    if _form_already_done(request, key):
        messages.info(request, _("This form was already sent; nothing was done again."))
        return HttpResponseRedirect(case_url)
    action = _action_from(request)
    try:
        if not action.signatures:
            preview = task_signing_preview(task, user=user, action=action)
            if preview["signs"]:
                return _render_case(request, case, signing={
                    "task": task, "action": action, "documents": documents_for_signature(preview["documents"])})
        task_complete(task=task, actor=user, action=action, now=timezone.now())
    except TransitionNotAllowed as exc:
        closed = exc.reason == "task_closed"
        return _render_case(request, case, status=409, notice=exc.message(active_language()), notice_bad=not closed)
    _form_done(request, key)
    messages.success(request, _("Step done: %(step)s.") % {"step": VERBS.get(task.does, task.step_id)})
    return HttpResponseRedirect(case_url)


# --- intake --------------------------------------------------------------------------------------------


def _desk(request: HttpRequest, role: str) -> tuple[Organization, list[Organization]]:
    """The organization where the user takes applications now (chosen when they have several); 404 for none."""
    desks = list(intake_desks(_user(request), role))
    if not desks:
        raise Http404(f"no {role} desk")
    chosen = request.POST.get("organization") or request.GET.get("organization")
    desk = next((d for d in desks if str(d.pk) == chosen), desks[0])
    return desk, desks


def _chosen_service(request: HttpRequest, services: list[IntakeService]) -> IntakeService | None:
    slug = request.POST.get("service", "")
    return next((s for s in services if s.slug == slug), None)


def _presented(request: HttpRequest, service: IntakeService) -> set[int]:
    """The checklist boxes (Standard p.9) the clerk ticked for this service."""
    ticked = request.POST.getlist(f"presented-{service.slug}")
    return {int(value) for value in ticked if value.isdigit() and int(value) < len(service.documents_required)}


def _application(request: HttpRequest, service: IntakeService) -> Application:
    named = [line.strip() for line in request.POST.get("documents", "").splitlines() if line.strip()]
    names = package_documents(service.documents_required, _presented(request, service), named)
    return Application(form={}, attachments=[{"name": name[:200]} for name in names[:50]], language=active_language())


def _intake_render(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200,
                   **extra: Any) -> HttpResponse:
    services: list[IntakeService] = context["services"]
    return render(request, template, {**context, "form_key": _form_key(), "grounds": REFUSAL_GROUNDS,
                                      "originals_services": [s for s in services if s.originals_compared],
                                      "refusal_services": [s for s in services if s.refusal_to_accept],
                                      "values": request.POST if request.method == "POST" else {}, **extra},
                  status=status)


def _refuse(request: HttpRequest, service: IntakeService, channel: str, desk: Organization) -> Receipt:
    user = _user(request)
    key = idempotency_key_scoped(user=user, operation=f"backoffice-refuse-{channel}",
                                 key=request.POST.get("form_key") or None)
    missing = [line.strip()[:200] for line in request.POST.get("missing", "").splitlines() if line.strip()]
    now = timezone.now()
    return refusal_issue(
        service=service_get(service.slug, on=local_time(now).date()), channel=channel, organization=desk,
        applicant=_applicant(request), grounds=request.POST.getlist("grounds"), missing=missing, actor=user,
        now=now, idempotency_key=key,
    )


def _filed(request: HttpRequest, case: Case) -> HttpResponse:
    receipt = case.receipts.order_by("pk").first()
    if receipt is not None:
        text = _("Case %(case)s filed; receipt of acceptance %(receipt)s.") % {
            "case": case.number, "receipt": receipt.number}
    else:
        text = _("Case %(case)s filed.") % {"case": case.number}
    messages.success(request, text)
    return HttpResponseRedirect(reverse("backoffice:case", args=[case.pk]))


def _intake_post(request: HttpRequest, template: str, context: dict[str, Any], channel: str,
                 file: Callable[[IntakeService], Case]) -> HttpResponse:
    service = _chosen_service(request, context["services"])
    if service is None:
        return _intake_render(request, template, context, status=400, notice=_("Choose a service."))
    try:
        if request.POST.get("intent") == "refuse":
            receipt = _refuse(request, service, channel, context["desk"])
            return _intake_render(request, template, context, status=201, refusal=receipt, service_title=service.title)
        try:
            package_check(service.definition, channel, required=service.documents_required,
                          presented=_presented(request, service))
        except PackageIncomplete as exc:  # the clerk refuses with the receipt, the gaps filled in
            return _intake_render(request, template, context, status=422, notice=exc.message(active_language()),
                                  checklist_missing="\n".join(exc.missing))
        case = file(service)
    except LocalizedError as exc:
        return _intake_render(request, template, context, status=422, notice=exc.message(active_language()))
    return _filed(request, case)


def _applicant(request: HttpRequest) -> Applicant:
    return applicant_of(iin=request.POST.get("applicant_iin", ""), name=request.POST.get("applicant_name", ""),
                        representative_iin=request.POST.get("representative_iin", ""))


@require_http_methods(["GET", "POST"])
@login_required
def intake_office_view(request: HttpRequest) -> HttpResponse:
    """The provider's office takes an application on paper: the clerk registers it (or refuses to accept)."""
    desk, desks = _desk(request, "office_clerk")
    now = timezone.now()
    services = intake_services_for_office(desk, language=active_language(), on=local_time(now).date())
    context = {"desk": desk, "desks": desks, "services": services, "channel": "provider_office"}
    template = "backoffice/intake.html"
    if request.method == "GET":
        return _intake_render(request, template, context)
    user = _user(request)

    def file(service: IntakeService) -> Case:
        key = idempotency_key_scoped(user=user, operation="backoffice-intake-office",
                                     key=request.POST.get("form_key") or None)
        return office_intake(
            service=service_get(service.slug, on=local_time(now).date()), provider=desk, clerk=user,
            applicant=_applicant(request), application=_application(request, service),
            originals_compared=request.POST.get("originals_compared") == "on", now=now, idempotency_key=key,
        )

    return _intake_post(request, template, context, "provider_office", file)


@require_http_methods(["GET", "POST"])
@login_required
def intake_rural_akim_view(request: HttpRequest) -> HttpResponse:
    """The rural okrug akim's office takes an application and forwards it to the provider."""
    desk, desks = _desk(request, "akim_office_specialist")
    now = timezone.now()
    services = intake_services_for_rural_akim(desk, language=active_language(), on=local_time(now).date())
    context = {"desk": desk, "desks": desks, "services": services, "channel": "rural_akim"}
    template = "backoffice/intake.html"
    if request.method == "GET":
        return _intake_render(request, template, context)
    user = _user(request)

    def file(service: IntakeService) -> Case:
        chosen = request.POST.get("provider", "")
        provider = next((p for p in service.providers if str(p.pk) == chosen), service.providers[0])
        key = idempotency_key_scoped(user=user, operation="backoffice-intake-rural-akim",
                                     key=request.POST.get("form_key") or None)
        return rural_akim_intake(
            service=service_get(service.slug, on=local_time(now).date()), akim_office=desk, provider=provider,
            specialist=user, applicant=_applicant(request), application=_application(request, service), residence=desk,
            now=now, idempotency_key=key,
        )

    return _intake_post(request, template, context, "rural_akim", file)
