"""The trust store and the certificate chain from a signer up to a trusted CA.

Paths are built and validated by pyhanko-certvalidator, a maintained RFC 5280 implementation;
this module feeds it our anchors and maps its errors to our verdict codes.

Trust anchors are certificates added as data: the test CA's root, every certificate in the
PKI directory's `trust/` folder, and the files listed in settings.QYZMET_TRUSTED_ROOTS (the
national CA's production or test roots, for example). An anchor need not be self-signed:
as in NCANode, trusting an issuing CA directly is allowed. No Django.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from qyzmet.signatures import messages, pki
from qyzmet.signatures.profile import name_text

if TYPE_CHECKING:
    from pyhanko_certvalidator.errors import PathValidationError
    from pyhanko_certvalidator.path import ValidationPath

TRUST_SUFFIXES: Final = frozenset({".pem", ".crt", ".cer", ".der"})

# Digests refused in certificate signatures on the path (the library's default, named here).
WEAK_HASHES: Final = frozenset({"md2", "md5", "sha1"})
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
    """Build and validate the path from `certificate` to an anchor with pyhanko-certvalidator (RFC 5280 6.1).

    The library checks every signature on the path, that each CA is a CA with keyCertSign, path
    length and name constraints, unknown critical extensions, weak algorithms (SHA-1, MD5, RSA keys
    under 2048 bits) and that every CA is in force at `at`. The signer's own validity dates are the
    validity check's business (with its own codes), so the path is judged at `at` moved inside the
    signer's validity period; whenever that moves it, the validity check refuses the signature anyway.
    Revocation is not asked here: the verifier asks its sources about every certificate of the path.
    """
    if _is_anchor(certificate, trust.anchors):
        return Chain((certificate,), detail=CHAIN_BUILT.format(length=1, anchor=_name(certificate)))
    moment = min(max(at, certificate.not_valid_before_utc), certificate.not_valid_after_utc)
    candidates = tuple(candidates)
    key = (_der(certificate), frozenset(_der(other) for other in candidates),
           frozenset(_der(anchor) for anchor in trust.anchors), frozenset(_der(other) for other in trust.intermediates))
    built = _BUILT.get(key)
    if built is not None and _in_force(built, moment):
        return built
    chain = _chain_validated(certificate, trust=trust, candidates=candidates, moment=moment)
    if chain.code is None:
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.clear()
        _BUILT[key] = chain
    return chain


# Valid paths this process built, by the DER of the signer's certificate, of the certificates the
# signature offered and of the trust store. Nothing in a path's validation but its certificates'
# validity periods depends on the moment (revocation is asked elsewhere, for every signature), so
# a path found valid is valid again at any moment inside all of them. Refusals are never kept.
_BUILT: dict[tuple[bytes, frozenset[bytes], frozenset[bytes], frozenset[bytes]], Chain] = {}
_BUILT_MAX: Final = 4096


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def _in_force(chain: Chain, moment: datetime) -> bool:
    return all(item.not_valid_before_utc <= moment <= item.not_valid_after_utc for item in chain.certificates)


def _chain_validated(
    certificate: x509.Certificate, *, trust: TrustStore, candidates: Iterable[x509.Certificate], moment: datetime
) -> Chain:
    """`chain_build`'s work when no path found earlier answers: pyhanko-certvalidator at `moment`."""
    # Imported here: the library (with aiohttp) takes a second to import, and most commands never verify.
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (
        DisallowedAlgorithmError,
        PathBuildingError,
        PathValidationError,
        ValidationError,
    )
    from pyhanko_certvalidator.policy_decl import NO_REVOCATION, CertRevTrustPolicy, DisallowWeakAlgorithmsPolicy

    anchors = [_asn1(anchor) for anchor in trust.anchors]
    others = [_asn1(other) for other in (*candidates, *trust.intermediates)]
    context = ValidationContext(
        trust_roots=anchors, other_certs=others, moment=moment,
        revinfo_policy=CertRevTrustPolicy(NO_REVOCATION),
        algorithm_usage_policy=DisallowWeakAlgorithmsPolicy(weak_hash_algos=WEAK_HASHES),
    )
    validator = CertificateValidator(_asn1(certificate), validation_context=context)
    try:
        path = _run(validator.async_validate_path())
    except PathBuildingError as error:
        return Chain((certificate,), messages.UNKNOWN_ISSUER, _library_text(error))
    except DisallowedAlgorithmError as error:
        return Chain(_error_path(error, certificate), messages.WEAK_ALGORITHM, _library_text(error))
    except PathValidationError as error:
        code = messages.CERT_INVALID if error.is_ee_cert else messages.CHAIN_INVALID
        return Chain(_error_path(error, certificate), code, _library_text(error))
    except ValidationError as error:
        return Chain((certificate,), messages.CHAIN_INVALID, _library_text(error))
    certificates = tuple(_crypto(item) for item in reversed(list(path.iter_certs(include_root=True))))
    return Chain(certificates, detail=CHAIN_BUILT.format(length=len(certificates), anchor=_name(certificates[-1])))


def _run(awaitable: Coroutine[Any, Any, ValidationPath]) -> ValidationPath:
    """Run the library's coroutine to completion, also when called from a thread with a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(awaitable)
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, awaitable).result()


def _error_path(error: PathValidationError, certificate: x509.Certificate) -> tuple[x509.Certificate, ...]:
    try:
        found = [_crypto(item) for item in reversed(list(error.original_path.iter_certs(include_root=True)))]
    except (AttributeError, LookupError, ValueError):
        return (certificate,)
    return tuple(found) or (certificate,)


def _library_text(error: Exception) -> str:
    return str(getattr(error, "failure_msg", "") or error)


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return _asn1_of_der(certificate.public_bytes(serialization.Encoding.DER))


_PARSED = threading.local()
_PARSED_LIMIT = 256


def _asn1_of_der(der: bytes) -> asn1_x509.Certificate:
    """One parsed object per certificate and thread: asn1crypto keeps the normalised names it computed
    on the object, which makes path building several times faster for the anchors and CAs seen again.

    Per thread, not per process: asn1crypto parses an object's parts lazily on first read, which is not
    safe when two threads of one server read the same object at once (seen as a KeyError from inside
    asn1crypto under concurrent signing, benchmarks/backoffice_bench)."""
    cache: dict[bytes, asn1_x509.Certificate] | None = getattr(_PARSED, "certificates", None)
    if cache is None:
        cache = _PARSED.certificates = {}
    parsed = cache.get(der)
    if parsed is None:
        if len(cache) >= _PARSED_LIMIT:
            cache.clear()
        parsed = cache[der] = asn1_x509.Certificate.load(der)
    return parsed


def _crypto(certificate: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(certificate.dump())


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
