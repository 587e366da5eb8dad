"""One row per thing said to one person about one case: exactly once per (case, kind, key)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from qyzmet.cases.models import Case, CaseEvent, Receipt
from qyzmet.identity.models import User


class NotificationKind(models.TextChoices):
    ACCEPTED = "accepted", _("application accepted")
    REFUSED_AT_INTAKE = "refused_at_intake", _("refused at intake")
    RESULT_READY = "result_ready", _("result ready")
    ENDED = "ended", _("case ended by a refusal message")
    OVERDUE = "overdue", _("overdue, with an apology and the new expected date")
    ESCALATED = "escalated", _("overdue task escalated")
    APPEAL_DECIDED = "appeal_decided", _("appeal decided")


class Channel(models.TextChoices):
    CABINET = "cabinet", _("personal cabinet")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("e-mail")


class Notification(models.Model):
    """A message to one person. `dedup_key` = case:kind:key, unique, so a second worker or a retry adds nothing."""

    Kind = NotificationKind

    recipient = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    recipient_iin = models.CharField(max_length=12, db_index=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    key = models.CharField(max_length=120, help_text=_("what makes it distinct within the case and kind"))
    dedup_key = models.CharField(max_length=200, unique=True)
    params: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=2, default="kk")
    channels: models.JSONField[Any] = models.JSONField(default=list)
    created_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivered: models.JSONField[Any] = models.JSONField(default=dict, blank=True, help_text=_("channel → address"))
    attempts = models.PositiveIntegerField(default=0)
    source_event = models.OneToOneField(
        CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="notification"
    )
    source_receipt = models.OneToOneField(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="notification"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "created_at"], name="notifications_by_recipient")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_iin} ({self.dedup_key})"


class NotificationContact(models.Model):
    """Where a person wants e-mail (the user record has no address)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notification_contact")
    email = models.EmailField()

    def __str__(self) -> str:
        return f"{self.user.iin}: {self.email}"
