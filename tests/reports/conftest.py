"""Reports tests: the cases tests' CA and platform, and a small hand-built case set."""

from __future__ import annotations

import pytest

from tests.cases.conftest import _pki_settings, pki_directory, platform_load
from tests.reports.cases import CaseSet, case_set_build

__all__ = ["_pki_settings", "pki_directory"]


@pytest.fixture
def platform(db: None) -> None:
    """The catalogue and the demo data in the test database."""
    platform_load()


@pytest.fixture
def case_set(platform: None) -> CaseSet:
    return case_set_build()
