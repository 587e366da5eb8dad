"""Fixtures shared by the gateway and hall tests: a test CA, the participants' keys, the simulator.

The simulator runs once per session on a free port of 127.0.0.1 in a background thread; each
test gets it reset (no fault, nothing remembered). Tests marked django_db that talk to it ask
for `recorded_certificates`, which writes the platform's and registries' certificates into the
CA register so the platform's verifier gets an OCSP "good" for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from qyzmet.gateway.clients import GatewayClient, RegistryClient, RetryPolicy
from qyzmet.gateway.credentials import (
    RegistryCredentials,
    SystemCredentials,
    platform_credentials_load,
    registry_credentials_load,
)
from qyzmet.gateway.simulator import RegistrySimulator, SimulatorServer, dataset_default
from qyzmet.signatures import cms, pki
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.profile import Holder, Purpose

BASE_URL = "http://127.0.0.1:8000"
OPERATOR_IIN = "811130471163"  # the demo State Corporation operator at wko-sc (identity.demo)
FAST = RetryPolicy(attempts=3, timeout=1.0, backoff=0.02, max_backoff=0.1)


@dataclass(frozen=True)
class OperatorKey:
    """A person's signing key with its certificate, as a .p12 would hold them."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    def sign(self, content: bytes, at: datetime | None = None) -> bytes:
        return cms.cms_sign(content, key=self.key, certificate=self.certificate, chain=self.chain,
                            signing_time=at or datetime.now(UTC))


@pytest.fixture(scope="session")
def gateway_ca(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """The session's test national CA, back-dated a year, with the participants' files beside it."""
    directory = tmp_path_factory.mktemp("gateway-pki")
    authority, _ = pki.pki_init(directory, base_url=BASE_URL, now=datetime.now(UTC) - timedelta(days=365))
    return authority


@pytest.fixture(scope="session")
def registry_keys(gateway_ca: Pki) -> RegistryCredentials:
    credentials, _ = registry_credentials_load(gateway_ca.directory, gateway_ca, base_url=BASE_URL,
                                               now=datetime.now(UTC))
    return credentials


@pytest.fixture(scope="session")
def platform_keys(gateway_ca: Pki) -> SystemCredentials:
    credentials, _ = platform_credentials_load(gateway_ca.directory, gateway_ca, base_url=BASE_URL,
                                               now=datetime.now(UTC))
    return credentials


@pytest.fixture(scope="session")
def operator_key(gateway_ca: Pki) -> OperatorKey:
    """A signing key of the demo operator 811130471163, as staff of the wko-sc branch (its BIN)."""
    from qyzmet.identity.demo import bin_for

    key = pki.key_generate()
    holder = Holder(iin=OPERATOR_IIN, surname="ОПЕРАТОР", first_name="ТЕСТ", bin=bin_for("wko-sc", branch=True),
                    organization="ГК «Правительство для граждан», филиал по ЗКО")
    certificate = pki.certificate_issue(gateway_ca, holder=holder, purpose=Purpose.SIGN, public_key=key.public_key(),
                                        base_url=BASE_URL, now=datetime.now(UTC))
    return OperatorKey(key=key, certificate=certificate, chain=gateway_ca.chain)


@pytest.fixture(scope="session")
def simulator_server(registry_keys: RegistryCredentials) -> Iterator[SimulatorServer]:
    """The registry simulator on a free port of 127.0.0.1, in a background thread."""
    server = SimulatorServer(RegistrySimulator(dataset_default(), registry_keys, async_delay=0.02)).start()
    yield server
    server.stop()


@pytest.fixture
def registry(simulator_server: SimulatorServer) -> Iterator[SimulatorServer]:
    """The simulator, reset for this test: no fault, no remembered messages."""
    simulator_server.simulator.reset()
    yield simulator_server
    simulator_server.simulator.reset()


@pytest.fixture(autouse=True)
def gateway_settings(settings: Any, gateway_ca: Pki, simulator_server: SimulatorServer) -> Iterator[None]:
    settings.QYZMET_PKI_DIR = gateway_ca.directory
    settings.QYZMET_PKI_BASE_URL = BASE_URL
    settings.QYZMET_TRUSTED_ROOTS = []
    settings.QYZMET_SIGNATURE_VERIFIER = "qyzmet.signatures.backends.local.LocalVerifier"
    settings.QYZMET_SIGNATURE_REVOCATION_SOURCES = ("ocsp", "crl")
    settings.QYZMET_REGISTRY_URL = simulator_server.url
    settings.QYZMET_GATEWAY_ATTEMPTS = FAST.attempts
    settings.QYZMET_GATEWAY_TIMEOUT = FAST.timeout
    settings.QYZMET_GATEWAY_BACKOFF = FAST.backoff
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield


@pytest.fixture
def recorded_certificates(gateway_ca: Pki, registry_keys: RegistryCredentials, platform_keys: SystemCredentials,
                          operator_key: OperatorKey) -> None:
    """The participants' and the operator's certificates in the CA register (use with the django_db marker)."""
    from qyzmet.signatures.services import certificate_record_issued

    now = datetime.now(UTC)
    for certificate in [*registry_keys.certificates.values(), platform_keys.certificate, operator_key.certificate]:
        certificate_record_issued(pki=gateway_ca, certificate=certificate, purpose=Purpose.SIGN, now=now)


@pytest.fixture
def make_client(registry: SimulatorServer, platform_keys: SystemCredentials,
                recorded_certificates: None) -> Iterator[Callable[..., RegistryClient]]:
    """Registry clients to the simulator over real HTTP, verifying with the platform's verifier."""
    from qyzmet.signatures.backends import get_verifier

    made: list[RegistryClient] = []

    def make(policy: RetryPolicy = FAST, url: str | None = None) -> RegistryClient:
        gateway = GatewayClient(httpx.Client(base_url=url or registry.url), verifier=get_verifier(), policy=policy)
        client = RegistryClient(gateway, sign=platform_keys.sign)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
