"""An appeal is a case of its own (of a `kind: appeal` definition) linked to the case it complains about."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qyzmet.cases.models import Case


class AppealSubject(models.TextChoices):
    DECISION = "decision", _("a decision")
    ACTION = "action", _("an action")
    INACTION = "inaction", _("inaction")


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", _("upheld")
    REJECTED = "rejected", _("rejected")


# The appeal case's outcome in the engine's terms: an upheld complaint is "issued" (satisfied),
# a rejected one "refused" (with its reason as the ground).
OUTCOME_OF: dict[str, str] = {AppealDecision.UPHELD: "issued", AppealDecision.REJECTED: "refused"}


class Appeal(models.Model):
    """The link between an appeal's own case and the original case, what it is about, and how it ended."""

    Subject = AppealSubject
    Decision = AppealDecision

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="appeal")
    original = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    subject = models.CharField(max_length=16, choices=AppealSubject.choices)
    text = models.TextField()
    filed_at = models.DateTimeField()
    decision = models.CharField(max_length=16, choices=AppealDecision.choices, blank=True)
    reopen_step = models.CharField(
        max_length=80, blank=True, help_text=_("the original's step an upheld appeal reopens")
    )
    reason = models.TextField(blank=True, help_text=_("why a rejected appeal was rejected"))
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.original.number}"
