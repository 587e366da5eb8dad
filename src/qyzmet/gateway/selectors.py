"""Reads of the message log shaped for screens: who looked up a person, what is still waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from qyzmet.core.i18n import LANGUAGES
from qyzmet.gateway.models import GatewayMessage, LookupSubject, PendingRequest
from qyzmet.gateway.registries import REGISTRIES

WAITING: str = "waiting"


@dataclass(frozen=True)
class SubjectLookup:
    """One look-up of a person's data, as the person may see it."""

    at: datetime
    answered_at: datetime | None
    registry: str
    registry_name: dict[str, str]
    roles: tuple[str, ...]
    actor_iin: str
    actor_name: str
    organization_code: str
    organization_name: str
    purpose: str
    reference: str
    case_number: str
    status: str
    message_id: str


# What a SubjectLookup is made of, read through a LookupSubject.
SUBJECT_LOOKUP_COLUMNS = (
    "message_id", "role", *(f"message__{name}" for name in (
        "message_id", "registry", "actor_iin", "purpose", "reference", "case_number", "status", "outcome",
        "created_at", "answered_at", "actor__surname", "actor__given_name", "actor__patronymic",
        "organization__code", "organization__name_ru", "pending__status")),
)


def _status(message: GatewayMessage) -> str:
    """found / not_found once answered; waiting while a pending re-send is due; else the failure."""
    if message.is_answered:
        return message.outcome
    pending = getattr(message, "pending", None)
    if pending is not None and pending.status == PendingRequest.Status.WAITING:
        return WAITING
    return message.status


def lookups_of_subject(iin: str, *, limit: int | None = None) -> list[SubjectLookup]:
    """Every look-up of the person with this IIN (the newest `limit` ones), newest first: when, which
    registry, who, why, which case.

    Includes look-ups still waiting for the registry and those that failed, with their status.
    """
    subjects = (LookupSubject.objects.filter(iin=iin.strip())
                .select_related("message", "message__actor", "message__organization", "message__pending")
                .only(*SUBJECT_LOOKUP_COLUMNS)  # not the request's and answer's JSON (the person's data itself)
                .order_by("-message__created_at", "-message__pk", "pk"))
    if limit is not None:  # the newest messages first, so a person with years of look-ups costs no more
        newest = (GatewayMessage.objects.filter(subjects__iin=iin.strip()).order_by("-created_at", "-pk")
                  .distinct().values_list("pk", flat=True)[:limit])
        subjects = subjects.filter(message_id__in=newest)  # a subquery: still one query
    roles: dict[int, list[str]] = {}
    messages: dict[int, GatewayMessage] = {}
    for subject in subjects:
        messages.setdefault(subject.message_id, subject.message)
        roles.setdefault(subject.message_id, []).append(subject.role)
    return [_lookup(message, tuple(roles[pk])) for pk, message in messages.items()]


def _lookup(message: GatewayMessage, roles: tuple[str, ...]) -> SubjectLookup:
    spec = REGISTRIES.get(message.registry)
    return SubjectLookup(
        at=message.created_at, answered_at=message.answered_at, registry=message.registry,
        registry_name={language: spec.name(language) for language in LANGUAGES} if spec else {},
        roles=roles, actor_iin=message.actor_iin, actor_name=message.actor.full_name if message.actor else "",
        organization_code=message.organization.code if message.organization else "",
        organization_name=message.organization.name_ru if message.organization else "",
        purpose=message.purpose, reference=message.reference, case_number=message.case_number,
        status=_status(message), message_id=message.message_id,
    )


def messages_for_reference(reference: str) -> QuerySet[GatewayMessage]:
    """The look-ups made for one application (intake number or other reference), oldest first."""
    return GatewayMessage.objects.filter(reference=reference).order_by("created_at", "pk")


def pending_requests(*, status: str = PendingRequest.Status.WAITING) -> QuerySet[PendingRequest]:
    """Pending requests in a state (waiting by default), the next due first."""
    return PendingRequest.objects.filter(status=status).select_related("message").order_by("next_attempt_at", "pk")


def lookup_is_given_up(message_id: str) -> bool:
    """Whether the sweeper gave up re-sending this message (its registry never answered)."""
    return PendingRequest.objects.filter(message__message_id=message_id, status=PendingRequest.Status.FAILED).exists()


def lookup_is_waiting(message_id: str) -> bool:
    """Whether this message waits for its registry (a pending re-send is due)."""
    return PendingRequest.objects.filter(message__message_id=message_id, status=PendingRequest.Status.WAITING).exists()
