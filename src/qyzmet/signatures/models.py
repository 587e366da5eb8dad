"""The test CA's register: every certificate it issued, its revocation, and the CRLs it published.

The CA keys and certificates themselves live in files (settings.QYZMET_PKI_DIR); rows are tied
to the CA that issued them by its key identifier, so a re-created CA never inherits old rows.
"""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q


class IssuedCertificateQuerySet(models.QuerySet["IssuedCertificate"]):
    def issued_by(self, authority_key_id: str) -> Self:
        return self.filter(authority_key_id=authority_key_id)

    def revoked(self) -> Self:
        return self.filter(revoked_at__isnull=False)


class IssuedCertificate(models.Model):
    class Purpose(models.TextChoices):
        SIGN = "sign", "signing"
        AUTH = "auth", "authentication"

    class RevocationReason(models.TextChoices):
        """RFC 5280 CRLReason names (certificateHold and removeFromCRL are not used: revocation is final)."""

        UNSPECIFIED = "unspecified"
        KEY_COMPROMISE = "keyCompromise"
        CA_COMPROMISE = "cACompromise"
        AFFILIATION_CHANGED = "affiliationChanged"
        SUPERSEDED = "superseded"
        CESSATION_OF_OPERATION = "cessationOfOperation"
        PRIVILEGE_WITHDRAWN = "privilegeWithdrawn"
        AA_COMPROMISE = "aACompromise"

    authority_key_id = models.CharField(max_length=64)
    serial_number = models.CharField(max_length=64)  # lowercase hex
    subject = models.TextField()
    iin = models.CharField(max_length=12, db_index=True)
    bin = models.CharField(max_length=12, blank=True)
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    der = models.BinaryField()
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=32, blank=True, choices=RevocationReason.choices)

    objects = IssuedCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["issued_at", "serial_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority_key_id", "serial_number"], name="signatures_certificate_serial_unique"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revocation_reason="")
                | (Q(revoked_at__isnull=False) & ~Q(revocation_reason="")),
                name="signatures_revoked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial_number} {self.subject}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class RevocationList(models.Model):
    """A CRL as published, numbered per CA (RFC 5280 cRLNumber)."""

    authority_key_id = models.CharField(max_length=64)
    number = models.PositiveBigIntegerField()
    this_update = models.DateTimeField()
    next_update = models.DateTimeField()
    der = models.BinaryField()

    class Meta:
        ordering = ["authority_key_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["authority_key_id", "number"], name="signatures_crl_number_unique"),
        ]

    def __str__(self) -> str:
        return f"CRL {self.number} of {self.authority_key_id}"
