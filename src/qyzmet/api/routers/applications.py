"""Portal applications: a citizen prepares a draft, signs its bytes (or asks for a one-time password), submits."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Router, Status

from qyzmet.api.auth import request_user
from qyzmet.api.languages import request_language
from qyzmet.api.models import ApplicationDraft
from qyzmet.api.schemas import ApplicationIn, CaseDetailOut, DraftOut, ErrorOut, OtpSentOut, SubmitIn
from qyzmet.api.selectors import case_detail, draft_get_for_applicant, draft_view, organization_get, service_get
from qyzmet.api.services import draft_create, draft_otp_send, draft_submit, idempotency_key_scoped
from qyzmet.cases.intake import Application
from qyzmet.identity.models import OneTimePassword

router = Router(tags=["applications"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("", response={201: DraftOut, **ERRORS})
def application_create_api(request: HttpRequest, payload: ApplicationIn,
                           idempotency_key: str | None = Header(None, alias="Idempotency-Key")
                           ) -> Status[dict[str, Any]]:
    """Prepare a portal application; returns the exact bytes to sign (base64) and the OTP purpose."""
    user = request_user(request)
    now = timezone.now()
    draft = draft_create(
        service=service_get(payload.service, on=timezone.localdate(now)), provider=organization_get(payload.provider),
        applicant=user, application=Application(form=payload.form, attachments=[
            a.model_dump(exclude_none=True) for a in payload.attachments],
            language=request_language(request, payload.language)),
        now=now, idempotency_key=idempotency_key_scoped(user=user, operation="application", key=idempotency_key),
    )
    return Status(201, draft_view(draft))


@router.get("/{draft_id}", response={200: DraftOut, **ERRORS})
def application_get_api(request: HttpRequest, draft_id: int) -> dict[str, Any]:
    return draft_view(draft_get_for_applicant(draft_id=draft_id, user=request_user(request)))


@router.post("/{draft_id}/otp", response={201: OtpSentOut, **ERRORS})
def application_otp_api(request: HttpRequest, draft_id: int) -> Status[OneTimePassword]:
    """Send a one-time password, bound to this application's content, to the applicant's mobile number."""
    draft = draft_get_for_applicant(draft_id=draft_id, user=request_user(request))
    return Status(201, draft_otp_send(draft=draft, now=timezone.now()))


@router.post("/{draft_id}/submit", response={201: CaseDetailOut, **ERRORS})
def application_submit_api(request: HttpRequest, draft_id: int, payload: SubmitIn) -> Status[dict[str, Any]]:
    """Submit with `signature` (CMS of `content`, base64) or `otp_code`; returns the case. Idempotent."""
    user = request_user(request)
    draft: ApplicationDraft = draft_get_for_applicant(draft_id=draft_id, user=user)
    now = timezone.now()
    case = draft_submit(draft=draft, now=now, signature=payload.signature, otp_code=payload.otp_code)
    return Status(201, CaseDetailOut.of(case_detail(case, user=user, now=now)))
