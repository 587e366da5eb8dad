"""Appeal pages: the cabinet (appeal my case, signed), the office (register a written appeal), the head's decision.

Views parse, check access (`cases.access`) and call `appeals.services`; refusals are shown in the
active language and change nothing.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qyzmet.api.services import idempotency_key_scoped
from qyzmet.appeals.models import AppealSubject
from qyzmet.appeals.selectors import appeal_panel, reopen_choices
from qyzmet.appeals.services import (
    AppealText,
    AppealVerdict,
    appeal_bytes,
    appeal_decide,
    appeal_decision_preview,
    appeal_file_portal,
    appeal_otp_purpose,
    appeal_register_office,
)
from qyzmet.backoffice.selectors import documents_for_signature
from qyzmet.backoffice.views import SIGNATURE_PREFIX, case_render
from qyzmet.cases.access import case_get_for_applicant, case_get_for_officer, task_get_for_staff
from qyzmet.cases.models import Case, Task
from qyzmet.cases.services import definition_of
from qyzmet.core.errors import LocalizedError, NotFound
from qyzmet.core.i18n import active_language
from qyzmet.identity.access import user_has_role
from qyzmet.identity.models import User
from qyzmet.identity.otp import otp_send


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _said(request: HttpRequest) -> AppealText:
    return AppealText(subject=request.POST.get("subject", ""), text=request.POST.get("text", ""),
                      language=active_language())


def _subjects() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in AppealSubject.choices]


# --- the cabinet ---------------------------------------------------------------------------------------


def _my_case(request: HttpRequest, case_id: int) -> Case:
    try:
        return case_get_for_applicant(case_id=case_id, user=_user(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _cabinet_form(request: HttpRequest, case: Case, *, errors: list[str] | None = None,
                  status: int = 200) -> HttpResponse:
    context = {"case": case, "subjects": _subjects(), "subject": request.POST.get("subject", ""),
               "text": request.POST.get("text", ""), "errors": errors or []}
    return render(request, "appeals/cabinet_form.html", context, status=status)


def _cabinet_review(request: HttpRequest, case: Case, said: AppealText, *, errors: list[str] | None = None,
                    notice: str = "", status: int = 200) -> HttpResponse:
    content = appeal_bytes(original=case, said=said, now=timezone.now())
    confirmation = {c.value for c in definition_of_complaint().channel("portal").confirmation}
    context = {
        "case": case, "said": said, "subject_label": dict(_subjects()).get(said.subject, said.subject),
        "content": base64.b64encode(content).decode("ascii"), "content_text": content.decode("utf-8"),
        "eds_offered": "eds" in confirmation, "otp_offered": "otp" in confirmation and bool(_user(request).mobile),
        "form_key": request.POST.get("form_key") or secrets.token_urlsafe(18),
        "errors": errors or [], "notice": notice,
    }
    return render(request, "appeals/cabinet_review.html", context, status=status)


def definition_of_complaint() -> Any:
    from qyzmet.appeals.services import complaint_version
    from qyzmet.cases.services import definition_of_version

    return definition_of_version(complaint_version(timezone.now()))


def _message(error: LocalizedError) -> str:
    return error.message(active_language())


@require_http_methods(["GET", "POST"])
@login_required
def cabinet_appeal(request: HttpRequest, case_id: int) -> HttpResponse:
    """The appeal form of one of my cases; sent, it shows exactly what I sign."""
    case = _my_case(request, case_id)
    panel = appeal_panel(case, user=_user(request), language=active_language())
    if not panel.may_appeal:
        return _cabinet_form(request, case, errors=[_("This case cannot be appealed now.")], status=409)
    if request.method == "GET":
        return _cabinet_form(request, case)
    said = _said(request)
    if said.subject not in AppealSubject.values or not said.text.strip():
        return _cabinet_form(request, case, errors=[_("Choose what you appeal and write the text of the appeal.")],
                             status=422)
    return _cabinet_review(request, case, said)


@require_POST
@login_required
def cabinet_appeal_otp(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _my_case(request, case_id)
    said = _said(request)
    user = _user(request)
    try:
        sent = otp_send(user=user, purpose=appeal_otp_purpose(original=case, said=said, now=timezone.now()),
                        now=timezone.now())
    except LocalizedError as error:
        return _cabinet_review(request, case, said, errors=[_message(error)], status=422)
    notice = _("A one-time password was sent to your mobile number. It is valid until %(time)s.") % {
        "time": timezone.localtime(sent.expires_at).strftime("%H:%M")}
    return _cabinet_review(request, case, said, notice=notice)


@require_POST
@login_required
def cabinet_appeal_submit(request: HttpRequest, case_id: int) -> HttpResponse:
    """File the appeal, signed with my EDS or confirmed with the one-time password; then its own case page."""
    case = _my_case(request, case_id)
    said = _said(request)
    user = _user(request)
    signature = request.POST.get("signature", "").strip() or None
    otp_code = request.POST.get("otp_code", "").strip() or None
    if signature is None and otp_code is None:
        return _cabinet_review(request, case, said, status=422,
                               errors=[_("Sign the appeal with your EDS or enter the one-time password.")])
    try:
        key = idempotency_key_scoped(user=user, operation="portal-appeal", key=request.POST.get("form_key") or None)
        appeal = appeal_file_portal(original_id=case.pk, applicant=user, said=said, now=timezone.now(),
                                    signature=signature, otp_code=otp_code, idempotency_key=key)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except LocalizedError as error:
        return _cabinet_review(request, case, said, errors=[_message(error)], status=422)
    messages.success(request, _("Your appeal was filed."))
    return HttpResponseRedirect(reverse("portal:case", args=[appeal.case.pk]))


# --- the office: a written appeal ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def office_register(request: HttpRequest, case_id: int) -> HttpResponse:
    """The provider's clerk enters a written appeal of a case of their organization."""
    user = _user(request)
    try:
        case = case_get_for_officer(case_id=case_id, user=user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not user_has_role(user, "office_clerk", case.provider):
        raise Http404(f"case {case_id}")
    errors: list[str] = []
    if request.method == "POST":
        said = _said(request)
        try:
            key = idempotency_key_scoped(user=user, operation="office-appeal",
                                         key=request.POST.get("form_key") or None)
            appeal = appeal_register_office(original_id=case.pk, clerk=user, said=said, now=timezone.now(),
                                            idempotency_key=key)
        except NotFound as exc:
            raise Http404(str(exc)) from exc
        except LocalizedError as error:
            errors = [_message(error)]
        else:
            messages.success(request, _("The written appeal was registered as case %(number)s.")
                             % {"number": appeal.case.number})
            return HttpResponseRedirect(reverse("backoffice:case", args=[appeal.case.pk]))
    context = {"case": case, "subjects": _subjects(), "subject": request.POST.get("subject", ""),
               "text": request.POST.get("text", ""), "errors": errors, "form_key": secrets.token_urlsafe(18)}
    return render(request, "appeals/office_register.html", context, status=422 if errors else 200)


# --- the head's decision -------------------------------------------------------------------------------


def _verdict(request: HttpRequest) -> AppealVerdict:
    return AppealVerdict(decision=request.POST.get("decision", ""), reopen_step=request.POST.get("reopen_step", ""),
                         reason=request.POST.get("reason", ""))


def _signatures(request: HttpRequest) -> dict[str, str]:
    return {name[len(SIGNATURE_PREFIX):]: value.strip() for name in request.POST
            if name.startswith(SIGNATURE_PREFIX) and (value := request.POST.get(name, "")).strip()}


@require_POST
@login_required
def decide(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    """The head's verdict: first the decision document to sign, then (signed) the decision itself."""
    user = _user(request)
    try:
        task: Task = task_get_for_staff(task_id=task_id, user=user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if task.case_id != case_id:
        raise Http404(f"task {task_id}")
    case = task.case
    verdict = _verdict(request)
    signatures = _signatures(request)
    try:
        if not signatures:
            preview = appeal_decision_preview(task=task, verdict=verdict)
            definition = definition_of(case)
            language = definition.source.language.value
            documents = [{"document_id": d, "title": definition.document(d).title.get(active_language())
                          or definition.document(d).title.get(language) or d, "content": content}
                         for d, content in preview.items()]
            return case_render(request, case, appeal_signing={
                "task_id": task.pk, "verdict": verdict, "documents": documents_for_signature(documents),
                "step": next((c for c in reopen_choices(task.case.appeal.original, active_language())
                              if c.id == verdict.reopen_step), None)})
        appeal_decide(task=task, actor=user, verdict=verdict, signatures=signatures, now=timezone.now())
    except LocalizedError as error:
        return case_render(request, case, status=409, notice=_message(error), notice_bad=True)
    messages.success(request, _("The appeal is decided."))
    return HttpResponseRedirect(reverse("backoffice:case", args=[case.pk]))
