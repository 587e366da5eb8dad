"""A test CA from a fixed date (2024-03-01), the catalogue and the demo organizations, staff and citizens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.services import catalog_sync
from qyzmet.identity.demo import load_demo
from qyzmet.signatures.pki import pki_init

ALMATY = ZoneInfo("Asia/Almaty")
# A Tuesday well inside the CA's validity.
START = datetime(2026, 9, 1, 9, 30, tzinfo=ALMATY)
# The test CA starts on a fixed date, not a year before today: the tests' dates are fixed (2024–2026), and
# the demo keys it issues are valid from this date for three years, whatever day the suite runs on.
CA_START = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def pki_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("cases-pki")
    pki_init(directory, base_url=settings.QYZMET_PKI_BASE_URL, now=CA_START)
    return directory


@pytest.fixture(autouse=True)
def _pki_settings(settings: Any, pki_directory: Path) -> Iterator[None]:
    settings.QYZMET_PKI_DIR = pki_directory
    yield


def platform_load() -> None:
    """The catalogue and the demo organizations, staff and citizens, written to the test database."""
    catalog_sync(catalog=catalog_default(), now=START)
    load_demo()


@pytest.fixture
def platform() -> None:
    """The catalogue and the demo data in the test database (use with the django_db marker)."""
    platform_load()
