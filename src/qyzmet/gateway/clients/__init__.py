"""Registry clients behind small Protocols, over an injected httpx transport.

`PersonRegistry` (ГБД ФЛ), `EntityRegistry` (ГБД ЮЛ) and `NotaryRegistry` (ЕНИС) are what the
rest of the platform may depend on; the `Gateway*` classes implement them through the
e-government gateway. Tests build them on `httpx.MockTransport` or on the simulator's address.
These typed clients log nothing: `gateway.services.registry_lookup` is the logged path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from qyzmet.gateway.clients.base import AnswerVerifier, GatewayClient, RetryPolicy, VerifiedAnswer
from qyzmet.gateway.clients.registry import (
    LegalEntity,
    Person,
    PowerOfAttorney,
    RegistryClient,
    records_of,
)
from qyzmet.gateway.registries import ENIS, GBD_FL, GBD_UL

__all__ = [
    "AnswerVerifier",
    "EntityRegistry",
    "GatewayClient",
    "GatewayEntityRegistry",
    "GatewayNotaryRegistry",
    "GatewayPersonRegistry",
    "LegalEntity",
    "NotaryRegistry",
    "Person",
    "PersonRegistry",
    "PowerOfAttorney",
    "RegistryClient",
    "RetryPolicy",
    "VerifiedAnswer",
]


class PersonRegistry(Protocol):
    def person_lookup(self, iin: str, *, now: datetime) -> Person | None: ...


class EntityRegistry(Protocol):
    def entity_lookup(self, bin: str, *, now: datetime) -> LegalEntity | None: ...


class NotaryRegistry(Protocol):
    def powers_of_attorney(self, iin: str, *, now: datetime, number: str = "") -> list[PowerOfAttorney]: ...


class GatewayPersonRegistry:
    """ГБД ФЛ through the gateway."""

    def __init__(self, client: RegistryClient) -> None:
        self._client = client

    def person_lookup(self, iin: str, *, now: datetime) -> Person | None:
        answer = self._client.query(GBD_FL, iin, now=now)
        records = records_of(GBD_FL, answer.answer.data)
        return Person.from_payload(records[0]) if answer.is_found and records else None


class GatewayEntityRegistry:
    """ГБД ЮЛ through the gateway."""

    def __init__(self, client: RegistryClient) -> None:
        self._client = client

    def entity_lookup(self, bin: str, *, now: datetime) -> LegalEntity | None:
        answer = self._client.query(GBD_UL, bin, now=now)
        records = records_of(GBD_UL, answer.answer.data)
        return LegalEntity.from_payload(records[0]) if answer.is_found and records else None


class GatewayNotaryRegistry:
    """ЕНИС through the gateway: the powers of attorney where the person is principal or representative."""

    def __init__(self, client: RegistryClient) -> None:
        self._client = client

    def powers_of_attorney(self, iin: str, *, now: datetime, number: str = "") -> list[PowerOfAttorney]:
        answer = self._client.query(ENIS, iin, now=now, number=number)
        return [PowerOfAttorney.from_payload(record) for record in records_of(ENIS, answer.answer.data)]
