"""Writes of the catalogue: copying the definition files into the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from qyzmet.catalog import errors
from qyzmet.catalog.models import Service, ServiceVersion
from qyzmet.catalog.registry import Catalog
from qyzmet.catalog.schema import ServiceDefinition


@dataclass(frozen=True)
class SyncReport:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def catalog_sync(*, catalog: Catalog, now: datetime) -> SyncReport:
    """Store every definition version of `catalog` (as its validated JSON); safe to run again.

    Side effects: creates Service / ServiceVersion rows and updates service titles. A stored
    version whose file changed is updated in place (the content hash records which text it was).
    """
    created = updated = unchanged = 0
    for definition in catalog.definitions:
        data = definition.model_dump(mode="json", by_alias=True)
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        service, _ = Service.objects.update_or_create(
            slug=definition.id,
            defaults={
                "field": definition.field.value,
                "title_kk": definition.title.kk or "",
                "title_ru": definition.title.ru or "",
                "title_en": definition.title.en or "",
                "seed": definition.source.seed,
            },
        )
        stored = ServiceVersion.objects.filter(service=service, version=definition.version).first()
        if stored is None:
            ServiceVersion.objects.create(
                service=service,
                version=definition.version,
                effective_from=definition.effective_from,
                effective_to=definition.effective_to,
                definition=data,
                sha256=digest,
                loaded_at=now,
            )
            created += 1
        elif stored.sha256 != digest:
            stored.definition, stored.sha256, stored.loaded_at = data, digest, now
            stored.effective_from, stored.effective_to = definition.effective_from, definition.effective_to
            stored.save(update_fields=["definition", "sha256", "loaded_at", "effective_from", "effective_to"])
            updated += 1
        else:
            unchanged += 1
    return SyncReport(created=created, updated=updated, unchanged=unchanged)


def definition_digest(data: dict[str, object]) -> str:
    """SHA-256 of a definition's validated JSON (sorted keys): the identity of its content."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def version_publish(*, definition: ServiceDefinition, now: datetime) -> ServiceVersion:
    """Store `definition` as its service's next version; a stored version is never changed.

    Refused (VersionRefused) when the definition's `version` is not the next number, or when its
    content equals the latest version's. Creates the service if new.
    """
    data = definition.model_dump(mode="json", by_alias=True)
    digest = definition_digest(data)
    service, _ = Service.objects.get_or_create(
        slug=definition.id,
        defaults={
            "field": definition.field.value, "title_kk": definition.title.kk or "",
            "title_ru": definition.title.ru or "", "title_en": definition.title.en or "",
            "seed": definition.source.seed,
        },
    )
    latest = ServiceVersion.objects.select_for_update().filter(service=service).order_by("-version").first()
    expected = latest.version + 1 if latest else 1
    if latest is not None and latest.sha256 == digest:
        raise errors.unchanged()
    if definition.version != expected:
        raise errors.version_number(expected, definition.version)
    return ServiceVersion.objects.create(
        service=service, version=definition.version, effective_from=definition.effective_from,
        effective_to=definition.effective_to, definition=data, sha256=digest, loaded_at=now,
    )
