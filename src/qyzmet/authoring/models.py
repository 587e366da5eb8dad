"""A regulation being drafted: the act's text it came from, the definition as edited, and its publication."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qyzmet.catalog.models import ServiceVersion


class RegulationDraft(models.Model):
    """One definition drafted from an act (or from the current version), edited until a second person publishes it.

    `content` is the YAML a reviewer edits; `needs_review` inside it lists what is still to settle and
    must be empty before publication. Once published the draft is frozen and points at the version it became.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    service_slug = models.SlugField(max_length=80, db_index=True)
    title = models.TextField()
    jurisdiction = models.CharField(max_length=32, blank=True)
    base_version = models.ForeignKey(
        ServiceVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="drafts_based_on_it"
    )
    source_name = models.CharField(max_length=200, blank=True)
    source_text = models.TextField(blank=True)
    content = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True, help_text=_("SHA-256 of the content that was signed."))
    signature = models.BinaryField(null=True, blank=True, help_text=_("The approver's detached CMS over the content."))
    published_version = models.OneToOneField(
        ServiceVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="published_from"
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | (models.Q(approved_by__isnull=False) & models.Q(published_version__isnull=False)),
                name="authoring_published_has_approver_and_version",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("created_by")),
                name="authoring_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_slug} ({self.get_status_display()})"
