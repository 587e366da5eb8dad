"""Drive one service through one channel, acting as each role in turn on a virtual clock.

Used by `qyzmet demo` and by the end-to-end tests. Every action goes through the same services
the web interfaces and the API call: intake, `task_complete` with the right person, EDS signatures
made with demo keys from the test national CA.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from qyzmet.calendar import Duration, Unit, deadline, local_time
from qyzmet.cases.assignment import calendar_hours, providers_for, rural_akim_offices, state_corporation_branches
from qyzmet.cases.intake import (
    Applicant,
    Application,
    application_bytes,
    intake_office,
    intake_portal,
    intake_rural_akim,
)
from qyzmet.cases.models import Case, Task
from qyzmet.cases.selectors import case_timeline, documents_unsigned
from qyzmet.cases.services import (
    Filing,
    TaskAction,
    case_file,
    decision_documents_preview,
    route_of,
    task_complete,
)
from qyzmet.cases.workflow import is_automatic, is_signing
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import version_in_force
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.documents.rendering import verify_url
from qyzmet.identity.models import Organization, StaffRole, User

DEMO_APPLICANT_IIN = "880314412019"
REFUSAL_GROUND = "Құжаттар Стандарттың 9-тармағына сәйкес емес / Документы не соответствуют пункту 9 Стандарта"


class DriverError(RuntimeError):
    pass


@dataclass
class Run:
    service: str
    channel: str
    case: Case
    steps: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        definition = route_of(self.case).definition
        placed = {p.step.id: p.step for p in route_of(self.case).placed}
        steps = []
        for row in case_timeline(self.case):
            step = placed[str(row["step"])]
            steps.append(
                {
                    "step": row["step"],
                    "role": row["role"],
                    "organization": row["organization"],
                    "duration": step.duration.model_dump(mode="json") if step.duration else None,
                    "started": _iso(row["started"]),
                    "deadline": _iso(row["deadline"]),
                    "completed": _iso(row["completed"]),
                    "actor": row["actor"],
                    "branch": row["branch"],
                }
            )
        documents = list(self.case.documents.filter(intermediate=False).order_by("pk"))
        return {
            "service": self.service,
            "channel": self.channel,
            "case": self.case.number,
            "case_id": self.case.pk,
            "applicant": self.case.applicant_iin,
            "status": str(self.case.status),
            "version": definition.version,
            "outcome": _outcome(self.case),
            "steps": steps,
            "result_document": [
                {
                    "id": d.document_id,
                    "number": d.number,
                    "verify_url": verify_url(d.number),
                    "kind": d.kind,
                    "title": d.title,
                    "signed": d.signature is not None,
                    "delivered_to": d.delivered_to or None,
                }
                for d in documents
            ],
        }


def _iso(moment: object) -> str | None:
    """ISO 8601 in Asia/Almaty, with its offset."""
    return local_time(moment).isoformat() if isinstance(moment, datetime) else None


def _outcome(case: Case) -> str:
    """issued / refused / queued; a case that ended with a refusal message reports 'refused'."""
    return "refused" if case.status == "ended" else str(case.status)


def staff_member(role: str, organization: Organization) -> User:
    found = StaffRole.objects.filter(role=role, organization=organization).select_related("user").first()
    if found is None:
        raise DriverError(f"no {role} in {organization.code}")
    return found.user


def _version(definition: ServiceDefinition, now: datetime) -> ServiceVersion:
    """The stored version of the service in force at `now`, which the case is filed under."""
    return version_in_force(definition.id, local_time(now).date())


def _provider(definition: ServiceDefinition) -> Organization:
    provider = providers_for(definition).first()
    if provider is None:
        raise DriverError(f"no provider with an office clerk for {definition.id} in {definition.jurisdiction}")
    return provider


def _applicant() -> User:
    user = User.objects.filter(iin=DEMO_APPLICANT_IIN).first()
    if user is None:
        user = User.objects.filter(staff_roles__isnull=True, is_active=True).order_by("iin").first()
    if user is None:
        raise DriverError("no citizen in the database; run `qyzmet setup` first")
    return user


def case_open(
    definition: ServiceDefinition,
    channel: str,
    *,
    now: datetime,
    form: dict[str, Any] | None = None,
    applicant: User | None = None,
    via_gateway: bool = False,
    language: str = "",
) -> Case:
    """File an application through `channel` as the demo citizen (in `language`; empty: Kazakh) and the intake staff.

    With `via_gateway`, a State Corporation application goes the whole way of the regulation's
    processes 1–6: the operator signs the request, the registries are asked through the gateway
    (a simulator must be running), and the case is filed in the provider's inbox.
    """
    version = _version(definition, now)
    provider = _provider(definition)
    citizen = applicant or _applicant()
    person = Applicant(iin=citizen.iin, name=citizen.full_name, user=citizen)
    application = Application(form=form or {}, attachments=[], language=language)
    if channel == "provider_office":
        return intake_office(
            version=version,
            provider=provider,
            clerk=staff_member("office_clerk", provider),
            applicant=person,
            application=application,
            originals_compared=True,
            now=now,
        )
    if channel == "portal":
        key = demo_key_for(citizen, now=now)
        content = application_bytes(
            version=version, provider=provider, applicant_iin=citizen.iin, application=application
        )
        signature = base64.b64encode(demo_sign(key, content, at=now)).decode("ascii")
        return intake_portal(
            version=version, provider=provider, applicant=citizen, application=application, signature=signature, now=now
        )
    if channel == "rural_akim":
        office = rural_akim_offices(provider).filter(staff_roles__role="akim_office_specialist").first()
        if office is None:
            raise DriverError(f"no rural akim office under {provider.code}")
        return intake_rural_akim(
            version=version,
            akim_office=office,
            provider=provider,
            specialist=staff_member("akim_office_specialist", office),
            applicant=person,
            application=application,
            residence=office,
            now=now,
        )
    if channel == "state_corporation":
        branch = state_corporation_branches(definition).first()
        if branch is None:
            raise DriverError(f"no State Corporation branch in {definition.jurisdiction}")
        operator = staff_member("sc_operator", branch)
        if via_gateway:
            return _state_corporation_intake(definition, branch, operator, provider, citizen, application, now)
        filing = Filing(
            service_version=version,
            channel=channel,
            provider=provider,
            applicant_iin=citizen.iin,
            applicant_name=citizen.full_name,
            applicant=citizen,
            intake_office=branch,
            form=application.form,
            confirmation="operator_eds",
            language=application.case_language,
        )
        return case_file(filing=filing, actor=operator, now=now)
    raise DriverError(f"unknown channel {channel}")


def _state_corporation_intake(definition: ServiceDefinition, branch: Organization, operator: User,
                              provider: Organization, citizen: User, application: Application,
                              now: datetime) -> Case:
    from qyzmet.state_corporation.services.intake import (
        IntakeSubmission,
        intake_message,
        sc_intake_submit,
        sc_request_document,
    )

    submission = IntakeSubmission(
        request_id=f"demo-{definition.id}-{now.timestamp():.0f}", service_id=definition.id,
        applicant_iin=citizen.iin, provider_code=provider.code, documents=("application",), form=application.form,
        language=application.language,
    )
    key = demo_key_for(operator, organization=branch, now=now)
    content = sc_request_document(submission=submission, branch=branch, operator=operator)
    intake = sc_intake_submit(operator=operator, branch=branch, submission=submission,
                              signature=demo_sign(key, content, at=now), now=now)
    if intake.case is None:
        message = intake_message(intake)
        raise DriverError(f"State Corporation intake {intake.status}: {message['en'] if message else ''}")
    return intake.case


def _completion(task: Task, now: datetime) -> datetime:
    """When the demo person finishes: half the step's term (at least one office minute) after it started."""
    start = max(now, task.started_at)
    hours = calendar_hours(task.organization) if task.organization else None
    if task.duration_value:
        unit = Unit(task.duration_unit)
        half = max(1, task.duration_value // 2)
        if unit in (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS) and task.duration_value == 1:
            half, unit = 60, Unit.MINUTES
        term = Duration(half, unit)
    else:
        term = Duration(5, Unit.MINUTES)
    moment = deadline(start, term, hours=hours) if hours else deadline(start, term)
    if task.due_at is not None and moment > task.due_at:
        moment = max(start, task.due_at - timedelta(minutes=1))
    return moment


def _action(case: Case, task: Task, actor: User, *, outcome: str, at: datetime, branches: dict[str, str]) -> TaskAction:
    route = route_of(case)
    step = route.get(task.step_id).step
    branch = branches.get(step.id) or route.branch_for(step, outcome if step.decides else None)
    decision = ground = None
    if step.decides:
        decision = outcome
        ground = REFUSAL_GROUND if outcome == "refused" else ""
    signatures: dict[str, str] = {}
    if is_signing(step):
        key = demo_key_for(actor, organization=task.organization, now=at)
        signatures = {
            d.document_id: base64.b64encode(demo_sign(key, bytes(d.content), at=at)).decode("ascii")
            for d in documents_unsigned(case)
        }
    elif route.signs_at(step.id, branch):
        key = demo_key_for(actor, organization=task.organization, now=at)
        draft = TaskAction(branch=branch, decision=decision, ground=ground or "")
        signatures = {
            document_id: base64.b64encode(demo_sign(key, content, at=at)).decode("ascii")
            for document_id, content in decision_documents_preview(case, step.id, draft).items()
        }
    return TaskAction(branch=branch, decision=decision, ground=ground or "", signatures=signatures)


def case_drive(
    case: Case, *, now: datetime, outcome: str = "issued", branches: dict[str, str] | None = None, max_steps: int = 60,
    stop_after: int | None = None,
) -> datetime:
    """Act on every open task of the case, as the person holding its role, until none is left.

    With `stop_after`, act on at most that many tasks and leave the case where it then stands.
    """
    clock = now
    for done in range(max_steps):
        task = Task.objects.filter(case=case, status=Task.Status.OPEN).select_related("organization").first()
        if task is None or (stop_after is not None and done >= stop_after):
            return clock
        if task.organization is None:
            raise DriverError(f"task {task.step_id} has no organization")
        actor = staff_member(task.role, task.organization)
        clock = _completion(task, clock)
        action = _action(case, task, actor, outcome=outcome, at=clock, branches=branches or {})
        task_complete(task=task, actor=actor, action=action, now=clock)
        case.refresh_from_db()
    raise DriverError(f"case {case.number} did not finish in {max_steps} steps")


def run(service_id: str, channel: str, *, start: datetime, outcome: str = "issued", via_gateway: bool = False,
        stop_after: int | None = None) -> Run:
    definition = catalog_default().latest(service_id)
    case = case_open(definition, channel, now=start, via_gateway=via_gateway)
    case_drive(case, now=start, outcome=outcome, stop_after=stop_after)
    case.refresh_from_db()
    return Run(service_id, channel, case)


def runs_all(*, start: datetime, service: str | None = None, channel: str | None = None,
             via_gateway: bool = False) -> list[Run]:
    """Every service through every channel its regulation names (or the ones asked for)."""
    results = []
    clock = start
    for definition in catalog_default().latest_all():
        if service and definition.id != service:
            continue
        for code in [c.code.value for c in definition.channels]:
            if channel and code != channel:
                continue
            results.append(run(definition.id, code, start=clock, via_gateway=via_gateway))
            clock += timedelta(minutes=7)
    return results


def runs_in_every_state(*, start: datetime, service: str | None = None, via_gateway: bool = False) -> list[Run]:
    """Cases to browse beside the finished ones: per service, one refused where its regulation lets the
    provider refuse, and one left open half-way through its first channel (work waiting in the queues)."""
    results = []
    clock = start
    for definition in catalog_default().latest_all():
        if service and definition.id != service:
            continue
        channel = definition.channels[0].code.value
        if "refused" in {rule.outcome.value for rule in definition.outcomes}:
            results.append(run(definition.id, channel, start=clock, outcome="refused", via_gateway=via_gateway))
            clock += timedelta(minutes=7)
        staff_steps = sum(1 for step in definition.channel_steps(channel) if not is_automatic(step))
        results.append(run(definition.id, channel, start=clock, via_gateway=via_gateway, stop_after=staff_steps // 2))
        clock += timedelta(minutes=7)
    return results


__all__ = ["DriverError", "Run", "case_drive", "case_open", "run", "runs_all", "runs_in_every_state", "staff_member"]
