"""Reads shaped for the back-office screens: the work queue, a case with what may be done now, intake choices.

Every rule comes from the engine and the access modules: what a task needs is `task_detail`
(its step's branches, decision, signature), who may see a case is `cases.access`, who provides
a service is `cases.assignment`. This module only arranges their answers for a page.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from qyzmet.api.selectors import case_detail, rural_akim_offices_for, task_detail
from qyzmet.backoffice.templatetags.backoffice import UNITS, label, organization_name
from qyzmet.cases.assignment import calendar_hours, providers_for
from qyzmet.cases.models import Case, Task
from qyzmet.cases.selectors import TimeLeft, deadline_state, definition_of, task_queue_filtered, task_time_left
from qyzmet.catalog.models import ServiceVersion, service_title
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version, standard_lists_for, versions_in_force
from qyzmet.catalog.vocabulary import form_facts
from qyzmet.core.addresses import address_by_id
from qyzmet.gateway.models import GatewayMessage
from qyzmet.gateway.registries import REGISTRIES
from qyzmet.identity.access import held_roles, organizations_where_role
from qyzmet.identity.models import Organization, User

QUEUE_PAGE = 50  # rows per page of the work queue; the next page follows the last row shown (keyset)
QUEUE_COLUMNS = (
    "id", "case_id", "step_id", "role", "does", "organization_id", "status", "duration_unit", "started_at",
    "due_at", "completed_at", "case__number", "case__applicant_iin", "organization__code", "organization__name_kk",
    "organization__name_ru", "organization__name_en",
    "organization__opens_at", "organization__closes_at", "organization__lunch_starts_at",
    "organization__lunch_ends_at",
)


# --- the work queue ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One open task as the queue shows it: the case, the step, its deadline colour and time left.

    Every cell is a ready string: the page's template only places them (a 50-row page spent half of
    its CPU resolving `task.case.number` and the like through the template engine; ADR 0030)."""

    task: Task
    service_title: str
    state: str
    left_amount: int | None
    left_unit: str
    overdue: bool
    left_text: str = ""
    case_url: str = ""
    case_number: str = ""
    applicant_iin: str = ""
    step_text: str = ""
    role_text: str = ""
    organization_name: str = ""
    due_text: str = "—"


@dataclass(frozen=True)
class QueuePage:
    """One page of the work queue and the task to continue after (None: the last page)."""

    rows: list[QueueRow]
    next_after: int | None


def _left_text(left: TimeLeft | None) -> str:
    """The "time left" cell, as _time_left.html words it (the same messages)."""
    if left is None:
        return "—"
    values = {"amount": abs(left.shown_left), "unit": UNITS.get(left.shown_unit, left.shown_unit)}
    if left.overdue:
        return _("overdue by %(amount)s %(unit)s") % values
    return _("%(amount)s %(unit)s left") % values


def _queue_after(tasks: QuerySet[Task], after: int | None) -> QuerySet[Task]:
    """The tasks after task `after` in the queue's order (deadline, then id; no deadline last)."""
    if after is None:
        return tasks
    cursor = Task.objects.filter(pk=after).values_list("due_at", flat=True).first()
    if cursor is None:  # no deadline (or no such task): only deadline-less tasks after it
        return tasks.filter(due_at__isnull=True, pk__gt=after)
    return tasks.filter(Q(due_at__gt=cursor) | Q(due_at=cursor, pk__gt=after) | Q(due_at__isnull=True))


def queue_page(user: User, *, view: str, search: str, language: str, now: datetime,
               after: int | None = None) -> QueuePage:
    """One page of the user's open tasks in one view (mine / overdue / today / all), searched, soonest deadline
    first, continuing after task `after`. One query: the rows' own columns only (no case form, no definition);
    each time left is computed for the rows shown, the office hours and the words once per page."""
    tasks = (
        task_queue_filtered(user, view=view, search=search, now=now)
        .select_related(None).select_related("case", "organization").only(*QUEUE_COLUMNS)
        .annotate(**{f"service_title_{code}": F(f"case__service_version__service__title_{code}")
                     for code in ("kk", "ru", "en")})
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )
    listed = list(_queue_after(tasks, after)[:QUEUE_PAGE + 1])
    shown = listed[:QUEUE_PAGE]
    hours: dict[int | None, Any] = {}
    words: dict[tuple[int, str, bool], str] = {}
    labels: dict[tuple[str, str], str] = {}
    names: dict[int | None, str] = {}
    case_url = address_by_id("backoffice:case")
    rows = []
    for task in shown:
        if task.organization_id not in hours:
            hours[task.organization_id] = calendar_hours(task.organization) if task.organization else None
            names[task.organization_id] = organization_name(task.organization)
        left = task_time_left(task, now, hours=hours[task.organization_id])
        key = (left.shown_left, left.shown_unit, left.overdue) if left else (0, "", False)
        if key not in words:
            words[key] = _left_text(left)
        for table, code in (("verb", task.does), ("role", task.role)):
            if (table, code) not in labels:
                labels[table, code] = str(label(code, table))
        titles = {code: getattr(task, f"service_title_{code}") for code in ("kk", "ru", "en")}
        rows.append(QueueRow(
            task=task, service_title=service_title(titles, language), state=deadline_state(task.due_at, now),
            left_amount=abs(left.shown_left) if left else None, left_unit=left.shown_unit if left else "",
            overdue=bool(left and left.overdue), left_text=words[key],
            case_url=case_url(task.case_id), case_number=task.case.number, applicant_iin=task.case.applicant_iin,
            step_text=labels["verb", task.does], role_text=labels["role", task.role],
            organization_name=names[task.organization_id],
            due_text=localtime(task.due_at).strftime("%d.%m.%Y %H:%M") if task.due_at else "—",
        ))
    return QueuePage(rows=rows, next_after=shown[-1].pk if len(listed) > QUEUE_PAGE else None)


def queue_rows(user: User, *, view: str, search: str, language: str, now: datetime) -> list[QueueRow]:
    """The first page of `queue_page`'s rows."""
    return queue_page(user, view=view, search=search, language=language, now=now).rows


# --- the case page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """One registry request made for the case and what the registry answered."""

    at: datetime
    answered_at: datetime | None
    registry: str
    registry_name: str
    actor_name: str
    organization: str
    purpose: str
    status: str
    outcome: str
    answer: Any


@dataclass
class OpenTask:
    """An open task of the case and, when the user may act on it, what its step needs from them."""

    detail: dict[str, Any]
    action_text: str
    state: str
    left_amount: int | None
    left_unit: str = ""  # the unit the amount is told in (TimeLeft.shown_unit)
    sign_documents: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class CasePage:
    case: Case
    service_title: str
    timeline: list[dict[str, Any]]
    documents: list[Any]
    receipts: list[Any]
    queue: dict[str, Any] | None
    lookups: list[Lookup]
    open_tasks: list[OpenTask]
    form: list[tuple[str, str]] = field(default_factory=list)  # (label, value) in the page's language


def case_lookups(case: Case, *, language: str) -> list[Lookup]:
    """The gateway message log entries made for this case (by its number), oldest first."""
    messages = (GatewayMessage.objects.filter(case_number=case.number)
                .select_related("actor", "organization").order_by("created_at", "pk"))
    lookups = []
    for message in messages:
        spec = REGISTRIES.get(message.registry)
        lookups.append(Lookup(
            at=message.created_at, answered_at=message.answered_at, registry=message.registry,
            registry_name=spec.name(language) if spec else message.registry,
            actor_name=message.actor.full_name if message.actor else "",
            organization=message.organization.name(language) if message.organization else "",
            purpose=message.purpose, status=message.status, outcome=message.outcome, answer=message.answer,
        ))
    return lookups


def _text(value: dict[str, str], language: str) -> str:
    return value.get(language) or value.get("ru") or value.get("kk") or next(iter(value.values()), "")


def documents_for_signature(documents: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Documents with the base64 of their exact bytes, as the signing form carries them (data-eds-sign)."""
    return [{"document_id": str(d["document_id"]), "title": str(d["title"]),
             "content": base64.b64encode(bytes(d["content"])).decode("ascii")} for d in documents]


def _open_task(task: Task, *, user: User, language: str, now: datetime) -> OpenTask:
    detail = task_detail(task, user=user, now=now)
    signing_step = detail["may_act"] and detail["signs"] and not detail["decides"]
    to_sign = [{"document_id": d.document_id, "title": d.title, "content": bytes(d.content)}
               for d in detail["to_sign"]] if signing_step else []
    left = task_time_left(task, now)
    return OpenTask(detail=detail, action_text=_text(detail["action"], language),
                    state=deadline_state(task.due_at, now), left_amount=abs(left.shown_left) if left else None,
                    left_unit=left.shown_unit if left else "", sign_documents=documents_for_signature(to_sign))


def _row_state(row: dict[str, Any], now: datetime) -> str:
    """A done step is overdue or in time (it is no longer "due today"); an open one as the queue shows it."""
    deadline, completed = row["deadline"], row["completed"]
    if completed is None:
        return deadline_state(deadline, now)
    return "overdue" if deadline is not None and completed > deadline else "ok"


def case_page(case: Case, *, user: User, language: str, now: datetime) -> CasePage:
    """Everything the case page shows: application, timeline, registry answers, documents, open tasks.

    `case` is one the user may see as staff (fetched with `case_get_for_officer`)."""
    # The case's tasks read once: for the timeline, the open ones' panels and who completed each.
    tasks = list(case.tasks.select_related("completed_by").order_by("sequence"))
    for task in tasks:
        task.case = case
    detail = case_detail(case, user=user, now=now, staff=True, tasks=tasks)  # came through case_get_for_officer
    open_tasks = [_open_task(task, user=user, language=language, now=now)
                  for task in tasks if task.status == Task.Status.OPEN]
    actors = {task.pk: task.completed_by.full_name for task in tasks if task.completed_by is not None}
    timeline = [{**row, "state": _row_state(row, now), "actor": actors.get(row["id"])} for row in detail["timeline"]]
    return CasePage(
        case=case, service_title=case.service_version.service.title(language), timeline=timeline,
        documents=detail["documents"], receipts=detail["receipts"], queue=detail["queue"],
        lookups=case_lookups(case, language=language), open_tasks=open_tasks,
        form=_form_facts(case, language),
    )


def _form_facts(case: Case, language: str) -> list[tuple[str, str]]:
    application = definition_of(case).application
    return form_facts(application.fields if application else [], case.form or {}, language)


# --- intake choices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeService:
    """A service offered at an intake desk, with the providers it may be filed with from there."""

    slug: str
    title: str
    version: ServiceVersion
    definition: ServiceDefinition
    providers: list[Organization]
    originals_compared: bool
    refusal_to_accept: bool
    documents_required: tuple[str, ...] = ()  # faithful (issue 14): Standard p.9, the intake checklist


def _versions_in_force(on: date) -> list[tuple[ServiceDefinition, ServiceVersion]]:
    return [(definition_of_version(version), version) for version in versions_in_force(on)]


def _intake_service(definition: ServiceDefinition, version: ServiceVersion, providers: list[Organization],
                    language: str, *, party: str) -> IntakeService:
    receipt = definition.acceptance_receipt
    refusal = definition.refusal_to_accept
    return IntakeService(
        slug=definition.id, title=_text(definition.title.as_dict(), language), version=version,
        definition=definition, providers=providers,
        originals_compared=bool(receipt and receipt.originals_compared_and_returned),
        refusal_to_accept=bool(refusal and party in refusal.by),
        documents_required=standard_lists_for(definition, language)["documents_required"].items,
    )


def intake_services_for_office(organization: Organization, *, language: str, on: date) -> list[IntakeService]:
    """Services taken at the provider's office that `organization` provides (by the regulation's providers)."""
    services = []
    for definition, version in _versions_in_force(on):
        if "provider_office" not in {c.code.value for c in definition.channels}:
            continue
        if providers_for(definition).filter(pk=organization.pk).exists():
            services.append(_intake_service(definition, version, [organization], language, party="provider"))
    return services


def intake_services_for_rural_akim(office: Organization, *, language: str, on: date) -> list[IntakeService]:
    """Services with a rural-akim channel whose providers take applications forwarded by this akim's office."""
    services = []
    for definition, version in _versions_in_force(on):
        if "rural_akim" not in {c.code.value for c in definition.channels}:
            continue
        providers = [p for p in providers_for(definition) if rural_akim_offices_for(p).filter(pk=office.pk).exists()]
        if providers:
            services.append(_intake_service(definition, version, providers, language, party="rural_akim"))
    return services


def roles_held(user: User) -> frozenset[str]:
    """The staff roles the user holds anywhere (which intake desks the queue page links to)."""
    return frozenset(held.role for held in held_roles(user))


def intake_desks(user: User, role: str) -> QuerySet[Organization]:
    """The organizations where the user takes applications in `role` (office clerk, akim's office specialist)."""
    return organizations_where_role(user, role).order_by("code")
