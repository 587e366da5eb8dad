"""Fixtures of the authoring tests: the API tests' package data (catalogue, demo people, back-dated CA) and clock."""

from __future__ import annotations

import pytest

from tests.api.conftest import api_ca, api_data, api_registries, clock, registry

__all__ = ["api_ca", "api_data", "api_registries", "clock", "registry"]


@pytest.fixture
def data(api_data: None, clock: object, db: None) -> None:
    """The package's catalogue and demo people, the clock stopped on a Tuesday morning."""
