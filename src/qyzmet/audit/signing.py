"""Checkpoint signatures: RSA (PKCS#1 v1.5, SHA-256) with the platform's system key.

The key is the one the platform signs gateway requests with (QYZMET_PKI_DIR/gateway/, issued
by the test national CA in `qyzmet setup`), so a person who can edit the database but not read
that key cannot make a checkpoint agree with edited rows. A signature names its certificate by
SHA-256 fingerprint; the certificate is kept in `SigningCertificate`, and is trusted on checking
only when the configured CA issued it to the platform's BIN.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.utils import timezone

from qyzmet.audit.models import SigningCertificate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signer:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    fingerprint: str
    pem: str

    def sign(self, content: bytes) -> str:
        return base64.b64encode(self.key.sign(content, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def fingerprint_of(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def _platform_files() -> tuple[Path, Path]:
    from qyzmet.gateway.credentials import FOLDER, PLATFORM_NAME

    folder = Path(settings.QYZMET_PKI_DIR) / FOLDER
    return folder / f"{PLATFORM_NAME}.key", folder / f"{PLATFORM_NAME}.crt"


def signer_default() -> Signer | None:
    """The platform's signing key and certificate, issued on first use; None when no CA is set up."""
    key_file, certificate_file = _platform_files()
    if not (key_file.exists() and certificate_file.exists()):
        from qyzmet.gateway.services import platform_credentials
        from qyzmet.signatures.pki import PkiNotInitialised

        try:
            platform_credentials(now=timezone.now())
        except PkiNotInitialised:
            return None
    stamp = (key_file.stat().st_mtime_ns, certificate_file.stat().st_mtime_ns)
    return _signer_cached(str(key_file), str(certificate_file), stamp)


@lru_cache(maxsize=4)
def _signer_cached(key_path: str, certificate_path: str, stamp: tuple[int, int]) -> Signer:
    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    pem = Path(certificate_path).read_bytes()
    certificate = x509.load_pem_x509_certificate(pem)
    return Signer(key=key, certificate=certificate, fingerprint=fingerprint_of(certificate), pem=pem.decode("ascii"))


def checkpoint_sign(content: bytes) -> tuple[str, str]:
    """(certificate fingerprint, base64 signature) over `content`; ("", "") when no key is set up.

    Side effects: records the signing certificate in SigningCertificate the first time.
    """
    certificate, signature = checkpoint_sign_unrecorded(content)
    if certificate:
        signing_certificate_record()
    return certificate, signature


def checkpoint_sign_unrecorded(content: bytes) -> tuple[str, str]:
    """As `checkpoint_sign`, leaving the certificate's record to the caller (`signing_certificate_record`
    when it is not known to be there): no query."""
    signer = signer_default()
    if signer is None:
        return "", ""
    return signer.fingerprint, signer.sign(content)


def signing_certificate_record() -> None:
    """Record the platform's signing certificate in SigningCertificate unless it is there."""
    signer = signer_default()
    if signer is None or SigningCertificate.objects.filter(fingerprint=signer.fingerprint).exists():
        return
    SigningCertificate.objects.get_or_create(
        fingerprint=signer.fingerprint, defaults={"pem": signer.pem, "first_used_at": timezone.now()})


class CheckpointTrust:
    """Checks checkpoint signatures against the platform certificates the configured CA issued."""

    def __init__(self) -> None:
        from qyzmet.gateway.registries import PLATFORM_BIN
        from qyzmet.signatures.pki import PkiNotInitialised
        from qyzmet.signatures.profile import subject_identity
        from qyzmet.signatures.services import pki_default

        self.problem = ""
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        try:
            issuing = pki_default().issuing.certificate
        except PkiNotInitialised:
            self.problem = "no national CA is set up here: checkpoint signatures cannot be checked"
            return
        for fingerprint, pem in SigningCertificate.objects.values_list("fingerprint", "pem"):
            try:
                certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
                certificate.verify_directly_issued_by(issuing)
            except (ValueError, TypeError, InvalidSignature):
                continue
            key = certificate.public_key()
            if (fingerprint_of(certificate) == fingerprint and isinstance(key, rsa.RSAPublicKey)
                    and subject_identity(certificate.subject).bin == PLATFORM_BIN):
                self._keys[fingerprint] = key

    def check(self, content: bytes, fingerprint: str, signature: str) -> str:
        """Empty when `signature` is the platform's over `content`, else why not."""
        if self.problem:
            return self.problem
        if not signature:
            return "not signed"
        key = self._keys.get(fingerprint)
        if key is None:
            return "signed with a certificate the CA did not issue to the platform"
        try:
            key.verify(base64.b64decode(signature, validate=True), content, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, binascii.Error, ValueError):
            return "signature does not match"
        return ""
