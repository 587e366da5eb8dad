"""Reads shaped for the public pages."""

from __future__ import annotations

from dataclasses import dataclass

from qyzmet.catalog.models import Service

FIELD_ORDER = ("family_children", "social_labour", "preschool")


@dataclass(frozen=True)
class ServiceRow:
    slug: str
    title_kk: str
    title_ru: str
    title_en: str
    seed: str
    channels: tuple[str, ...]
    version: int


def service_rows_by_field() -> dict[str, list[ServiceRow]]:
    """Every stored service with its latest version's channels, grouped by field."""
    grouped: dict[str, list[ServiceRow]] = {field: [] for field in FIELD_ORDER}
    for service in Service.objects.prefetch_related("versions"):
        latest = max(service.versions.all(), key=lambda v: v.version, default=None)
        if latest is None:
            continue
        channels = tuple(c["code"] for c in latest.definition.get("channels", []))
        row = ServiceRow(
            service.slug, service.title_kk, service.title_ru, service.title_en, service.seed, channels, latest.version
        )
        grouped.setdefault(service.field, []).append(row)
    return grouped
