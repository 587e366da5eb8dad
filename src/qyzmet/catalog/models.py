"""The catalogue as stored: each service and each version of its definition.

Files are the source of truth; `version_load` copies each one in so cases can point at the
exact version (and its content hash) in force when they were filed. A stored version is never
changed: a changed file becomes the next version (ADR 0019).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q


class Service(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    field = models.CharField(max_length=32)
    title_kk = models.TextField()
    title_ru = models.TextField()
    title_en = models.TextField(blank=True)
    seed = models.CharField(max_length=64)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def title(self, language: str) -> str:
        titles = {"kk": self.title_kk, "ru": self.title_ru, "en": self.title_en}
        return titles.get(language) or self.title_ru


class VersionImmutable(RuntimeError):
    """A stored catalogue version was about to be changed; load the new text as the next version instead."""


class ServiceVersion(models.Model):
    """One text of a service's regulation, identified by its content hash; written once, never updated."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    definition: models.JSONField[Any] = models.JSONField()
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["service__slug", "version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="catalog_service_version_unique"),
            models.UniqueConstraint(fields=["service", "sha256"], name="catalog_service_version_sha256_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="catalog_version_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.slug} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Cases filed under a version run it to the end: its text, hash, number and period never change.
        if not self._state.adding:
            raise VersionImmutable(f"{self} is stored and never changed; load the new text as the next version")
        super().save(*args, **kwargs)
