"""Reads of the API, shaped for its endpoints. Access rules stay in the domain's `access` modules."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from qyzmet.api.models import ApiToken, ApplicationDraft
from qyzmet.cases import access
from qyzmet.cases.access import cases_of_applicant, cases_visible_to_staff
from qyzmet.cases.assignment import RoutingError, rural_akim_offices
from qyzmet.cases.intake import Applicant, Application, application_bytes, portal_otp_purpose
from qyzmet.cases.models import Case, QueueEntry, Receipt, ResultDocument, Task
from qyzmet.cases.selectors import documents_unsigned, queue_position, task_queue_for_user, task_time_left
from qyzmet.cases.services import (
    DirectionPreview,
    TaskAction,
    decision_documents_preview,
    route_of,
    task_ensure_allowed,
)
from qyzmet.cases.workflow import SIGNING_VERBS, branch_ensure, decision_branch_ensure, document_title, is_signing
from qyzmet.catalog.definitions import ServiceNotFound
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version, services_in_force, version_in_force
from qyzmet.core.errors import NotFound
from qyzmet.documents.rendering import PDF_CONTENT_TYPE
from qyzmet.identity.access import organizations_visible_to, user_has_role
from qyzmet.identity.identifiers import iin_validate
from qyzmet.identity.models import Organization, User
from qyzmet.state_corporation.models import Intake
from qyzmet.state_corporation.services import intake_message


def token_hash(token: str) -> str:
    """What is stored of a bearer token: its SHA-256 (a token is random enough that no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_user(token: str, *, now: datetime) -> User | None:
    """The active user a bearer token belongs to, if the token is known, unrevoked and unexpired."""
    # One query on every API request: get() reads the unique hash without first()'s ORDER BY.
    try:
        record = ApiToken.objects.select_related("user").get(key_hash=token_hash(token))
    except ApiToken.DoesNotExist:
        return None
    if not record.is_usable(now) or not record.user.is_active:
        return None
    return record.user


# --- the catalogue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRef:
    """A service's definition in force on a date, and its stored version that cases are pinned to."""

    definition: ServiceDefinition
    version: ServiceVersion


def service_list(*, on: date) -> list[ServiceDefinition]:
    """Every stored service, as the version in force on `on` (published versions included)."""
    return services_in_force(on)


def service_get(service_id: str, *, on: date) -> ServiceRef:
    """The stored version in force on `on` and its definition (NotFound for an unknown or not yet stored service)."""
    try:
        version = version_in_force(service_id, on)
    except ServiceNotFound:
        raise NotFound(f"service {service_id}") from None
    return ServiceRef(definition_of_version(version), version)


def organization_get(organization_id: int) -> Organization:
    """An organization by id (organizations are public: who provides what is in the catalogue)."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise NotFound(f"organization {organization_id}")
    return organization


def rural_akim_offices_for(provider: Organization) -> QuerySet[Organization]:
    """The rural okrug akims' offices that forward applications to `provider` (none outside an akimat)."""
    try:
        return rural_akim_offices(provider)
    except RoutingError:
        return Organization.objects.none()


def applicant_of(*, iin: str, name: str = "", representative_iin: str = "") -> Applicant:
    """The applicant as intake staff typed them; linked to the account with that IIN, whose name fills a blank.

    Raises InvalidIdentifier for an IIN that breaks a layout rule (its check digit, its date).
    """
    iin = iin_validate(iin)
    representative_iin = iin_validate(representative_iin) if representative_iin else ""
    user = User.objects.filter(iin=iin).first()
    shown = name.strip() or (user.full_name if user else "")
    return Applicant(iin=iin, name=shown, user=user, representative_iin=representative_iin)


# --- drafts --------------------------------------------------------------------------------------------


def draft_get_for_applicant(*, draft_id: int, user: User) -> ApplicationDraft:
    """The user's own draft; NotFound for "not yours" and "no such".

    Its applicant is `user` (no join); its case is read only when it has one; the version's definition
    text stays in the database (`definition_of_version` parses it once per process).
    """
    try:
        draft = (ApplicationDraft.objects.select_related("service_version__service", "provider")
                 .defer("service_version__definition").get(pk=draft_id, applicant_id=user.pk))
    except ApplicationDraft.DoesNotExist:
        raise NotFound(f"application {draft_id}") from None
    draft.applicant = user
    return draft


def draft_application(draft: ApplicationDraft) -> Application:
    """The draft's form and attachments, as the intake takes them."""
    return Application(form=draft.form, attachments=draft.attachments, language=draft.language)


def draft_view(draft: ApplicationDraft) -> dict[str, Any]:
    """The draft with the exact bytes the applicant signs and the purpose a one-time password is bound to."""
    application = draft_application(draft)
    version = draft.service_version
    content = application_bytes(version=version, provider=draft.provider, applicant_iin=draft.applicant.iin,
                                application=application)
    definition = definition_of_version(version)
    channel = definition.channel("portal")
    return {
        "id": draft.pk, "service": version.service.slug, "version": version.version, "provider": draft.provider,
        "form": draft.form, "attachments": draft.attachments, "language": draft.language,
        "created_at": draft.created_at,
        "content": base64.b64encode(content).decode("ascii"),
        "otp_purpose": portal_otp_purpose(version=version, provider=draft.provider, applicant=draft.applicant,
                                          application=application),
        "confirmation": [c.value for c in channel.confirmation] or ["eds"],
        "case": draft.case, "submitted_at": draft.submitted_at,
    }


# --- cases ---------------------------------------------------------------------------------------------


def case_list_for_user(user: User, *, status: str | None = None) -> QuerySet[Case]:
    """Cases the user filed (by IIN) and cases they may see as staff, newest first."""
    mine = cases_of_applicant(user).values("pk")
    seen = cases_visible_to_staff(user).values("pk")
    cases = Case.objects.filter(Q(pk__in=mine) | Q(pk__in=seen)).select_related(
        "provider", "intake_office", "service_version__service")
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-filed_at", "-pk")


def is_staff_viewer(case: Case, user: User) -> bool:
    """Whether the user sees the case as staff (and so its documents before they are issued)."""
    return cases_visible_to_staff(user).filter(pk=case.pk).exists()


def _time_row(task: Task, now: datetime) -> dict[str, Any] | None:
    left = task_time_left(task, now)
    if left is None:
        return None
    return {"unit": left.unit, "used": left.used, "left": left.left, "overdue": left.overdue}


def task_row(task: Task, *, now: datetime) -> dict[str, Any]:
    """One step of a case as the timeline and the work queue show it."""
    duration = {"value": task.duration_value, "unit": task.duration_unit} if task.duration_value else None
    return {
        "id": task.pk, "sequence": task.sequence, "step": task.step_id, "phase": task.phase, "role": task.role,
        "does": task.does, "organization": task.organization, "duration": duration, "started": task.started_at,
        "deadline": task.due_at, "completed": task.completed_at, "status": task.status,
        "branch": task.branch or None,
        "overdue": task.overdue_at is not None
        or (task.due_at is not None and (task.completed_at or now) > task.due_at),
        "time": _time_row(task, now),
    }


def _parts_present(case: Case) -> tuple[bool, bool, bool]:
    """Whether the case has result documents, receipts and a queue entry, in one query.

    A case just filed usually has none of them: three empty ORM reads cost ~1.5 ms of Django's query
    building on every submit (ADR 0029), this fixed statement ~0.1 ms.
    """
    quote = connection.ops.quote_name
    probes = [f"EXISTS(SELECT 1 FROM {quote(model._meta.db_table)} "
              f"WHERE {quote(model._meta.get_field('case').column)} = %s)"
              for model in (ResultDocument, Receipt, QueueEntry)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(probes)}", [case.pk] * len(probes))
        row = cursor.fetchone()
    return bool(row[0]), bool(row[1]), bool(row[2])


def _timeline(case: Case, tasks: list[Task] | None = None) -> list[Task]:
    """The case's tasks in order (`tasks`, when the caller has read them so); their organizations are mostly
    the case's provider and intake office, which the answer shows anyway, so only others are read (one
    query for all of them)."""
    tasks = list(case.tasks.order_by("sequence")) if tasks is None else tasks
    known = {related.pk: related for related in (case.provider, case.intake_office) if related is not None}
    missing = {t.organization_id for t in tasks if t.organization_id is not None} - known.keys()
    if missing:
        known |= Organization.objects.in_bulk(missing)
    for task in tasks:
        if task.organization_id is not None:
            task.organization = known[task.organization_id]
    return tasks


def case_detail(case: Case, *, user: User, now: datetime, staff: bool | None = None,
                tasks: list[Task] | None = None) -> dict[str, Any]:
    """The case with its timeline, documents, receipts and queue place; its applicant sees issued documents only.

    `staff`: whether the user sees the case as staff, when the caller has already checked it (the
    back-office case page fetched the case through `case_get_for_officer`); asked here otherwise, and only
    when the case has documents (who sees unissued documents matters only then)."""
    has_documents, has_receipts, has_entry = _parts_present(case)
    documents: list[ResultDocument] = []
    if has_documents:
        visible = case.documents.select_related("signed_by").order_by("pk")
        if staff is None:
            staff = is_staff_viewer(case, user)
        documents = list(visible if staff else visible.exclude(issued_at=None))
    entry = QueueEntry.objects.select_related("locality").filter(case=case).first() if has_entry else None
    queue = None
    if entry is not None:
        queue = {"status": entry.status, "position": queue_position(entry), "locality": entry.locality,
                 "group": entry.group, "registered_at": entry.registered_at, "directed_at": entry.directed_at}
    receipts = list(case.receipts.select_related("organization").order_by("pk")) if has_receipts else []
    return {
        "case": case, "timeline": [task_row(task, now=now) for task in _timeline(case, tasks)], "documents": documents,
        "receipts": receipts, "queue": queue,
    }


# --- tasks ---------------------------------------------------------------------------------------------


def task_queue_rows(user: User, *, now: datetime) -> list[dict[str, Any]]:
    """The user's work queue: open tasks of their roles, soonest deadline first."""
    return [{**task_row(task, now=now), "case": task.case} for task in task_queue_for_user(user)]


def documents_to_sign(task: Task) -> list[ResultDocument]:
    """The result documents a signing step's signer must sign (every unsigned final document of the case)."""
    if task.does not in SIGNING_VERBS or task.status != Task.Status.OPEN:
        return []
    return documents_unsigned(task.case)


def task_detail(task: Task, *, user: User, now: datetime) -> dict[str, Any]:
    """The task with what its step needs: branches, decisions and their documents, and what to sign."""
    route = route_of(task.case)
    step = route.get(task.step_id).step
    decisions = []
    if step.decides:
        for outcome in route.allowed_outcomes():
            decisions.append({
                "decision": outcome, "ground_required": outcome == "refused",
                "documents": [list(rule.documents) for rule in route.outcome_rules(outcome)],
            })
    # Whether completing may need the actor's signatures: on any of its branches (the preview says for the one taken).
    branches: list[str | None] = [b.when for b in step.branches or []] or [None]
    signs = any(route.signs_at(task.step_id, branch) for branch in branches)
    return {
        **task_row(task, now=now), "case": task.case, "action": step.action.as_dict(),
        "may_act": task.status == Task.Status.OPEN and task.organization is not None
        and user_has_role(user, task.role, task.organization),
        "branches": [{"when": b.when, "next": b.next, "taken": b.taken.value,
                      "outcome": b.outcome.value if b.outcome else None,
                      "label": b.label.as_dict() if b.label else None}
                     for b in step.branches or []],
        "decides": step.decides, "decisions": decisions, "signs": signs,
        "produces": list(step.produces), "to_sign": documents_to_sign(task),
    }


def task_signing_preview(task: Task, *, user: User, action: TaskAction) -> dict[str, Any]:
    """What completing the task with `action` makes the actor sign: the step's unsigned result documents, or
    for a deciding step that no later step signs, the documents the decision makes (their exact bytes).

    Raises TransitionNotAllowed as completing would (closed task, wrong role, branch or decision missing).
    """
    task_ensure_allowed(task, user)
    route = route_of(task.case)
    step = route.get(task.step_id).step
    branch_ensure(step, action.branch)
    if step.decides:
        decision_branch_ensure(step, action.branch, action.decision)
    if is_signing(step):
        documents = [{"document_id": d.document_id, "kind": d.kind, "title": d.title, "content_type": d.content_type,
                      "content": bytes(d.content)} for d in documents_to_sign(task)]
        return {"signs": True, "documents": documents}
    if not route.signs_at(task.step_id, action.branch):
        return {"signs": False, "documents": []}
    previews = decision_documents_preview(task.case, task.step_id, action)
    return {"signs": True, "documents": _previewed_documents(route.definition, previews)}


def _previewed_documents(definition: ServiceDefinition, previews: dict[str, bytes]) -> list[dict[str, Any]]:
    """Documents about to be made, each with its exact bytes, as a signer is shown them."""
    return [
        {"document_id": document_id, "kind": definition.document(document_id).kind.value,
         "content_type": PDF_CONTENT_TYPE, "title": document_title(definition, document_id), "content": content}
        for document_id, content in previews.items()
    ]


def task_completed_view(task: Task, next_task: Task | None, *, now: datetime) -> dict[str, Any]:
    """The completed task as stored now, the next open task (if a person must act) and the case."""
    done = Task.objects.select_related("case__service_version", "organization").get(pk=task.pk)
    following = None
    if next_task is not None:
        following = {**task_row(next_task, now=now), "case": done.case}
    return {"task": {**task_row(done, now=now), "case": done.case}, "next_task": following, "case": done.case}


# --- receipts ------------------------------------------------------------------------------------------


def receipt_get_for_user(*, number: str, user: User) -> Receipt:
    """A receipt for its applicant (by IIN) or for staff who may see the organization that issued it."""
    return access.receipt_get_for_user(number=number, user=user)


# --- State Corporation intakes and the waiting lists ------------------------------------------------------


def sc_intake_get_for_staff(*, number: str, user: User) -> Intake:
    """An intake for staff who may see the branch that took it; NotFound for "not yours" and "no such"."""
    intake = Intake.objects.select_related("case__service_version", "case__provider", "receipt").filter(
        number=number, branch__in=organizations_visible_to(user)).first()
    if intake is None:
        raise NotFound(f"intake {number}")
    return intake


def sc_intake_view(intake: Intake) -> dict[str, Any]:
    """The intake's number and state, what its people are told, and its case or receipt once there is one."""
    message = intake_message(intake)
    return {
        "number": intake.number, "status": intake.status, "message": dict(message) if message else None,
        "case": intake.case, "receipt": intake.receipt.number if intake.receipt else None,
        "created_at": intake.created_at, "finished_at": intake.finished_at,
    }


def queue_direction_view(preview: DirectionPreview) -> dict[str, Any]:
    """The child next in line and the direction documents (exact bytes) the clerk signs."""
    definition = route_of(preview.case).definition
    return {"case": preview.case, "documents": _previewed_documents(definition, preview.documents)}
