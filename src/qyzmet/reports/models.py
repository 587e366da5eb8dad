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
