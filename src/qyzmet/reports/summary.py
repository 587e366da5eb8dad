"""The SLA summary: closed cases per filing date, service and provider, kept as cases close and reopen.

The SLA report counts, for cases filed in a period, how many closed, how many of those on time,
how many late, how many still open (`selectors.sla_compliance`). Probing every case's tasks for
lateness grows with a year's cases (ADR 0027), so closed cases are counted once, here:

* `sla_case_closed` adds a case to its `SlaDay` row (its local filing date, provider, service) in
  the engine's closing transaction, with its lateness at that moment;
* `sla_case_reopened` takes it out again when an appeal reopens it (before its tasks change);
* `sla_days_rebuild` recomputes every row from the cases (after a bulk load, or to repair).

A closed case's tasks are all done, so its lateness never changes afterwards: the sums stay exact.
Open cases are few (the work in progress, not the year) and are counted live by the report.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate

from qyzmet.calendar import TIMEZONE
from qyzmet.cases.models import Case, CaseStatus, Task, TaskStatus
from qyzmet.reports.models import SlaDay


def task_late_q(now: datetime) -> Q:
    """Tasks that are late at `now`: done after their `due_at`, or open with `due_at` before `now`."""
    return Q(status=TaskStatus.DONE, completed_at__gt=F("due_at")) | Q(status=TaskStatus.OPEN, due_at__lt=now)


def case_late(case: Case, now: datetime) -> bool:
    """Whether any task of the case is late at `now` (ADR 0010's rule)."""
    return Task.objects.filter(case_id=case.pk).filter(task_late_q(now)).exists()


_UPSERT = (
    "INSERT INTO {table} (day, provider_id, service_slug, closed, late) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (day, provider_id, service_slug) DO UPDATE "
    "SET closed = {table}.closed + excluded.closed, late = {table}.late + excluded.late"
)


def _count(case: Case, *, late: bool, sign: int) -> None:
    day = case.filed_at.astimezone(TIMEZONE).date()
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=SlaDay._meta.db_table),
                       [day, case.provider_id, case.service_slug, sign, sign if late else 0])


def sla_case_closed(case: Case, *, now: datetime) -> None:
    """Count a case that has just closed (call in the closing transaction, its tasks done). Two queries."""
    _count(case, late=case_late(case, now), sign=1)


def sla_case_reopened(case: Case, *, now: datetime) -> None:
    """Take a closed case out of the counts (call before reopening changes its status or tasks)."""
    if case.status == CaseStatus.IN_PROGRESS:
        return
    _count(case, late=case_late(case, now), sign=-1)


@transaction.atomic
def sla_days_rebuild(*, now: datetime) -> int:
    """Recompute every `SlaDay` row from the closed cases (one grouped query); the rows written."""
    grouped = (
        Case.objects.filter(status__in=CaseStatus.closed())
        .annotate(day=TruncDate("filed_at", tzinfo=TIMEZONE),
                  is_late=Exists(Task.objects.filter(case=OuterRef("pk")).filter(task_late_q(now))))
        .values("day", "provider_id", "service_slug")
        .annotate(closed=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
        .order_by()
    )
    rows = [SlaDay(day=row["day"], provider_id=row["provider_id"], service_slug=row["service_slug"],
                   closed=row["closed"], late=row["late"]) for row in grouped]
    SlaDay.objects.all().delete()
    SlaDay.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
