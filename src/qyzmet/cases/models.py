"""Applications become cases; each step of the regulation becomes a task with its deadline.

A case is pinned to the catalogue version (`ServiceVersion`) in force when it was filed and
runs that definition's channel. Every action on a case is a `CaseEvent`, hash-chained per
case. Results are `ResultDocument`s, signed where the regulation says so. A refusal to accept
an incomplete package creates a `Receipt` and no case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qyzmet.catalog.models import ServiceVersion
from qyzmet.identity.models import Organization, User


class CaseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("in progress")
    ISSUED = "issued", _("result issued")
    REFUSED = "refused", _("refused")
    QUEUED = "queued", _("in the queue")
    ENDED = "ended", _("ended by a refusal message")

    @classmethod
    def closed(cls) -> list[str]:
        return [cls.ISSUED, cls.REFUSED, cls.QUEUED, cls.ENDED]


class CaseLanguage(models.TextChoices):
    KAZAKH = "kk", "Қазақша"
    RUSSIAN = "ru", "Русский"
    ENGLISH = "en", "English"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> Self:
        return self.filter(status=CaseStatus.IN_PROGRESS)

    def of_applicant(self, iin: str) -> Self:
        return self.filter(applicant_iin=iin)


class Case(models.Model):
    """One application accepted for processing, pinned to a regulation version and a channel."""

    Status = CaseStatus
    Language = CaseLanguage

    number = models.CharField(max_length=80, unique=True, help_text=_("registration number shown to the applicant"))
    service_version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="cases")
    definition_sha256 = models.CharField(
        max_length=64, blank=True, help_text=_("content hash of the regulation version the case runs under")
    )
    service_slug = models.SlugField(max_length=80, db_index=True)
    channel = models.CharField(max_length=32)
    language = models.CharField(
        max_length=2,
        choices=CaseLanguage.choices,
        default=CaseLanguage.KAZAKH,
        help_text=_("the applicant's language at filing; result documents are issued in it"),
    )
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.IN_PROGRESS)
    outcome = models.CharField(max_length=16, blank=True, help_text=_("issued / refused / queued, once decided"))
    refusal_ground = models.TextField(blank=True)
    applicant = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    applicant_iin = models.CharField(max_length=12, db_index=True)
    applicant_name = models.CharField(max_length=300)
    representative_iin = models.CharField(max_length=12, blank=True)
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="provided_cases")
    intake_office = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake_cases",
        help_text=_("the State Corporation branch or rural akim's office that took the application"),
    )
    form: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    attachments: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    intake_checks: models.JSONField[Any] = models.JSONField(
        default=dict, blank=True,
        help_text=_("the branch each automatic check took by the intake's findings (step id → branch); "
                    "a check not named takes its success branch"),
    )
    confirmation = models.CharField(max_length=16, blank=True, help_text=_("eds / otp / operator_eds / paper"))
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    filed_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at", "-pk"]
        indexes = [
            models.Index(fields=["provider", "status"], name="cases_case_provider_status"),
            # Reports filter cases by the filing period (qyzmet.reports).
            models.Index(fields=["filed_at", "provider"], name="cases_case_filed_provider"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CaseStatus.IN_PROGRESS) | Q(closed_at__isnull=False),
                name="cases_case_closed_has_timestamp",
            ),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="cases_case_status_known"),
        ]

    def __str__(self) -> str:
        return self.number


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> Self:
        return self.filter(status=TaskStatus.OPEN)

    def due_before(self, moment: datetime) -> Self:
        return self.filter(due_at__lt=moment)


class Task(models.Model):
    """One step of the case's channel, for one role in one organization, with its deadline."""

    Status = TaskStatus

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    sequence = models.PositiveIntegerField(help_text=_("order of the task in its case"))
    step_id = models.CharField(max_length=80)
    phase = models.CharField(max_length=16)
    role = models.CharField(max_length=32)
    does = models.CharField(max_length=32)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text=_("empty for the applicant or a system"),
    )
    assignee = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    duration_value = models.PositiveIntegerField(null=True, blank=True)
    duration_unit = models.CharField(max_length=16, blank=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="completed_tasks"
    )
    branch = models.CharField(max_length=40, blank=True, help_text=_("the branch taken, where the step branches"))
    overdue_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text=_("set by the sweeper when the deadline passed while open")
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="cases_task_sequence_unique"),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.OPEN) | Q(completed_at__isnull=False),
                name="cases_task_done_has_timestamp",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "role", "status"], name="cases_task_queue"),
            # The work queue: a role's open tasks soonest deadline first, read in order up to the page's limit
            # (no sort of every open task; make bench, scale_bench).
            models.Index(fields=["organization", "role", "due_at", "id"], condition=Q(status=TaskStatus.OPEN),
                         name="cases_task_open_queue"),
            # The SLA report's "is any task of the case late" probe, answered from the index alone.
            models.Index(fields=["case"], include=["status", "due_at", "completed_at"], name="cases_task_case_timing"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} #{self.sequence} {self.step_id}"

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None


class CaseEvent(models.Model):
    """An append-only record of one action on a case, hash-chained to the previous one of the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="case_events")
    actor_iin = models.CharField(max_length=12, blank=True)
    role = models.CharField(max_length=32, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="case_events"
    )
    step_id = models.CharField(max_length=80, blank=True)
    state_before = models.CharField(max_length=80, blank=True)
    state_after = models.CharField(max_length=80, blank=True)
    data: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    signature = models.TextField(blank=True, help_text=_("base64 CMS signature made in this action, if any"))
    at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="cases_event_sequence_unique")]
        # The notifications' catch-up and the reports read the log by kind over a period.
        indexes = [models.Index(fields=["kind", "at"], name="cases_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.kind}"


class ResultDocument(models.Model):
    """A document the case produced: the result (or refusal), an intermediate act, a cover letter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    number = models.CharField(
        max_length=96, unique=True, help_text=_("the document number printed on it and checked at /verify/<number>/")
    )
    document_id = models.CharField(max_length=80, help_text=_("the id in the regulation definition"))
    kind = models.CharField(max_length=32)
    title = models.TextField()
    intermediate = models.BooleanField(default=False)
    content = models.BinaryField(help_text=_("the canonical bytes that are signed"))
    content_type = models.CharField(max_length=64, default="application/pdf")
    signature = models.BinaryField(null=True, blank=True, help_text=_("detached CMS (DER)"))
    signed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="signed_documents"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    verification_code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    delivered_to = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "document_id"], name="cases_document_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.document_id}"


class Receipt(models.Model):
    """A receipt given to the applicant: of acceptance (with the incoming number) or of refusal to accept."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("receipt of acceptance")
        REFUSAL_TO_ACCEPT = "refusal_to_accept", _("receipt of refusal to accept")

    number = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts")
    service_version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="receipts")
    channel = models.CharField(max_length=32)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="receipts")
    applicant_iin = models.CharField(max_length=12, db_index=True)
    applicant_name = models.CharField(max_length=300)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts")
    form = models.CharField(max_length=80, blank=True, help_text=_("the receipt form the regulation names"))
    grounds: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    missing: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class NumberSequence(models.Model):
    """The last number given per (organization, year, series); incremented under a row lock."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="number_sequences")
    year = models.PositiveIntegerField()
    series = models.CharField(max_length=16)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "series"], name="cases_number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization.code} {self.year} {self.series}: {self.last}"


class QueueEntry(models.Model):
    """A place in a waiting list: per locality and group (the definition's `waiting_list`), in filing order."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        DIRECTED = "directed", _("directed to a place")
        WITHDRAWN = "withdrawn", _("withdrawn")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="queue_entry")
    locality = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="queue_entries")
    group = models.CharField(
        max_length=16, blank=True, help_text=_("the value of the application field the waiting list is split by")
    )
    person_iin = models.CharField(max_length=12, help_text=_("whose place it is (the waiting list's person field)"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    registered_at = models.DateTimeField()
    directed_at = models.DateTimeField(null=True, blank=True)
    direction_key = models.CharField(
        max_length=80, null=True, blank=True, unique=True,
        help_text=_("the idempotency key of the request that directed this child; a retry returns this entry"),
    )

    class Meta:
        ordering = ["locality", "group", "registered_at", "pk"]
        indexes = [models.Index(fields=["locality", "group", "status", "registered_at"], name="cases_queue_order")]

    def __str__(self) -> str:
        return f"{self.locality.code} {self.group} {self.person_iin}"
