"""The trust store and the certificate chain from a signer up to a trusted CA.

Trust anchors are certificates added as data: the test CA's root, every certificate in the
PKI directory's `trust/` folder, and the files listed in settings.QYZMET_TRUSTED_ROOTS (the
national CA's production or test roots, for example). An anchor need not be self-signed:
as in NCANode, trusting an issuing CA directly is allowed. No Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from qyzmet.signatures import messages, pki
from qyzmet.signatures.profile import name_text

MAX_DEPTH: Final = 6
TRUST_SUFFIXES: Final = frozenset({".pem", ".crt", ".cer", ".der"})

NO_ISSUER: Final = "no trusted CA issued {subject}"
ISSUER_SIGNATURE: Final = "{subject} names {issuer} as issuer, but that CA's key does not verify it"
NOT_A_CA: Final = "{subject} is not a CA certificate"
CA_NOT_IN_FORCE: Final = "CA certificate {subject} is not valid at {moment}"
CHAIN_TOO_LONG: Final = "the chain is longer than {depth} certificates"
CHAIN_BUILT: Final = "chain of {length} up to trusted {anchor}"


@dataclass(frozen=True)
class TrustStore:
    """Trusted CA certificates (anchors) and known intermediates that help build a chain."""

    anchors: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...] = ()


@dataclass(frozen=True)
class Chain:
    """A chain from the signer (first) up to a trust anchor (last); `code` set when none could be built."""

    certificates: tuple[x509.Certificate, ...]
    code: str | None = None
    detail: str = ""

    @property
    def issuer(self) -> x509.Certificate | None:
        """The certificate that issued the signer's, when the chain reached it."""
        return self.certificates[1] if len(self.certificates) > 1 else None


def trust_store_load(*, pki_directory: Path | None, extra_files: Sequence[Path] = ()) -> TrustStore:
    """Collect trust anchors from the test CA directory, its `trust/` folder and extra files."""
    anchors: list[x509.Certificate] = []
    intermediates: list[x509.Certificate] = []
    if pki_directory is not None:
        root_file, issuing_file = pki_directory / f"{pki.ROOT}.crt", pki_directory / f"{pki.ISSUING}.crt"
        if root_file.exists():
            anchors.extend(pki.certificates_load(root_file.read_bytes()))
        if issuing_file.exists():
            intermediates.extend(pki.certificates_load(issuing_file.read_bytes()))
        folder = pki_directory / pki.TRUST_FOLDER
        if folder.is_dir():
            anchors.extend(_certificates_in(sorted(folder.iterdir())))
    for path in extra_files:  # named explicitly in settings, so a missing file is an error
        anchors.extend(pki.certificates_load(Path(path).read_bytes()))
    return TrustStore(anchors=tuple(anchors), intermediates=tuple(intermediates))


def chain_build(
    certificate: x509.Certificate, *, trust: TrustStore, candidates: Iterable[x509.Certificate], at: datetime
) -> Chain:
    """Follow issuers from `certificate` to an anchor, each CA a CA and in force at `at`."""
    pool = [*candidates, *trust.intermediates, *trust.anchors]
    path = [certificate]
    current = certificate
    for _ in range(MAX_DEPTH):
        if _is_anchor(current, trust.anchors):
            return Chain(tuple(path), detail=CHAIN_BUILT.format(length=len(path), anchor=_name(current)))
        issuer, refusal = _issuer_of(current, pool)
        if issuer is None or any(issuer == seen for seen in path):
            return Chain(tuple(path), messages.UNKNOWN_ISSUER, refusal or NO_ISSUER.format(subject=_name(current)))
        problem = _ca_problem(issuer, at)
        if problem:
            return Chain(tuple(path), messages.CHAIN_INVALID, problem)
        path.append(issuer)
        current = issuer
    return Chain(tuple(path), messages.UNKNOWN_ISSUER, CHAIN_TOO_LONG.format(depth=MAX_DEPTH))


def _issuer_of(certificate: x509.Certificate, pool: Sequence[x509.Certificate]) -> tuple[x509.Certificate | None, str]:
    named = [candidate for candidate in pool if candidate.subject == certificate.issuer]
    for candidate in named:
        try:
            certificate.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            continue
        return candidate, ""
    if named:
        return None, ISSUER_SIGNATURE.format(subject=_name(certificate), issuer=_name(named[0]))
    return None, ""


def _ca_problem(certificate: x509.Certificate, at: datetime) -> str:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return NOT_A_CA.format(subject=_name(certificate))
    if not constraints.ca:
        return NOT_A_CA.format(subject=_name(certificate))
    if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
        return CA_NOT_IN_FORCE.format(subject=_name(certificate), moment=at.isoformat())
    return ""


def _is_anchor(certificate: x509.Certificate, anchors: Sequence[x509.Certificate]) -> bool:
    key = _public_key_bytes(certificate)
    return any(anchor.subject == certificate.subject and _public_key_bytes(anchor) == key for anchor in anchors)


def _public_key_bytes(certificate: x509.Certificate) -> bytes:
    try:
        return certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    except (ValueError, UnsupportedAlgorithm):
        # Keys cryptography cannot load (GOST): compare whole certificates instead.
        return certificate.public_bytes(serialization.Encoding.DER)


def _certificates_in(paths: Iterable[Path]) -> list[x509.Certificate]:
    found: list[x509.Certificate] = []
    for path in paths:
        if path.is_file() and path.suffix.lower() in TRUST_SUFFIXES:
            found.extend(pki.certificates_load(path.read_bytes()))
    return found


def _name(certificate: x509.Certificate) -> str:
    return name_text(certificate.subject)
