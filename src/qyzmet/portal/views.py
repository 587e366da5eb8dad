"""The citizen's personal cabinet: parse, check access, call one selector."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from qyzmet.cases.access import case_get_for_applicant, document_get_for_user
from qyzmet.cases.selectors import case_timeline
from qyzmet.core.i18n import active_language
from qyzmet.identity.errors import NotFound
from qyzmet.identity.models import User
from qyzmet.portal.selectors import cabinet_for, case_documents


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/cabinet.html", {"cabinet": cabinet_for(_user(request), active_language())})


@require_GET
@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = case_get_for_applicant(case_id=case_id, user=_user(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    context = {"case": case, "timeline": case_timeline(case), "documents": case_documents(case)}
    return render(request, "portal/case.html", context)


@require_GET
@login_required
def document_download(request: HttpRequest, document_id: int, part: str) -> HttpResponse:
    try:
        document = document_get_for_user(document_id=document_id, user=_user(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if part == "content.json":
        response = HttpResponse(bytes(document.content), content_type="application/json")
    elif part == "signature.p7s" and document.signature is not None:
        response = HttpResponse(bytes(document.signature), content_type="application/pkcs7-signature")
    else:
        raise Http404(part)
    response["Content-Disposition"] = f'attachment; filename="{document.case.number}-{document.document_id}-{part}"'
    return response
