"""Keys and certificates of the gateway participants: the platform and the simulated registries.

Each participant signs with a system certificate issued by the test national CA in the
national CA's staff profile (an organization's BIN in `OU=BIN…`). The registries share one
key and hold one certificate per registry, each with that registry's BIN, so the platform can
tell which registry signed. Files live in `<pki dir>/gateway/` as PEM, keys owner-only.
Pure functions, no Django (recording the certificates in the CA's register is in services).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from qyzmet.gateway.registries import (
    PLATFORM_BIN,
    PLATFORM_ORGANIZATION,
    REGISTRIES,
    SYSTEM_HOLDER_IIN,
)
from qyzmet.signatures import cms, pki
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.profile import Holder, Purpose

FOLDER: Final = "gateway"
PLATFORM_NAME: Final = "platform"
REGISTRIES_KEY_NAME: Final = "registries"
# A certificate this close to its end, or not issued by the current CA, is replaced.
RENEW_BEFORE: Final = timedelta(days=30)


@dataclass(frozen=True)
class SystemCredentials:
    """A participant's signing key with its certificate and the CA chain above it."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    def sign(self, content: bytes, at: datetime) -> bytes:
        """A detached CMS signature over `content`, with `at` as its signing time."""
        return cms.cms_sign(content, key=self.key, certificate=self.certificate, chain=self.chain, signing_time=at)


@dataclass(frozen=True)
class RegistryCredentials:
    """The simulated registries' shared key and one certificate per registry code."""

    key: rsa.RSAPrivateKey
    certificates: dict[str, x509.Certificate]
    chain: tuple[x509.Certificate, ...]

    def for_registry(self, code: str) -> SystemCredentials:
        return SystemCredentials(key=self.key, certificate=self.certificates[code], chain=self.chain)


def system_holder(*, organization: str, bin: str) -> Holder:
    """The subject of a system certificate: the organization, its BIN and a responsible person."""
    return Holder(iin=SYSTEM_HOLDER_IIN, surname="SYSTEM", first_name="GATEWAY", bin=bin, organization=organization)


def platform_holder() -> Holder:
    return system_holder(organization=PLATFORM_ORGANIZATION, bin=PLATFORM_BIN)


def certificate_for(
    authority: Pki, *, holder: Holder, key: rsa.RSAPrivateKey, base_url: str, now: datetime
) -> x509.Certificate:
    """A signing certificate for `holder` on `key`, issued by the test CA's issuing authority."""
    return pki.certificate_issue(
        authority, holder=holder, purpose=Purpose.SIGN, public_key=key.public_key(), base_url=base_url, now=now,
    )


def registry_credentials_issue(
    authority: Pki, *, base_url: str, now: datetime, key: rsa.RSAPrivateKey | None = None
) -> RegistryCredentials:
    """Fresh registry credentials in memory (nothing written)."""
    key = key or pki.key_generate()
    certificates = {
        code: certificate_for(authority, holder=system_holder(organization=spec.organization, bin=spec.bin),
                              key=key, base_url=base_url, now=now)
        for code, spec in REGISTRIES.items()
    }
    return RegistryCredentials(key=key, certificates=certificates, chain=authority.chain)


def platform_credentials_load(
    directory: Path, authority: Pki, *, base_url: str, now: datetime
) -> tuple[SystemCredentials, bool]:
    """The platform's credentials from `directory`, issued and written first when missing or stale.

    Returns them and whether a new certificate was issued (the caller records it in the register).
    """
    folder = directory / FOLDER
    key_file, certificate_file = folder / f"{PLATFORM_NAME}.key", folder / f"{PLATFORM_NAME}.crt"
    if key_file.exists():
        key = _read_key(key_file)
    else:
        key = pki.key_generate()
        _write_key(key_file, key)
    if certificate_file.exists():
        certificate = pki.certificates_load(certificate_file.read_bytes())[0]
        if _is_current(certificate, authority, now) and certificate.public_key() == key.public_key():
            return SystemCredentials(key=key, certificate=certificate, chain=authority.chain), False
    certificate = certificate_for(authority, holder=platform_holder(), key=key, base_url=base_url, now=now)
    certificate_file.write_bytes(pki.certificate_pem(certificate))
    return SystemCredentials(key=key, certificate=certificate, chain=authority.chain), True


def registry_credentials_load(
    directory: Path, authority: Pki, *, base_url: str, now: datetime
) -> tuple[RegistryCredentials, list[x509.Certificate]]:
    """The registries' credentials from `directory`, issuing what is missing or stale.

    Returns them and the certificates newly issued (the caller records them in the register).
    """
    folder = directory / FOLDER
    key_file = folder / f"{REGISTRIES_KEY_NAME}.key"
    if key_file.exists():
        key = _read_key(key_file)
    else:
        key = pki.key_generate()
        _write_key(key_file, key)
    certificates: dict[str, x509.Certificate] = {}
    issued: list[x509.Certificate] = []
    for code, spec in REGISTRIES.items():
        certificate_file = folder / f"{code}.crt"
        current = pki.certificates_load(certificate_file.read_bytes())[0] if certificate_file.exists() else None
        if current is None or not _is_current(current, authority, now) or current.public_key() != key.public_key():
            holder = system_holder(organization=spec.organization, bin=spec.bin)
            current = certificate_for(authority, holder=holder, key=key, base_url=base_url, now=now)
            certificate_file.write_bytes(pki.certificate_pem(current))
            issued.append(current)
        certificates[code] = current
    return RegistryCredentials(key=key, certificates=certificates, chain=authority.chain), issued


def _is_current(certificate: x509.Certificate, authority: Pki, now: datetime) -> bool:
    if certificate.issuer != authority.issuing.certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(authority.issuing.certificate)
    except Exception:  # any failure means "not from this CA": issue a new one
        return False
    return certificate.not_valid_before_utc <= now < certificate.not_valid_after_utc - RENEW_BEFORE


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def _read_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} is not an RSA private key")
    return key
