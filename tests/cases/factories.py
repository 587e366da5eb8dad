"""Factories for cases, tasks and documents, made through the real domain functions at times the test names.

A case is filed through the channel's own intake (`intake_office`, `intake_portal`, `intake_rural_akim`,
or the State Corporation hall's `sc_intake_submit`); a task is completed with `task_complete` by the
person holding its role, at the moment the test gives, signing what the step signs with that person's
demo key from the test CA. Nothing here picks a time, so nothing here can keep a step within its term:
whether a step is late is the test's own choice.

Use with the django_db marker and the catalogue and demo people loaded (the `platform` fixture).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from qyzmet.calendar import local_time
from qyzmet.cases.assignment import providers_for, rural_akim_offices
from qyzmet.cases.intake import (
    Applicant,
    Application,
    application_bytes,
    intake_office,
    intake_portal,
    intake_rural_akim,
)
from qyzmet.cases.models import Case, ResultDocument, Task
from qyzmet.cases.selectors import documents_unsigned
from qyzmet.cases.services import TaskAction, decision_documents_preview, route_of, task_complete
from qyzmet.cases.workflow import is_signing
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.selectors import version_in_force
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.models import Organization, StaffRole, User

CITIZEN_IIN = "880314412019"  # a demo citizen (identity.demo)
REFUSAL_GROUND = "Құжаттар Стандарттың 9-тармағына сәйкес емес / Документы не соответствуют пункту 9 Стандарта"


def staff(role: str, organization: Organization) -> User:
    """The first person holding `role` in `organization`."""
    return StaffRole.objects.select_related("user").filter(role=role, organization=organization).order_by("pk")[0].user


def citizen(iin: str = CITIZEN_IIN) -> User:
    return User.objects.get(iin=iin)


def version_at(service_id: str, at: datetime) -> ServiceVersion:
    """The stored version of the service in force on the local date of `at`."""
    return version_in_force(service_id, local_time(at).date())


def provider_for(service_id: str) -> Organization:
    """The first organization that provides the service and has an office clerk."""
    provider = providers_for(catalog_default().latest(service_id)).first()
    assert provider is not None, f"no provider for {service_id}"
    return provider


def case_at_office(
    service_id: str, *, at: datetime, provider: Organization | None = None, applicant: User | None = None,
    form: dict[str, Any] | None = None, language: str = "",
) -> Case:
    """An application handed in at the provider's office and registered by its clerk at `at`."""
    provider = provider or provider_for(service_id)
    person = applicant or citizen()
    return intake_office(
        version=version_at(service_id, at), provider=provider, clerk=staff("office_clerk", provider),
        applicant=Applicant(iin=person.iin, name=person.full_name, user=person),
        application=Application(form=form or {"factory": True}, language=language), originals_compared=True, now=at,
    )


def case_on_portal(
    service_id: str, *, at: datetime, provider: Organization | None = None, applicant: User | None = None,
    form: dict[str, Any] | None = None,
) -> Case:
    """An application the citizen signs with their own key on the portal at `at`."""
    provider = provider or provider_for(service_id)
    person = applicant or citizen()
    version = version_at(service_id, at)
    application = Application(form=form or {"factory": True})
    content = application_bytes(version=version, provider=provider, applicant_iin=person.iin, application=application)
    signature = base64.b64encode(demo_sign(demo_key_for(person, now=at), content, at=at)).decode("ascii")
    return intake_portal(version=version, provider=provider, applicant=person, application=application,
                         signature=signature, now=at)


def case_at_rural_akim(service_id: str, *, at: datetime, provider: Organization | None = None,
                       applicant: User | None = None) -> Case:
    """An application handed to the first rural akim's office under the provider, forwarded to the provider."""
    provider = provider or provider_for(service_id)
    office = rural_akim_offices(provider).filter(staff_roles__role="akim_office_specialist").order_by("code").first()
    assert office is not None, f"no rural akim office under {provider.code}"
    person = applicant or citizen()
    return intake_rural_akim(
        version=version_at(service_id, at), akim_office=office, provider=provider,
        specialist=staff("akim_office_specialist", office),
        applicant=Applicant(iin=person.iin, name=person.full_name, user=person),
        application=Application(form={"factory": True}), residence=office, now=at,
    )


def case_at_state_corporation(
    service_id: str, *, at: datetime, branch: Organization, operator: User, sign: Callable[[bytes], bytes],
    client: Any = None, applicant_iin: str = CITIZEN_IIN, provider: Organization | None = None,
) -> Case:
    """An application taken at a State Corporation branch through the hall's intake: the operator signs the
    request with `sign`, the registries are asked through the gateway (`client`, or the configured one), and
    the case is filed at the provider. Fails the test if the hall does not file it."""
    from qyzmet.state_corporation.services import (
        IntakeSubmission,
        intake_message,
        sc_intake_submit,
        sc_request_document,
    )

    provider = provider or provider_for(service_id)
    submission = IntakeSubmission(
        request_id=str(uuid.uuid4()), service_id=service_id, applicant_iin=applicant_iin,
        provider_code=provider.code, documents=("application (Standard app. 1)",),
    )
    content = sc_request_document(submission=submission, branch=branch, operator=operator)
    extra = {"client": client} if client is not None else {}
    intake = sc_intake_submit(operator=operator, branch=branch, submission=submission, signature=sign(content),
                              now=at, **extra)
    assert intake.case is not None, (intake.status, intake_message(intake))
    return intake.case


def task_open(case: Case) -> Task:
    """The case's one open task."""
    return Task.objects.select_related("organization").get(case=case, status=Task.Status.OPEN)


def task_done(
    case: Case, *, at: datetime, branch: str | None = None, decision: str | None = None, ground: str = "",
) -> Task:
    """The holder of the open task's role completes it at `at` (the step's first branch unless one is named;
    a deciding step decides `decision`, by default "issued"), signing what the step signs."""
    task = task_open(case)
    assert task.organization is not None
    actor = staff(task.role, task.organization)
    route = route_of(case)
    step = route.get(task.step_id).step
    if branch is None and step.branches:
        branch = step.branches[0].when
    decision = (decision or "issued") if step.decides else None
    if decision == "refused" and not ground:
        ground = REFUSAL_GROUND
    draft = TaskAction(branch=branch, decision=decision, ground=ground)
    signatures: dict[str, str] = {}
    if is_signing(step) or route.signs_at(step.id, branch):
        key = demo_key_for(actor, organization=task.organization, now=at)
        contents = ({d.document_id: bytes(d.content) for d in documents_unsigned(case)} if is_signing(step)
                    else decision_documents_preview(case, step.id, draft))
        signatures = {i: base64.b64encode(demo_sign(key, c, at=at)).decode("ascii") for i, c in contents.items()}
    task_complete(task=task, actor=actor, action=TaskAction(branch=branch, decision=decision, ground=ground,
                                                            signatures=signatures), now=at)
    task.refresh_from_db()
    return task


def tasks_done(case: Case, times: list[datetime], **action: Any) -> list[Task]:
    """Complete the open task at each of `times` in turn (the same `action` for each)."""
    return [task_done(case, at=at, **action) for at in times]


def case_worked(
    case: Case, *, at: datetime, every: timedelta = timedelta(minutes=5), until: str | None = None,
    decision: str | None = None, branches: dict[str, str] | None = None, max_steps: int = 60,
) -> datetime:
    """Complete the open tasks one after another, the first at `at` and each next `every` later (wall clock,
    whatever the deadlines say), until none is open or the open one is step `until`; the last moment used."""
    moment = at - every
    for _ in range(max_steps):
        task = Task.objects.filter(case=case, status=Task.Status.OPEN).first()
        if task is None or task.step_id == until:
            case.refresh_from_db()
            return moment
        moment += every
        task_done(case, at=moment, decision=decision, branch=(branches or {}).get(task.step_id))
    raise AssertionError(f"case {case.number} still has an open task after {max_steps} steps")


def document(case: Case, document_id: str) -> ResultDocument:
    return ResultDocument.objects.get(case=case, document_id=document_id)
