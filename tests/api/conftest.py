"""Fixtures of the API tests: one back-dated test CA per session, the catalogue and the demo people per package.

The catalogue, the demo organizations and people are loaded once, inside a transaction that
stays open for the whole package and is rolled back at its end; every test then runs in its
own savepoint (pytest-django's `django_db`), so tests see the data and never each other's cases.
Demo EDS keys are made once per person and kept in memory (RSA key generation is the slow part).
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
from qyzmet.catalog.registry import catalog_default
from qyzmet.catalog.services import catalog_sync
from qyzmet.identity.demo import load_demo
from qyzmet.signatures import pki
from qyzmet.signatures.pki import Pki
from tests.api.helpers import ApiClient

BASE_URL = "http://127.0.0.1:8000"
CA_AGE = timedelta(days=400)
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


@pytest.fixture
def clock(api_data: None) -> Iterator[time_machine.Coordinates]:
    """The clock stopped at the start moment; tests move it forward as the people act."""
    with time_machine.travel(start_moment(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(api_data: None, clock: time_machine.Coordinates) -> ApiClient:
    return ApiClient(Client())
