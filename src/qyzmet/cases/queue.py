"""Waiting lists: entering one, and directing the case first in line, signed.

What a list is split by, whose place an entry is, and which decision and documents direct a case
out of it, and who directs, are the definition's `waiting_list` (ADR 0024); nothing here names a
service. Part of the case engine; `qyzmet.cases.services` re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from django.db import transaction

from qyzmet.cases import errors
from qyzmet.cases.documents import (
    _document_create,
    _document_signature_store,
    _documents_issue,
    _signature_checked,
    document_content,
)
from qyzmet.cases.events import case_event_record
from qyzmet.cases.idempotency import case_directed_by
from qyzmet.cases.models import Case, CaseStatus, QueueEntry
from qyzmet.cases.selectors import definition_of, route_of
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.schema import ServiceDefinition, WaitingList
from qyzmet.identity.access import user_has_role
from qyzmet.identity.models import Organization, User
from qyzmet.signatures.backends import get_verifier

DIRECTION_DETAILS: Final = {"directed_from_queue": True}


def _waiting_list(definition: ServiceDefinition) -> WaitingList:
    if definition.waiting_list is None:  # the lint makes every 'queued' outcome come with one
        raise errors.TransitionNotAllowed("decision_required", choices="issued, refused")
    return definition.waiting_list


def _queue_enter(case: Case, definition: ServiceDefinition, *, now: datetime) -> QueueEntry:
    """Put the case in its waiting list: the locality is its provider, the group and the person come from the
    application fields the definition's `waiting_list` names."""
    spec = _waiting_list(definition)
    group = str(case.form.get(spec.group_by) or "") if spec.group_by else ""
    person = str(case.form.get(spec.person) or "") if spec.person else ""
    entry = QueueEntry.objects.create(
        case=case,
        locality=case.provider,
        group=group,
        person_iin=person or case.applicant_iin,
        registered_at=now,
    )
    case_event_record(case=case, kind="queue_entered", at=now, data={"locality": case.provider.code, "group": group})
    return entry


@dataclass(frozen=True)
class DirectionPreview:
    """The case of the child next in line and the exact bytes of its direction documents (to sign first)."""

    case: Case
    documents: dict[str, bytes]


def _directing_roles(entry: QueueEntry | None) -> list[str]:
    """Who may direct from a list: the role its first case's definition names; with nobody waiting, any role a
    waiting list of the catalogue names."""
    if entry is not None:
        return [_waiting_list(definition_of(entry.case)).direction.by.value]
    definitions = catalog_default().latest_all()
    return sorted({d.waiting_list.direction.by.value for d in definitions if d.waiting_list is not None})


def _queue_clerk_ensure(actor: User, locality: Organization, entry: QueueEntry | None = None) -> None:
    roles = _directing_roles(entry)
    if not any(user_has_role(actor, role, locality) for role in roles):
        raise errors.TransitionNotAllowed("wrong_role", role=", ".join(roles) or "-")


def _queue_first_waiting(locality: Organization, group: str, *, lock: bool) -> QueueEntry | None:
    entries = QueueEntry.objects.filter(locality=locality, group=group, status=QueueEntry.Status.WAITING)
    if lock:
        entries = entries.select_for_update()
    return entries.order_by("registered_at", "pk").first()


def _direction_contents(case: Case) -> dict[str, bytes]:
    """The bytes of the documents directing the case out of its waiting list (the definition's
    `waiting_list.direction`), as `_document_create` will make them."""
    definition = route_of(case).definition
    direction = _waiting_list(definition).direction
    return {
        document_id: document_content(
            case, definition, document_id, outcome=direction.outcome.value, ground=case.refusal_ground,
            details=dict(DIRECTION_DETAILS),
        )
        for document_id in direction.documents
    }


def queue_direction_preview(*, locality: Organization, group: str, actor: User) -> DirectionPreview | None:
    """The case `queue_direct_next` would direct now, and the direction bytes to sign; None if nobody waits.

    Only the role the waiting list names, at the locality, may see it (TransitionNotAllowed otherwise).
    Nothing is written.
    """
    entry = _queue_first_waiting(locality, group, lock=False)
    _queue_clerk_ensure(actor, locality, entry)
    if entry is None:
        return None
    case = Case.objects.select_related("provider", "service_version").get(pk=entry.case_id)
    return DirectionPreview(case, _direction_contents(case))


@transaction.atomic
def queue_direct_next(
    *, locality: Organization, group: str, actor: User, signatures: dict[str, str], now: datetime,
    idempotency_key: str | None = None,
) -> Case | None:
    """Direct the first waiting case of a locality and group to a freed place, signed by the directing role.

    `signatures` holds the actor's EDS signature (detached CMS, base64) of each direction document
    `queue_direction_preview` showed, by document id; a missing or invalid one, one by someone else
    (IIN), or a case other than the one previewed, raises TransitionNotAllowed and changes nothing.
    The same `idempotency_key` returns the case it directed first and directs nobody else.
    Side effects: the entry becomes directed (everyone behind moves up one place), the case gets the
    signed direction documents, issued, and the direction's outcome; events for each.
    """
    _queue_clerk_ensure(actor, locality, _queue_first_waiting(locality, group, lock=False))
    earlier = case_directed_by(idempotency_key)
    if earlier is not None:
        return earlier
    entry = _queue_first_waiting(locality, group, lock=True)
    # A twin request may have directed (and committed) while this one waited for the row lock: look again.
    earlier = case_directed_by(idempotency_key)
    if earlier is not None:
        return earlier
    if entry is None:
        return None
    case = Case.objects.select_for_update().get(pk=entry.case_id)
    verifier = get_verifier()
    checked = {
        document_id: _signature_checked(
            document_id, content, signatures.get(document_id), actor=actor, organization=locality,
            verifier=verifier, now=now,
        )
        for document_id, content in _direction_contents(case).items()
    }
    entry.status, entry.directed_at, entry.direction_key = QueueEntry.Status.DIRECTED, now, idempotency_key
    entry.save(update_fields=["status", "directed_at", "direction_key"])
    _case_direct(case, checked, signatures, actor=actor, locality=locality, now=now)
    return case


# The old name of the lookup, kept importable; the one home is `cases.idempotency.case_directed_by`.
_queue_directed_by = case_directed_by


def _case_direct(
    case: Case, checked: dict[str, bytes], signatures: dict[str, str], *, actor: User, locality: Organization,
    now: datetime,
) -> None:
    route = route_of(case)
    before = case.status
    case.outcome = _waiting_list(route.definition).direction.outcome.value
    case.status = CaseStatus(case.outcome)
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
