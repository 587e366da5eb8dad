"""The cases fixtures (test CA, catalogue, demo people) for the portal tests, and the registry simulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from qyzmet.gateway.services import registry_credentials
from qyzmet.gateway.simulator import RegistrySimulator, SimulatorServer, dataset_default
from tests.cases.conftest import _pki_settings, pki_directory, platform

__all__ = ["_pki_settings", "pki_directory", "platform"]


@pytest.fixture(autouse=True)
def _portal_settings(settings: Any, tmp_path: Path) -> None:
    # Argon2 is the production hasher; the tests log in many times, so they use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.QYZMET_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def simulator(settings: Any) -> Iterator[RegistrySimulator]:
    """ГБД ФЛ / ГБД ЮЛ / ЕНИС served over HTTP on a free port of 127.0.0.1, the gateway pointed at it."""
    simulator = RegistrySimulator(dataset_default(), registry_credentials(now=timezone.now()))
    server = SimulatorServer(simulator).start()
    settings.QYZMET_REGISTRY_URL = server.url
    settings.QYZMET_GATEWAY_ATTEMPTS, settings.QYZMET_GATEWAY_BACKOFF, settings.QYZMET_GATEWAY_TIMEOUT = 1, 0.01, 5.0
    try:
        yield simulator
    finally:
        server.stop()
