"""Pre-aggregated measures the reports read instead of recomputing working time for every task.

`TaskTiming` holds, for each completed staff task, the working time it took and how far it went
past its deadline, in the unit the reports use (`selectors.report_unit`). A completed task never
changes, so its timing is computed once, by `services.task_timings_refresh` (safe to run twice
and from several workers). The selectors compute what is not yet refreshed on the fly, so a
report is exact whether or not the refresh has run.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qyzmet.cases.models import Task
from qyzmet.identity.models import Organization


class TaskTiming(models.Model):
    """Working time of one completed task: used (start → completion) and overrun (deadline → completion)."""

    task = models.OneToOneField(Task, primary_key=True, on_delete=models.CASCADE, related_name="timing")
    unit = models.CharField(max_length=16, help_text=_("minutes, hours or working_days"))
    used = models.IntegerField()
    late = models.BooleanField(help_text=_("completed after its deadline"))
    overrun = models.IntegerField(default=0, help_text=_("working time past the deadline; 0 when on time"))
    measured_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"task {self.task_id}: {self.used} {self.unit}"


class SlaDay(models.Model):
    """Closed cases filed on one local date (Asia/Almaty) for one service at one provider, and how many were late.

    Kept by `reports.summary`: a case is added when it closes and taken out again when an appeal reopens it,
    in the same transaction, so the SLA report sums these rows instead of probing a year of cases' tasks. A
    closed case's lateness no longer changes (its tasks are all done). Open cases are counted live.
    """

    day = models.DateField(help_text=_("the local date the cases were filed on"))
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    service_slug = models.SlugField(max_length=80)
    closed = models.IntegerField(default=0, help_text=_("closed cases"))
    late = models.IntegerField(default=0, help_text=_("closed cases with a task completed after its deadline"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "provider", "service_slug"], name="reports_sladay_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_slug} @{self.provider_id}: {self.closed} closed, {self.late} late"
