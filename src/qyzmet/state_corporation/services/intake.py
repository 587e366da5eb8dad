"""Writes of the State Corporation intake: the regulations' process "1–8" at the operator's window.

1) the applicant hands in the package through the electronic queue; an incomplete or expired
package is refused with the receipt the regulation names (`sc_intake_refuse`: no case);
process 1–2) the operator, logged in, picks the service and enters the applicant, or the
representative and the power of attorney (its data filled in only when notarised);
process 3 / condition 1) the platform asks ГБД ФЛ (or ГБД ЮЛ) and ЕНИС through the gateway;
process 4) no record: "data cannot be obtained", nothing is sent;
process 5–6) the request, signed with the operator's EDS, goes to the provider's
regional-gateway inbox and is registered there: `case_file` on the state_corporation channel.
When a registry does not answer, the intake waits (status waiting_registry) and the gateway's
sweeper resumes it once the registry answers (`sc_intake_continue`).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qyzmet.calendar import local_time
from qyzmet.cases.assignment import providers_for, state_corporation_branches
from qyzmet.cases.intake import Applicant, intake_refuse
from qyzmet.cases.models import Case, Receipt
from qyzmet.cases.numbers import number_next
from qyzmet.cases.selectors import task_queue_for_user
from qyzmet.cases.services import Filing, TaskAction, case_file, task_complete
from qyzmet.cases.workflow import Route, is_automatic
from qyzmet.catalog.definitions import ServiceNotFound, catalog_default
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version, version_in_force
from qyzmet.gateway import selectors as gateway_selectors
from qyzmet.gateway.clients import LegalEntity, Person, PowerOfAttorney, RegistryClient
from qyzmet.gateway.envelope import message_id_new
from qyzmet.gateway.messages import data_unavailable_messages, registry_messages
from qyzmet.gateway.registries import ENIS, GBD_FL, GBD_UL
from qyzmet.gateway.services import messages_link_case, registry_lookup
from qyzmet.identity.identifiers import bin_validate, iin_validate
from qyzmet.identity.models import Organization, User
from qyzmet.signatures.acts import official_act_verify
from qyzmet.signatures.backends import get_verifier
from qyzmet.signatures.canonical import canonical_json
from qyzmet.state_corporation.errors import HallError
from qyzmet.state_corporation.models import Intake, IntakeStatus, QueueTicket
from qyzmet.state_corporation.services.queue import sc_operator_ensure

CHANNEL: Final = "state_corporation"
SC_INTAKE_CONTINUATION: Final = "sc_intake"
PURPOSE: Final = "State Corporation intake {number} of the service {service}: {what}"
INTAKE_WAITING: Final = _("Waiting for {registry}: the application is kept and will be sent once the registry answers.")
INTAKE_FAILED: Final = _("{registry} did not answer: the application was not sent; take it again.")
WHAT: Final = {GBD_FL: "the applicant's data", GBD_UL: "the applicant's (legal entity's) data",
               ENIS: "the representative's power of attorney"}


@dataclass(frozen=True)
class PowerOfAttorneyEntry:
    """What the operator enters about a power of attorney: its number, and whether it is notarised."""

    number: str
    notarised: bool


@dataclass(frozen=True)
class IntakeSubmission:
    """What the operator enters at the window (process 2). `request_id` makes a repeat a no-op."""

    request_id: str
    service_id: str
    applicant_iin: str
    applicant_bin: str = ""
    representative_iin: str = ""
    power_of_attorney: PowerOfAttorneyEntry | None = None
    provider_code: str = ""
    documents: tuple[str, ...] = ()
    form: dict[str, Any] = field(default_factory=dict)
    language: str = ""  # the applicant's language (kk, ru, en; empty: Kazakh): the result documents' language


@dataclass(frozen=True)
class _Context:
    definition: ServiceDefinition
    version: ServiceVersion
    provider: Organization


def _context(*, operator: User, branch: Organization, service_id: str, provider_code: str,
             now: datetime) -> _Context:
    sc_operator_ensure(operator, branch)
    on = local_time(now).date()
    try:
        version = version_in_force(service_id, on)
    except ServiceNotFound:
        in_files = catalog_default().in_force(service_id, on)  # an unknown service raises ServiceNotFound here
        raise HallError("catalogue_not_loaded", service=service_id, version=in_files.version) from None
    definition = definition_of_version(version)
    if CHANNEL not in {channel.code.value for channel in definition.channels}:
        raise HallError("no_sc_channel", service=service_id)
    if not state_corporation_branches(definition).filter(pk=branch.pk).exists():
        raise HallError("not_a_branch", branch=branch.code)
    providers = providers_for(definition)
    provider = providers.filter(code=provider_code).first() if provider_code else providers.first()
    if provider is None:
        raise HallError("provider_unknown", provider=provider_code or "—")
    return _Context(definition, version, provider)


def sc_request_document(*, submission: IntakeSubmission, branch: Organization, operator: User) -> bytes:
    """The exact bytes of the request the operator signs with their EDS (canonical JSON)."""
    poa = submission.power_of_attorney
    return canonical_json({
        "kind": "sc_request",
        "requestId": submission.request_id,
        "service": submission.service_id,
        "branch": {"code": branch.code, "bin": branch.bin},
        "operator": operator.iin,
        "provider": submission.provider_code,
        "applicant": {"iin": submission.applicant_iin, "bin": submission.applicant_bin},
        "representative": {
            "iin": submission.representative_iin,
            "powerOfAttorney": {"number": poa.number, "notarised": poa.notarised} if poa else None,
        } if submission.representative_iin else None,
        "documents": list(submission.documents),
        "form": submission.form,
    })


def sc_intake_submit(
    *, operator: User, branch: Organization, submission: IntakeSubmission, signature: bytes, now: datetime,
    ticket: QueueTicket | None = None, client: RegistryClient | None = None,
) -> Intake:
    """Take an application at a State Corporation window and run it through the registries to the provider.

    Checks the operator's role at the branch, the service's State Corporation channel, the
    identifiers and the operator's EDS over `sc_request_document` (HallError / InvalidIdentifier:
    nothing written). Then queries the registries the regulation names and either files the case
    (status filed), stops with "data cannot be obtained" (no_data), refuses an expired power of
    attorney with a receipt (refused_to_accept), or waits for a registry that does not answer
    (waiting_registry; the gateway's sweeper resumes it). The same `request_id` returns the first
    intake. Side effects: the Intake; gateway log rows; the case, its tasks and events.
    """
    existing = Intake.objects.filter(request_id=submission.request_id).first()
    if existing is not None:
        return existing
    context = _context(operator=operator, branch=branch, service_id=submission.service_id,
                       provider_code=submission.provider_code, now=now)
    applicant_iin = iin_validate(submission.applicant_iin)
    applicant_bin = bin_validate(submission.applicant_bin) if submission.applicant_bin else ""
    representative_iin = iin_validate(submission.representative_iin) if submission.representative_iin else ""
    if representative_iin and submission.power_of_attorney is None:
        raise HallError("power_of_attorney_required")
    registries = {r.value for r in context.definition.channel(CHANNEL).registries}
    if applicant_bin and GBD_UL not in registries:
        raise HallError("entity_not_in_regulation")
    content = sc_request_document(submission=submission, branch=branch, operator=operator)
    verdict = official_act_verify(
        get_verifier(), content, signature, signer_iin=operator.iin, organization_bin=branch.bin, now=now
    )
    if not verdict.is_valid:
        raise HallError("signature_invalid", detail=verdict.code or "")
    intake = _intake_create(submission, context=context, operator=operator, branch=branch, ticket=ticket,
                            applicant_iin=applicant_iin, applicant_bin=applicant_bin,
                            representative_iin=representative_iin, content=content, signature=signature, now=now)
    return _intake_proceed(intake, now=now, client=client)


def _intake_create(submission: IntakeSubmission, *, context: _Context, operator: User, branch: Organization,
                   ticket: QueueTicket | None, applicant_iin: str, applicant_bin: str, representative_iin: str,
                   content: bytes, signature: bytes, now: datetime) -> Intake:
    poa = submission.power_of_attorney
    intake = Intake(
        number=number_next(organization=branch, series="SC", now=now), request_id=submission.request_id,
        branch=branch, operator=operator, ticket=ticket, service_version=context.version,
        service_slug=context.definition.id, provider=context.provider, applicant_iin=applicant_iin,
        applicant_bin=applicant_bin, representative_iin=representative_iin,
        power_of_attorney={"number": poa.number, "notarised": poa.notarised} if poa and representative_iin else {},
        documents=list(submission.documents), form=dict(submission.form), request_content=content,
        language=submission.language if submission.language in Case.Language.values else Case.Language.KAZAKH,
        request_signature=signature, created_at=now,
    )
    intake.message_ids = {registry: message_id_new() for registry, _, _ in _planned_queries(intake, context.definition)}
    intake.save(force_insert=True)
    return intake


def _definition(intake: Intake) -> ServiceDefinition:
    return definition_of_version(intake.service_version)


def _planned_queries(intake: Intake, definition: ServiceDefinition) -> list[tuple[str, str, dict[str, str]]]:
    """(registry, identifier, filters) the regulation calls for: the applicant, then a notarised PoA."""
    registries = {r.value for r in definition.channel(CHANNEL).registries}
    queries: list[tuple[str, str, dict[str, str]]] = []
    if intake.applicant_bin:
        queries.append((GBD_UL, intake.applicant_bin, {}))
    elif GBD_FL in registries:
        queries.append((GBD_FL, intake.applicant_iin, {}))
    poa = intake.power_of_attorney or {}
    if intake.representative_iin and poa.get("notarised") and ENIS in registries:
        queries.append((ENIS, intake.representative_iin, {"number": str(poa.get("number") or "")}))
    return queries


def _intake_proceed(intake: Intake, *, now: datetime, client: RegistryClient | None) -> Intake:
    definition = _definition(intake)
    for registry, identifier, extra in _planned_queries(intake, definition):
        message_id = intake.message_ids[registry]
        if gateway_selectors.lookup_is_given_up(message_id):
            return _intake_end(intake, IntakeStatus.FAILED, now=now, registry=registry)
        result = registry_lookup(
            registry=registry, identifier=identifier, actor=intake.operator, now=now, organization=intake.branch,
            purpose=PURPOSE.format(number=intake.number, service=intake.service_slug, what=WHAT[registry]),
            reference=intake.number, extra=extra, message_id=message_id, keep_pending=True,
            continuation=SC_INTAKE_CONTINUATION, continuation_key=str(intake.pk), client=client,
        )
        if not result.message.is_answered:
            if result.is_waiting:
                return _intake_wait(intake)
            return _intake_end(intake, IntakeStatus.FAILED, now=now, registry=registry)
        if not result.is_found:
            return _intake_end(intake, IntakeStatus.NO_DATA, now=now, registry=registry)
        ended = _record_take(intake, definition, registry, result.records, now=now)
        if ended is not None:
            return ended
    return _intake_file(intake, definition, now=now)


def _record_take(intake: Intake, definition: ServiceDefinition, registry: str, records: list[dict[str, Any]], *,
                 now: datetime) -> Intake | None:
    """Take what the intake needs from a found record; an intake that must stop here is returned."""
    language = definition.source.language.value
    if registry == GBD_FL:
        intake.applicant_name = Person.from_payload(records[0]).full_name(language)
    elif registry == GBD_UL:
        entity = LegalEntity.from_payload(records[0])
        intake.applicant_name = entity.name.get(language) or entity.name.get("ru", "")
    else:
        power = _matching_power(intake, [PowerOfAttorney.from_payload(r) for r in records])
        if power is None:
            return _intake_end(intake, IntakeStatus.NO_DATA, now=now, registry=ENIS)
        if power.notarised and not power.is_valid_on(local_time(now).date()):
            return _expired_power_refuse(intake, definition, now=now)
        # Rule 14: "при ином удостоверении доверенности данные доверенности не заполняются".
        intake.power_of_attorney_data = power.as_dict() if power.notarised else {}
    intake.save(update_fields=["applicant_name", "power_of_attorney_data"])
    return None


def _matching_power(intake: Intake, powers: list[PowerOfAttorney]) -> PowerOfAttorney | None:
    number = str((intake.power_of_attorney or {}).get("number") or "")
    for power in powers:
        principal_matches = bool(intake.applicant_bin) or power.principal_iin == intake.applicant_iin
        if power.number == number and power.representative_iin == intake.representative_iin and principal_matches:
            return power
    return None


def _expired_power_refuse(intake: Intake, definition: ServiceDefinition, *, now: datetime) -> Intake:
    """An expired notarised power of attorney: refused to accept with a receipt, where the SC may refuse."""
    rule = definition.refusal_to_accept
    if rule is None or "state_corporation" not in rule.by or "expired_documents" not in rule.grounds:
        return _intake_end(intake, IntakeStatus.NO_DATA, now=now, registry=ENIS)
    number = str((intake.power_of_attorney or {}).get("number") or "")
    receipt = intake_refuse(
        version=intake.service_version, channel=CHANNEL, organization=intake.branch,
        applicant=Applicant(iin=intake.applicant_iin, name=intake.applicant_name,
                            representative_iin=intake.representative_iin),
        grounds=["expired_documents"], missing=[f"power_of_attorney {number}"], actor=intake.operator, now=now,
        idempotency_key=f"sc-refusal:{intake.request_id}",
    )
    return _intake_end(intake, IntakeStatus.REFUSED, now=now, registry=ENIS, receipt=receipt)


def _intake_wait(intake: Intake) -> Intake:
    Intake.objects.filter(pk=intake.pk, status=IntakeStatus.QUERYING).update(status=IntakeStatus.WAITING)
    intake.refresh_from_db(fields=["status"])
    return intake


@transaction.atomic
def _intake_end(intake: Intake, status: str, *, now: datetime, registry: str = "",
                receipt: Receipt | None = None) -> Intake:
    locked = Intake.objects.select_for_update().get(pk=intake.pk)
    if not locked.is_open:
        return locked
    locked.status, locked.result_registry, locked.receipt, locked.finished_at = status, registry, receipt, now
    locked.save(update_fields=["status", "result_registry", "receipt", "finished_at"])
    return locked


def _intake_file(intake: Intake, definition: ServiceDefinition, *, now: datetime) -> Intake:
    """Process 5–6: the signed request reaches the provider's inbox and is registered (the case)."""
    route = Route(definition, CHANNEL)
    decisions = {s.id: branch for s in route.channel.intake
                 if is_automatic(s) and (branch := route.success_branch(s)) is not None}
    filing = Filing(
        service_version=intake.service_version, channel=CHANNEL, provider=intake.provider,
        applicant_iin=intake.applicant_bin or intake.applicant_iin, applicant_name=intake.applicant_name,
        applicant=None if intake.applicant_bin else User.objects.filter(iin=intake.applicant_iin).first(),
        intake_office=intake.branch, representative_iin=intake.representative_iin,
        form={**intake.form, "sc_intake": intake.number, "applicant_bin": intake.applicant_bin or None,
              "power_of_attorney": intake.power_of_attorney_data or None},
        attachments=[{"document": name} for name in intake.documents], confirmation="operator_eds",
        decisions=decisions, idempotency_key=f"sc-intake:{intake.number}", language=intake.language,
        signature=base64.b64encode(bytes(intake.request_signature)).decode("ascii"),
    )
    with transaction.atomic():
        locked = Intake.objects.select_for_update().get(pk=intake.pk)
        if not locked.is_open:
            return locked
        case = case_file(filing=filing, actor=intake.operator, now=now)
        _operator_steps_complete(case, locked, definition, now=now)
        locked.status, locked.case, locked.finished_at = IntakeStatus.FILED, case, now
        locked.save(update_fields=["status", "case", "finished_at"])
        messages_link_case(reference=locked.number, case_number=case.number)
    return locked


def _operator_steps_complete(case: Case, intake: Intake, definition: ServiceDefinition, *, now: datetime) -> None:
    """Record the intake steps the operator has just done (accept, log in, fill in, send) as the operator's."""
    route = Route(definition, CHANNEL)
    while True:
        task = task_queue_for_user(intake.operator).filter(case=case, phase="intake").order_by("sequence").first()
        if task is None:
            return
        branch = route.success_branch(route.get(task.step_id).step)
        task_complete(task=task, actor=intake.operator, action=TaskAction(branch=branch), now=now)


def sc_intake_resume(*, intake: Intake, now: datetime, client: RegistryClient | None = None) -> Intake:
    """Try a waiting intake again now (the operator's "check again"); a finished one is returned as it is.

    Side effects: as `sc_intake_submit` from the registry queries on.
    """
    intake = Intake.objects.get(pk=intake.pk)
    if not intake.is_open:
        return intake
    return _intake_proceed(intake, now=now, client=client)


def sc_intake_continue(key: str, *, now: datetime, client: RegistryClient | None = None) -> None:
    """The gateway continuation "sc_intake": resume the intake `key` once its registry answered or was given up."""
    intake = Intake.objects.filter(pk=int(key)).first()
    if intake is not None and intake.is_open:
        _intake_proceed(intake, now=now, client=client)


def sc_intake_refuse(
    *, operator: User, branch: Organization, service_id: str, applicant_iin: str, applicant_name: str,
    now: datetime, missing: tuple[str, ...] = (), expired: tuple[str, ...] = (), request_id: str = "",
    ticket: QueueTicket | None = None,
) -> Receipt:
    """Refuse to accept an incomplete or expired package with the receipt the regulation names; no case.

    Only where the regulation lets the State Corporation refuse, on its own grounds
    (incomplete_package for `missing`, expired_documents for `expired`). No registry is asked.
    Side effects: a Receipt of kind refusal_to_accept and an Intake (refused_to_accept) for the journal.
    """
    context = _context(operator=operator, branch=branch, service_id=service_id, provider_code="", now=now)
    rule = context.definition.refusal_to_accept
    if rule is None or "state_corporation" not in rule.by:
        raise HallError("sc_may_not_refuse")
    grounds = (["incomplete_package"] if missing else []) + (["expired_documents"] if expired else [])
    if not grounds:
        raise HallError("nothing_missing")
    for ground in grounds:
        if ground not in rule.grounds:
            raise HallError("ground_not_in_regulation", ground=ground)
    applicant_iin = iin_validate(applicant_iin)
    request_id = request_id or str(uuid.uuid4())
    with transaction.atomic():
        receipt = intake_refuse(
            version=context.version, channel=CHANNEL, organization=branch,
            applicant=Applicant(iin=applicant_iin, name=applicant_name.strip()), grounds=grounds,
            missing=[*missing, *expired], actor=operator, now=now, idempotency_key=f"sc-refusal:{request_id}",
        )
        Intake.objects.get_or_create(request_id=request_id, defaults={
            "number": number_next(organization=branch, series="SC", now=now), "branch": branch, "operator": operator,
            "ticket": ticket, "service_version": context.version, "service_slug": context.definition.id,
            "provider": context.provider, "applicant_iin": applicant_iin, "applicant_name": applicant_name.strip(),
            "documents": [*missing, *expired], "status": IntakeStatus.REFUSED, "receipt": receipt,
            "created_at": now, "finished_at": now,
        })
    return receipt


def intake_message(intake: Intake) -> Mapping[str, str] | None:
    """What the operator and applicant are told about an intake not (yet) at the provider (kk/ru/en)."""
    if intake.status == IntakeStatus.NO_DATA and intake.result_registry:
        return data_unavailable_messages(intake.result_registry)
    if intake.status == IntakeStatus.FAILED and intake.result_registry:
        return registry_messages(INTAKE_FAILED, intake.result_registry)
    if intake.status == IntakeStatus.WAITING:
        waiting_for = next((registry for registry, message_id in intake.message_ids.items()
                            if gateway_selectors.lookup_is_waiting(message_id)), GBD_FL)
        return registry_messages(INTAKE_WAITING, waiting_for)
    return None
