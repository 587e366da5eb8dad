"""Filing a case: what an intake hands to the engine, and opening the case with its first steps.

Part of the case engine; `qyzmet.cases.services` re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from qyzmet.audit.checkpoints import case_checkpoints_deferred
from qyzmet.cases import errors
from qyzmet.cases.events import case_event_chain_released, case_event_chain_started, case_event_record
from qyzmet.cases.idempotency import case_by_key
from qyzmet.cases.models import Case, Receipt
from qyzmet.cases.numbers import number_next
from qyzmet.cases.tasks import _advance
from qyzmet.cases.telling import _applicant_tell
from qyzmet.cases.workflow import Route, branch_ensure, is_automatic
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version
from qyzmet.core import context, metrics
from qyzmet.identity.models import Organization, User


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
    decisions: dict[str, str] = field(default_factory=dict)  # automatic check step id → the branch it took
    idempotency_key: str | None = None
    signature: str = ""
    language: str = "kk"


@transaction.atomic
@case_checkpoints_deferred()
def case_file(*, filing: Filing, actor: User | None, now: datetime) -> Case:
    """Open a case for an accepted application and start its first steps.

    The same `idempotency_key` always returns the case it first created, so a retried request
    never makes two cases. Side effects: writes the case, its first tasks and events, and for
    channels whose regulation gives a receipt of acceptance, the receipt with the incoming number.
    """
    existing = case_by_key(filing.idempotency_key)
    if existing is not None:
        return existing
    version = filing.service_version
    definition = definition_of_version(version)
    codes = [c.code.value for c in definition.channels]
    if filing.channel not in codes:
        raise errors.channel_unavailable(filing.channel)
    _checks_ensure(Route(definition, filing.channel), filing.decisions)
    case = Case.objects.create(
        number=number_next(organization=filing.provider, series="C", now=now),
        service_version=filing.service_version,
        definition_sha256=version.sha256,
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
        intake_checks=dict(filing.decisions),
        filed_at=now,
    )
    case_event_chain_started(case)
    try:
        _case_filed_advance(case, definition, filing=filing, actor=actor, now=now)
    finally:
        case_event_chain_released(case)
    return case


def _checks_ensure(route: Route, checks: dict[str, str]) -> None:
    """Every check the intake reports is an automatic branching step of the channel, with one of its branches."""
    for step_id, branch in checks.items():
        step = route.get(step_id).step if step_id in {s.id for s in route.steps} else None
        if step is None or not is_automatic(step) or not step.branches:
            raise errors.TransitionNotAllowed("unexpected_input", field=f"decisions.{step_id}")
        branch_ensure(step, branch)


def _case_filed_advance(
    case: Case, definition: ServiceDefinition, *, filing: Filing, actor: User | None, now: datetime
) -> None:
    """The new case's first events, its receipt of acceptance, and its first steps (the chain's end carried)."""
    filed = case_event_record(
        case=case,
        kind="case_filed",
        at=now,
        actor=actor,
        state_after=case.status,
        data={
            "service": definition.id,
            "version": definition.version,
            "sha256": case.definition_sha256,
            "channel": filing.channel,
            "confirmation": filing.confirmation,
        },
        signature=filing.signature,
    )
    route = Route(definition, filing.channel)
    if route.gives_acceptance_receipt() and definition.acceptance_receipt is not None:
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
    _advance(case, route, route.first(), now=now, decisions=filing.decisions, sequence=1)  # a new case
    # Told after the first tasks opened: "accepted" carries the expected date computed from them.
    _applicant_tell(filed, now=now)
    context.case_number_bind(case.number)
    channel = filing.channel
    transaction.on_commit(lambda: metrics.application_filed(channel))  # counted once it is really filed
