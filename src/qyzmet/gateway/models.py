"""The gateway's message log and its outbox of requests still waiting for a registry.

`GatewayMessage` is one request with its answer: who asked, for what purpose and which
application, what was sent, what came back, when, and the outcome. `LookupSubject` names
every person a message concerns (the person asked about, the parties of a power of
attorney, an entity's head), so "who looked up IIN X" is one indexed query. A request whose
registry did not answer gets a `PendingRequest`; the sweeper `services.gateway_retry_pending`
re-sends it (same message id) until it is answered or given up. Writes are in `services.py`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qyzmet.identity.models import Organization, User


class MessageStatus(models.TextChoices):
    SENT = "sent", _("sent, no answer yet")
    ANSWERED = "answered", _("answered")
    UNAVAILABLE = "unavailable", _("registry unavailable")
    REJECTED = "rejected", _("answer rejected (not trusted)")
    REFUSED = "refused", _("refused by the gateway")


class LookupOutcome(models.TextChoices):
    FOUND = "found", _("found")
    NOT_FOUND = "not_found", _("no record")


class GatewayMessage(models.Model):
    """One request through the gateway and its answer."""

    Status = MessageStatus
    Outcome = LookupOutcome

    message_id = models.CharField(max_length=64, unique=True)
    correlation_id = models.CharField(max_length=64, blank=True)
    service_id = models.CharField(max_length=64)
    registry = models.CharField(max_length=16, db_index=True)
    channel = models.CharField(max_length=8, default="sync")
    sender_id = models.CharField(max_length=32)
    subject_iin = models.CharField(max_length=12, blank=True, db_index=True)
    subject_bin = models.CharField(max_length=12, blank=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="gateway_messages",
                              help_text=_("empty: an automated process"))
    actor_iin = models.CharField(max_length=12, blank=True)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="gateway_messages", help_text=_("the office that asked"))
    purpose = models.TextField()
    reference = models.CharField(max_length=128, blank=True, db_index=True,
                                 help_text=_("what the look-up is for, e.g. the intake number"))
    case_number = models.CharField(max_length=80, blank=True, db_index=True)  # as cases.Case.number
    request: models.JSONField[Any] = models.JSONField()
    answer: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=MessageStatus.choices, default=MessageStatus.SENT)
    outcome = models.CharField(max_length=16, choices=LookupOutcome.choices, blank=True)
    delivery_status = models.CharField(max_length=20, blank=True, help_text=_("async channel: the delivery state"))
    attempts = models.PositiveIntegerField(default=0, help_text=_("HTTP attempts made so far"))
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="gateway_message_status_known"),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.ANSWERED) | (Q(answered_at__isnull=False) & ~Q(outcome="")),
                name="gateway_answered_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registry} {self.message_id} {self.status}"

    @property
    def is_answered(self) -> bool:
        return self.status == MessageStatus.ANSWERED


class LookupSubject(models.Model):
    """A person whose data a message asked for or received."""

    class Role(models.TextChoices):
        SUBJECT = "subject", _("the person asked about")
        PRINCIPAL = "principal", _("principal of a power of attorney")
        REPRESENTATIVE = "representative", _("representative under a power of attorney")
        HEAD = "head", _("head of a legal entity")

    message = models.ForeignKey(GatewayMessage, on_delete=models.PROTECT, related_name="subjects")
    iin = models.CharField(max_length=12, db_index=True)
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["message", "pk"]
        constraints = [models.UniqueConstraint(fields=["message", "iin", "role"], name="gateway_subject_once")]

    def __str__(self) -> str:
        return f"{self.iin} ({self.role}) in {self.message.message_id}"


class PendingQuerySet(models.QuerySet["PendingRequest"]):
    def waiting(self) -> Self:
        return self.filter(status=PendingRequest.Status.WAITING)

    def due(self, moment: datetime) -> Self:
        return self.waiting().filter(next_attempt_at__lte=moment)


class PendingRequest(models.Model):
    """A request whose registry did not answer: kept, re-sent later, then handed to its continuation."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for the registry")
        ANSWERED = "answered", _("answered")
        FAILED = "failed", _("given up")

    message = models.OneToOneField(GatewayMessage, on_delete=models.PROTECT, related_name="pending")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveIntegerField(default=0, help_text=_("re-sends made by the sweeper"))
    next_attempt_at = models.DateTimeField(db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    continuation = models.CharField(max_length=64, blank=True, help_text=_("what to resume once answered"))
    continuation_key = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PendingQuerySet.as_manager()

    class Meta:
        ordering = ["next_attempt_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="gateway_pending_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(finished_at__isnull=False), name="gateway_pending_finished_at",
            ),
        ]

    def __str__(self) -> str:
        return f"pending {self.message.message_id} ({self.status})"


class MessageLogEntry(models.Model):
    """The append-only, hash-chained gateway message log: what was sent, what came back, when.

    `GatewayMessage` is the working row (its status moves); each write to it appends an entry
    here in the same transaction, naming the hashes of the request and the answer. On
    PostgreSQL a trigger refuses UPDATE and DELETE; `qyzmet audit verify` checks the chain and
    that every GatewayMessage still says what its entries say.
    """

    class Kind(models.TextChoices):
        REQUEST = "request", _("request written")
        OUTCOME = "outcome", _("outcome recorded")
        CASE_LINK = "case_link", _("linked to a case")

    message_id = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    content: models.JSONField[Any] = models.JSONField()
    at = models.DateTimeField()
    chain_position = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain_position"]

    def __str__(self) -> str:
        return f"{self.chain_position} {self.kind} {self.message_id}"
