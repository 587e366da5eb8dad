"""Copying the catalogue into the database is complete and idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import Service, ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.services import catalog_sync

NOW = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_sync_stores_every_service_once() -> None:
    # given
    catalog = catalog_default()

    # when
    first = catalog_sync(catalog=catalog, now=NOW)
    second = catalog_sync(catalog=catalog, now=NOW)

    # then
    assert first.created == len(catalog.definitions)
    assert (second.created, second.unchanged) == (0, len(catalog.definitions))
    assert Service.objects.count() == len(catalog.ids())
    assert ServiceVersion.objects.count() == len(catalog.definitions)


@pytest.mark.django_db
def test_sync_keeps_the_normalised_definition_and_its_hash() -> None:
    # given
    catalog = catalog_default()
    catalog_sync(catalog=catalog, now=NOW)

    # when
    stored = ServiceVersion.objects.get(service__slug="wko-2015-patronat-payment", version=1)

    # then
    definition = ServiceDefinition.model_validate(stored.definition)
    assert definition == catalog.latest("wko-2015-patronat-payment")
    assert [s.role.value for s in definition.channel_steps("provider_office")] == [
        "office_clerk",
        "head",
        "executor",
        "head",
        "office_clerk",
    ]
    assert len(stored.sha256) == 64
