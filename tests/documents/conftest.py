"""A back-dated test CA, the catalogue and the demo organizations, staff and citizens."""

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
from tests.cases.conftest import START

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def documents_pki_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("documents-pki")
    pki_init(directory, base_url=settings.QYZMET_PKI_BASE_URL, now=datetime.now(UTC) - timedelta(days=365))
    return directory


@pytest.fixture(autouse=True)
def _pki_settings(settings: Any, documents_pki_directory: Path) -> Iterator[None]:
    settings.QYZMET_PKI_DIR = documents_pki_directory
    settings.PASSWORD_HASHERS = FAST_HASHERS
    yield


@pytest.fixture
def platform() -> None:
    """The catalogue and the demo data in the test database (use with the django_db marker)."""
    catalog_sync(catalog=catalog_default(), now=START)
    load_demo()
