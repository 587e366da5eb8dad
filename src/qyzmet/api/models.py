"""What the API keeps of its own: bearer tokens (hashed), EDS log-in challenges, portal drafts.

Everything else belongs to the domain apps; the API only parses, checks access and calls them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qyzmet.cases.models import Case
from qyzmet.catalog.models import ServiceVersion
from qyzmet.identity.models import Organization, User


class ApiToken(models.Model):
    """A bearer token. Only the SHA-256 of the token is stored; the token itself is shown once."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("IIN and password")
        EDS = "eds", _("EDS (authentication key)")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    method = models.CharField(max_length=16, choices=Method.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"),
        ]

    def __str__(self) -> str:
        return f"token of {self.user_id} ({self.method})"

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class AuthChallenge(models.Model):
    """A random text the server asks a person to sign with their EDS authentication key; used once.

    Bound to the client that asked for it: `client_hash` is the SHA-256 of a secret only that client
    holds (the browser session keeps it; an API client gets it as `challenge_id`), so a signed
    challenge is worthless anywhere else. `address` counts the challenges one address holds open.
    """

    value = models.CharField(max_length=80, unique=True)
    client_hash = models.CharField(max_length=64, default="", help_text=_("SHA-256 of the requesting client's secret"))
    address = models.GenericIPAddressField(null=True, blank=True, help_text=_("the requesting client's IP address"))
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["address", "expires_at"], name="api_challenge_address_expires")]

    def __str__(self) -> str:
        return self.value


class ApplicationDraft(models.Model):
    """A portal application being prepared: what the citizen will sign (or confirm with a one-time password)."""

    applicant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="application_drafts")
    service_version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="application_drafts")
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="application_drafts")
    form: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    attachments: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=2, default="kk", help_text=_("the applicant's language (kk, ru, en)"))
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="draft")
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=True) | Q(submitted_at__isnull=False), name="api_draft_submitted_has_timestamp"
            ),
        ]

    def __str__(self) -> str:
        return f"draft {self.pk} of {self.applicant_id}"
