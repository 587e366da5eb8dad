"""The public pages read the stored catalogue (the versions in force), as a served site does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.services import catalog_sync


@pytest.fixture(autouse=True)
def _catalogue_stored(db: None) -> None:
    catalog_sync(catalog=catalog_default(), now=datetime(2025, 1, 6, tzinfo=UTC))
