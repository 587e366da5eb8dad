"""A test CA, a citizen's signing and authentication keys as .p12 files, and the stand-in serving them."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from qyzmet.ncalayer.protocol import StandIn, StandInKey
from qyzmet.ncalayer.server import standin_server
from qyzmet.signatures import pki, services
from qyzmet.signatures.pki import KeyBundle, Pki
from qyzmet.signatures.profile import Holder, Purpose

BASE_URL = "http://127.0.0.1:8000"
IIN = "871008401427"
OTHER_IIN = "760212350620"
PASSWORD = "Qwerty12"


@dataclass(frozen=True)
class KeyFile:
    path: Path
    bundle: KeyBundle
    purpose: Purpose


@pytest.fixture(scope="session")
def ncalayer_ca(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("ncalayer-pki")
    authority, _ = pki.pki_init(directory, base_url=BASE_URL, now=datetime.now(UTC) - timedelta(days=30))
    return authority


@pytest.fixture(scope="session")
def key_files(ncalayer_ca: Pki, tmp_path_factory: pytest.TempPathFactory) -> dict[str, KeyFile]:
    """The citizen's signing ("sign") and authentication ("auth") keys, written as .p12 files."""
    folder = tmp_path_factory.mktemp("ncalayer-keys")
    holder = Holder(iin=IIN, surname="ТЕСТОВА", first_name="АЙГЕРИМ", patronymic="ЕРЖАНҚЫЗЫ")
    files = {}
    for purpose in Purpose:
        key = pki.key_generate()
        certificate = pki.certificate_issue(ncalayer_ca, holder=holder, purpose=purpose, public_key=key.public_key(),
                                            base_url=BASE_URL, now=datetime.now(UTC))
        bundle = KeyBundle(key=key, certificate=certificate, chain=ncalayer_ca.chain)
        path = folder / f"{purpose.value}.p12"
        path.write_bytes(pki.pkcs12_dump(bundle, password=PASSWORD,
                                         friendly_name=pki.pkcs12_friendly_name(certificate, purpose)))
        files[purpose.value] = KeyFile(path, bundle, purpose)
    return files


@pytest.fixture
def pki_settings(settings: Any, ncalayer_ca: Pki, key_files: dict[str, KeyFile]) -> Pki:
    """The verifier trusts the test CA and finds both keys in its register (an OCSP "good" answer)."""
    settings.QYZMET_PKI_DIR = ncalayer_ca.directory
    settings.QYZMET_PKI_BASE_URL = BASE_URL
    settings.QYZMET_TRUSTED_ROOTS = []
    settings.QYZMET_SIGNATURE_VERIFIER = "qyzmet.signatures.backends.local.LocalVerifier"
    for item in key_files.values():
        services.certificate_record_issued(pki=ncalayer_ca, certificate=item.bundle.certificate,
                                           purpose=item.purpose, now=datetime.now(UTC))
    return ncalayer_ca


class Page:
    """The pages' side of the WebSocket: what ncalayer-js-client sends and receives."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.greeting = json.loads(connection.recv(timeout=5))

    def ask(self, request: dict[str, Any]) -> Any:
        self.connection.send(json.dumps(request))
        return json.loads(self.connection.recv(timeout=10))


StartStandIn = Callable[..., str]


@pytest.fixture
def stand_in(key_files: dict[str, KeyFile]) -> Iterator[StartStandIn]:
    """Start the stand-in on a free port in this process (real WebSocket server); returns its ws:// URL."""
    servers = []

    def start(*usages: str, cancel: bool = False) -> str:
        keys = [StandInKey.from_bundle(pki.pkcs12_load(key_files[u].path.read_bytes(), password=PASSWORD))
                for u in usages or ("sign", "auth")]
        server = standin_server(StandIn(keys, cancel=cancel), host="127.0.0.1", port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        port = server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def page_of() -> Iterator[Callable[[str], Page]]:
    with ExitStack() as stack:
        yield lambda url: Page(stack.enter_context(connect(url, open_timeout=5)))
