"""The test national CA: a root, an issuing CA, a delegated OCSP responder and a time-stamping
authority (TSA, RFC 3161), RSA-2048 / SHA-256.

Everything lives in one directory (settings.QYZMET_PKI_DIR, `var/pki/` by default), as PEM
files: `root.crt`/`root.key`, `issuing.crt`/`issuing.key`, `ocsp.crt`/`ocsp.key`,
`tsa.crt`/`tsa.key`, and a `trust/` folder for extra trusted roots. A CA made before the TSA
existed gets its TSA added by `pki_init` (the other files are kept). Keys are unencrypted with owner-only permissions:
this CA exists for development and tests, never for real signatures. Pure functions that
take paths and keys; no Django.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from qyzmet.signatures import profile
from qyzmet.signatures.profile import Holder, Purpose

ROOT: Final = "root"
ISSUING: Final = "issuing"
RESPONDER: Final = "ocsp"
TSA: Final = "tsa"
TRUST_FOLDER: Final = "trust"
AUTHORITY_NAMES: Final = (ROOT, ISSUING)

KEY_SIZE: Final = 2048
ROOT_LIFETIME: Final = timedelta(days=20 * 365)
ISSUING_LIFETIME: Final = timedelta(days=10 * 365)
HOLDER_LIFETIME: Final = timedelta(days=365)
# Certificates start a little in the past so that a verifier with a slow clock accepts them.
BACKDATE: Final = timedelta(minutes=5)

ROOT_SUBJECT: Final = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Qyzmet"),
    x509.NameAttribute(NameOID.COMMON_NAME, "QYZMET TEST ROOT (RSA)"),
])
ISSUING_SUBJECT: Final = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Qyzmet"),
    x509.NameAttribute(NameOID.COMMON_NAME, "ҰКО QYZMET TEST (RSA)"),
])
RESPONDER_SUBJECT: Final = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Qyzmet"),
    x509.NameAttribute(NameOID.COMMON_NAME, "QYZMET TEST OCSP RESPONDER"),
])
TSA_SUBJECT: Final = x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Qyzmet"),
    x509.NameAttribute(NameOID.COMMON_NAME, "QYZMET TEST TSA"),
])

PKI_NOT_INITIALISED: Final = "the test CA is not set up in {directory}: run `qyzmet pki init`"
PKI_INCOMPLETE: Final = "{directory} holds part of a CA ({present}); refusing to overwrite it, move it away first"
KEY_FILE_UNREADABLE: Final = "cannot open the key file: wrong password or not a PKCS#12 file"
KEY_FILE_INCOMPLETE: Final = "the key file holds no private key with its certificate"


class PkiNotInitialised(Exception):
    """The PKI directory has no CA yet."""


class PkiIncomplete(Exception):
    """The PKI directory holds some CA files but not all; init will not overwrite them."""


class KeyFileError(Exception):
    """A PKCS#12 key file could not be opened."""


@dataclass(frozen=True)
class Authority:
    """A certificate with its private key: a CA, the OCSP responder or the TSA."""

    name: str
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey


@dataclass(frozen=True)
class Pki:
    """The test CA as loaded from its directory."""

    directory: Path
    root: Authority
    issuing: Authority
    responder: Authority
    tsa: Authority

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        """The CA certificates above a holder's certificate, nearest first."""
        return (self.issuing.certificate, self.root.certificate)

    def authority(self, name: str) -> Authority:
        """The CA called `name` ("root" or "issuing"); KeyError for anything else."""
        authorities = {ROOT: self.root, ISSUING: self.issuing}
        return authorities[name]


@dataclass(frozen=True)
class KeyBundle:
    """What a PKCS#12 key file holds: the private key, its certificate and the CA chain."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def key_generate() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 private key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def pki_files(directory: Path, *, names: tuple[str, ...] = (ROOT, ISSUING, RESPONDER)) -> dict[str, Path]:
    """The PEM files of the CA proper (root, issuing CA, OCSP responder) by role; `names` for others."""
    return {
        f"{name}.{kind}": directory / f"{name}.{kind}"
        for name in names
        for kind in ("crt", "key")
    }


def pki_init(directory: Path, *, base_url: str, now: datetime) -> tuple[Pki, bool]:
    """Create the test CA in `directory` unless it is already there; return it and whether it was created.

    Side effects: writes PEM files and the `trust/` folder. A partial directory raises PkiIncomplete.
    """
    files = pki_files(directory)
    present = sorted(name for name, path in files.items() if path.exists())
    if len(present) == len(files):
        _tsa_ensure(directory, base_url=base_url, now=now)
        return pki_load(directory), False
    if present:
        raise PkiIncomplete(PKI_INCOMPLETE.format(directory=directory, present=", ".join(present)))
    pki = pki_create(directory, base_url=base_url, now=now)
    for authority in (pki.root, pki.issuing, pki.responder, pki.tsa):
        _authority_write(directory, authority)
    return pki, True


def _authority_write(directory: Path, authority: Authority) -> None:
    _write_key(directory / f"{authority.name}.key", authority.key)
    (directory / f"{authority.name}.crt").write_bytes(certificate_pem(authority.certificate))


def _tsa_ensure(directory: Path, *, base_url: str, now: datetime) -> None:
    """Add the TSA to a CA made before it existed (a partial TSA is replaced: it never signed anything kept)."""
    files = pki_files(directory, names=(TSA,))
    if all(path.exists() for path in files.values()):
        return
    for path in files.values():
        path.unlink(missing_ok=True)
    issuing = _authority_read(directory, ISSUING)
    _authority_write(directory, tsa_create(issuing, base_url=base_url, now=now))


def tsa_create(issuing: Authority, *, base_url: str, now: datetime) -> Authority:
    """A time-stamping authority certified by the issuing CA (EKU timeStamping, critical), in memory."""
    key = key_generate()
    start = now - BACKDATE
    extensions = profile.tsa_extensions(
        public_key=key.public_key(), issuer=issuing.certificate, base_url=base_url, issuer_name=ISSUING
    )
    end = min(start + ISSUING_LIFETIME, issuing.certificate.not_valid_after_utc)
    return Authority(TSA, _sign(
        TSA_SUBJECT, key.public_key(), issuer_name=issuing.certificate.subject, issuer_key=issuing.key,
        not_before=start, not_after=end, extensions=extensions,
    ), key)


def pki_create(directory: Path, *, base_url: str, now: datetime) -> Pki:
    """Generate the three key pairs and certificates in memory (nothing written)."""
    root_key, issuing_key, responder_key = key_generate(), key_generate(), key_generate()
    start = now - BACKDATE
    root_extensions = profile.ca_extensions(
        public_key=root_key.public_key(), path_length=1, issuer=None, base_url=base_url, issuer_name=ROOT
    )
    root_certificate = _sign(
        ROOT_SUBJECT, root_key.public_key(), issuer_name=ROOT_SUBJECT, issuer_key=root_key,
        not_before=start, not_after=start + ROOT_LIFETIME, extensions=root_extensions,
    )
    root = Authority(ROOT, root_certificate, root_key)
    issuing_extensions = profile.ca_extensions(
        public_key=issuing_key.public_key(), path_length=0, issuer=root_certificate, base_url=base_url,
        issuer_name=ROOT,
    )
    issuing = Authority(ISSUING, _sign(
        ISSUING_SUBJECT, issuing_key.public_key(), issuer_name=ROOT_SUBJECT, issuer_key=root_key,
        not_before=start, not_after=start + ISSUING_LIFETIME, extensions=issuing_extensions,
    ), issuing_key)
    responder_extensions = profile.ocsp_responder_extensions(
        public_key=responder_key.public_key(), issuer=issuing.certificate
    )
    responder = Authority(RESPONDER, _sign(
        RESPONDER_SUBJECT, responder_key.public_key(), issuer_name=ISSUING_SUBJECT, issuer_key=issuing_key,
        not_before=start, not_after=start + ISSUING_LIFETIME, extensions=responder_extensions,
    ), responder_key)
    tsa = tsa_create(issuing, base_url=base_url, now=now)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / TRUST_FOLDER).mkdir(exist_ok=True)
    return Pki(directory=directory, root=root, issuing=issuing, responder=responder, tsa=tsa)


def pki_load(directory: Path) -> Pki:
    """Load the test CA from `directory`; PkiNotInitialised when it is not (completely) there."""
    files = pki_files(directory, names=(ROOT, ISSUING, RESPONDER, TSA))
    if not all(path.exists() for path in files.values()):
        raise PkiNotInitialised(PKI_NOT_INITIALISED.format(directory=directory))
    root, issuing, responder, tsa = (_authority_read(directory, name) for name in (ROOT, ISSUING, RESPONDER, TSA))
    return Pki(directory=directory, root=root, issuing=issuing, responder=responder, tsa=tsa)


def _authority_read(directory: Path, name: str) -> Authority:
    certificate = x509.load_pem_x509_certificate((directory / f"{name}.crt").read_bytes())
    return Authority(name, certificate, _read_key(directory / f"{name}.key"))


def certificate_issue(
    pki: Pki,
    *,
    holder: Holder,
    purpose: Purpose,
    public_key: CertificateIssuerPublicKeyTypes,
    base_url: str,
    now: datetime,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> x509.Certificate:
    """Issue a holder's signing or authentication certificate from the issuing CA (one year by default)."""
    start = not_before if not_before is not None else now - BACKDATE
    end = not_after if not_after is not None else start + HOLDER_LIFETIME
    extensions = profile.end_entity_extensions(
        holder, purpose, public_key=public_key, issuer=pki.issuing.certificate, base_url=base_url,
        issuer_name=ISSUING,
    )
    return _sign(
        profile.holder_subject(holder), public_key, issuer_name=pki.issuing.certificate.subject,
        issuer_key=pki.issuing.key, not_before=start, not_after=end, extensions=extensions,
    )


def pkcs12_dump(bundle: KeyBundle, *, password: str, friendly_name: str) -> bytes:
    """A PKCS#12 file like the national CA's: key, certificate and chain, AES-256 / PBKDF2 / SHA-256."""
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50_000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password.encode())
    )
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode(), bundle.key, bundle.certificate, list(bundle.chain), encryption
    )


def pkcs12_load(data: bytes, *, password: str) -> KeyBundle:
    """Open a PKCS#12 key file; KeyFileError when the password is wrong or the file is not one."""
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, password.encode())
    except ValueError as error:
        raise KeyFileError(KEY_FILE_UNREADABLE) from error
    if not isinstance(key, rsa.RSAPrivateKey) or certificate is None:
        raise KeyFileError(KEY_FILE_INCOMPLETE)
    return KeyBundle(key=key, certificate=certificate, chain=tuple(chain))


def pkcs12_friendly_name(certificate: x509.Certificate, purpose: Purpose) -> str:
    """The alias the national CA gives a key: RSA256_… for signing, AUTH_RSA256_… for authentication."""
    prefix = "RSA256" if purpose is Purpose.SIGN else "AUTH_RSA256"
    return f"{prefix}_{profile.key_identifier(certificate)}"


def certificate_pem(certificate: x509.Certificate) -> bytes:
    """PEM text of a certificate."""
    return certificate.public_bytes(serialization.Encoding.PEM)


def certificates_load(data: bytes) -> list[x509.Certificate]:
    """Every certificate in PEM text (one or many) or in one DER certificate."""
    if b"-----BEGIN CERTIFICATE-----" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def serial_hex(serial_number: int) -> str:
    """A serial number as lowercase hex, the form the CLI prints and accepts."""
    return format(serial_number, "x")


def serial_parse(text: str) -> int:
    """Parse a serial number written in hex, with or without 0x and colons; ValueError otherwise."""
    cleaned = text.strip().lower().removeprefix("0x").replace(":", "")
    return int(cleaned, 16)


def _sign(
    subject: x509.Name,
    public_key: CertificateIssuerPublicKeyTypes,
    *,
    issuer_name: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    not_before: datetime,
    not_after: datetime,
    extensions: Iterable[tuple[x509.ExtensionType, bool]],
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key, hashes.SHA256())


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def _read_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PkiNotInitialised(f"{path} is not an RSA private key")
    return key
