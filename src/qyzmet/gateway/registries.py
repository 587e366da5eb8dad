"""The state registries reachable through the gateway, and the platform as a gateway participant.

One place names each registry's code (the catalogue's `Registry` values), the gateway
`serviceId` it answers, the sender code it signs with and the BIN in its certificate. The
platform accepts an answer only when it is signed by a certificate carrying that BIN.
All numbers are synthetic (valid check digits); the service ids follow the style of the real
gateway's but are our own. Pure Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from django.utils.translation import gettext_lazy as _

from qyzmet.core.i18n import Message, in_language

GBD_FL: Final = "gbd_fl"
GBD_UL: Final = "gbd_ul"
ENIS: Final = "enis"


@dataclass(frozen=True)
class RegistrySpec:
    """A registry: what it is called, which gateway service answers it, who signs its answers."""

    code: str
    service_id: str
    sender_id: str
    bin: str
    identifier: Literal["iin", "bin"]
    label: Message  # its name, a gettext message
    organization: str

    def name(self, language: str) -> str:
        return in_language(self.label, language)


REGISTRIES: Final[dict[str, RegistrySpec]] = {
    GBD_FL: RegistrySpec(
        code=GBD_FL, service_id="GBDFL_GET_PERSON_BY_IIN", sender_id="GBDFL", bin="040340001015",
        identifier="iin",
        label=_("State database of individuals (ГБД ФЛ)"),
        organization="ГБД ФЛ (QYZMET SIMULATOR)",
    ),
    GBD_UL: RegistrySpec(
        code=GBD_UL, service_id="GBDUL_GET_ENTITY_BY_BIN", sender_id="GBDUL", bin="040340002023",
        identifier="bin",
        label=_("State database of legal entities (ГБД ЮЛ)"),
        organization="ГБД ЮЛ (QYZMET SIMULATOR)",
    ),
    ENIS: RegistrySpec(
        code=ENIS, service_id="ENIS_GET_POWERS_OF_ATTORNEY", sender_id="ENIS", bin="120740003033",
        identifier="iin",
        label=_("Unified notarial information system (ЕНИС)"),
        organization="ЕНИС (QYZMET SIMULATOR)",
    ),
}

# The platform as a gateway participant: its sender id and the BIN on its system certificate.
PLATFORM_SENDER_ID: Final = "QYZMET"
PLATFORM_BIN: Final = "130540004046"
PLATFORM_ORGANIZATION: Final = "QYZMET PLATFORM"
# The person named in system certificates (the national CA's profile always names one).
SYSTEM_HOLDER_IIN: Final = "880101300010"

UNKNOWN_REGISTRY: Final = "unknown registry {code!r}; use one of: {choices}"


def registry_spec(code: str) -> RegistrySpec:
    """The registry called `code` (gbd_fl, gbd_ul, enis); ValueError for anything else."""
    try:
        return REGISTRIES[code]
    except KeyError:
        raise ValueError(UNKNOWN_REGISTRY.format(code=code, choices=", ".join(REGISTRIES))) from None


def registry_by_service(service_id: str) -> RegistrySpec | None:
    """The registry that answers a gateway service id, or None."""
    return next((spec for spec in REGISTRIES.values() if spec.service_id == service_id), None)
