"""The catalogue as stored: each service and each version of its definition.

Files are the source of truth; `version_load` copies each one in so cases can point at the
exact version (and its content hash) in force when they were filed. A stored version is never
changed: a changed file becomes the next version (ADR 0019).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
        return service_title({"kk": self.title_kk, "ru": self.title_ru, "en": self.title_en}, language)


def service_title(titles: Mapping[str, str], language: str) -> str:
    """A service's title in `language` from its kk/ru/en titles (read as columns), else the Russian one."""
    return titles.get(language) or titles["ru"]


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


# --- faithful (issue 14): the Standard's p.9 and p.10 lists, administered beside the versions (ADR 0025) ---


class StandardList(models.Model):
    """A list a service's Standard gives that the regulation only cites: p.9 documents, p.10 refusal grounds.

    Kept beside the immutable versions, keyed by service, because it is the Standard's content (a ministerial
    order amended on its own schedule), not the regulation's text: an administrator fills it in the Django
    admin; cases record the checklist the clerk ticked, so an edit never changes a case's past (ADR 0025).
    """

    class Kind(models.TextChoices):
        DOCUMENTS_REQUIRED = "documents_required", _("Documents required (Standard p.9)")
        REFUSAL_GROUNDS = "refusal_grounds", _("Grounds for refusal (Standard p.10)")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="standard_lists")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    items_kk = models.TextField(_("items in Kazakh"), help_text=_("One item per line."))
    items_ru = models.TextField(_("items in Russian"), help_text=_("One item per line, in the same order."))
    items_en = models.TextField(_("items in English"), blank=True,
                                help_text=_("Optional; one item per line, in the same order."))
    source = models.CharField(_("source"), max_length=300,
                              help_text=_("Where the list is written, e.g. 'Standard p.9, order №198 (reg. №11184)'."))
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["service__slug", "kind"]
        constraints = [models.UniqueConstraint(fields=["service", "kind"], name="catalog_standard_list_unique")]

    def __str__(self) -> str:
        return f"{self.service.slug}: {self.kind}"

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]

    def items(self, language: str) -> list[str]:
        """The items in `language` (Russian where no English is given)."""
        text = {"kk": self.items_kk, "ru": self.items_ru, "en": self.items_en}.get(language) or self.items_ru
        return self._lines(text)

    def clean(self) -> None:
        counts = {key: len(self._lines(getattr(self, f"items_{key}"))) for key in ("kk", "ru", "en")}
        if counts["kk"] != counts["ru"] or counts["en"] not in (0, counts["ru"]):
            raise ValidationError(_("Give the same number of items (lines) in each language."))


# --- end faithful ---


class StandardListRevision(models.Model):
    """Each saved wording of a Standard list, who saved it and when: an append-only, hash-chained log.

    Written by `catalog.services.standard_list_save` in the same transaction as the list itself (the
    back-office page and the admin both go through it); `qyzmet audit verify` walks the chain and checks
    that every list reads as its last revision, so a list changed outside the log shows (ADR 0015).
    """

    service_slug = models.CharField(max_length=100)
    kind = models.CharField(max_length=32, choices=StandardList.Kind.choices)
    items_kk = models.TextField()
    items_ru = models.TextField()
    items_en = models.TextField(blank=True)
    source = models.CharField(max_length=300)
    at = models.DateTimeField()
    actor_iin = models.CharField(max_length=12, blank=True, help_text=_("who saved it (empty: a command)"))
    chain_position = models.PositiveBigIntegerField(unique=True, null=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["chain_position"]
        indexes = [models.Index(fields=["service_slug", "kind", "chain_position"], name="catalog_list_revision")]

    def __str__(self) -> str:
        return f"{self.service_slug}: {self.kind} at {self.at:%Y-%m-%d %H:%M}"
