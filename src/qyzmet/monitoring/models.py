"""Escalations of overdue tasks: at most one per (task, level), by a unique constraint."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from qyzmet.cases.models import Case, Task
from qyzmet.identity.models import Organization


class EscalationLevel(models.TextChoices):
    HEAD = "head", _("head of the organization")
    MONITOR = "monitor", _("oblast quality monitor")


class Escalation(models.Model):
    """An overdue task brought to the attention of the organization's head, or of the oblast's quality monitor."""

    Level = EscalationLevel

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="escalations")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(max_length=16, choices=EscalationLevel.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="escalations", help_text=_("where it was escalated to")
    )
    recipients: models.JSONField[Any] = models.JSONField(default=list, help_text=_("IINs of the people told"))
    escalated_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-escalated_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["task", "level"], name="monitoring_escalation_once")]

    def __str__(self) -> str:
        return f"task {self.task_id} → {self.level}"
