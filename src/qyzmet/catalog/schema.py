"""The regulation schema: one service definition, in the regulation's own terms.

A definition file is YAML; these pydantic models are its schema (published as JSON
Schema by `qyzmet catalog schema`). Structural rules that a JSON Schema cannot say
(step references, reachability, cycles) live in `lint.py`.

Texts (`Text`) carry the original wording under the key of the seed's language
(`source.language`); every other language key holds a translation made here.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=80)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Language(StrEnum):
    KK = "kk"
    RU = "ru"


class Text(Strict):
    """A text in kk/ru/en. The seed's language holds the original; the others are translations."""

    kk: NonEmpty | None = None
    ru: NonEmpty | None = None
    en: NonEmpty | None = None

    def get(self, language: str) -> str | None:
        value: str | None = getattr(self, language, None)
        return value

    def shown(self, language: str) -> str:
        """The text in `language`, else in Russian, else in Kazakh (the seeds' languages), else ''."""
        return self.get(language) or self.ru or self.kk or ""

    def as_dict(self) -> dict[str, str]:
        return {key: value for key, value in self.model_dump().items() if value is not None}


class ServiceField(StrEnum):
    FAMILY_CHILDREN = "family_children"
    SOCIAL_LABOUR = "social_labour"
    PRESCHOOL = "preschool"
    APPEALS = "appeals"  # complaints about how a public service was rendered (kind: appeal)


class ProviderKind(StrEnum):
    LOCAL_EXECUTIVE_BODY = "local_executive_body"
    EDUCATION_DEPARTMENT = "education_department"
    EDUCATION_ORGANIZATION = "education_organization"
    RURAL_AKIM = "rural_akim"
    UNSPECIFIED = "unspecified"


class Recipient(StrEnum):
    INDIVIDUALS = "individuals"
    LEGAL_ENTITIES = "legal_entities"


class Cost(StrEnum):
    FREE = "free"
    NOT_STATED = "not_stated"


class ServiceForm(StrEnum):
    ELECTRONIC_FULLY_AUTOMATED = "electronic_fully_automated"
    ELECTRONIC_PARTIALLY_AUTOMATED = "electronic_partially_automated"
    ELECTRONIC = "electronic"
    PAPER = "paper"


class DocumentKind(StrEnum):
    CERTIFICATE = "certificate"
    DECISION = "decision"
    CONTRACT = "contract"
    REFERRAL = "referral"
    DIRECTION = "direction"
    CONCLUSION = "conclusion"
    NOTIFICATION = "notification"
    QUEUE_NUMBER = "queue_number"
    QUEUE_TICKET = "queue_ticket"
    AKIMAT_RESOLUTION = "akimat_resolution"
    PERMISSION = "permission"
    MOTIVATED_REFUSAL = "motivated_refusal"
    HOUSING_ACT = "housing_act"
    COVER_LETTER = "cover_letter"
    DRAFT = "draft"
    RECEIPT = "receipt"
    REFUSAL_RECEIPT = "refusal_receipt"


class ChannelCode(StrEnum):
    PROVIDER_OFFICE = "provider_office"
    STATE_CORPORATION = "state_corporation"
    PORTAL = "portal"
    RURAL_AKIM = "rural_akim"


class Role(StrEnum):
    """Who acts. Staff roles match the identity module's roles; `system` is an information system."""

    APPLICANT = "applicant"
    OFFICE_CLERK = "office_clerk"
    HEAD = "head"
    EXECUTOR = "executor"
    SC_OPERATOR = "sc_operator"
    AKIM_OFFICE_SPECIALIST = "akim_office_specialist"
    AKIM = "akim"
    AKIMAT = "akimat"
    SYSTEM = "system"


class Organization(StrEnum):
    """Where the actor sits."""

    APPLICANT = "applicant"
    PROVIDER = "provider"
    STATE_CORPORATION = "state_corporation"
    RURAL_AKIM = "rural_akim"
    DISTRICT_AKIMAT = "district_akimat"
    E_GOV_PORTAL = "e_gov_portal"
    E_GOV_GATEWAY = "e_gov_gateway"
    REGIONAL_GATEWAY = "regional_gateway"
    SC_INFORMATION_SYSTEM = "sc_information_system"
    STATE_REGISTRIES = "state_registries"


class Verb(StrEnum):
    """What a step does, in the engine's vocabulary (the text says it in `action`)."""

    # people at the provider, the akim's office and the akimat
    ACCEPT = "accept"  # receive the package (and register it in the same step)
    REGISTER = "register"
    RESOLVE = "resolve"  # the head's resolution (резолюция / бұрыштама) naming the executor
    PREPARE = "prepare"  # the executor prepares the result or a motivated refusal
    INSPECT = "inspect"  # housing-conditions study and its act
    SIGN = "sign"
    FORWARD = "forward"  # send on to another organization (cover letter, package to akimat)
    ADOPT = "adopt"  # the akimat adopts its resolution
    ISSUE = "issue"  # hand over / deliver the result
    ENQUEUE = "enqueue"  # put in a waiting list
    # the portal and State Corporation processes
    AUTHENTICATE = "authenticate"
    FILL_REQUEST = "fill_request"
    SIGN_REQUEST = "sign_request"
    QUERY_REGISTRY = "query_registry"
    CHECK = "check"  # a condition ("условие N" / "N-шарт")
    NOTIFY_REFUSAL = "notify_refusal"  # a refusal message that ends the flow
    SEND = "send"  # e-document through the gateway
    RECEIVE_RESULT = "receive_result"


class Unit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


class Duration(Strict):
    value: Annotated[int, Field(gt=0, description="A positive whole number of units.")]
    unit: Unit


class Registry(StrEnum):
    GBD_FL = "gbd_fl"
    GBD_UL = "gbd_ul"
    ENIS = "enis"


class Confirmation(StrEnum):
    EDS = "eds"
    OTP = "otp"
    PROVIDER_EDS = "provider_eds"
    OPERATOR_EDS = "operator_eds"


class Delivery(StrEnum):
    IN_PERSON_AT_PROVIDER = "in_person_at_provider"
    STATE_CORPORATION = "state_corporation"
    PERSONAL_CABINET = "personal_cabinet"
    RURAL_AKIM = "rural_akim"


class Outcome(StrEnum):
    ISSUED = "issued"
    REFUSED = "refused"
    QUEUED = "queued"


class LegalStatus(StrEnum):
    IN_FORCE = "in_force"
    REPEALED = "repealed"
    NOT_STATED = "not_stated"


class Registration(Strict):
    number: NonEmpty
    date: dt.date | None = None
    body: NonEmpty | None = None


# --- faithful (issue 14): when an act entered into force, as its own text allows ----------------------


class EntryIntoForce(Strict):
    """When an act entered into force, computed from the act's own rule (see `catalog.lint`)."""

    date: dt.date = Field(description="The earliest day the act's rule allows.")
    approximate: bool = Field(description="True where the day depends on a publication date the text does not give.")
    rule: NonEmpty | None = Field(description="The act's rule of entry into force, quoted; null where it states none.")
    counted_from: Literal["registration", "act_date"] = Field(
        description=(
            "The earliest possible publication the rule is counted from: the state registration's date, or the "
            "act's own date where the text gives no registration date."
        )
    )


# --- end faithful ---------------------------------------------------------------------------------------


class ActRef(Strict):
    body: NonEmpty
    kind: NonEmpty = Field(description="resolution, order, …, in the act's language")
    number: NonEmpty | None
    date: dt.date | None
    title: NonEmpty | None = None
    registration: Registration | None = Field(default=None, description="State registration by the justice body.")
    # faithful (issue 14)
    entry_into_force: EntryIntoForce | None = Field(
        default=None, description="When the act entered into force, from its own rule."
    )


class LegalAct(ActRef):
    status: LegalStatus
    repealed_by: ActRef | None = None
    amended_by: list[ActRef] = []


class Source(Strict):
    seed: Annotated[str, StringConstraints(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")]
    title: NonEmpty = Field(description="The service title exactly as written in the seed.")
    language: Language
    oblast: Text
    act: LegalAct
    standard: ActRef | None = None
    # faithful (issue 14)
    wording: ActRef | None = Field(
        default=None,
        description=(
            "The amending act whose wording this definition encodes (the seed gives the regulation 'in the "
            "wording of' it); null: the approving act's own wording. `effective_from` follows its entry into force."
        ),
    )
    quote_start: NonEmpty | None = Field(
        default=None, description="A short verbatim phrase that locates the regulation in the seed."
    )


class Provider(Strict):
    kind: ProviderKind
    name: Text | None = Field(description="As written in the seed; null where the seed names none.")


class ResultDocument(Strict):
    id: Slug
    kind: DocumentKind
    title: Text
    form: NonEmpty | None = Field(default=None, description="The form it follows, e.g. 'Standard app. 2'.")
    intermediate: bool = False
    note: NonEmpty | None = None


# --- faithful (issue 14): outcome basis, result form, Standard p.9 and p.10 ------------------------------


class BasisKind(StrEnum):
    """Where an outcome rests: the regulation's own words, or the law / the Standard it refers to."""

    REGULATION = "regulation"
    STANDARD = "standard"
    LAW = "law"


class OutcomeBasis(Strict):
    kind: BasisKind
    reference: NonEmpty = Field(description="Where: 'Regulation p.3', 'Standard p.10', the Law on public services.")
    quote: NonEmpty | None = Field(
        default=None,
        description="The words, verbatim from the seed; required for 'regulation', else where the seed has them.",
    )


class ResultForm(StrEnum):
    ELECTRONIC = "electronic"
    PAPER = "paper"


class ResultPresentation(Strict):
    """The form the result is presented in (нәтижесін ұсыну нысаны / форма предоставления результата)."""

    forms: Annotated[list[ResultForm], Field(min_length=1)]
    quote: NonEmpty


class StandardList(Strict):
    """A list the Standard gives (p.9 documents required, p.10 refusal grounds) and where it comes from.

    The seeds cite these paragraphs without reproducing them: `items` stays empty, and the service
    shows "as the Standard lists"; an administrator fills the list kept beside the catalogue (ADR 0025).
    """

    items: list[Text] = []
    source: NonEmpty = Field(description="The paragraph of the Standard, e.g. 'Standard p.9'.")
    quote: NonEmpty | None = Field(default=None, description="The regulation's words that refer to it, verbatim.")


# --- end faithful ---------------------------------------------------------------------------------------


class OutcomeRule(Strict):
    """Which documents make up the result for an outcome; several documents form a composite result."""

    outcome: Outcome
    documents: Annotated[list[Slug], Field(min_length=1)]
    channels: list[ChannelCode] | None = Field(default=None, description="Restrict to these channels.")
    condition: Text | None = None
    # faithful (issue 14); required by the lint for every outcome of a service
    basis: OutcomeBasis | None = None


class RefusalToAccept(Strict):
    """Refusal to accept an incomplete (or expired) package: no case is opened."""

    grounds: Annotated[list[Literal["incomplete_package", "expired_documents"]], Field(min_length=1)]
    by: Annotated[list[Literal["provider", "state_corporation"]], Field(min_length=1)]
    receipt: ResultDocument | None = Field(description="The receipt form the regulation names, or null.")
    quote: NonEmpty


class AcceptanceReceipt(Strict):
    title: Text
    form: NonEmpty | None = None
    originals_compared_and_returned: bool = False
    quote: NonEmpty | None = None


# --- rules as data (ADR 0024): branches named by what they are taken on --------------------------------


class BranchOn(StrEnum):
    """When a branch is taken: the check passed (`success`) or did not (`failure`). (The key is `taken`, not
    `on`: YAML 1.1 reads a bare `on` as true.)"""

    SUCCESS = "success"
    FAILURE = "failure"


class Branch(Strict):
    when: Slug = Field(description="The outcome that takes this branch, e.g. positive / negative / found.")
    next: Slug = Field(description="A step id, or 'end'.")
    taken: BranchOn = Field(
        description=(
            "success: taken when the step's check passes (an automatic check takes it on its own); "
            "failure: taken when it does not. A branching step has exactly one success branch."
        )
    )
    outcome: Outcome | None = Field(
        default=None, description="On a deciding step: the decision this branch is taken for (issued/refused/queued)."
    )
    label: Text | None = None


# --- end of rules-as-data block ------------------------------------------------------------------------


class Step(Strict):
    id: Slug
    number: NonEmpty | None = Field(default=None, description="Numbering in the text: '3', 'process 4', …")
    role: Role
    organization: Organization
    does: Verb
    action: Text = Field(description="The action, in the text's own words (original language).")
    duration: Duration | None = Field(description="Maximum duration, or null where the text gives none.")
    result: Text | None = Field(default=None, description="The step result that starts the next step.")
    next: Slug | None = Field(default=None, description="Next step id or 'end'; default: the following step.")
    branches: list[Branch] | None = None
    produces: list[Slug] = []
    decides: bool = Field(default=False, description="The outcome (issued/refused/queued) is chosen here.")
    end: bool = False


class Procedure(Strict):
    """An ordered procedure of the provider's units (section 2 of a regulation)."""

    steps: Annotated[list[Step], Field(min_length=1)]
    budget: Duration | None = Field(
        default=None, description="A single time budget shared by all the steps (they then carry no duration)."
    )
    budget_quote: NonEmpty | None = None


class ChannelCondition(Strict):
    code: Literal["no_provider_at_residence"]
    text: Text


class Channel(Strict):
    """One way in: intake steps, then a named procedure, then delivery steps."""

    code: ChannelCode
    intake: list[Step] = []
    procedure: Slug | None = Field(default=None, description="Key of `procedures` run after intake.")
    delivery: list[Step] = []
    result_delivery: Annotated[list[Delivery], Field(min_length=1)]
    confirmation: list[Confirmation] = []
    registries: list[Registry] = []
    condition: ChannelCondition | None = None
    application_form: NonEmpty | None = Field(default=None, description="The application form, e.g. 'Standard app. 2'.")
    note: NonEmpty | None = None
    # --- rules as data (ADR 0024): delivery and receipt per channel ---
    result_delivery_documents: dict[Delivery, Annotated[list[Slug], Field(min_length=1)]] = Field(
        default={},
        description=(
            "Where result_delivery names several places: the documents delivered to each place other than the "
            "first; every other result document goes to the first place of result_delivery."
        ),
    )
    gives_acceptance_receipt: bool = Field(
        default=False,
        description="The channel gives the definition's acceptance_receipt (with the incoming number) when it files.",
    )
    # --- end of rules-as-data block ---


class FieldKind(StrEnum):
    """How an application field is typed and checked."""

    IIN = "iin"
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    NUMBER = "number"


class FieldChoice(Strict):
    value: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,16}$")]
    label: Text


class ApplicationField(Strict):
    """One field of the application form the applicant fills in (beyond who they are)."""

    id: Slug
    kind: FieldKind
    label: Text
    required: bool = True
    choices: list[FieldChoice] = Field(default=[], description="The allowed values of a 'choice' field.")


class ApplicationAttachment(Strict):
    """A document the applicant attaches (a scan: PDF, JPEG or PNG)."""

    id: Slug
    title: Text
    required: bool = True


class ApplicationSpec(Strict):
    """What the application asks beyond the applicant's own data, where the engine or the text needs it."""

    fields: list[ApplicationField] = []
    attachments: list[ApplicationAttachment] = []
    source: NonEmpty = Field(description="A verbatim quote, or 'as the Standard lists'.")


# --- rules as data (ADR 0024): the waiting list and the provider's unit -----------------------------------


class WaitingListDirection(Strict):
    """How a case leaves the waiting list: the decision and documents that direct it, and who signs them."""

    outcome: Outcome = Field(description="The case's outcome once directed.")
    documents: Annotated[list[Slug], Field(min_length=1)] = Field(description="The documents the direction makes.")
    by: Role = Field(description="The role at the locality who directs the first in line and signs the documents.")
    quote: NonEmpty | None = None


class WaitingList(Strict):
    """The list a `queued` decision puts a case in, per locality (the provider), in filing order."""

    group_by: Slug | None = Field(
        default=None, description="The application field whose value splits the list (one list per value)."
    )
    person: Slug | None = Field(
        default=None, description="The application field (kind iin) naming whose place it is; absent: the applicant."
    )
    direction: WaitingListDirection
    quote: NonEmpty | None = None


class ProviderUnit(StrEnum):
    """Which unit of a local executive body takes the service where several kinds of organization qualify."""

    EDUCATION_DEPARTMENT = "education_department"
    EMPLOYMENT_SOCIAL_DEPARTMENT = "employment_social_department"


# --- end of rules-as-data block ------------------------------------------------------------------------


class SourceNote(Strict):
    topic: NonEmpty
    quote: NonEmpty | None = Field(default=None, description="The text as written, verbatim.")
    reconciliation: NonEmpty


class Escalation(Strict):
    """When an overdue task goes past the provider's head to the oblast's quality monitor."""

    monitor_after: Duration = Field(
        description=(
            "How long after a task's deadline it is escalated to the oblast's quality monitor, counted on "
            "the working-time calendar like a step's duration. Absent: 3 working_days."
        )
    )
    quote: NonEmpty | None = Field(default=None, description="The text that sets it, verbatim, if any.")


class ServiceDefinition(Strict):
    """One regulated public service (one regulation, one version)."""

    schema_: Literal["qyzmet/regulation/v1"] = Field(alias="schema", serialization_alias="schema")
    kind: Literal["service", "appeal"] = Field(
        default="service",
        description=(
            "'appeal': the procedure for a complaint about another case (kept in catalog/appeals/, "
            "not among the services one applies for)."
        ),
    )
    id: Slug
    version: Annotated[int, Field(ge=1)]
    title: Text
    field: ServiceField
    jurisdiction: Slug = Field(description="Code of the oblast whose akimat approved the regulation, e.g. 'wko'.")
    providers: Annotated[list[Provider], Field(min_length=1)]
    source: Source
    effective_from: dt.date
    effective_to: dt.date | None
    recipients: Annotated[list[Recipient], Field(min_length=1)]
    cost: Cost
    forms: Annotated[list[ServiceForm], Field(min_length=1)]
    documents: Annotated[list[ResultDocument], Field(min_length=1)]
    outcomes: Annotated[list[OutcomeRule], Field(min_length=1)]
    acceptance_receipt: AcceptanceReceipt | None = None
    refusal_to_accept: RefusalToAccept | None
    procedures: dict[Slug, Procedure] = {}
    channels: Annotated[list[Channel], Field(min_length=1)]
    application: ApplicationSpec | None = Field(
        default=None, description="Service-specific application fields and attachments; none: generic fields only."
    )
    source_notes: list[SourceNote] = []
    escalation: Escalation | None = Field(
        default=None,
        description="Escalation of overdue tasks (monitoring); absent: the monitor is told 3 working days late.",
    )
    # --- rules as data (ADR 0024) ---
    waiting_list: WaitingList | None = Field(
        default=None, description="The waiting list of a service with a 'queued' outcome, and how a case leaves it."
    )
    provider_unit: ProviderUnit | None = Field(
        default=None,
        description="The unit that takes the service where the provider kinds let several kinds of organization.",
    )
    # --- end of rules-as-data block ---
    # --- faithful (issue 14) ---
    result_presentation: ResultPresentation | None = Field(
        default=None, description="The form the result is presented in, where the text states it."
    )
    documents_required: StandardList | None = Field(default=None, description="Standard p.9: the documents required.")
    refusal_grounds: StandardList | None = Field(default=None, description="Standard p.10: the grounds for refusal.")
    # --- end faithful ---

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def channel(self, code: ChannelCode | str) -> Channel:
        for channel in self.channels:
            if channel.code == code:
                return channel
        raise KeyError(code)

    def channel_steps(self, code: ChannelCode | str) -> list[Step]:
        """The channel's steps in order: intake, the named procedure, delivery."""
        channel = self.channel(code)
        procedure = self.procedures[channel.procedure].steps if channel.procedure else []
        return [*channel.intake, *procedure, *channel.delivery]

    def document(self, document_id: str) -> ResultDocument:
        for document in self.documents:
            if document.id == document_id:
                return document
        raise KeyError(document_id)
