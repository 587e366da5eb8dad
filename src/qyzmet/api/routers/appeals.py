"""Appeals: a citizen appeals their case (signed), a clerk registers a written appeal, the head decides it.

`POST /cases/{id}/appeals` files the appeal as a case of its own (the complaint definition) and
answers with that case. The applicant of the case files it with `signature` (of the bytes from
`/appeals/preview`) or `otp_code`; anyone else is taken as the provider's office clerk registering
a written appeal (404 unless they are that, for a case of their organization). The head decides
through `POST /tasks/{id}/appeal-decision` (preview first, to sign the decision document).
"""

import base64
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Router, Status

from qyzmet.api.auth import request_user
from qyzmet.api.languages import request_language
from qyzmet.api.schemas import (
    AppealDecisionIn,
    AppealIn,
    AppealPreviewIn,
    AppealPreviewOut,
    CaseDetailOut,
    DocumentPreviewOut,
    ErrorOut,
)
from qyzmet.api.selectors import case_detail
from qyzmet.api.services import idempotency_key_scoped
from qyzmet.appeals.services import (
    AppealText,
    AppealVerdict,
    appeal_bytes,
    appeal_decide,
    appeal_decision_preview,
    appeal_file_portal,
    appeal_register_office,
)
from qyzmet.cases.access import case_get_for_applicant, cases_of_applicant, task_get_for_staff
from qyzmet.cases.services import definition_of, task_ensure_allowed
from qyzmet.documents.rendering import PDF_CONTENT_TYPE

router = Router(tags=["appeals"])
tasks_router = Router(tags=["appeals"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _said(request: HttpRequest, payload: AppealIn | AppealPreviewIn) -> AppealText:
    language = request_language(request, payload.language) if payload.language else ""
    return AppealText(subject=payload.subject, text=payload.text, language=language)


@router.post("/{case_id}/appeals/preview", response={200: AppealPreviewOut, **ERRORS})
def appeal_preview_api(request: HttpRequest, case_id: int, payload: AppealPreviewIn) -> dict[str, str]:
    """The exact bytes the applicant signs to appeal this case of theirs; nothing is written."""
    original = case_get_for_applicant(case_id=case_id, user=request_user(request))
    content = appeal_bytes(original=original, said=_said(request, payload), now=timezone.now())
    return {"content": base64.b64encode(content).decode("ascii")}


@router.post("/{case_id}/appeals", response={201: CaseDetailOut, **ERRORS})
def appeal_file_api(request: HttpRequest, case_id: int, payload: AppealIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Status[dict[str, Any]]:
    """Appeal the case: its applicant, signed (EDS or OTP); or the provider's clerk, for a written appeal."""
    user = request_user(request)
    now = timezone.now()
    key = idempotency_key_scoped(user=user, operation="appeal", key=idempotency_key)
    said = _said(request, payload)
    if cases_of_applicant(user).filter(pk=case_id).exists():
        appeal = appeal_file_portal(original_id=case_id, applicant=user, said=said, now=now,
                                    signature=payload.signature, otp_code=payload.otp_code, idempotency_key=key)
    else:
        appeal = appeal_register_office(original_id=case_id, clerk=user, said=said, now=now, idempotency_key=key)
    return Status(201, CaseDetailOut.of(case_detail(appeal.case, user=user, now=now)))


def _verdict(payload: AppealDecisionIn) -> AppealVerdict:
    return AppealVerdict(decision=payload.decision, reopen_step=payload.reopen_step, reason=payload.reason)


@tasks_router.post("/{task_id}/appeal-decision/preview", response={200: list[DocumentPreviewOut], **ERRORS})
def appeal_decision_preview_api(request: HttpRequest, task_id: int, payload: AppealDecisionIn) -> list[dict[str, Any]]:
    """The decision document(s) the head signs for this verdict (exact bytes, base64); nothing is written."""
    user = request_user(request)
    task = task_get_for_staff(task_id=task_id, user=user)
    task_ensure_allowed(task, user)
    definition = definition_of(task.case)
    language = definition.source.language.value
    return [
        {"document_id": document_id, "kind": definition.document(document_id).kind.value,
         "title": definition.document(document_id).title.get(language) or document_id,
         "content_type": PDF_CONTENT_TYPE, "content": content}
        for document_id, content in appeal_decision_preview(task=task, verdict=_verdict(payload)).items()
    ]


@tasks_router.post("/{task_id}/appeal-decision", response={200: CaseDetailOut, **ERRORS})
def appeal_decide_api(request: HttpRequest, task_id: int, payload: AppealDecisionIn) -> dict[str, Any]:
    """Decide the appeal with the signed decision; an upheld one reopens the original case. Answers the appeal case."""
    user = request_user(request)
    task = task_get_for_staff(task_id=task_id, user=user)
    now = timezone.now()
    appeal = appeal_decide(task=task, actor=user, verdict=_verdict(payload), signatures=payload.signatures, now=now)
    return CaseDetailOut.of(case_detail(appeal.case, user=user, now=now))
