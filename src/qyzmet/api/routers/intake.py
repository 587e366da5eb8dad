"""Staff intake: the provider's office, the rural akim's office, the State Corporation; refusals to accept.

Every create takes an `Idempotency-Key` header: a retried request returns what the first one made.
"""

import base64
import uuid
from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Router, Status

from qyzmet.api import errors
from qyzmet.api.auth import request_user
from qyzmet.api.languages import request_language
from qyzmet.api.schemas import (
    ApplicantIn,
    AttachmentIn,
    CaseDetailOut,
    ErrorOut,
    OfficeIntakeIn,
    ReceiptOut,
    RefusalIn,
    RuralAkimIntakeIn,
    StateCorporationIntakeIn,
    StateCorporationIntakeOut,
    StateCorporationPreviewOut,
    StateCorporationRequestIn,
)
from qyzmet.api.selectors import (
    ServiceRef,
    applicant_of,
    case_detail,
    organization_get,
    sc_intake_get_for_staff,
    sc_intake_view,
    service_get,
)
from qyzmet.api.services import (
    idempotency_key_scoped,
    office_intake,
    refusal_issue,
    rural_akim_intake,
    sc_intake_take,
    sc_request_id,
    sc_request_preview,
)
from qyzmet.cases.intake import Applicant, Application, package_check, package_documents
from qyzmet.cases.models import Case, Receipt
from qyzmet.catalog.selectors import standard_lists_for
from qyzmet.identity.models import User
from qyzmet.state_corporation.models import IntakeStatus
from qyzmet.state_corporation.services import IntakeSubmission, PowerOfAttorneyEntry

router = Router(tags=["intake"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _applicant(data: ApplicantIn) -> Applicant:
    return applicant_of(iin=data.iin, name=data.name, representative_iin=data.representative_iin)


def _application(request: HttpRequest, form: dict[str, Any], attachments: list[AttachmentIn],
                 language: str | None) -> Application:
    return Application(form=form, attachments=[a.model_dump(exclude_none=True) for a in attachments],
                       language=request_language(request, language))


def _package(request: HttpRequest, service: ServiceRef, channel: str, presented: list[int] | None,
             application: Application) -> Application:
    """The desk's Standard p.9 check for an API intake (cases.intake.package_check), when `presented` is given:
    PackageIncomplete where the office may refuse; the handed-in documents lead the attachments as at the desk."""
    if presented is None:
        return application
    required = standard_lists_for(service.definition, application.case_language)["documents_required"].items
    if any(index < 0 or index >= len(required) for index in presented):
        raise errors.PresentedOutOfRange(len(required))
    package_check(service.definition, channel, required=required, presented=presented)
    handed_in = [{"name": name[:200]} for name in package_documents(required, presented, [])]
    return replace(application, attachments=handed_in + application.attachments)


def _case_out(case: Case, user: User) -> Status[dict[str, Any]]:
    return Status(201, CaseDetailOut.of(case_detail(case, user=user, now=timezone.now())))


@router.post("/office", response={201: CaseDetailOut, **ERRORS})
def intake_office_api(request: HttpRequest, payload: OfficeIntakeIn,
                      idempotency_key: str | None = Header(None, alias="Idempotency-Key")
                      ) -> Status[dict[str, Any]]:
    """The provider's clerk registers a paper application (with the receipt of acceptance, where one is given)."""
    clerk = request_user(request)
    service = service_get(payload.service, on=timezone.localdate())
    application = _package(request, service, "provider_office", payload.presented,
                           _application(request, payload.form, payload.attachments, payload.language))
    case = office_intake(
        service=service, provider=organization_get(payload.provider),
        clerk=clerk, applicant=_applicant(payload.applicant), application=application,
        originals_compared=payload.originals_compared,
        now=timezone.now(),
        idempotency_key=idempotency_key_scoped(user=clerk, operation="intake-office", key=idempotency_key),
    )
    return _case_out(case, clerk)


@router.post("/rural-akim", response={201: CaseDetailOut, **ERRORS})
def intake_rural_akim_api(request: HttpRequest, payload: RuralAkimIntakeIn,
                          idempotency_key: str | None = Header(None, alias="Idempotency-Key")
                          ) -> Status[dict[str, Any]]:
    """The rural akim's office registers an application and forwards it to the provider."""
    specialist = request_user(request)
    akim_office = organization_get(payload.akim_office)
    service = service_get(payload.service, on=timezone.localdate())
    application = _package(request, service, "rural_akim", payload.presented,
                           _application(request, payload.form, payload.attachments, payload.language))
    case = rural_akim_intake(
        service=service, akim_office=akim_office,
        provider=organization_get(payload.provider), specialist=specialist, applicant=_applicant(payload.applicant),
        application=application,
        residence=organization_get(payload.residence) if payload.residence is not None else akim_office,
        now=timezone.now(),
        idempotency_key=idempotency_key_scoped(user=specialist, operation="intake-rural-akim", key=idempotency_key),
    )
    return _case_out(case, specialist)


def _client_request_id(payload: StateCorporationRequestIn, header: str | None) -> str | None:
    if payload.request_id is not None and header is not None and payload.request_id != header:
        raise errors.RequestIdConflict()
    return payload.request_id if payload.request_id is not None else header


def _submission(request: HttpRequest, payload: StateCorporationRequestIn, *, request_id: str) -> IntakeSubmission:
    service = service_get(payload.service, on=timezone.localdate())
    applicant = payload.applicant
    power = applicant.power_of_attorney
    return IntakeSubmission(
        request_id=request_id, service_id=service.definition.id, applicant_iin=applicant.iin,
        applicant_bin=applicant.bin, representative_iin=applicant.representative_iin,
        power_of_attorney=PowerOfAttorneyEntry(power.number, power.notarised) if power else None,
        provider_code=organization_get(payload.provider).code, documents=tuple(payload.documents),
        form=payload.form, language=request_language(request, payload.language),
    )


@router.post("/state-corporation/preview", response={200: StateCorporationPreviewOut, **ERRORS})
def intake_state_corporation_preview_api(request: HttpRequest, payload: StateCorporationRequestIn,
                                         idempotency_key: str | None = Header(None, alias="Idempotency-Key")
                                         ) -> dict[str, str]:
    """The exact bytes of the request the operator signs with their EDS for these fields; nothing is written.

    Send the same fields back with the signature and the returned `request_id` (or Idempotency-Key).
    """
    operator = request_user(request)
    client_id = _client_request_id(payload, idempotency_key) or str(uuid.uuid4())
    submission = _submission(request, payload, request_id=sc_request_id(user=operator, key=client_id))
    content = sc_request_preview(operator=operator, branch=organization_get(payload.branch), submission=submission)
    return {"request_id": client_id, "content": base64.b64encode(content).decode("ascii")}


@router.post("/state-corporation", response={201: CaseDetailOut, 200: ReceiptOut, 202: StateCorporationIntakeOut,
                                             **ERRORS})
def intake_state_corporation_api(request: HttpRequest, payload: StateCorporationIntakeIn,
                                 idempotency_key: str | None = Header(None, alias="Idempotency-Key")
                                 ) -> Status[Any]:
    """A State Corporation operator takes an application, signed with their EDS, through the registries.

    201 with the case filed at the provider; 200 with the receipt of refusal to accept (an expired
    notarised power of attorney, where the State Corporation may refuse); 202 with the intake's
    number and state while a registry does not answer (the application is kept and sent once it
    does: see GET /intake/state-corporation/{number}); 422 `data_unavailable` when a registry has
    no record. A repeat with the same request id answers as the first request did, as it stands now.
    """
    operator = request_user(request)
    client_id = _client_request_id(payload, idempotency_key)
    if client_id is None:
        raise errors.RequestIdRequired()
    intake = sc_intake_take(
        operator=operator, branch=organization_get(payload.branch),
        submission=_submission(request, payload, request_id=sc_request_id(user=operator, key=client_id)),
        signature=payload.signature, now=timezone.now(),
    )
    if intake.status == IntakeStatus.FILED and intake.case is not None:
        return _case_out(intake.case, operator)
    if intake.status == IntakeStatus.REFUSED:
        return Status(200, intake.receipt)
    return Status(202, sc_intake_view(intake))


@router.get("/state-corporation/{number}", response={200: StateCorporationIntakeOut, 401: ErrorOut, 404: ErrorOut})
def intake_state_corporation_get_api(request: HttpRequest, number: str) -> dict[str, Any]:
    """A State Corporation intake as it stands (waiting, filed with its case, …), for the staff of its branch."""
    return sc_intake_view(sc_intake_get_for_staff(number=number, user=request_user(request)))


@router.post("/refusals", response={201: ReceiptOut, **ERRORS})
def intake_refusal_api(request: HttpRequest, payload: RefusalIn,
                       idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Status[Receipt]:
    """Refuse to accept an incomplete package: a receipt of refusal, and no case."""
    actor = request_user(request)
    receipt = refusal_issue(
        service=service_get(payload.service, on=timezone.localdate()), channel=payload.channel,
        organization=organization_get(payload.organization), applicant=_applicant(payload.applicant),
        grounds=payload.grounds, missing=payload.missing, actor=actor, now=timezone.now(),
        idempotency_key=idempotency_key_scoped(user=actor, operation="intake-refusal", key=idempotency_key),
    )
    return Status(201, receipt)
