"""The operational hall: its windows, the electronic queue's tickets, and the operator's intakes.

A `QueueTicket` is taken at the kiosk and served in order (no appointments, no priority:
rule 17 of the seeds); an operator at a `HallWindow` calls the next one and finishes it,
and the ticket keeps when it was called and finished, so the service time per ticket and per
window can be read back. An `Intake` is one application taken by an operator: it ends filed
(a case), refused to accept (a receipt, no case), with "data cannot be obtained", or waits
while a registry does not answer. Writes are in `services/`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qyzmet.cases.models import Case, Receipt
from qyzmet.catalog.models import ServiceVersion
from qyzmet.identity.models import Organization, User


class HallWindow(models.Model):
    """A service window of a State Corporation branch, and the operator sitting at it now."""

    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="hall_windows")
    number = models.PositiveSmallIntegerField()
    operator = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="hall_windows")
    is_open = models.BooleanField(default=False)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["branch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "number"], name="hall_window_number_unique"),
            models.CheckConstraint(condition=Q(is_open=False) | Q(operator__isnull=False),
                                   name="hall_open_window_has_operator"),
        ]

    def __str__(self) -> str:
        return f"{self.branch.code} window {self.number}"


class TicketCounter(models.Model):
    """The last ticket number given per branch and day; incremented under a row lock."""

    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="ticket_counters")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "day"], name="hall_ticket_counter_unique")]

    def __str__(self) -> str:
        return f"{self.branch.code} {self.day}: {self.last}"


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    CALLED = "called", _("called to a window")
    DONE = "done", _("served")
    NO_SHOW = "no_show", _("did not come")


class TicketQuerySet(models.QuerySet["QueueTicket"]):
    def waiting(self) -> Self:
        return self.filter(status=TicketStatus.WAITING)

    def in_order(self) -> Self:
        return self.order_by("issued_at", "sequence", "pk")


class QueueTicket(models.Model):
    """A ticket of the electronic queue (талон with the queue number)."""

    Status = TicketStatus

    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="queue_tickets")
    day = models.DateField(help_text=_("the local date the ticket was taken"))
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=16, help_text=_("shown on the ticket and the hall board"))
    service_slug = models.SlugField(max_length=80, blank=True)
    status = models.CharField(max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    window = models.ForeignKey(HallWindow, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    operator = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="served_tickets")
    issued_at = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The kiosk page's one-time form key: a repeated press of the same page gives this ticket back.
    request_key = models.CharField(max_length=64, blank=True, default="")

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["branch", "day", "sequence"]
        indexes = [models.Index(fields=["branch", "status", "issued_at"], name="hall_ticket_queue")]
        constraints = [
            models.UniqueConstraint(fields=["branch", "day", "sequence"], name="hall_ticket_sequence_unique"),
            models.UniqueConstraint(fields=["branch", "request_key"], condition=~Q(request_key=""),
                                    name="hall_ticket_request_key_unique"),
            models.CheckConstraint(condition=Q(status__in=TicketStatus.values), name="hall_ticket_status_known"),
            models.CheckConstraint(condition=Q(status=TicketStatus.WAITING) | Q(called_at__isnull=False),
                                   name="hall_ticket_called_has_timestamp"),
            models.CheckConstraint(
                condition=Q(status__in=[TicketStatus.WAITING, TicketStatus.CALLED]) | Q(finished_at__isnull=False),
                name="hall_ticket_finished_has_timestamp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch.code} {self.day} {self.number}"

    @property
    def service_time(self) -> timedelta | None:
        """From the call to the window until the ticket was finished."""
        if self.called_at is None or self.finished_at is None or self.status != TicketStatus.DONE:
            return None
        return self.finished_at - self.called_at

    @property
    def waiting_time(self) -> timedelta | None:
        return self.called_at - self.issued_at if self.called_at else None


class IntakeStatus(models.TextChoices):
    QUERYING = "querying", _("checking the registries")
    WAITING = "waiting_registry", _("waiting for a registry")
    FILED = "filed", _("sent to the provider and registered")
    NO_DATA = "no_data", _("data cannot be obtained")
    REFUSED = "refused_to_accept", _("refused to accept (receipt issued)")
    FAILED = "failed", _("the registry did not answer; not sent")

    @classmethod
    def open(cls) -> list[str]:
        return [cls.QUERYING, cls.WAITING]


class Intake(models.Model):
    """One application taken by a State Corporation operator, and how its intake ended."""

    Status = IntakeStatus

    number = models.CharField(max_length=40, unique=True)
    request_id = models.CharField(max_length=64, unique=True, help_text=_("the workstation's id; a repeat is a no-op"))
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="intakes")
    operator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="intakes")
    ticket = models.ForeignKey(QueueTicket, null=True, blank=True, on_delete=models.PROTECT, related_name="intakes")
    service_version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="intakes")
    service_slug = models.SlugField(max_length=80)
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="provider_intakes")
    applicant_iin = models.CharField(max_length=12, db_index=True)
    applicant_bin = models.CharField(max_length=12, blank=True)
    applicant_name = models.CharField(max_length=300, blank=True)
    representative_iin = models.CharField(max_length=12, blank=True)
    power_of_attorney: models.JSONField[Any] = models.JSONField(
        default=dict, blank=True, help_text=_("as the operator entered it: number, notarised or not"))
    power_of_attorney_data: models.JSONField[Any] = models.JSONField(
        default=dict, blank=True, help_text=_("filled from ЕНИС, only for a notarised power of attorney"))
    documents: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    form: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=2, default="kk",
                                help_text=_("the applicant's language (kk, ru, en), passed on to the case"))
    request_content = models.BinaryField(default=b"", blank=True,
                                         help_text=_("the canonical request the operator signed"))
    request_signature = models.BinaryField(default=b"", blank=True,
                                           help_text=_("the operator's detached CMS signature"))
    message_ids: models.JSONField[Any] = models.JSONField(default=dict, blank=True,
                                                          help_text=_("the gateway message id per registry"))
    status = models.CharField(max_length=20, choices=IntakeStatus.choices, default=IntakeStatus.QUERYING)
    result_registry = models.CharField(max_length=16, blank=True, help_text=_("the registry that had no data"))
    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="sc_intake")
    receipt = models.OneToOneField(Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="sc_intake")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["branch", "status"], name="hall_intake_branch_status")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=IntakeStatus.values), name="hall_intake_status_known"),
            models.CheckConstraint(condition=~Q(status=IntakeStatus.FILED) | Q(case__isnull=False),
                                   name="hall_filed_intake_has_case"),
            models.CheckConstraint(condition=~Q(status=IntakeStatus.REFUSED) | Q(receipt__isnull=False),
                                   name="hall_refused_intake_has_receipt"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in IntakeStatus.open()
