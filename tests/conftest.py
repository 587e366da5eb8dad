"""Shared test configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed regulations (`../shared/seeds/` beside the repository)."""
    if not SEEDS_DIR.is_dir():
        pytest.fail(f"seed regulations not found at {SEEDS_DIR}")
    return SEEDS_DIR


@pytest.fixture(autouse=True)
def _revocation_cache_cleared() -> None:
    """Each test starts with an empty process-wide OCSP/CRL cache: the database it vouched for is rolled back."""
    from qyzmet.signatures.sources import PROCESS_CACHE

    PROCESS_CACHE.clear()
