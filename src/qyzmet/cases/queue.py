"""The waiting list (the preschool queue): entering it, and directing the child first in line, signed.

Part of the case engine; `qyzmet.cases.services` re-exports every name.
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
from qyzmet.cases.selectors import route_of
from qyzmet.identity.access import user_has_role
from qyzmet.identity.models import Organization, User
from qyzmet.signatures.backends import get_verifier

DIRECTION_DETAILS: Final = {"directed_from_queue": True}


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
    earlier = case_directed_by(idempotency_key)
    if earlier is not None:
        return earlier
    entry = _queue_first_waiting(locality, age_group, lock=True)
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
