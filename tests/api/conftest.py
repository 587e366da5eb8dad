"""Fixtures of the API tests: one back-dated test CA per session, the catalogue and the demo people per package.

The catalogue, the demo organizations and people are loaded once, inside a transaction that
stays open for the whole package and is rolled back at its end; every test then runs in its
own savepoint (pytest-django's `django_db`), so tests see the data and never each other's cases.
Demo EDS keys are made once per person and kept in memory (RSA key generation is the slow part).
The registry simulator (ГБД ФЛ, ГБД ЮЛ, ЕНИС) runs once per package on a free port of 127.0.0.1,
and the gateway points at it, so State Corporation intakes ask the registries over real HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client, override_settings

from qyzmet.calendar import TIMEZONE
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.services import catalog_sync
from qyzmet.gateway.services import platform_credentials, registry_credentials
from qyzmet.gateway.simulator import RegistrySimulator, SimulatorServer, dataset_default
from qyzmet.identity.demo import load_demo
from qyzmet.signatures import pki
from qyzmet.signatures.pki import Pki
from tests.api.helpers import ApiClient

BASE_URL = "http://127.0.0.1:8000"
CA_AGE = timedelta(days=400)
# The gateway participants' certificates are issued this long ago: valid on the tests' clock (start_moment).
GATEWAY_CERTIFICATES_AGE = timedelta(days=100)
# Argon2 is the production hasher; tests log in hundreds of times, so they use a fast one.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def start_moment() -> datetime:
    """A Tuesday 09:30 in Almaty about ten weeks ago: inside the test CA's life, with weeks to run cases in."""
    day = datetime.now(UTC).astimezone(TIMEZONE).date() - timedelta(days=70)
    day -= timedelta(days=day.weekday() - 1)
    return datetime.combine(day, time(9, 30), tzinfo=TIMEZONE)


@pytest.fixture(scope="session")
def api_ca(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """The session's test national CA, in a temporary directory, in force since 400 days ago."""
    directory = tmp_path_factory.mktemp("api-pki")
    authority, _ = pki.pki_init(directory, base_url=BASE_URL, now=datetime.now(UTC) - CA_AGE)
    return authority


@pytest.fixture(scope="package")
def api_data(django_db_setup: None, django_db_blocker: Any, api_ca: Pki) -> Iterator[None]:
    """The catalogue and the demo people, loaded once for the package and rolled back after it."""
    overridden = override_settings(
        QYZMET_PKI_DIR=api_ca.directory, QYZMET_PKI_BASE_URL=BASE_URL, QYZMET_TRUSTED_ROOTS=[],
        QYZMET_SIGNATURE_VERIFIER="qyzmet.signatures.backends.local.LocalVerifier",
        QYZMET_SIGNATURE_REVOCATION_SOURCES=("ocsp", "crl"), PASSWORD_HASHERS=FAST_HASHERS,
    )
    overridden.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        catalog_sync(catalog=catalog_default(), now=datetime.now(UTC))
        load_demo()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        overridden.disable()


@pytest.fixture(scope="package")
def api_registries(api_data: None, django_db_blocker: Any) -> Iterator[SimulatorServer]:
    """The registry simulator for the package, with the gateway pointed at it and retrying fast."""
    issued_at = datetime.now(UTC) - GATEWAY_CERTIFICATES_AGE
    with django_db_blocker.unblock():
        credentials = registry_credentials(now=issued_at)
        platform_credentials(now=issued_at)
    server = SimulatorServer(RegistrySimulator(dataset_default(), credentials, async_delay=0.02)).start()
    overridden = override_settings(QYZMET_REGISTRY_URL=server.url, QYZMET_GATEWAY_ATTEMPTS=2,
                                   QYZMET_GATEWAY_TIMEOUT=2.0, QYZMET_GATEWAY_BACKOFF=0.02)
    overridden.enable()
    try:
        yield server
    finally:
        overridden.disable()
        server.stop()


@pytest.fixture
def registry(api_registries: SimulatorServer) -> Iterator[SimulatorServer]:
    """The simulator, reset for this test (no fault, nothing remembered) and again after it."""
    api_registries.simulator.reset()
    yield api_registries
    api_registries.simulator.reset()


@pytest.fixture
def clock(api_data: None) -> Iterator[time_machine.Coordinates]:
    """The clock stopped at the start moment; tests move it forward as the people act."""
    with time_machine.travel(start_moment(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(api_data: None, api_registries: SimulatorServer, clock: time_machine.Coordinates) -> ApiClient:
    return ApiClient(Client())
