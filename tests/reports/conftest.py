"""Reports tests: the catalogue, the demo organizations and people, and a small hand-built case set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from qyzmet.catalog.registry import catalog_default
from qyzmet.catalog.services import catalog_sync
from qyzmet.identity.demo import load_demo
from qyzmet.signatures.pki import pki_init
from tests.reports.cases import START, CaseSet, case_set_build


@pytest.fixture(scope="session")
def pki_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("reports-pki")
    pki_init(directory, base_url=settings.QYZMET_PKI_BASE_URL, now=datetime.now(UTC) - timedelta(days=365))
    return directory


@pytest.fixture(autouse=True)
def _pki_settings(settings: Any, pki_directory: Path) -> Iterator[None]:
    settings.QYZMET_PKI_DIR = pki_directory
    yield


@pytest.fixture
def platform(db: None) -> None:
    """The catalogue and the demo data in the test database."""
    catalog_sync(catalog=catalog_default(), now=START)
    load_demo()


@pytest.fixture
def case_set(platform: None) -> CaseSet:
    return case_set_build()
