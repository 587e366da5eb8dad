"""The registry simulator in a background thread, for the demo's State Corporation intakes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings

from qyzmet.gateway.services import registry_credentials
from qyzmet.gateway.simulator import RegistrySimulator, SimulatorServer, dataset_default


@contextmanager
def registries_running(*, now: datetime) -> Iterator[str]:
    """Serve ГБД ФЛ / ГБД ЮЛ / ЕНИС on a free port of 127.0.0.1 and point the gateway at it."""
    server = SimulatorServer(RegistrySimulator(dataset_default(), registry_credentials(now=now))).start()
    previous = settings.QYZMET_REGISTRY_URL
    settings.QYZMET_REGISTRY_URL = server.url
    try:
        yield server.url
    finally:
        settings.QYZMET_REGISTRY_URL = previous
        server.stop()
