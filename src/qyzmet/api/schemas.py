"""Request and response shapes of the API (ninja Schemas). Shaping lives here; reads are in selectors."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AliasChoices, ConfigDict

from qyzmet.cases.models import Case, Receipt, ResultDocument
from qyzmet.catalog.definitions import definition_summary
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.documents.rendering import verify_url
from qyzmet.identity.models import Organization, StaffRole, User

IIN_PATTERN = r"^[0-9]{12}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


LanguageIn = Literal["kk", "ru", "en"]
LANGUAGE_DESCRIPTION = "The applicant's language, in which the result documents are issued; empty: the request's."


# --- errors --------------------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str
    message: dict[str, str] = Field(..., description="The message in kk, ru and en.")
    errors: list[dict[str, Any]] | None = Field(None, description="For invalid input: which fields and why.")


# --- people and organizations ------------------------------------------------------------------------


def names_of(organization: Organization) -> dict[str, str]:
    return {"kk": organization.name_kk, "ru": organization.name_ru, "en": organization.name_en or organization.name_ru}


class OrganizationOut(Schema):
    id: int
    code: str
    bin: str
    kind: str
    names: dict[str, str]

    @staticmethod
    def resolve_names(obj: Organization) -> dict[str, str]:
        return names_of(obj)


class RoleOut(Schema):
    role: str
    organization: OrganizationOut


class UserOut(Schema):
    iin: str
    name: str
    roles: list[RoleOut]

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.full_name

    @staticmethod
    def resolve_roles(obj: User) -> list[StaffRole]:
        return list(obj.staff_roles.select_related("organization").order_by("organization__path", "role"))


# --- auth ----------------------------------------------------------------------------------------------


class PasswordLoginIn(Input):
    iin: str = Field(..., max_length=32)
    password: str = Field(..., max_length=256)


class EdsLoginIn(Input):
    challenge: str = Field(..., max_length=80)
    challenge_id: str = Field(..., max_length=80, description="The challenge_id returned with the challenge.")
    signature: str = Field(..., description="Detached CMS signature of the challenge (UTF-8), base64.")


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime
    user: UserOut


class ChallengeOut(Schema):
    challenge: str = Field(..., description="Sign these characters (UTF-8) with the EDS authentication key.")
    challenge_id: str = Field(..., description="Keep it secret and send it back with the signature: the "
                              "challenge works only for the client that asked for it.")
    expires_at: datetime

    @staticmethod
    def resolve_challenge(obj: Any) -> str:
        return str(obj.record.value)

    @staticmethod
    def resolve_challenge_id(obj: Any) -> str:
        return str(obj.client_secret)

    @staticmethod
    def resolve_expires_at(obj: Any) -> datetime:
        return obj.record.expires_at


# --- catalogue -----------------------------------------------------------------------------------------


class ServiceSummaryOut(Schema):
    id: str
    version: int
    title: dict[str, str]
    field: str
    source: dict[str, str]
    channels: list[str]
    effective_from: str
    effective_to: str | None

    @classmethod
    def of(cls, definition: ServiceDefinition) -> dict[str, Any]:
        return definition_summary(definition)


class StandardListOut(Schema):
    items: list[str]
    source: str
    administered: bool = Field(..., description="Kept by the oblast's administrators; false: the definition's own.")


class StandardListsOut(Schema):
    documents_required: StandardListOut
    refusal_grounds: StandardListOut


# --- applications and intake ----------------------------------------------------------------------------


class AttachmentIn(Input):
    name: str = Field(..., min_length=1, max_length=255)
    sha256: str = Field(..., pattern=SHA256_PATTERN)
    size: int | None = Field(None, ge=0)
    content_type: str | None = Field(None, max_length=100)


class ApplicantIn(Input):
    iin: str = Field(..., pattern=IIN_PATTERN)
    name: str = Field("", max_length=300, description="Empty: the name of the account with this IIN.")
    representative_iin: str = Field("", pattern=r"^([0-9]{12})?$")


class ApplicationIn(Input):
    service: str = Field(..., max_length=80, description="The catalogue id of the service.")
    provider: int = Field(..., description="The id of the providing organization (see /services/{id}/providers).")
    form: dict[str, Any] = {}
    attachments: list[AttachmentIn] = []
    language: LanguageIn | None = Field(None, description=LANGUAGE_DESCRIPTION)


class SubmitIn(Input):
    signature: str | None = Field(None, description="Detached CMS signature of `content`, base64.")
    otp_code: str | None = Field(None, max_length=12)


class OtpSentOut(Schema):
    sent_to: str = Field(..., description="The mobile number, masked.")
    expires_at: datetime

    @staticmethod
    def resolve_sent_to(obj: Any) -> str:
        mobile: str = obj.mobile
        return mobile[:4] + "*" * max(0, len(mobile) - 6) + mobile[-2:]


class OfficeIntakeIn(Input):
    service: str = Field(..., max_length=80)
    provider: int
    applicant: ApplicantIn
    form: dict[str, Any] = {}
    attachments: list[AttachmentIn] = []
    originals_compared: bool = Field(False, description="The copies were compared with the originals, returned.")
    presented: list[int] | None = Field(None, max_length=100, description=(
        "Which of the service's Standard p.9 documents (GET /services/{id}/standard-lists, by their index) the "
        "applicant handed in. Given, the package is checked as at the desk: where the regulation lets this "
        "office refuse to accept, a missing one is 422 package_incomplete and nothing is filed."))
    language: LanguageIn | None = Field(None, description=LANGUAGE_DESCRIPTION)


class RuralAkimIntakeIn(Input):
    service: str = Field(..., max_length=80)
    akim_office: int
    provider: int
    residence: int | None = Field(None, description="Where the applicant lives; empty: the akim's okrug.")
    applicant: ApplicantIn
    form: dict[str, Any] = {}
    attachments: list[AttachmentIn] = []
    presented: list[int] | None = Field(None, max_length=100, description=(
        "Which of the service's Standard p.9 documents (GET /services/{id}/standard-lists, by their index) the "
        "applicant handed in. Given, the package is checked as at the desk: where the regulation lets this "
        "office refuse to accept, a missing one is 422 package_incomplete and nothing is filed."))
    language: LanguageIn | None = Field(None, description=LANGUAGE_DESCRIPTION)


class PowerOfAttorneyIn(Input):
    number: str = Field(..., min_length=1, max_length=64)
    notarised: bool = Field(..., description="Notarised: its data are filled in from ЕНИС; otherwise they are not.")


class StateCorporationApplicantIn(Input):
    iin: str = Field(..., pattern=IIN_PATTERN, description="The applicant; the name comes from ГБД ФЛ.")
    bin: str = Field("", pattern=r"^([0-9]{12})?$",
                     description="A legal entity's BIN (where the regulation asks ГБД ЮЛ).")
    representative_iin: str = Field("", pattern=r"^([0-9]{12})?$")
    power_of_attorney: PowerOfAttorneyIn | None = Field(None, description="Required with a representative.")


class StateCorporationRequestIn(Input):
    service: str = Field(..., max_length=80)
    branch: int = Field(..., description="The State Corporation branch whose operator takes the application.")
    provider: int
    applicant: StateCorporationApplicantIn
    documents: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        [], description="The documents handed in at the window.")
    form: dict[str, Any] = {}
    request_id: str | None = Field(
        None, min_length=1, max_length=200,
        description="Your id of this application, or send it as the Idempotency-Key header; a repeat returns what "
        "the first request made. The preview makes one when neither is given.")
    language: LanguageIn | None = Field(None, description=LANGUAGE_DESCRIPTION)


class StateCorporationIntakeIn(StateCorporationRequestIn):
    signature: str = Field(..., description="The operator's detached CMS signature of the preview's content, base64.")


class StateCorporationPreviewOut(Schema):
    request_id: str = Field(..., description="Send it back with the signed request (or as Idempotency-Key).")
    content: str = Field(..., description="Base64 of the exact bytes of the request the operator signs.")


class RefusalIn(Input):
    service: str = Field(..., max_length=80)
    channel: str = Field(..., max_length=32)
    organization: int
    applicant: ApplicantIn
    grounds: list[str] = Field(..., min_length=1)
    missing: list[str] = []


class QueueDirectPreviewIn(Input):
    locality: int
    group: str = Field(
        "", max_length=16, validation_alias=AliasChoices("group", "age_group"),
        description="The waiting list's group (the value of the application field it is split by, e.g. the age "
                    "group); `age_group` is accepted as its former name.",
    )


class QueueDirectIn(QueueDirectPreviewIn):
    signatures: dict[str, str] = Field(
        {}, description="document_id → the clerk's detached CMS signature (base64) of the previewed direction.")


# --- cases, tasks, documents -----------------------------------------------------------------------------


class PersonOut(Schema):
    iin: str
    name: str


class CaseFields(Schema):
    id: int
    number: str
    service: str
    version: int
    channel: str
    language: str = Field(..., description="The applicant's language: the result documents are issued in it.")
    status: str
    outcome: str
    provider: OrganizationOut
    intake_office: OrganizationOut | None
    filed_at: datetime
    closed_at: datetime | None


class CaseSummaryOut(CaseFields):
    @staticmethod
    def resolve_service(obj: Case) -> str:
        return obj.service_slug

    @staticmethod
    def resolve_version(obj: Case) -> int:
        return obj.service_version.version


class DraftOut(Schema):
    id: int
    service: str
    version: int
    provider: OrganizationOut
    form: dict[str, Any]
    attachments: list[dict[str, Any]]
    language: str
    content: str = Field(..., description="Base64 of the exact bytes to sign (canonical JSON).")
    otp_purpose: str
    confirmation: list[str] = Field(..., description="How this service's portal channel confirms: eds, otp, …")
    created_at: datetime
    submitted_at: datetime | None
    case: CaseSummaryOut | None


class DurationOut(Schema):
    value: int
    unit: str


class TimeOut(Schema):
    unit: str = Field(..., description="Working units: minutes, hours or working days.")
    used: int
    left: int
    overdue: bool


class StepOut(Schema):
    id: int
    sequence: int
    step: str
    phase: str
    role: str
    does: str
    organization: OrganizationOut | None
    duration: DurationOut | None
    started: datetime
    deadline: datetime | None
    completed: datetime | None
    status: str
    branch: str | None
    overdue: bool
    time: TimeOut | None


class DocumentOut(Schema):
    id: int
    case: int
    number: str = Field(..., description="The number printed on the document; checked at /verify/{number}/.")
    verify_url: str = Field(..., description="The public verification page, as its QR code prints it.")
    document_id: str
    kind: str
    title: str
    intermediate: bool
    content_type: str
    sha256: str
    signed: bool
    signed_by: PersonOut | None
    signed_at: datetime | None
    issued_at: datetime | None
    delivered_to: str
    verification_code: str

    @staticmethod
    def resolve_case(obj: ResultDocument) -> int:
        return obj.case_id

    @staticmethod
    def resolve_verify_url(obj: ResultDocument) -> str:
        return verify_url(obj.number)

    @staticmethod
    def resolve_sha256(obj: ResultDocument) -> str:
        return hashlib.sha256(bytes(obj.content)).hexdigest()

    @staticmethod
    def resolve_signed(obj: ResultDocument) -> bool:
        return obj.signature is not None

    @staticmethod
    def resolve_signed_by(obj: ResultDocument) -> dict[str, str] | None:
        signer = obj.signed_by
        return {"iin": signer.iin, "name": signer.full_name} if signer else None


class ReceiptOut(Schema):
    number: str
    kind: str
    case: int | None
    service: str
    channel: str
    organization: OrganizationOut
    applicant: PersonOut
    form: str
    grounds: list[str]
    missing: list[str]
    issued_at: datetime

    @staticmethod
    def resolve_case(obj: Receipt) -> int | None:
        return obj.case_id

    @staticmethod
    def resolve_service(obj: Receipt) -> str:
        return obj.service_version.service.slug

    @staticmethod
    def resolve_applicant(obj: Receipt) -> dict[str, str]:
        return {"iin": obj.applicant_iin, "name": obj.applicant_name}


class QueueOut(Schema):
    status: str
    position: int | None = Field(..., description="1 = next to be directed; empty once directed.")
    locality: OrganizationOut
    group: str
    registered_at: datetime
    directed_at: datetime | None


class CaseDetailOut(CaseFields):
    applicant: PersonOut
    representative_iin: str
    confirmation: str
    refusal_ground: str
    form: dict[str, Any]
    attachments: list[dict[str, Any]]
    timeline: list[StepOut]
    documents: list[DocumentOut]
    receipts: list[ReceiptOut]
    queue: QueueOut | None

    @classmethod
    def of(cls, detail: dict[str, Any]) -> dict[str, Any]:
        case: Case = detail["case"]
        return {
            **{name: getattr(case, name) for name in (
                "id", "number", "channel", "language", "status", "outcome", "provider", "intake_office", "filed_at",
                "closed_at", "representative_iin", "confirmation", "refusal_ground", "form", "attachments")},
            "service": case.service_slug, "version": case.service_version.version,
            "applicant": {"iin": case.applicant_iin, "name": case.applicant_name},
            "timeline": detail["timeline"], "documents": detail["documents"], "receipts": detail["receipts"],
            "queue": detail["queue"],
        }


class CaseRefOut(Schema):
    id: int
    number: str
    service: str
    channel: str
    status: str

    @staticmethod
    def resolve_service(obj: Case) -> str:
        return obj.service_slug


class TaskOut(StepOut):
    case: CaseRefOut


class BranchOut(Schema):
    when: str
    next: str
    taken: str = Field(..., description="success: the branch taken when the step's check passes; failure: otherwise.")
    outcome: str | None = Field(None, description="On a deciding step: the decision this branch is taken for.")
    label: dict[str, str] | None


class DecisionOut(Schema):
    decision: str
    ground_required: bool
    documents: list[list[str]] = Field(..., description="The document sets this decision may produce.")


class DocumentToSignOut(Schema):
    id: int
    document_id: str = Field(..., description="The key to use in `signatures` when completing the task.")
    kind: str
    title: str
    content_type: str
    content: str = Field(..., description="Base64 of the exact bytes to sign.")

    @staticmethod
    def resolve_content(obj: ResultDocument) -> str:
        return base64.b64encode(bytes(obj.content)).decode("ascii")


class TaskDetailOut(TaskOut):
    action: dict[str, str]
    may_act: bool
    branches: list[BranchOut]
    decides: bool
    decisions: list[DecisionOut]
    signs: bool
    produces: list[str]
    to_sign: list[DocumentToSignOut]


class TaskActionIn(Input):
    branch: str | None = Field(None, max_length=40, description="Where the step branches: one of its branches.")
    decision: str | None = Field(None, max_length=16, description="Where the step decides: issued, refused, …")
    ground: str = Field("", max_length=4000, description="The ground of a refusal (required for `refused`).")
    documents: list[str] = Field([], description="Which of the decision's document sets (default: the first).")
    details: dict[str, Any] = {}


class TaskCompleteIn(TaskActionIn):
    signatures: dict[str, str] = Field({}, description="document_id → detached CMS signature (base64).")


class DocumentPreviewOut(Schema):
    document_id: str = Field(..., description="The key to use in `signatures` when completing the task.")
    kind: str
    title: str
    content_type: str
    content: str = Field(..., description="Base64 of the exact bytes to sign.")

    @staticmethod
    def resolve_content(obj: dict[str, Any]) -> str:
        return base64.b64encode(obj["content"]).decode("ascii")


class TaskPreviewOut(Schema):
    signs: bool = Field(..., description="Whether completing with this action needs the actor's EDS signatures.")
    documents: list[DocumentPreviewOut]


class QueueDirectionPreviewOut(Schema):
    case: CaseSummaryOut = Field(..., description="The case of the child next in line.")
    documents: list[DocumentPreviewOut]


class StateCorporationIntakeOut(Schema):
    number: str
    status: str = Field(..., description="querying, waiting_registry, filed, no_data, refused_to_accept, failed.")
    message: dict[str, str] | None = Field(..., description="What the operator and applicant are told (kk, ru, en).")
    case: CaseSummaryOut | None
    receipt: str | None = Field(..., description="The number of the receipt of refusal to accept.")
    created_at: datetime
    finished_at: datetime | None


class TaskCompletedOut(Schema):
    task: TaskOut
    next_task: TaskOut | None
    case: CaseSummaryOut


class AppealIn(Input):
    subject: str = Field(..., pattern=r"^(decision|action|inaction)$",
                         description="What is appealed: the provider's decision, an action, or inaction.")
    text: str = Field(..., min_length=1, max_length=5000)
    signature: str | None = Field(
        None, description="The applicant's detached CMS signature of the preview's `content`, base64."
    )
    otp_code: str | None = Field(None, max_length=12)
    language: LanguageIn | None = Field(None, description=LANGUAGE_DESCRIPTION)


class AppealPreviewIn(Input):
    subject: str = Field(..., pattern=r"^(decision|action|inaction)$")
    text: str = Field(..., min_length=1, max_length=5000)
    language: LanguageIn | None = Field(None, description=LANGUAGE_DESCRIPTION)


class AppealPreviewOut(Schema):
    content: str = Field(..., description="The exact bytes the applicant signs, base64.")


class AppealDecisionIn(Input):
    decision: str = Field(..., pattern=r"^(upheld|rejected)$")
    reopen_step: str = Field("", max_length=80, description="Upheld: the original's step to reopen it at.")
    reason: str = Field("", max_length=5000, description="Rejected: why.")
    signatures: dict[str, str] = Field({}, description="The head's CMS signature of each decision document, base64.")
