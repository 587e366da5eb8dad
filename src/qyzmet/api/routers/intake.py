"""Staff intake: the provider's office, the rural akim's office, the State Corporation; refusals to accept.

Every create takes an `Idempotency-Key` header: a retried request returns what the first one made.
"""


from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Router, Status

from qyzmet.api.auth import request_user
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
)
from qyzmet.api.selectors import applicant_of, case_detail, organization_get, service_get
from qyzmet.api.services import (
    idempotency_key_scoped,
    intake_state_corporation,
    office_intake,
    refusal_issue,
    rural_akim_intake,
)
from qyzmet.cases.intake import Applicant, Application
from qyzmet.cases.models import Case, Receipt
from qyzmet.identity.models import User

router = Router(tags=["intake"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _applicant(data: ApplicantIn) -> Applicant:
    return applicant_of(iin=data.iin, name=data.name, representative_iin=data.representative_iin)


def _application(form: dict[str, Any], attachments: list[AttachmentIn]) -> Application:
    return Application(form=form, attachments=[a.model_dump(exclude_none=True) for a in attachments])


def _case_out(case: Case, user: User) -> Status[dict[str, Any]]:
    return Status(201, CaseDetailOut.of(case_detail(case, user=user, now=timezone.now())))


@router.post("/office", response={201: CaseDetailOut, **ERRORS})
def intake_office_api(request: HttpRequest, payload: OfficeIntakeIn,
                      idempotency_key: str | None = Header(None, alias="Idempotency-Key")
                      ) -> Status[dict[str, Any]]:
    """The provider's clerk registers a paper application (with the receipt of acceptance, where one is given)."""
    clerk = request_user(request)
    case = office_intake(
        service=service_get(payload.service, on=timezone.localdate()), provider=organization_get(payload.provider),
        clerk=clerk, applicant=_applicant(payload.applicant),
        application=_application(payload.form, payload.attachments), originals_compared=payload.originals_compared,
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
    case = rural_akim_intake(
        service=service_get(payload.service, on=timezone.localdate()), akim_office=akim_office,
        provider=organization_get(payload.provider), specialist=specialist, applicant=_applicant(payload.applicant),
        application=_application(payload.form, payload.attachments),
        residence=organization_get(payload.residence) if payload.residence is not None else akim_office,
        now=timezone.now(),
        idempotency_key=idempotency_key_scoped(user=specialist, operation="intake-rural-akim", key=idempotency_key),
    )
    return _case_out(case, specialist)


@router.post("/state-corporation", response={201: CaseDetailOut, **ERRORS})
def intake_state_corporation_api(request: HttpRequest, payload: StateCorporationIntakeIn,
                                 idempotency_key: str | None = Header(None, alias="Idempotency-Key")
                                 ) -> Status[dict[str, Any]]:
    """A State Corporation operator takes an application and sends it to the provider."""
    operator = request_user(request)
    case = intake_state_corporation(
        service=service_get(payload.service, on=timezone.localdate()), branch=organization_get(payload.branch),
        provider=organization_get(payload.provider), operator=operator, applicant=_applicant(payload.applicant),
        application=_application(payload.form, payload.attachments), now=timezone.now(),
        idempotency_key=idempotency_key_scoped(user=operator, operation="intake-sc", key=idempotency_key),
    )
    return _case_out(case, operator)


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
