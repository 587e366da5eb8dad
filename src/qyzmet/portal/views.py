"""The citizen portal: sign-up, applying for a service, the personal cabinet. Parse, check access, call the domain."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qyzmet.api.models import ApplicationDraft
from qyzmet.api.selectors import ServiceRef, draft_get_for_applicant, draft_view, service_get
from qyzmet.api.services import draft_create, draft_otp_send, draft_submit, idempotency_key_scoped
from qyzmet.cases.access import case_get_for_applicant
from qyzmet.cases.intake import Application
from qyzmet.cases.models import Case
from qyzmet.cases.selectors import case_timeline
from qyzmet.core.errors import LocalizedError, NotFound
from qyzmet.core.i18n import active_language
from qyzmet.identity.addresses import client_address
from qyzmet.identity.models import User
from qyzmet.notifications.selectors import notifications_for
from qyzmet.portal.forms import application_fields_parse
from qyzmet.portal.selectors import (
    ApplyPage,
    apply_page,
    attachments_missing,
    cabinet_for,
    case_documents,
    case_notices,
    case_status_view,
    draft_fields_shown,
    draft_of_form_key,
)
from qyzmet.portal.services import Upload, attachments_store, citizen_sign_up

SIGN_UP_FIELDS = ("iin", "surname", "given_name", "patronymic", "mobile")
OTHER_ATTACHMENTS = "other"
PROVIDER_REQUIRED = _("Choose the organization that is to provide the service.")
ATTACHMENTS_MISSING = _("Attach the documents that are still missing.")
CONFIRMATION_REQUIRED = _("Sign the application with your EDS or enter the one-time password.")
OTP_SENT = _("A one-time password was sent to %(mobile)s. It is valid until %(time)s.")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


def _message(error: LocalizedError) -> str:
    return error.message(active_language())


# --- sign-up -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:cabinet")
    typed = {name: request.POST.get(name, "").strip() for name in SIGN_UP_FIELDS}
    errors: list[str] = []
    if request.method == "POST":
        password = request.POST.get("password", "")
        try:
            user = citizen_sign_up(iin=typed["iin"], surname=typed["surname"], given_name=typed["given_name"],
                                   patronymic=typed["patronymic"], mobile=typed["mobile"], password=password,
                                   now=timezone.now(), address=client_address(request))
        except LocalizedError as error:
            errors = [_message(error)]
        except ValidationError as error:
            errors = list(error.messages)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return redirect("portal:cabinet")
    return render(request, "portal/signup.html", {"typed": typed, "errors": errors}, status=422 if errors else 200)


# --- applying ------------------------------------------------------------------------------------------------


def _service(service_id: str) -> ServiceRef:
    try:
        return service_get(service_id, on=timezone.localdate())
    except NotFound as error:
        raise Http404(str(error)) from error


def _stash_key(service_id: str) -> str:
    return f"portal-apply:{service_id}"


def _uploads(request: HttpRequest, page: ApplyPage) -> list[Upload]:
    """The files of this request, read to one byte past the limit (a larger file is refused, not read)."""
    limit = int(settings.QYZMET_UPLOAD_MAX_BYTES) + 1
    uploads = []
    for document in [a.id for a in page.attachments] + [OTHER_ATTACHMENTS]:
        for file in request.FILES.getlist(f"file-{document}"):
            uploads.append(Upload(name=file.name or "", content=file.read(limit),
                                  document="" if document == OTHER_ATTACHMENTS else document))
    return uploads


def _apply_render(request: HttpRequest, page: ApplyPage, *, attachments: list[dict[str, Any]],
                  errors: list[str] | None = None, field_errors: dict[str, str] | None = None,
                  status: int = 200) -> HttpResponse:
    context = {
        "page": page, "attachments": attachments, "missing": attachments_missing(page, attachments),
        "errors": errors or [], "field_errors": field_errors or {},
        "rows": [(f, request.POST.get(f"field-{f.id}", ""), (field_errors or {}).get(f.id, "")) for f in page.fields],
        "provider_id": _int(request.POST.get("provider")),
        "form_key": request.POST.get("form_key") or secrets.token_urlsafe(24),
        "max_megabytes": f"{int(settings.QYZMET_UPLOAD_MAX_BYTES) / (1024 * 1024):g}",
    }
    return render(request, "portal/apply.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest, service_id: str) -> HttpResponse:
    service = _service(service_id)
    page = apply_page(service.definition, active_language())
    if not page.has_portal:
        return render(request, "portal/apply_unavailable.html", {"page": page})
    stash: list[dict[str, Any]] = request.session.get(_stash_key(service_id), [])
    if request.method == "GET":
        return _apply_render(request, page, attachments=stash)
    if request.POST.get("remove"):  # only taken off this application; the stored file may serve others
        stash = [a for a in stash if a["sha256"] != request.POST["remove"]]
        request.session[_stash_key(service_id)] = stash
        return _apply_render(request, page, attachments=stash)
    try:
        stored = attachments_store(_uploads(request, page))
    except LocalizedError as error:
        return _apply_render(request, page, attachments=stash, errors=[_message(error)], status=422)
    stash = stash + [entry for entry in stored if entry["sha256"] not in {a["sha256"] for a in stash}]
    request.session[_stash_key(service_id)] = stash
    if request.POST.get("action") != "continue":
        return _apply_render(request, page, attachments=stash)
    return _draft_prepare(request, service, page, stash)


def _draft_prepare(request: HttpRequest, service: ServiceRef, page: ApplyPage,
                   attachments: list[dict[str, Any]]) -> HttpResponse:
    user = _user(request)
    try:
        key = idempotency_key_scoped(user=user, operation="portal-application",
                                     key=request.POST.get("form_key") or None)
    except LocalizedError as error:
        return _apply_render(request, page, attachments=attachments, errors=[_message(error)], status=422)
    made = draft_of_form_key(key)
    if made is not None:  # the same form sent twice: the first click made the draft
        return redirect("portal:draft", draft_id=made.pk)
    parsed = application_fields_parse(page, request.POST)
    provider = next((p for p in page.providers if str(p.pk) == request.POST.get("provider")), None)
    errors = [] if provider is not None else [str(PROVIDER_REQUIRED)]
    if attachments_missing(page, attachments):
        errors.append(str(ATTACHMENTS_MISSING))
    if errors or parsed.errors or provider is None:
        return _apply_render(request, page, attachments=attachments, errors=errors, field_errors=parsed.errors,
                             status=422)
    try:
        draft = draft_create(
            service=service, provider=provider, applicant=user,
            application=Application(form=parsed.values, attachments=attachments, language=active_language()),
            now=timezone.now(),
            idempotency_key=key,
        )
    except LocalizedError as error:
        return _apply_render(request, page, attachments=attachments, errors=[_message(error)], status=422)
    request.session.pop(_stash_key(page.service_id), None)
    return redirect("portal:draft", draft_id=draft.pk)


def _draft(request: HttpRequest, draft_id: int) -> ApplicationDraft:
    try:
        return draft_get_for_applicant(draft_id=draft_id, user=_user(request))
    except NotFound as error:
        raise Http404(str(error)) from error


def _draft_render(request: HttpRequest, draft: ApplicationDraft, *, errors: list[str] | None = None,
                  notice: str = "", status: int = 200) -> HttpResponse:
    if draft.case is not None:
        return _answer_render(request, draft.case)
    view = draft_view(draft)
    context = {
        "draft": draft, "view": view, "content_text": base64.b64decode(view["content"]).decode("utf-8"),
        "fields": draft_fields_shown(draft, active_language()),
        "service_title": draft.service_version.service.title(active_language()),
        "provider_name": draft.provider.name(active_language()),
        "eds_offered": bool({"eds", "provider_eds"} & set(view["confirmation"])),
        "otp_offered": "otp" in view["confirmation"],
        "errors": errors or [], "notice": notice,
    }
    return render(request, "portal/review.html", context, status=status)


def _answer_render(request: HttpRequest, case: Case) -> HttpResponse:
    status = case_status_view(case, now=timezone.now(), language=active_language())
    return render(request, "portal/answer.html", {"case": case, "status": status})


@require_GET
@login_required
def draft_page(request: HttpRequest, draft_id: int) -> HttpResponse:
    return _draft_render(request, _draft(request, draft_id))


@require_POST
@login_required
def draft_otp(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    try:
        sent = draft_otp_send(draft=draft, now=timezone.now())
    except LocalizedError as error:
        return _draft_render(request, draft, errors=[_message(error)], status=422)
    mobile = draft.applicant.mobile
    notice = str(OTP_SENT) % {"mobile": f"{mobile[:2]} *** *** {mobile[-4:-2]} {mobile[-2:]}",
                              "time": timezone.localtime(sent.expires_at).strftime("%H:%M")}
    return _draft_render(request, draft, notice=notice)


@require_POST
@login_required
def draft_submit_view(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    signature = request.POST.get("signature", "").strip() or None
    otp_code = request.POST.get("otp_code", "").strip() or None
    if signature is None and otp_code is None:
        return _draft_render(request, draft, errors=[str(CONFIRMATION_REQUIRED)], status=422)
    try:
        draft_submit(draft=draft, now=timezone.now(), signature=signature, otp_code=otp_code)
    except LocalizedError as error:
        return _draft_render(request, draft, errors=[_message(error)], status=422)
    return redirect("portal:draft", draft_id=draft.pk)


# --- the cabinet ---------------------------------------------------------------------------------------------


@require_GET
@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    older_text = request.GET.get("older_than", "")
    older_than = int(older_text) if older_text.isdigit() else None
    context = {"cabinet": cabinet_for(user, active_language(), older_than=older_than),
               "notifications": notifications_for(user, limit=20)}
    return render(request, "portal/cabinet.html", context)


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return case_get_for_applicant(case_id=case_id, user=_user(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@require_GET
@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    from qyzmet.appeals.selectors import appeal_panel

    case = _case(request, case_id)
    context = {
        "case": case, "status": case_status_view(case, now=timezone.now(), language=active_language()),
        "timeline": case_timeline(case), "documents": case_documents(case),
        "receipts": list(case.receipts.order_by("pk")), "notices": case_notices(case),
        "appeals": appeal_panel(case, user=_user(request), language=active_language()),
    }
    return render(request, "portal/case.html", context)


@require_GET
@login_required
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    """The status block alone, for htmx to refresh."""
    case = _case(request, case_id)
    status = case_status_view(case, now=timezone.now(), language=active_language())
    return render(request, "portal/_case_status.html", {"case": case, "status": status})


