"""Writes of the case engine: filing a case, acting on its tasks, signing and issuing, the sweeper.

Every function here is one transaction that writes its own event rows. The engine reads the
case's pinned definition and never names a service: a service's behaviour is its definition.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Final

from django.db import transaction

from qyzmet.calendar import Duration as CalendarDuration
from qyzmet.calendar import Unit as CalendarUnit
from qyzmet.calendar import deadline
from qyzmet.cases import errors
from qyzmet.cases.events import case_event_record
from qyzmet.cases.models import Case, CaseStatus, QueueEntry, Receipt, ResultDocument, Task, TaskStatus
from qyzmet.cases.numbers import document_number, number_next
from qyzmet.cases.routing import calendar_hours, organization_for_step
from qyzmet.cases.workflow import (
    DELIVERING_VERBS,
    SIGNING_VERBS,
    PlacedStep,
    Route,
    ends_with_refusal_message,
    is_automatic,
)
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.schema import Duration, ServiceDefinition
from qyzmet.core import context, metrics
from qyzmet.documents.content import result_pdf
from qyzmet.documents.rendering import PDF_CONTENT_TYPE
from qyzmet.identity.access import user_has_role
from qyzmet.identity.models import Organization, User
from qyzmet.signatures.backends import Verifier, get_verifier

OUTCOME_STATUS = {"issued": CaseStatus.ISSUED, "refused": CaseStatus.REFUSED, "queued": CaseStatus.QUEUED}
DIRECTION_DETAILS: Final = {"directed_from_queue": True}
DELIVERY_BY_CHANNEL = {
    "provider_office": "in_person_at_provider",
    "state_corporation": "state_corporation",
    "portal": "personal_cabinet",
    "rural_akim": "rural_akim",
}


def definition_of(case: Case) -> ServiceDefinition:
    return definition_of_version(case.service_version)


def definition_of_version(version: ServiceVersion) -> ServiceDefinition:
    """The stored definition of a catalogue version, parsed once per content hash."""
    return _definition_parsed(version.pk, version.sha256, version)


@lru_cache(maxsize=256)
def _definition_parsed(pk: int, sha256: str, version: ServiceVersion) -> ServiceDefinition:
    # Keyed by the content hash: a re-synced definition is parsed again, an unchanged one never.
    return ServiceDefinition.model_validate(version.definition)


def route_of(case: Case) -> Route:
    return Route(definition_of(case), case.channel)


# --- deadlines -------------------------------------------------------------------------------------


def _due(organization: Organization | None, start: datetime, duration: Duration | None) -> datetime | None:
    if duration is None:
        return None
    term = CalendarDuration(duration.value, CalendarUnit(duration.unit.value))
    if organization is None:
        return deadline(start, term)
    return deadline(start, term, hours=calendar_hours(organization))


def _task_due(case: Case, placed: PlacedStep, organization: Organization | None, now: datetime) -> datetime | None:
    """The step's own deadline, or the procedure's single shared budget counted from its first task."""
    if placed.budget is None:
        return _due(organization, now, placed.step.duration)
    earlier = Task.objects.filter(case=case, phase="procedure").exclude(due_at=None).order_by("sequence").first()
    return earlier.due_at if earlier else _due(organization, now, placed.budget)


# --- starting and advancing -----------------------------------------------------------------------


def _task_open(case: Case, placed: PlacedStep, *, now: datetime) -> Task:
    step = placed.step
    organization = None if is_automatic(step) else organization_for_step(case, step)
    last = Task.objects.filter(case=case).order_by("-sequence").first()
    task = Task.objects.create(
        case=case,
        sequence=(last.sequence + 1) if last else 1,
        step_id=step.id,
        phase=placed.phase,
        role=step.role.value,
        does=step.does.value,
        organization=organization,
        started_at=now,
        duration_value=step.duration.value if step.duration else None,
        duration_unit=step.duration.unit.value if step.duration else "",
        due_at=_task_due(case, placed, organization, now),
    )
    return task


def _advance(
    case: Case, route: Route, placed: PlacedStep | None, *, now: datetime, decisions: dict[str, str]
) -> Task | None:
    """Open tasks from `placed` on, completing automatic steps, until a person must act or the flow ends."""
    while placed is not None:
        task = _task_open(case, placed, now=now)
        if not is_automatic(placed.step):
            _signing_documents_prepare(case, route, placed, now=now)
            case_event_record(
                case=case,
                kind="task_opened",
                at=now,
                role=task.role,
                organization=task.organization,
                step_id=task.step_id,
                data={"due_at": task.due_at},
            )
            return task
        branch = decisions.get(placed.step.id) or route.default_branch(placed.step)
        _task_close(task, actor=None, branch=branch or "", now=now)
        case_event_record(
            case=case,
            kind="step_completed",
            at=now,
            role=task.role,
            step_id=task.step_id,
            data={"automatic": True, "branch": branch},
        )
        _after_step(case, route, placed, now=now, actor=None)
        if placed.step.end or ends_with_refusal_message(placed.step):
            _case_close(case, route, placed, now=now)
            return None
        placed = route.next_of(placed.step.id, branch)
    _case_close(case, route, None, now=now)
    return None


def _task_close(task: Task, *, actor: User | None, branch: str, now: datetime) -> None:
    task.status = TaskStatus.DONE
    task.completed_at = now
    task.completed_by = actor
    task.branch = branch
    task.save(update_fields=["status", "completed_at", "completed_by", "branch"])


def _case_close(case: Case, route: Route, placed: PlacedStep | None, *, now: datetime) -> None:
    before = case.status
    if placed is not None and ends_with_refusal_message(placed.step):
        case.status = CaseStatus.ENDED
    else:
        case.status = OUTCOME_STATUS.get(case.outcome, CaseStatus.ISSUED)
    case.closed_at = now
    case.save(update_fields=["status", "closed_at"])
    if case.status != CaseStatus.ENDED:
        # Nothing half-done: a result not yet handed over by a delivery step is delivered on closing.
        _documents_issue(case, now=now, actor=None)
    case_event_record(
        case=case,
        kind="case_closed",
        at=now,
        state_before=before,
        state_after=case.status,
        step_id=placed.step.id if placed else "",
        data={"outcome": case.outcome},
    )


# --- documents ---------------------------------------------------------------------------------------


def document_content(
    case: Case, definition: ServiceDefinition, document_id: str, *, outcome: str, ground: str, details: dict[str, Any]
) -> bytes:
    """The exact bytes of a result document: its PDF in the case's language, the same whenever it is computed.

    Every preview a signer signs and the document made afterwards get their bytes here. They carry
    no creation time and the document number is derived from the case, so a signer can sign them
    before the step that makes them completes; when it was signed is in the signature
    (signingTime) and in the event log.
    """
    return result_pdf(case, definition, document_id, outcome=outcome, ground=ground, details=details)


def _document_create(
    case: Case, definition: ServiceDefinition, document_id: str, *, now: datetime, details: dict[str, Any]
) -> ResultDocument:
    existing = ResultDocument.objects.filter(case=case, document_id=document_id).first()
    if existing is not None:
        return existing
    spec = definition.document(document_id)
    original = definition.source.language.value
    title = spec.title.get(original) or spec.title.get("ru") or document_id
    content = document_content(
        case, definition, document_id, outcome=case.outcome, ground=case.refusal_ground, details=details
    )
    document = ResultDocument.objects.create(
        case=case,
        number=document_number(case_number=case.number, definition=definition, document_id=document_id),
        document_id=document_id,
        kind=spec.kind.value,
        title=title,
        intermediate=spec.intermediate,
        content=content,
        content_type=PDF_CONTENT_TYPE,
        verification_code=secrets.token_hex(8),
        created_at=now,
    )
    case_event_record(case=case, kind="document_created", at=now, data={"document": document_id})
    return document


def decision_documents_preview(case: Case, step_id: str, action: TaskAction) -> dict[str, bytes]:
    """The result documents a decision at `step_id` would make, with their exact bytes (to sign first)."""
    route = route_of(case)
    rules = _decision_rules(route, action)
    ground = action.ground.strip() if action.decision == "refused" else ""
    return {
        document_id: document_content(
            case, route.definition, document_id, outcome=action.decision or "", ground=ground, details=action.details
        )
        for document_id in rules[0].documents
    }


def decision_needs_signature(case: Case, step_id: str, branch: str | None) -> bool:
    """Whether the person deciding must sign the result: no signing step lies ahead on the path taken."""
    return not route_of(case).signing_ahead(step_id, branch)


def _after_step(
    case: Case,
    route: Route,
    placed: PlacedStep,
    *,
    now: datetime,
    actor: User | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Documents a step makes (intermediate acts, cover letters) and delivery of the result."""
    definition = route.definition
    step = placed.step
    decided = case.outcome != ""
    for document_id in step.produces:
        makes_it = definition.document(document_id).intermediate or (
            decided and _document_in_outcome(route, case, document_id)
        )
        if makes_it:
            _document_create(case, definition, document_id, now=now, details=details or {})
    if step.does.value in DELIVERING_VERBS and decided:
        _documents_issue(case, now=now, actor=actor)


def _signing_documents_prepare(case: Case, route: Route, placed: PlacedStep, *, now: datetime) -> None:
    """A signing step that makes its own result (the akimat's resolution) drafts it when it opens,
    so the signer signs bytes that already exist."""
    if placed.step.does.value not in SIGNING_VERBS or not case.outcome:
        return
    for document_id in placed.step.produces:
        if _document_in_outcome(route, case, document_id):
            _document_create(case, route.definition, document_id, now=now, details={})


def _document_in_outcome(route: Route, case: Case, document_id: str) -> bool:
    return any(document_id in rule.documents for rule in route.outcome_rules(case.outcome))


def _documents_issue(case: Case, *, now: datetime, actor: User | None) -> None:
    delivered_to = DELIVERY_BY_CHANNEL[case.channel]
    pending = ResultDocument.objects.filter(case=case, intermediate=False, issued_at=None)
    for document in pending:
        document.issued_at = now
        document.delivered_to = delivered_to
        document.save(update_fields=["issued_at", "delivered_to"])
        case_event_record(
            case=case,
            kind="document_issued",
            at=now,
            actor=actor,
            data={"document": document.document_id, "to": delivered_to},
        )


def _signature_checked(
    document_id: str, content: bytes, encoded: str | None, *, actor: User, verifier: Verifier, now: datetime
) -> bytes:
    """The actor's detached CMS signature of `content`, decoded; TransitionNotAllowed if missing or not valid."""
    if not encoded:
        raise errors.TransitionNotAllowed("signature_required", document=document_id)
    try:
        signature = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise errors.TransitionNotAllowed("signature_invalid", document=document_id, detail="base64") from exc
    verdict = verifier.verify(content, signature, expected_iin=actor.iin, now=now)
    if not verdict.is_valid:
        raise errors.TransitionNotAllowed("signature_invalid", document=document_id, detail=verdict.code or "")
    return signature


def _document_signature_store(
    case: Case, document: ResultDocument, signature: bytes, encoded: str, *, actor: User,
    organization: Organization | None, now: datetime,
) -> None:
    document.signature = signature
    document.signed_by = actor
    document.signed_at = now
    document.save(update_fields=["signature", "signed_by", "signed_at"])
    case_event_record(
        case=case,
        kind="document_signed",
        at=now,
        actor=actor,
        organization=organization,
        data={"document": document.document_id},
        signature=encoded,
    )


def _documents_sign(
    case: Case, *, actor: User, organization: Organization | None, signatures: dict[str, str], now: datetime
) -> list[str]:
    """Verify and store the actor's signature on every unsigned result document; return what was signed."""
    unsigned = list(ResultDocument.objects.filter(case=case, signature=None, intermediate=False))
    verifier = get_verifier()
    signed = []
    for document in unsigned:
        encoded = signatures.get(document.document_id)
        signature = _signature_checked(
            document.document_id, bytes(document.content), encoded, actor=actor, verifier=verifier, now=now
        )
        _document_signature_store(
            case, document, signature, encoded or "", actor=actor, organization=organization, now=now
        )
        signed.append(document.document_id)
    return signed


# --- filing ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    """What an intake channel hands to the engine once its own checks have passed."""

    service_version: ServiceVersion
    channel: str
    provider: Organization
    applicant_iin: str
    applicant_name: str
    applicant: User | None = None
    intake_office: Organization | None = None
    representative_iin: str = ""
    form: dict[str, Any] = field(default_factory=dict)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    confirmation: str = ""
    decisions: dict[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None
    signature: str = ""
    language: str = "kk"


@transaction.atomic
def case_file(*, filing: Filing, actor: User | None, now: datetime) -> Case:
    """Open a case for an accepted application and start its first steps.

    The same `idempotency_key` always returns the case it first created, so a retried request
    never makes two cases. Side effects: writes the case, its first tasks and events, and for
    channels whose regulation gives a receipt of acceptance, the receipt with the incoming number.
    """
    if filing.idempotency_key:
        existing = Case.objects.filter(idempotency_key=filing.idempotency_key).first()
        if existing is not None:
            return existing
    version = filing.service_version
    definition = _definition_parsed(version.pk, version.sha256, version)
    codes = [c.code.value for c in definition.channels]
    if filing.channel not in codes:
        raise errors.channel_unavailable(filing.channel)
    case = Case.objects.create(
        number=number_next(organization=filing.provider, series="C", now=now),
        service_version=filing.service_version,
        service_slug=definition.id,
        channel=filing.channel,
        language=filing.language if filing.language in Case.Language.values else Case.Language.KAZAKH,
        applicant=filing.applicant,
        applicant_iin=filing.applicant_iin,
        applicant_name=filing.applicant_name,
        representative_iin=filing.representative_iin,
        provider=filing.provider,
        intake_office=filing.intake_office,
        form=filing.form,
        attachments=filing.attachments,
        confirmation=filing.confirmation,
        idempotency_key=filing.idempotency_key,
        filed_at=now,
    )
    case_event_record(
        case=case,
        kind="case_filed",
        at=now,
        actor=actor,
        state_after=case.status,
        data={
            "service": definition.id,
            "version": definition.version,
            "channel": filing.channel,
            "confirmation": filing.confirmation,
        },
        signature=filing.signature,
    )
    if definition.acceptance_receipt is not None and filing.channel in {"provider_office", "rural_akim"}:
        receipt_office = filing.intake_office or filing.provider
        receipt = Receipt.objects.create(
            number=number_next(organization=receipt_office, series="R", now=now),
            kind=Receipt.Kind.ACCEPTANCE,
            case=case,
            service_version=filing.service_version,
            channel=filing.channel,
            organization=receipt_office,
            applicant_iin=filing.applicant_iin,
            applicant_name=filing.applicant_name,
            issued_by=actor,
            form=definition.acceptance_receipt.form or "",
            issued_at=now,
        )
        case_event_record(case=case, kind="receipt_issued", at=now, actor=actor, data={"receipt": receipt.number})
    route = Route(definition, filing.channel)
    _advance(case, route, route.first(), now=now, decisions=filing.decisions)
    context.case_number_bind(case.number)
    channel = filing.channel
    transaction.on_commit(lambda: metrics.application_filed(channel))  # counted once it is really filed
    return case


# --- acting on a task --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskAction:
    """What the person completing a task says: the branch, the decision and its ground, signatures."""

    branch: str | None = None
    decision: str | None = None
    ground: str = ""
    documents: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)


def task_ensure_allowed(task: Task, actor: User) -> None:
    """Refuse (TransitionNotAllowed) unless the task is open and the actor holds its role there."""
    if task.status != TaskStatus.OPEN or task.case.status != CaseStatus.IN_PROGRESS:
        raise errors.TransitionNotAllowed("task_closed")
    if task.organization is None or not user_has_role(actor, task.role, task.organization):
        raise errors.TransitionNotAllowed("wrong_role", role=task.role)


def _decision_rules(route: Route, action: TaskAction) -> list[Any]:
    choices = route.allowed_outcomes()
    if action.decision not in choices:
        raise errors.TransitionNotAllowed("decision_required", choices=", ".join(choices))
    if action.decision == "refused" and not action.ground.strip():
        raise errors.TransitionNotAllowed("ground_required")
    rules = route.outcome_rules(action.decision)
    if action.documents:
        rules = [r for r in rules if set(action.documents) <= set(r.documents)]
        if not rules:
            raise errors.TransitionNotAllowed(
                "decision_required",
                choices=", ".join(d for r in route.outcome_rules(action.decision) for d in r.documents),
            )
    return rules


def _apply_decision(case: Case, route: Route, placed: PlacedStep, action: TaskAction, *, now: datetime) -> None:
    rules = _decision_rules(route, action)
    case.outcome = action.decision or ""
    case.refusal_ground = action.ground.strip() if action.decision == "refused" else ""
    case.save(update_fields=["outcome", "refusal_ground"])
    for document_id in rules[0].documents:
        _document_create(case, route.definition, document_id, now=now, details=action.details)
    for document_id in placed.step.produces:
        if route.definition.document(document_id).intermediate:
            _document_create(case, route.definition, document_id, now=now, details=action.details)
    if action.decision == "queued":
        _queue_enter(case, now=now)


@transaction.atomic
def task_complete(*, task: Task, actor: User, action: TaskAction, now: datetime) -> Task | None:
    """Complete a task as the regulation's step says, then open the next one(s).

    Guards: the task is open, the actor holds its role in its organization, a branching step gets
    one of its branches, the deciding step gets an allowed decision (a refusal with its ground),
    and a signing step gets a valid EDS signature of every unsigned result document by the actor.
    A refused action raises TransitionNotAllowed and changes nothing. Returns the next open task.
    """
    task = Task.objects.select_for_update(of=("self",)).select_related("case", "organization").get(pk=task.pk)
    case = Case.objects.select_for_update().get(pk=task.case_id)
    task.case = case
    context.case_number_bind(case.number)
    task_ensure_allowed(task, actor)
    route = route_of(case)
    placed = route.get(task.step_id)
    step = placed.step
    branch = action.branch
    if step.branches:
        names = [b.when for b in step.branches]
        if branch not in names:
            raise errors.TransitionNotAllowed("branch_required", choices=", ".join(names))
    elif branch:
        raise errors.TransitionNotAllowed("unexpected_input", field="branch")
    if step.decides:
        _apply_decision(case, route, placed, action, now=now)
    elif action.decision:
        raise errors.TransitionNotAllowed("unexpected_input", field="decision")
    signed: list[str] = []
    signs_here = step.does.value in SIGNING_VERBS or (step.decides and not route.signing_ahead(step.id, branch))
    if signs_here:
        signed = _documents_sign(
            case, actor=actor, organization=task.organization, signatures=action.signatures, now=now
        )
    _task_close(task, actor=actor, branch=branch or "", now=now)
    case_event_record(
        case=case,
        kind="step_completed",
        at=now,
        actor=actor,
        role=task.role,
        organization=task.organization,
        step_id=task.step_id,
        data={
            "branch": branch,
            "decision": action.decision if step.decides else None,
            "ground": action.ground if step.decides and action.decision == "refused" else None,
            "signed": signed,
        },
    )
    if not step.decides:
        _after_step(case, route, placed, now=now, actor=actor, details=action.details)
    elif step.does.value in DELIVERING_VERBS:
        _documents_issue(case, now=now, actor=actor)
    if step.end or ends_with_refusal_message(step):
        _case_close(case, route, placed, now=now)
        return None
    return _advance(case, route, route.next_of(step.id, branch), now=now, decisions={})


# --- queue -------------------------------------------------------------------------------------------


def _queue_enter(case: Case, *, now: datetime) -> QueueEntry:
    age_group = str(case.form.get("age_group") or "unspecified")
    entry = QueueEntry.objects.create(
        case=case,
        locality=case.provider,
        age_group=age_group,
        child_iin=str(case.form.get("child_iin") or case.applicant_iin),
        registered_at=now,
    )
    case_event_record(
        case=case, kind="queue_entered", at=now, data={"locality": case.provider.code, "age_group": age_group}
    )
    return entry


@dataclass(frozen=True)
class DirectionPreview:
    """The case of the child next in line and the exact bytes of its direction documents (to sign first)."""

    case: Case
    documents: dict[str, bytes]


def _queue_clerk_ensure(actor: User, locality: Organization) -> None:
    if not user_has_role(actor, "office_clerk", locality):
        raise errors.TransitionNotAllowed("wrong_role", role="office_clerk")


def _queue_first_waiting(locality: Organization, age_group: str, *, lock: bool) -> QueueEntry | None:
    entries = QueueEntry.objects.filter(locality=locality, age_group=age_group, status=QueueEntry.Status.WAITING)
    if lock:
        entries = entries.select_for_update()
    return entries.order_by("registered_at", "pk").first()


def _direction_contents(case: Case) -> dict[str, bytes]:
    """The bytes of the documents directing the case's child to a place, as `_document_create` will make them."""
    route = route_of(case)
    return {
        document_id: document_content(
            case, route.definition, document_id, outcome="issued", ground=case.refusal_ground,
            details=dict(DIRECTION_DETAILS),
        )
        for document_id in route.outcome_rules("issued")[0].documents
    }


def queue_direction_preview(*, locality: Organization, age_group: str, actor: User) -> DirectionPreview | None:
    """The child `queue_direct_next` would direct now, and the direction bytes the clerk signs; None if nobody waits.

    Only the locality's office clerk may see it (TransitionNotAllowed otherwise). Nothing is written.
    """
    _queue_clerk_ensure(actor, locality)
    entry = _queue_first_waiting(locality, age_group, lock=False)
    if entry is None:
        return None
    case = Case.objects.select_related("provider", "service_version").get(pk=entry.case_id)
    return DirectionPreview(case, _direction_contents(case))


@transaction.atomic
def queue_direct_next(
    *, locality: Organization, age_group: str, actor: User, signatures: dict[str, str], now: datetime,
    idempotency_key: str | None = None,
) -> Case | None:
    """Direct the first waiting child of a locality and age group to a freed place, signed by the clerk.

    `signatures` holds the clerk's EDS signature (detached CMS, base64) of each direction document
    `queue_direction_preview` showed, by document id; a missing or invalid one, one by someone else
    (IIN), or a child other than the one previewed, raises TransitionNotAllowed and changes nothing.
    The same `idempotency_key` returns the case it directed first and directs nobody else.
    Side effects: the entry becomes directed (everyone behind moves up one place), the case gets the
    signed direction document, issued, and its status becomes issued; events for each.
    """
    _queue_clerk_ensure(actor, locality)
    earlier = _queue_directed_by(idempotency_key)
    if earlier is not None:
        return earlier
    entry = _queue_first_waiting(locality, age_group, lock=True)
    # A twin request may have directed (and committed) while this one waited for the row lock: look again.
    earlier = _queue_directed_by(idempotency_key)
    if earlier is not None:
        return earlier
    if entry is None:
        return None
    case = Case.objects.select_for_update().get(pk=entry.case_id)
    verifier = get_verifier()
    checked = {
        document_id: _signature_checked(
            document_id, content, signatures.get(document_id), actor=actor, verifier=verifier, now=now
        )
        for document_id, content in _direction_contents(case).items()
    }
    entry.status, entry.directed_at, entry.direction_key = QueueEntry.Status.DIRECTED, now, idempotency_key
    entry.save(update_fields=["status", "directed_at", "direction_key"])
    _case_direct(case, checked, signatures, actor=actor, locality=locality, now=now)
    return case


def _queue_directed_by(idempotency_key: str | None) -> Case | None:
    if not idempotency_key:
        return None
    entry = QueueEntry.objects.select_related("case").filter(direction_key=idempotency_key).first()
    return entry.case if entry is not None else None


def _case_direct(
    case: Case, checked: dict[str, bytes], signatures: dict[str, str], *, actor: User, locality: Organization,
    now: datetime,
) -> None:
    route = route_of(case)
    before = case.status
    case.outcome = "issued"
    case.status = CaseStatus.ISSUED
    case.save(update_fields=["outcome", "status"])
    for document_id, signature in checked.items():
        document = _document_create(case, route.definition, document_id, now=now, details=dict(DIRECTION_DETAILS))
        _document_signature_store(
            case, document, signature, signatures[document_id], actor=actor, organization=locality, now=now
        )
    _documents_issue(case, now=now, actor=actor)
    case_event_record(
        case=case,
        kind="queue_directed",
        at=now,
        actor=actor,
        organization=locality,
        state_before=before,
        state_after=case.status,
    )


# --- the deadline sweeper ----------------------------------------------------------------------------


def tasks_mark_overdue(*, now: datetime, batch: int = 500) -> int:
    """Mark open tasks whose deadline is before `now` as overdue, and apologise to the applicant.

    A task due at 18:30:00 is not overdue at 18:30:00 and is at any instant after it
    (`due_at < now`). Safe to run from several workers at once: each task is claimed with a
    conditional update, and its event is appended while holding the case's row lock (the same
    order as `task_complete`: task, then case). Side effects: sets `overdue_at`; a `task_overdue`
    event; an "overdue" notification with the new expected date (`notifications.notify`).
    """
    marked = 0
    candidates = Task.objects.open().due_before(now).filter(overdue_at=None).values_list("pk", "case_id")[:batch]
    for task_id, case_id in list(candidates):
        with transaction.atomic():
            claimed = Task.objects.filter(pk=task_id, overdue_at=None, status=TaskStatus.OPEN).update(overdue_at=now)
            if claimed != 1:
                continue  # another worker got there first, or the task was just completed
            case = Case.objects.select_for_update().get(pk=case_id)
            task = Task.objects.select_related("organization").get(pk=task_id)
            case_event_record(
                case=case,
                kind="task_overdue",
                at=now,
                role=task.role,
                organization=task.organization,
                step_id=task.step_id,
                data={"due_at": task.due_at},
            )
            _overdue_apologise(case, task, now=now)
        marked += 1
    return marked


def _overdue_apologise(case: Case, task: Task, *, now: datetime) -> None:
    # Imported here: both modules import this one.
    from qyzmet.cases.expectations import case_expected_after_or_none
    from qyzmet.notifications.services import notify
    from qyzmet.notifications.texts import role_text

    expected = case_expected_after_or_none(case, step_id=task.step_id, start=now)
    notify(
        kind="overdue",
        key=str(task.pk),
        case=case,
        recipient=case.applicant,
        recipient_iin=case.applicant_iin,
        params={
            "number": case.number,
            "step": role_text(task.role),
            "due": task.due_at.isoformat() if task.due_at else None,
            "expected": expected.isoformat() if expected else None,
        },
        now=now,
    )
