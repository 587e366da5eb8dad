"""Reads of the stored catalogue: a service's versions and the one in force at a filing (ADR 0019)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, QuerySet

from qyzmet.catalog.definitions import ServiceNotFound, in_force_among
from qyzmet.catalog.models import ServiceVersion, StandardList
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.upgrade import stored_definition_upgraded


class VersionNotFound(LookupError):
    def __init__(self, service_id: str, number: int) -> None:
        super().__init__(f"service '{service_id}' has no stored version {number}")
        self.service_id = service_id
        self.number = number


def definition_of_version(version: ServiceVersion) -> ServiceDefinition:
    """The definition a stored version holds, parsed once per content hash (a version's text never changes).

    The one place a stored definition is parsed: the case engine, the API, the hall and the CLI all read here.
    """
    definition = _definition_parsed(version.sha256, version.version, version)
    if version.pk is not None:
        _seen_remember(version, definition)
    return definition


# Stored versions seen by this process: (row id, content hash) → the definition that row holds. A
# version row never changes (ADR 0019; a trigger refuses UPDATE on PostgreSQL), so a case that
# recorded the hash reads its definition here without loading the row (and its JSON) again.
_SEEN: dict[tuple[int, str], ServiceDefinition] = {}
_SEEN_MAX = 1024


def definition_of_version_seen(version_id: int, sha256: str) -> ServiceDefinition | None:
    """The definition of stored version `version_id` if this process read it with hash `sha256`, else None."""
    return _SEEN.get((version_id, sha256))


def _seen_remember(version: ServiceVersion, definition: ServiceDefinition) -> None:
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    _SEEN[(version.pk, version.sha256)] = definition


@lru_cache(maxsize=256)
def _definition_parsed(sha256: str, number: int, version: ServiceVersion) -> ServiceDefinition:
    # Keyed by the content hash (and the stored number, which the hash leaves out); `version` is
    # not part of the key's meaning: every row with this hash and number holds the same text.
    # A version stored before ADR 0024 is read as the engine then read it (`catalog.upgrade`).
    return ServiceDefinition.model_validate({**stored_definition_upgraded(version.definition), "version": number})


def versions_of(service_id: str) -> QuerySet[ServiceVersion]:
    """Every stored version of a service, oldest first, each with `cases_filed`; ServiceNotFound if none is stored."""
    versions = (
        ServiceVersion.objects.filter(service__slug=service_id)
        .select_related("service")
        .annotate(cases_filed=Count("cases"))
        .order_by("version")
    )
    if not versions.exists():
        raise ServiceNotFound(service_id)
    return versions


def version_get(service_id: str, number: int) -> ServiceVersion:
    """Stored version `number` of a service (ServiceNotFound / VersionNotFound)."""
    version = versions_of(service_id).filter(version=number).first()
    if version is None:
        raise VersionNotFound(service_id, number)
    return version


def _version_rows() -> QuerySet[ServiceVersion]:
    # The definitions' JSON is left in the database: the dates choose the version, and its definition is
    # parsed once per process (definition_of_version), reading the text only when not parsed yet.
    return ServiceVersion.objects.select_related("service").defer("definition")


def version_in_force(service_id: str, on: dt.date) -> ServiceVersion:
    """The stored version a case filed on `on` is pinned to, chosen by the versions' effective dates."""
    versions = list(_version_rows().filter(service__slug=service_id))
    if not versions:
        raise ServiceNotFound(service_id)
    return in_force_among(versions, on)


def versions_in_force(on: dt.date) -> list[ServiceVersion]:
    """For every stored service, the version in force on `on`, ordered by service id."""
    by_service: dict[str, list[ServiceVersion]] = {}
    for version in _version_rows().order_by("service__slug", "version"):
        by_service.setdefault(version.service.slug, []).append(version)
    return [in_force_among(versions, on) for versions in by_service.values()]


def services_in_force(on: dt.date) -> list[ServiceDefinition]:
    """The definitions of every stored public service (not the appeal procedures) in force on `on`, by id.

    What the public lists show: a version published through the back office is seen here at once,
    without a new catalogue file.
    """
    in_force = []
    for version in versions_in_force(on):
        definition = definition_of_version(version)
        if definition.kind == "service":
            in_force.append(definition)
    return in_force


def version_summary(version: ServiceVersion) -> dict[str, Any]:
    """The fields `qyzmet catalog versions ID --json` promises for one version."""
    return {
        "version": version.version,
        "sha256": version.sha256,
        "effective_from": version.effective_from.isoformat(),
        "effective_to": version.effective_to.isoformat() if version.effective_to else None,
        "loaded_at": version.loaded_at.isoformat(),
        "cases_filed": getattr(version, "cases_filed", None),
    }


# --- faithful (issue 14): the Standard's p.9/p.10 lists as shown and checked (ADR 0025) -------------------


@dataclass(frozen=True)
class StandardListShown:
    """One of the Standard's lists in a language: the administered one, else the definition's, else none."""

    kind: str
    items: tuple[str, ...]
    source: str
    administered: bool


def standard_lists_for(definition: ServiceDefinition, language: str) -> dict[str, StandardListShown]:
    """`documents_required` and `refusal_grounds` of a service in `language`.

    An empty `items` means the Standard's list is not in the catalogue: pages then say "as the Standard lists".
    """
    return standard_lists_of([definition], language)[definition.id]


def standard_lists_of(definitions: Sequence[ServiceDefinition],
                      language: str) -> dict[str, dict[str, StandardListShown]]:
    """`standard_lists_for` of several services by their id, with one query for all of them."""
    administered: dict[str, dict[str, StandardList]] = {}
    for row in StandardList.objects.filter(service__slug__in=[d.id for d in definitions]).select_related("service"):
        administered.setdefault(row.service.slug, {})[row.kind] = row
    return {d.id: _standard_lists_shown(d, language, administered.get(d.id, {})) for d in definitions}


def _standard_lists_shown(definition: ServiceDefinition, language: str,
                          administered: dict[str, StandardList]) -> dict[str, StandardListShown]:
    shown: dict[str, StandardListShown] = {}
    for kind in (StandardList.Kind.DOCUMENTS_REQUIRED.value, StandardList.Kind.REFUSAL_GROUNDS.value):
        row = administered.get(kind)
        items = row.items(language) if row else []
        if items and row is not None:
            shown[kind] = StandardListShown(kind, tuple(items), row.source, administered=True)
            continue
        listed = getattr(definition, kind)
        texts = tuple(t.get(language) or t.get("ru") or t.get("kk") or "" for t in listed.items) if listed else ()
        shown[kind] = StandardListShown(kind, texts, listed.source if listed else "", administered=False)
    return shown


# --- end faithful ---
