"""The schedule of periodic jobs: one row per job, its next slot claimed with a conditional update."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledJob(models.Model):
    """A periodic job's next slot. A worker runs a slot only if its UPDATE moved `next_run_at` on first."""

    name = models.SlugField(max_length=64, unique=True)
    next_run_at = models.DateTimeField(db_index=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_worker = models.CharField(max_length=100, blank=True, help_text=_("the worker that claimed the last slot"))
    runs = models.PositiveIntegerField(default=0, help_text=_("slots claimed so far"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_run_at:%Y-%m-%d %H:%M:%S}"
