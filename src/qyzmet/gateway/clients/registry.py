"""Registry requests over the gateway: the payload each registry takes, and the records it returns.

`RegistryClient` builds the signed request envelope for a registry and sends it on the sync
or async channel. The records (`Person`, `LegalEntity`, `PowerOfAttorney`) read the answer
payloads, which follow the shape of ГБД ФЛ answers on ШЭП (kz-egov.md 3.4) in JSON.
No Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final, Literal

from qyzmet.gateway import envelope, messages
from qyzmet.gateway.clients.base import GatewayClient, VerifiedAnswer
from qyzmet.gateway.registries import ENIS, GBD_FL, GBD_UL, PLATFORM_SENDER_ID, RegistrySpec, registry_spec

Channel = Literal["sync", "async"]

# Where each registry's answer lists its records.
RECORDS_KEY: Final = {GBD_FL: "persons", GBD_UL: "entities", ENIS: "powersOfAttorney"}


def _text(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return str(value.get(language) or value.get("ru") or "")
    return str(value or "")


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


@dataclass(frozen=True)
class Person:
    """A person as ГБД ФЛ returns them: names in kk and ru, birth, sex, address and family links."""

    iin: str
    surname: dict[str, str]
    name: dict[str, str]
    patronymic: dict[str, str]
    birth_date: date | None
    sex: str
    address: dict[str, Any]
    children: tuple[str, ...]
    wards: tuple[str, ...]
    parents: tuple[str, ...]
    guardians: tuple[str, ...]

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Person:
        family = data.get("family") or {}
        return cls(
            iin=str(data["iin"]), surname=dict(data.get("surname") or {}), name=dict(data.get("name") or {}),
            patronymic=dict(data.get("patronymic") or {}), birth_date=_date(data.get("birthDate")),
            sex="F" if (data.get("gender") or {}).get("code") == "FEMALE" else "M",
            address=dict(data.get("regAddress") or {}),
            children=tuple(str(c["iin"]) for c in family.get("children", [])),
            wards=tuple(str(c["iin"]) for c in family.get("wards", [])),
            parents=tuple(str(c["iin"]) for c in family.get("parents", [])),
            guardians=tuple(str(c["iin"]) for c in family.get("guardians", [])),
        )

    def full_name(self, language: str = "ru") -> str:
        parts = (_text(self.surname, language), _text(self.name, language), _text(self.patronymic, language))
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class LegalEntity:
    """A legal entity as ГБД ЮЛ returns it."""

    bin: str
    name: dict[str, str]
    registered_on: date | None
    head_iin: str
    head_name: str
    address: dict[str, Any]

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> LegalEntity:
        head = data.get("head") or {}
        return cls(
            bin=str(data["bin"]), name=dict(data.get("name") or {}), registered_on=_date(data.get("registrationDate")),
            head_iin=str(head.get("iin") or ""), head_name=str(head.get("fullName") or ""),
            address=dict(data.get("address") or {}),
        )


@dataclass(frozen=True)
class PowerOfAttorney:
    """A power of attorney as ЕНИС returns it."""

    number: str
    principal_iin: str
    principal_name: str
    representative_iin: str
    representative_name: str
    scope: tuple[str, ...]
    issued_on: date | None
    valid_until: date | None
    notarised: bool
    notary: str

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> PowerOfAttorney:
        principal, representative = data.get("principal") or {}, data.get("representative") or {}
        return cls(
            number=str(data["number"]), principal_iin=str(principal.get("iin") or ""),
            principal_name=str(principal.get("fullName") or ""),
            representative_iin=str(representative.get("iin") or ""),
            representative_name=str(representative.get("fullName") or ""),
            scope=tuple(str(s) for s in data.get("scope", [])), issued_on=_date(data.get("issueDate")),
            valid_until=_date(data.get("validUntil")), notarised=bool(data.get("notarised")),
            notary=str(data.get("notary") or ""),
        )

    def is_valid_on(self, day: date) -> bool:
        started = self.issued_on is None or self.issued_on <= day
        return started and (self.valid_until is None or day <= self.valid_until)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number, "principal_iin": self.principal_iin, "principal_name": self.principal_name,
            "representative_iin": self.representative_iin, "representative_name": self.representative_name,
            "scope": list(self.scope), "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "notarised": self.notarised, "notary": self.notary,
        }


def records_of(registry: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The record payloads of an answer (empty when the registry found nothing)."""
    records = data.get(RECORDS_KEY[registry]) or []
    return [record for record in records if isinstance(record, dict)]


def answer_stranger(registry: str, asked: str, records: list[dict[str, Any]]) -> str | None:
    """The identifier of a record that is not about `asked` (None when every record is).

    ГБД ФЛ records carry the IIN asked, ГБД ЮЛ records the BIN asked, and each ЕНИС power of
    attorney names the person asked as principal or representative.
    """
    for record in records:
        if registry == GBD_FL and str(record.get("iin") or "") != asked:
            return str(record.get("iin") or "?")
        if registry == GBD_UL and str(record.get("bin") or "") != asked:
            return str(record.get("bin") or "?")
        if registry == ENIS:
            parties = {str((record.get(role) or {}).get("iin") or "") for role in ("principal", "representative")}
            if asked not in parties:
                return ", ".join(sorted(parties - {""})) or "?"
    return None


def query_payload(spec: RegistrySpec, identifier: str, **extra: str) -> dict[str, Any]:
    """The request payload: the identifier under its name ("iin" or "bin"), plus any filters given."""
    return {spec.identifier: identifier, **{key: value for key, value in extra.items() if value}}


class RegistryClient:
    """Builds signed registry requests and sends them through a GatewayClient."""

    def __init__(self, gateway: GatewayClient, *, sign: envelope.Signer, sender_id: str = PLATFORM_SENDER_ID) -> None:
        self.gateway = gateway
        self._sign = sign
        self._sender_id = sender_id

    def close(self) -> None:
        self.gateway.close()

    def request_for(
        self, registry: str, identifier: str, *, now: datetime, message_id: str | None = None, **extra: str
    ) -> dict[str, Any]:
        spec = registry_spec(registry)
        return envelope.request_build(
            service_id=spec.service_id, data=query_payload(spec, identifier, **extra), sender_id=self._sender_id,
            message_date=now, sign=self._sign, message_id=message_id,
        )

    def resign(self, request: dict[str, Any]) -> dict[str, Any]:
        """`request` dated now (wall clock) and signed again, for a re-send of the same message."""
        return envelope.request_resign(request, sign=self._sign, message_date=datetime.now(UTC))

    def send(self, registry: str, request: dict[str, Any], *, now: datetime,
             channel: Channel = "sync", resend: bool = False) -> VerifiedAnswer:
        """Send `request` (dated and signed again first when it is a `resend`); the verified answer.

        An answer whose records are not about the person (entity) asked about is rejected
        (AnswerRejected, reason "subject"), however well signed.
        """
        spec = registry_spec(registry)
        outgoing = self.resign(request) if resend else request
        if channel == "async":
            verified = self.gateway.async_exchange(spec, outgoing, now=now, resign=self.resign)
        else:
            verified = self.gateway.sync_send(spec, outgoing, now=now, resign=self.resign)
        asked = str(request["messageData"]["data"].get(spec.identifier) or "")
        stranger = answer_stranger(registry, asked, records_of(registry, verified.answer.data))
        if stranger is not None:
            raise messages.AnswerRejected(registry, reason=messages.REJECT_SUBJECT,
                                          detail=f"asked about {asked}, the answer is about {stranger}")
        return verified

    def query(self, registry: str, identifier: str, *, now: datetime, channel: Channel = "sync",
              **extra: str) -> VerifiedAnswer:
        return self.send(registry, self.request_for(registry, identifier, now=now, **extra), now=now, channel=channel)
