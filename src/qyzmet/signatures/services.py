"""Writes of the test CA's register: record an issued certificate, revoke one, publish a CRL."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction

from qyzmet.signatures import revocation
from qyzmet.signatures.models import IssuedCertificate, RevocationList
from qyzmet.signatures.pki import ISSUING, RESPONDER, ROOT, TSA, Pki, pki_files, pki_load, serial_hex
from qyzmet.signatures.profile import Purpose, key_identifier, name_text, subject_identity
from qyzmet.signatures.sources import PROCESS_CACHE

CRL_LIFETIME: Final = timedelta(days=1)
# A stored CRL is served until less than this is left before its nextUpdate, then re-published.
CRL_REFRESH_MARGIN: Final = timedelta(hours=12)

CERTIFICATE_NOT_FOUND: Final = "no certificate with serial number {serial} was issued by this CA"
ALREADY_REVOKED: Final = "certificate {serial} was already revoked at {revoked_at}"
UNKNOWN_REASON: Final = "unknown revocation reason {reason!r}; use one of: {choices}"
NOT_OUR_CERTIFICATE: Final = "certificate {serial} was not issued by this CA's issuing authority"


class CertificateNotFound(Exception):
    """No certificate with that serial number in the register."""


class CertificateAlreadyRevoked(Exception):
    """The certificate is already revoked; revocation is final."""


def pki_default() -> Pki:
    """The test CA configured by settings.QYZMET_PKI_DIR (PkiNotInitialised when absent).

    Loaded once per process and file version: loading (and checking) three RSA keys costs
    tens of milliseconds, too much for every OCSP request.
    """
    directory = Path(settings.QYZMET_PKI_DIR)
    files = pki_files(directory, names=(ROOT, ISSUING, RESPONDER, TSA))
    stamp = tuple(path.stat().st_mtime_ns if path.exists() else -1 for path in files.values())
    return _pki_cached(directory, stamp)


@lru_cache(maxsize=4)
def _pki_cached(directory: Path, stamp: tuple[int, ...]) -> Pki:
    return pki_load(directory)


@transaction.atomic
def certificate_record_issued(
    *, pki: Pki, certificate: x509.Certificate, purpose: Purpose, now: datetime
) -> IssuedCertificate:
    """Write a certificate the issuing CA has just issued into the register.

    Side effects: creates an IssuedCertificate row.
    """
    try:
        certificate.verify_directly_issued_by(pki.issuing.certificate)
    except (ValueError, TypeError, InvalidSignature) as error:
        raise ValueError(NOT_OUR_CERTIFICATE.format(serial=serial_hex(certificate.serial_number))) from error
    identity = subject_identity(certificate.subject)
    return IssuedCertificate.objects.create(
        authority_key_id=key_identifier(pki.issuing.certificate),
        serial_number=serial_hex(certificate.serial_number),
        subject=name_text(certificate.subject),
        iin=identity.iin or "",
        bin=identity.bin or "",
        purpose=purpose.value,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        der=certificate.public_bytes(serialization.Encoding.DER),
        issued_at=now,
    )


@transaction.atomic
def certificate_revoke(*, pki: Pki, serial_number: int, reason: str, now: datetime) -> IssuedCertificate:
    """Revoke a certificate of the issuing CA for good, then publish a fresh CRL.

    Side effects: sets revoked_at and revocation_reason; creates a RevocationList row.
    """
    if reason not in revocation.REASONS:
        raise ValueError(UNKNOWN_REASON.format(reason=reason, choices=", ".join(revocation.REASONS)))
    serial = serial_hex(serial_number)
    record = (
        IssuedCertificate.objects.select_for_update()
        .issued_by(key_identifier(pki.issuing.certificate))
        .filter(serial_number=serial)
        .first()
    )
    if record is None:
        raise CertificateNotFound(CERTIFICATE_NOT_FOUND.format(serial=serial))
    if record.revoked_at is not None:
        revoked_at = record.revoked_at.isoformat()
        raise CertificateAlreadyRevoked(ALREADY_REVOKED.format(serial=serial, revoked_at=revoked_at))
    record.revoked_at, record.revocation_reason = now, reason
    record.save(update_fields=["revoked_at", "revocation_reason"])
    crl_publish(pki=pki, authority_name=ISSUING, now=now)
    # This process's verifier must not keep vouching for the certificate from its cache.
    PROCESS_CACHE.forget_serial(serial_number)
    transaction.on_commit(lambda: PROCESS_CACHE.forget_serial(serial_number))
    return record


@transaction.atomic
def crl_publish(*, pki: Pki, authority_name: str, now: datetime) -> RevocationList:
    """Sign and store a new CRL of `authority_name` ("root" or "issuing"), numbered after the last one.

    Side effects: creates a RevocationList row.
    """
    authority = pki.authority(authority_name)
    authority_key_id = key_identifier(authority.certificate)
    last = RevocationList.objects.filter(authority_key_id=authority_key_id).order_by("-number").first()
    number = last.number + 1 if last else 1
    revoked = IssuedCertificate.objects.issued_by(authority_key_id).revoked()
    entries = [
        revocation.RevokedEntry(int(row.serial_number, 16), row.revoked_at, row.revocation_reason)
        for row in revoked
        if row.revoked_at is not None
    ]
    der = revocation.crl_build(
        issuer=authority.certificate, key=authority.key, entries=entries, number=number,
        this_update=now, next_update=now + CRL_LIFETIME,
    )
    return RevocationList.objects.create(
        authority_key_id=authority_key_id, number=number, this_update=now, next_update=now + CRL_LIFETIME, der=der
    )


def crl_current(*, pki: Pki, authority_name: str, now: datetime) -> bytes:
    """The DER CRL to serve: the last one published while it has time left, otherwise a new one.

    Side effects: may create a RevocationList row.
    """
    authority_key_id = key_identifier(pki.authority(authority_name).certificate)
    last = RevocationList.objects.filter(authority_key_id=authority_key_id).order_by("-number").first()
    if last is not None and last.next_update - now > CRL_REFRESH_MARGIN:
        return bytes(last.der)
    try:
        return bytes(crl_publish(pki=pki, authority_name=authority_name, now=now).der)
    except IntegrityError:
        # Another request published the same number first; serve that one.
        latest = RevocationList.objects.filter(authority_key_id=authority_key_id).order_by("-number").first()
        if latest is None:
            raise
        return bytes(latest.der)
