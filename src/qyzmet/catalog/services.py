"""Writes of the catalogue: loading definition files into the database as immutable versions (ADR 0019)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from qyzmet.audit.chain import STANDARD_LISTS, log_append
from qyzmet.catalog import errors
from qyzmet.catalog.definitions import Catalog
from qyzmet.catalog.models import Service, ServiceVersion, StandardList, StandardListRevision
from qyzmet.catalog.schema import ServiceDefinition

# The stored number of a version is the catalogue's own sequence, not part of the content it identifies.
NUMBER_KEY = "version"


def definition_sha256(data: dict[str, Any]) -> str:
    """The content hash of a definition's JSON data: sha256 of its canonical JSON, without its version number.

    Two loads of the same text give the same hash whatever number the file or the database gives it.
    """
    content = {key: value for key, value in data.items() if key != NUMBER_KEY}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class VersionLoaded:
    """The stored version a definition is, and whether loading it created that version."""

    version: ServiceVersion
    created: bool


@transaction.atomic
def version_load(*, definition: ServiceDefinition, now: datetime) -> VersionLoaded:
    """Store `definition` as its service's next version unless a stored version has the same content.

    Same content hash as a stored version of the service: nothing is written (that version is
    returned). Otherwise the service gets version max+1 with the definition's own effective dates,
    and its stored JSON carries that number. Stored versions are never modified; the service's
    titles follow the text loaded last. The service row is locked, so two loads number in turn.
    """
    data: dict[str, Any] = definition.model_dump(mode="json", by_alias=True)
    digest = definition_sha256(data)
    described = {
        "field": definition.field.value,
        "title_kk": definition.title.kk or "",
        "title_ru": definition.title.ru or "",
        "title_en": definition.title.en or "",
        "seed": definition.source.seed,
    }
    service, _ = Service.objects.get_or_create(slug=definition.id, defaults=described)
    service = Service.objects.select_for_update().get(pk=service.pk)
    stored = ServiceVersion.objects.filter(service=service, sha256=digest).first()
    if stored is not None:
        return VersionLoaded(stored, created=False)
    last = ServiceVersion.objects.filter(service=service).order_by("-version").first()
    number = last.version + 1 if last else 1
    version = ServiceVersion.objects.create(
        service=service,
        version=number,
        effective_from=definition.effective_from,
        effective_to=definition.effective_to,
        definition={**data, NUMBER_KEY: number},
        sha256=digest,
        loaded_at=now,
    )
    Service.objects.filter(pk=service.pk).update(**described)
    return VersionLoaded(version, created=True)


@dataclass(frozen=True)
class SyncReport:
    created: int
    unchanged: int


@transaction.atomic
def catalog_sync(*, catalog: Catalog, now: datetime) -> SyncReport:
    """Load every definition of `catalog` with `version_load` (files of a service in their version order).

    Safe to run again: an unchanged file writes nothing; a changed one becomes its service's next version.
    """
    created = unchanged = 0
    for definition in sorted(catalog.definitions, key=lambda d: (d.id, d.version)):
        if version_load(definition=definition, now=now).created:
            created += 1
        else:
            unchanged += 1
    return SyncReport(created=created, unchanged=unchanged)


@transaction.atomic
def version_publish(*, definition: ServiceDefinition, now: datetime) -> ServiceVersion:
    """Store a reviewed definition as its service's next version (`version_load`), refusing a no-op.

    VersionRefused("unchanged") when a stored version of the service already has this content: a
    publication must add a version, never silently return an old one.
    """
    loaded = version_load(definition=definition, now=now)
    if not loaded.created:
        raise errors.unchanged()
    return loaded.version


# --- faithful (issue 14): the Standard's p.9/p.10 lists an administrator keeps (ADR 0025) --------------


@transaction.atomic
def standard_list_save(
    *, service_id: str, kind: str, items_kk: str, items_ru: str, items_en: str, source: str, actor: Any,
    now: datetime,
) -> StandardList:
    """Create or replace one of a service's Standard lists (p.9 documents, p.10 refusal grounds).

    The caller has checked that `actor` administers the service's oblast. Raises ValidationError (and
    writes nothing) when the languages give different numbers of items or a field is missing. Filed cases
    keep the documents their intake recorded; only later intakes and pages see the new list.
    Side effects: the list row and its revision, the next row of the hash-chained STANDARD_LISTS log.
    """
    service = Service.objects.get(slug=service_id)
    row = StandardList.objects.select_for_update().filter(service=service, kind=kind).first()
    row = row or StandardList(service=service, kind=kind)
    row.items_kk, row.items_ru, row.items_en, row.source = items_kk, items_ru, items_en, source.strip()
    row.updated_at, row.updated_by = now, actor
    row.full_clean()
    row.save()
    log_append(STANDARD_LISTS, StandardListRevision(
        service_slug=service.slug, kind=kind, items_kk=row.items_kk, items_ru=row.items_ru, items_en=row.items_en,
        source=row.source, at=now, actor_iin=getattr(actor, "iin", "") or "",
    ), standard_list_revision_payload)
    return row


def standard_list_revision_payload(row: StandardListRevision) -> dict[str, Any]:
    """What a Standard-list revision's chain hash covers."""
    return {"service": row.service_slug, "kind": row.kind, "kk": row.items_kk, "ru": row.items_ru,
            "en": row.items_en, "source": row.source, "at": row.at, "actor": row.actor_iin}


# --- end faithful ---
