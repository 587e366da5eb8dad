"""Checkpoints kept outside the rows they cover, and the heads of the chained logs.

`CaseCheckpoint` holds each case's chain head, event count and the hash of the case row's
decisive fields, signed by the platform, rewritten with every event under the case lock. It
names the case by number, not by a foreign key, so it outlives a deleted case.
`HeadsCheckpoint` is the periodic signed checkpoint of every case's head and every log's
head; each one chains to the previous. `LogHead` is the last row of a chained log
(personal-data accesses, gateway message log), locked by every append.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class SigningCertificate(models.Model):
    """A certificate whose key signed checkpoints, kept so old checkpoints stay checkable."""

    fingerprint = models.CharField(max_length=64, unique=True)  # SHA-256 of the DER certificate
    pem = models.TextField()
    first_used_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.fingerprint[:16]


class CaseCheckpoint(models.Model):
    """The signed head of one case's event chain."""

    case_number = models.CharField(max_length=80, unique=True)
    events = models.PositiveIntegerField()  # how many events the chain holds
    head_hash = models.CharField(max_length=64)
    case_hash = models.CharField(max_length=64)  # SHA-256 of the case row's decisive fields
    at = models.DateTimeField()
    certificate = models.CharField(max_length=64, blank=True)  # fingerprint of the signing certificate
    signature = models.TextField(blank=True)  # base64 RSA signature; empty when no key was set up

    class Meta:
        ordering = ["case_number"]

    def __str__(self) -> str:
        return f"{self.case_number}: {self.events} event(s)"


class HeadsCheckpoint(models.Model):
    """A signed checkpoint of every case's head and every log's head at one moment."""

    sequence = models.PositiveIntegerField(unique=True)
    at = models.DateTimeField()
    cases = models.PositiveIntegerField()
    heads: models.JSONField[Any] = models.JSONField()  # [[case number, events, head hash], …] by case number
    logs: models.JSONField[Any] = models.JSONField()  # {log name: [rows, head hash]}
    root_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    certificate = models.CharField(max_length=64, blank=True)
    signature = models.TextField(blank=True)

    class Meta:
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"heads #{self.sequence} ({self.cases} cases)"


class LogHead(models.Model):
    """The last row of a chained log: locked and moved by each append."""

    name = models.CharField(max_length=32, unique=True)
    rows = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.name}: {self.rows}"
