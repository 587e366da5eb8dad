"""Reads of the test CA's register shaped for its endpoints: certificate status, OCSP answers."""

from __future__ import annotations

from datetime import datetime

from qyzmet.signatures import revocation
from qyzmet.signatures.models import IssuedCertificate
from qyzmet.signatures.pki import Pki, serial_hex
from qyzmet.signatures.profile import key_identifier


def certificate_state(*, authority_key_id: str, serial_number: int) -> revocation.CertificateState | None:
    """What the register says about a serial number of a CA: None when that CA never issued it."""
    record = (
        IssuedCertificate.objects.issued_by(authority_key_id)
        .filter(serial_number=serial_hex(serial_number))
        .only("revoked_at", "revocation_reason")
        .first()
    )
    if record is None:
        return None
    return revocation.CertificateState(revoked_at=record.revoked_at, reason=record.revocation_reason)


def ocsp_answer(*, pki: Pki, request_data: bytes, now: datetime) -> bytes:
    """The DER OCSP response to a DER request about a certificate of the issuing CA, signed by the responder."""
    authority_key_id = key_identifier(pki.issuing.certificate)
    return revocation.ocsp_response_build(
        request_data,
        issuer=pki.issuing.certificate,
        responder=pki.responder.certificate,
        responder_key=pki.responder.key,
        lookup=lambda serial_number: certificate_state(authority_key_id=authority_key_id, serial_number=serial_number),
        now=now,
    )
