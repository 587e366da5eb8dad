"""Reads for the personal cabinet: my cases, my State Corporation applications, who looked up my data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from qyzmet.api.models import ApplicationDraft
from qyzmet.cases.access import cases_of_applicant
from qyzmet.cases.assignment import providers_for
from qyzmet.cases.models import Case, CaseStatus, QueueEntry
from qyzmet.cases.selectors import TimeLeft, queue_position, task_time_left
from qyzmet.catalog.models import Service, service_title
from qyzmet.catalog.schema import ApplicationSpec, ServiceDefinition, Text
from qyzmet.catalog.selectors import StandardListShown, definition_of_version, standard_lists_for
from qyzmet.catalog.vocabulary import form_caption
from qyzmet.core.addresses import address_by_id
from qyzmet.gateway.selectors import SubjectLookup, lookups_of_subject
from qyzmet.identity.models import Organization, Role, User
from qyzmet.state_corporation.selectors import intakes_of_applicant
from qyzmet.state_corporation.services.intake import intake_message

APPLICANT_LABEL: Final = _("you, the applicant")
SYSTEM_LABEL: Final = _("an information system")
# What each kind of step does, as the applicant reads it (catalog.schema.Verb).
# Where the applicant applied (or may apply), in plain words.
CHANNEL_WORDS: Final[dict[str, Promise]] = {
    "provider_office": _("in person at the provider's office (the organization that provides the service)"),
    "state_corporation": _("at a branch of the State Corporation “Government for Citizens”"),
    "rural_akim": _("at the office of the akim of your rural okrug"),
    "portal": _("through the e-government portal"),
}


def channel_words(code: str) -> str:
    return str(CHANNEL_WORDS.get(code, code))


VERB_WORDS: Final[dict[str, Promise]] = {
    "accept": _("accepts and registers the application"),
    "register": _("registers the application"),
    "resolve": _("assigns an executor"),
    "prepare": _("prepares the result"),
    "inspect": _("inspects the housing conditions"),
    "sign": _("signs the result"),
    "forward": _("forwards the application"),
    "adopt": _("adopts the resolution"),
    "issue": _("issues the result"),
    "enqueue": _("puts the application in the queue"),
    "authenticate": _("checks who you are"),
    "fill_request": _("fills in the request"),
    "sign_request": _("signs the request"),
    "query_registry": _("asks the state registries"),
    "check": _("checks the conditions"),
    "notify_refusal": _("prepares a refusal message"),
    "send": _("sends the documents"),
    "receive_result": _("receives the result"),
}
STEP_DONE: Final = _("Done: %(who)s %(what)s.")
# The events of a case its applicant is told about.
EVENT_WORDS: Final[dict[str, Promise]] = {
    "case_filed": _("Your application was accepted and registered."),
    "step_completed": _("A step of the procedure was completed."),
    "document_issued": _("A result document was issued to you."),
    "receipt_issued": _("A receipt was issued."),
    "queue_entered": _("Your application was put in the queue."),
    "queue_directed": _("A direction was issued from the queue."),
    "task_overdue": _("A step is past its deadline."),
    "case_closed": _("The case was closed."),
}


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case as the cabinet lists it, every cell a ready string (ADR 0030)."""

    id: int
    number: str
    service: str
    channel: str
    status: str
    filed_at: datetime
    queue_position: int | None
    url: str = ""
    channel_text: str = ""
    filed_text: str = ""


@dataclass(frozen=True)
class IntakeRow:
    number: str
    service: str
    status: str
    message: str
    case_id: int | None


@dataclass(frozen=True)
class Cabinet:
    cases: list[CaseRow]
    intakes: list[IntakeRow]
    lookups: list[SubjectLookup]
    older_than: int | None = None  # the last case shown, when older ones follow on the next page


CABINET_CASES = 50  # cases a page of the cabinet shows, newest first; older ones follow the last one shown
CABINET_LOOKUPS = 100  # the newest look-ups of the person's data the cabinet shows (`qyzmet gateway` lists all)


# What a cabinet row shows (not the application's JSON, nor the long texts).
CASE_ROW_COLUMNS = ("pk", "number", "service_slug", "channel", "status", "filed_at", "queue_entry")


INTAKE_ROW_COLUMNS = ("pk", "number", "service_slug", "status", "result_registry", "message_ids", "case_id")


def _status_label(status: str) -> str:
    return str(CaseStatus(status).label)


def _titles(language: str) -> dict[str, str]:
    return {s.slug: s.title(language) for s in Service.objects.all()}


def cabinet_for(user: User, language: str, *, older_than: int | None = None) -> Cabinet:
    """Everything a citizen's cabinet shows, for `user` only: one page of their cases, newest first,
    continuing with those filed before case `older_than` (keyset: filing moment, then id)."""
    cases = []
    mine = cases_of_applicant(user)
    listed = mine.order_by("-filed_at", "-pk")
    cursor = mine.filter(pk=older_than).values_list("filed_at", flat=True).first() if older_than else None
    if cursor is not None:
        listed = listed.filter(Q(filed_at__lt=cursor) | Q(filed_at=cursor, pk__lt=older_than))
    # The columns a row shows, as tuples: building 50 model instances cost more than reading them.
    page = list(listed.values_list(*CASE_ROW_COLUMNS, *(f"service_version__service__title_{code}"
                                                         for code in ("kk", "ru", "en")))[:CABINET_CASES + 1])
    shown = page[:CABINET_CASES]
    queued = {row[6] for row in shown if row[6] is not None}  # the queue entry's id
    entries = QueueEntry.objects.in_bulk(queued) if queued else {}
    address = address_by_id("portal:case")
    words: dict[tuple[Callable[[str], str], str], str] = {}  # each channel's and status's words, once a page
    for pk, number, _slug, channel, status, filed_at, entry_id, *titles in shown:
        for say, code in ((channel_words, channel), (_status_label, status)):
            if (say, code) not in words:
                words[say, code] = say(code)
        entry = entries.get(entry_id) if entry_id is not None else None
        title = service_title(dict(zip(("kk", "ru", "en"), titles, strict=True)), language)
        cases.append(CaseRow(pk, number, title, channel,
                             words[_status_label, status], filed_at, queue_position(entry) if entry else None,
                             url=address(pk), channel_text=words[channel_words, channel],
                             filed_text=date_format(localtime(filed_at), "j E Y, H:i")))
    intakes = []
    # Only what the list shows: joining the case, receipt and branch cost more CPU to compile than the rows.
    shown_intakes = list(intakes_of_applicant(user.iin).select_related(None).only(*INTAKE_ROW_COLUMNS)
                         .order_by("-pk")[:50])
    titles = _titles(language) if shown_intakes else {}
    for intake in shown_intakes:
        message = intake_message(intake)
        intakes.append(IntakeRow(intake.number, titles.get(intake.service_slug, intake.service_slug),
                                 intake.status, message.get(language, "") if message else "", intake.case_id))
    older = page[CABINET_CASES - 1][0] if len(page) > CABINET_CASES else None
    return Cabinet(cases, intakes, lookups_of_subject(user.iin, limit=CABINET_LOOKUPS), older_than=older)


def case_documents(case: Case) -> list[dict[str, object]]:
    """The case's issued result documents, as the applicant may download them."""
    return [
        {"id": d.pk, "number": d.number, "title": d.title, "kind": d.kind, "signed": d.signature is not None,
         "issued_at": d.issued_at}
        for d in case.documents.filter(intermediate=False).exclude(issued_at=None).order_by("pk")
    ]


# --- the application form --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldView:
    id: str
    kind: str
    label: str
    required: bool
    choices: list[tuple[str, str]]


@dataclass(frozen=True)
class AttachmentView:
    id: str
    title: str
    required: bool


@dataclass(frozen=True)
class ApplyPage:
    """What `/services/<id>/apply/` shows, all from the service's definition."""

    service_id: str
    title: str
    channels: list[str]
    has_portal: bool
    confirmation: list[str]
    application_form: str
    results: list[tuple[str, str]]
    providers: list[Organization]
    fields: list[FieldView]
    attachments: list[AttachmentView]
    source: str
    standard_lists: tuple[StandardListShown, ...] = ()  # faithful (issue 14): Standard p.9 / p.10


def _text(text: Text | None, language: str) -> str:
    return text.shown(language) if text is not None else ""


def apply_page(definition: ServiceDefinition, language: str) -> ApplyPage:
    """The portal application form of a service: its providers, fields and attachments, in `language`."""
    codes = [c.code.value for c in definition.channels]
    portal = definition.channel("portal") if "portal" in codes else None
    spec = definition.application or ApplicationSpec(source="-")
    fields = [FieldView(f.id, f.kind.value, _text(f.label, language), f.required,
                        [(c.value, _text(c.label, language)) for c in f.choices]) for f in spec.fields]
    attachments = [AttachmentView(a.id, _text(a.title, language), a.required) for a in spec.attachments]
    return ApplyPage(
        service_id=definition.id, title=_text(definition.title, language), channels=codes,
        has_portal=portal is not None,
        confirmation=([c.value for c in portal.confirmation] or ["eds"]) if portal else [],
        application_form=form_caption(portal.application_form, language) if portal else "",
        results=[(_text(d.title, language), form_caption(d.form, language))
                 for d in definition.documents if not d.intermediate],
        providers=list(providers_for(definition).order_by("path")) if portal else [],
        fields=fields, attachments=attachments, source=definition.application.source if definition.application else "",
        standard_lists=tuple(standard_lists_for(definition, language).values()),
    )


def attachments_missing(page: ApplyPage, attachments: list[dict[str, Any]]) -> list[AttachmentView]:
    """The required attachments of the form that no uploaded file is for yet."""
    given = {str(a.get("document") or "") for a in attachments}
    return [a for a in page.attachments if a.required and a.id not in given]


def draft_of_form_key(idempotency_key: str | None) -> ApplicationDraft | None:
    """The draft an apply form (by its scoped key) already made: a second click finds the first one's."""
    return ApplicationDraft.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None


def draft_fields_shown(draft: ApplicationDraft, language: str) -> list[tuple[str, str]]:
    """The draft's form as label → value (choices by their label), in the definition's order."""
    definition = definition_of_version(draft.service_version)
    page = apply_page(definition, language)
    shown = []
    for field in page.fields:
        if field.id in draft.form:
            value = str(draft.form[field.id])
            shown.append((field.label, dict(field.choices).get(value, value)))
    known = {f.id for f in page.fields}
    shown += [(key, str(value)) for key, value in draft.form.items() if key not in known]
    return shown


# --- a case, as its applicant follows it ---------------------------------------------------------------


@dataclass(frozen=True)
class StepNow:
    """An open step: who is doing what, by when, and how much time is left (in the term's unit)."""

    who: str
    does: str
    organization: str
    deadline: datetime | None
    left: TimeLeft | None


@dataclass(frozen=True)
class CaseStatusView:
    case: Case
    title: str
    status: str
    is_open: bool
    steps: list[StepNow]
    queue_position: int | None


def role_label(role: str) -> str:
    """A role (identity's staff roles, the applicant, a system) in plain words."""
    if role in Role.values:
        return str(Role(role).label)
    return str(APPLICANT_LABEL) if role == "applicant" else str(SYSTEM_LABEL)


def case_status_view(case: Case, *, now: datetime, language: str) -> CaseStatusView:
    """The case's status, its open steps with deadlines and time left, and its queue place, in plain words."""
    steps = []
    for task in case.tasks.open().select_related("organization").order_by("sequence"):
        steps.append(StepNow(
            who=role_label(task.role), does=str(VERB_WORDS.get(task.does, task.does)),
            organization=task.organization.name(language) if task.organization else "",
            deadline=task.due_at, left=task_time_left(task, now),
        ))
    entry = QueueEntry.objects.filter(case=case).first()
    service = Service.objects.filter(slug=case.service_slug).first()
    return CaseStatusView(
        case=case, title=service.title(language) if service else case.service_slug,
        status=str(CaseStatus(case.status).label), is_open=case.status == CaseStatus.IN_PROGRESS, steps=steps,
        queue_position=queue_position(entry) if entry else None,
    )


@dataclass(frozen=True)
class Notice:
    at: datetime
    text: str


def case_notices(case: Case) -> list[Notice]:
    """The case's events that matter to its applicant, newest first, in plain words."""
    does = dict(case.tasks.values_list("step_id", "does"))
    notices = []
    for event in case.events.filter(kind__in=list(EVENT_WORDS)).order_by("-sequence")[:50]:
        if event.kind == "step_completed" and event.role not in Role.values:
            continue  # the applicant's own and the systems' steps are no news to the applicant
        if event.kind == "step_completed" and event.step_id in does:
            text = str(STEP_DONE) % {"who": role_label(event.role),
                                     "what": str(VERB_WORDS.get(does[event.step_id], does[event.step_id]))}
        else:
            text = str(EVENT_WORDS[event.kind])
        notices.append(Notice(event.at, text))
    return notices
