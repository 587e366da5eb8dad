"""Revocation data, both sides: build CRLs and OCSP responses (the CA), read them (the verifier).

RFC 5280 CRLs with a CRL number, signed by the CA; RFC 6960 OCSP responses signed by a
delegated responder (or the CA itself), echoing the request's nonce. Reading checks the
signature and freshness and gives one RevocationAnswer. Pure functions, no Django, no network.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Final

from asn1crypto import core as asn1_core
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from qyzmet.signatures.profile import name_text

CRL: Final = "crl"
OCSP: Final = "ocsp"
OCSP_VALIDITY: Final = timedelta(hours=1)
CLOCK_SKEW: Final = timedelta(minutes=5)
# An OCSP response that does not echo our nonce counts only if produced this recently (it may be a
# pre-produced or cached answer); settings.QYZMET_OCSP_MAX_AGE overrides it.
OCSP_MAX_AGE: Final = timedelta(hours=1)
# A CRL without nextUpdate ("valid until further notice") counts only this long after its thisUpdate;
# settings.QYZMET_CRL_MAX_AGE overrides it.
CRL_MAX_AGE: Final = timedelta(days=1)
NONCE_SIZE: Final = 16

# RFC 5280 reason names, as the CLI and the database spell them. certificateHold and
# removeFromCRL are left out: the test CA only revokes for good.
REASONS: Final[dict[str, x509.ReasonFlags]] = {
    flag.value: flag
    for flag in x509.ReasonFlags
    if flag not in {x509.ReasonFlags.certificate_hold, x509.ReasonFlags.remove_from_crl}
}

CRL_UNREADABLE: Final = "the CRL cannot be read"
CRL_WRONG_ISSUER: Final = "the CRL was issued by {issuer}, not by the certificate's issuer"
CRL_BAD_SIGNATURE: Final = "the CRL signature does not verify with the issuer's key"
CRL_STALE: Final = "the CRL expired at {next_update}"
CRL_TOO_OLD: Final = "the CRL has no nextUpdate and was issued at {this_update}, more than {max_age} ago"
WEAK_SIGNATURE: Final = "the {source} answer is signed with {algorithm}, a weak algorithm"
CRL_LISTED: Final = "listed on CRL number {number}"
CRL_NOT_LISTED: Final = "not listed on CRL number {number}"
OCSP_UNREADABLE: Final = "the OCSP response cannot be read"
OCSP_STATUS: Final = "the OCSP responder answered {status}"
OCSP_NO_ANSWER: Final = "the OCSP response says nothing about this certificate"
OCSP_BAD_SIGNATURE: Final = "the OCSP response is not signed by the issuer or a responder it authorised"
OCSP_NONCE: Final = "the OCSP response does not echo our nonce"
OCSP_STALE: Final = "the OCSP response is not current (thisUpdate {this_update}, nextUpdate {next_update})"
OCSP_TOO_OLD: Final = (
    "the OCSP response does not echo our nonce and was produced at {produced_at}, more than {max_age} ago"
)


class RevocationStatus(StrEnum):
    """What a revocation source said about a certificate."""

    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # the source answered, but does not know the certificate
    UNAVAILABLE = "unavailable"  # no usable answer: network error, bad signature, stale data


@dataclass(frozen=True)
class RevocationAnswer:
    """One source's answer about one certificate."""

    source: str
    status: RevocationStatus
    url: str | None = None
    revoked_at: datetime | None = None
    reason: str | None = None
    detail: str = ""
    # The period the source vouches for the answer (OCSP thisUpdate/nextUpdate); None when unsaid.
    this_update: datetime | None = None
    next_update: datetime | None = None
    stale: bool = False  # the source answered, but with data too old to rely on


@dataclass(frozen=True)
class RevokedEntry:
    """A revoked certificate as a CRL lists it."""

    serial_number: int
    revoked_at: datetime
    reason: str


@dataclass(frozen=True)
class CertificateState:
    """What the CA knows about a certificate it issued; `revoked_at` None while it is good."""

    revoked_at: datetime | None
    reason: str = ""


def crl_build(
    *,
    issuer: x509.Certificate,
    key: rsa.RSAPrivateKey,
    entries: Iterable[RevokedEntry],
    number: int,
    this_update: datetime,
    next_update: datetime | None,
) -> bytes:
    """A DER CRL signed by `key`, listing `entries`, with CRL number and authority key identifier.

    `next_update` None leaves nextUpdate out (RFC 5280 allows it; verifiers then apply a maximum age).
    """
    ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(this_update)
        .next_update(next_update or this_update + OCSP_VALIDITY)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
    )
    for entry in entries:
        revoked = x509.RevokedCertificateBuilder().serial_number(entry.serial_number).revocation_date(entry.revoked_at)
        if entry.reason and entry.reason != x509.ReasonFlags.unspecified.value:
            revoked = revoked.add_extension(x509.CRLReason(REASONS[entry.reason]), critical=False)
        builder = builder.add_revoked_certificate(revoked.build())
    der = builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    return der if next_update is not None else _without_next_update(der, key)


def _without_next_update(der: bytes, key: rsa.RSAPrivateKey) -> bytes:
    """The same CRL with nextUpdate removed and signed again (`cryptography` always writes one)."""
    certificate_list = asn1_crl.CertificateList.load(der)
    tbs = certificate_list["tbs_cert_list"]
    fields = {
        name: tbs[name] for name, _, *_ in asn1_crl.TbsCertList._fields
        if name != "next_update" and not isinstance(tbs[name], asn1_core.Void)
    }
    rebuilt = asn1_crl.TbsCertList(fields)
    signature = key.sign(rebuilt.dump(), padding.PKCS1v15(), hashes.SHA256())
    return bytes(asn1_crl.CertificateList({
        "tbs_cert_list": rebuilt, "signature_algorithm": certificate_list["signature_algorithm"],
        "signature": signature,
    }).dump())


def crl_read(
    data: bytes,
    *,
    certificate: x509.Certificate,
    issuer: x509.Certificate,
    now: datetime,
    url: str | None = None,
    max_age: timedelta = CRL_MAX_AGE,
) -> RevocationAnswer:
    """Check a CRL (DER or PEM) from `issuer` and look `certificate` up in it.

    A CRL past its nextUpdate is stale; one without nextUpdate is stale `max_age` after its thisUpdate.
    """
    answer = partial(RevocationAnswer, CRL, url=url)
    try:
        crl = (x509.load_pem_x509_crl if data.lstrip().startswith(b"-----") else x509.load_der_x509_crl)(data)
    except ValueError:
        return answer(RevocationStatus.UNAVAILABLE, detail=CRL_UNREADABLE)
    if crl.issuer != issuer.subject:
        wrong_issuer = CRL_WRONG_ISSUER.format(issuer=name_text(crl.issuer))
        return answer(RevocationStatus.UNAVAILABLE, detail=wrong_issuer)
    if not _crl_signature_is_valid(crl, issuer):
        return answer(RevocationStatus.UNAVAILABLE, detail=CRL_BAD_SIGNATURE)
    if _is_weak(crl.signature_hash_algorithm):
        return answer(RevocationStatus.UNAVAILABLE, detail=WEAK_SIGNATURE.format(source="CRL", algorithm="SHA-1"))
    if crl.next_update_utc is not None and crl.next_update_utc < now - CLOCK_SKEW:
        stale = CRL_STALE.format(next_update=crl.next_update_utc.isoformat())
        return answer(RevocationStatus.UNAVAILABLE, detail=stale, stale=True)
    if crl.next_update_utc is None and crl.last_update_utc < now - max_age:
        too_old = CRL_TOO_OLD.format(this_update=crl.last_update_utc.isoformat(), max_age=max_age)
        return answer(RevocationStatus.UNAVAILABLE, detail=too_old, stale=True)
    number = _crl_number(crl)
    revoked = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
    if revoked is None:
        return answer(RevocationStatus.GOOD, detail=CRL_NOT_LISTED.format(number=number))
    return answer(
        RevocationStatus.REVOKED, detail=CRL_LISTED.format(number=number),
        revoked_at=revoked.revocation_date_utc, reason=_entry_reason(revoked),
    )


def ocsp_request_build(certificate: x509.Certificate, issuer: x509.Certificate, *, nonce: bytes) -> bytes:
    """A DER OCSP request for one certificate, CertID hashed with SHA-256 (as NCANode does), with a nonce."""
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(certificate, issuer, hashes.SHA256())
        .add_extension(x509.OCSPNonce(nonce), critical=False)
        .build()
    )
    return request.public_bytes(serialization.Encoding.DER)


def ocsp_nonce() -> bytes:
    """A fresh random nonce for an OCSP request."""
    return os.urandom(NONCE_SIZE)


def ocsp_response_build(
    request_data: bytes,
    *,
    issuer: x509.Certificate,
    responder: x509.Certificate,
    responder_key: rsa.RSAPrivateKey,
    lookup: Callable[[int], CertificateState | None],
    now: datetime,
) -> bytes:
    """Answer a DER OCSP request for certificates of `issuer`: good, revoked, or unknown (never issued).

    A request that does not parse gets malformedRequest; one about another CA gets unauthorized.
    """
    try:
        request = ocsp.load_der_ocsp_request(request_data)
    except ValueError:
        return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    algorithm = request.hash_algorithm
    if (request.issuer_name_hash, request.issuer_key_hash) != issuer_hashes(issuer, algorithm):
        return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    state = lookup(request.serial_number)
    if state is None:
        status, revoked_at, reason = ocsp.OCSPCertStatus.UNKNOWN, None, None
    elif state.revoked_at is None:
        status, revoked_at, reason = ocsp.OCSPCertStatus.GOOD, None, None
    else:
        status, revoked_at, reason = ocsp.OCSPCertStatus.REVOKED, state.revoked_at, REASONS.get(state.reason)
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            request.issuer_name_hash, request.issuer_key_hash, request.serial_number, algorithm, status,
            this_update=now, next_update=now + OCSP_VALIDITY, revocation_time=revoked_at, revocation_reason=reason,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, responder)
        .certificates([responder] if responder != issuer else [])
    )
    nonce = _nonce(request.extensions)
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.sign(responder_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def ocsp_response_read(
    data: bytes,
    *,
    certificate: x509.Certificate,
    issuer: x509.Certificate,
    nonce: bytes | None,
    now: datetime,
    url: str | None = None,
    max_age: timedelta = OCSP_MAX_AGE,
) -> RevocationAnswer:
    """Check an OCSP response (signature, nonce, freshness) and return what it says about `certificate`.

    Fresh means: our `nonce` echoed back, or else produced within `max_age` of `now`; and in any
    case thisUpdate not in the future and nextUpdate (when given) not past.
    """
    answer = partial(RevocationAnswer, OCSP, url=url)
    try:
        response = ocsp.load_der_ocsp_response(data)
    except ValueError:
        return answer(RevocationStatus.UNAVAILABLE, detail=OCSP_UNREADABLE)
    if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
        return answer(RevocationStatus.UNAVAILABLE, detail=OCSP_STATUS.format(status=response.response_status.name))
    if not _ocsp_signature_is_valid(response, issuer, now):
        return answer(RevocationStatus.UNAVAILABLE, detail=OCSP_BAD_SIGNATURE)
    if _is_weak(response.signature_hash_algorithm):
        return answer(RevocationStatus.UNAVAILABLE, detail=WEAK_SIGNATURE.format(source="OCSP", algorithm="SHA-1"))
    echoed = _nonce(response.extensions)
    if nonce is not None and echoed is not None and echoed != nonce:
        return answer(RevocationStatus.UNAVAILABLE, detail=OCSP_NONCE)
    produced_at = response.produced_at_utc
    if (nonce is None or echoed != nonce) and not now - max_age <= produced_at <= now + CLOCK_SKEW:
        too_old = OCSP_TOO_OLD.format(produced_at=produced_at.isoformat(), max_age=max_age)
        return answer(RevocationStatus.UNAVAILABLE, detail=too_old, stale=True)
    single = _single_response(response, certificate, issuer)
    if single is None:
        return answer(RevocationStatus.UNAVAILABLE, detail=OCSP_NO_ANSWER)
    next_update = single.next_update_utc
    if single.this_update_utc > now + CLOCK_SKEW or (next_update is not None and next_update < now - CLOCK_SKEW):
        return answer(RevocationStatus.UNAVAILABLE, detail=OCSP_STALE.format(
            this_update=single.this_update_utc.isoformat(), next_update=next_update), stale=True)
    answer = partial(answer, this_update=single.this_update_utc, next_update=next_update)
    if single.certificate_status is ocsp.OCSPCertStatus.GOOD:
        return answer(RevocationStatus.GOOD, detail=OCSP_STATUS.format(status="good"))
    if single.certificate_status is ocsp.OCSPCertStatus.UNKNOWN:
        return answer(RevocationStatus.UNKNOWN, detail=OCSP_STATUS.format(status="unknown"))
    reason = single.revocation_reason.value if single.revocation_reason else x509.ReasonFlags.unspecified.value
    return answer(
        RevocationStatus.REVOKED, detail=OCSP_STATUS.format(status="revoked"),
        revoked_at=single.revocation_time_utc, reason=reason,
    )


def issuer_hashes(issuer: x509.Certificate, algorithm: hashes.HashAlgorithm) -> tuple[bytes, bytes]:
    """The OCSP CertID issuerNameHash and issuerKeyHash of a CA certificate (RFC 6960 4.1.1)."""
    spki = issuer.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    key_bits = asn1_keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]  # skip the unused-bits byte
    return _digest(algorithm, issuer.subject.public_bytes()), _digest(algorithm, key_bits)


def certificate_urls(certificate: x509.Certificate, source: str) -> list[str]:
    """The OCSP addresses (AIA) or CRL distribution points (CDP) a certificate names, http(s) only."""
    try:
        if source == OCSP:
            access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
            ocsp_method = x509.AuthorityInformationAccessOID.OCSP
            names = [item.access_location for item in access if item.access_method == ocsp_method]
        else:
            points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
            names = [name for point in points for name in (point.full_name or [])]
    except x509.ExtensionNotFound:
        return []
    urls = [str(name.value) for name in names if isinstance(name, x509.UniformResourceIdentifier)]
    return [url for url in urls if url.startswith(("http://", "https://"))]


def _is_weak(algorithm: hashes.HashAlgorithm | None) -> bool:
    return isinstance(algorithm, hashes.SHA1 | hashes.MD5)


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(serialization.Encoding.DER)


def _nonce(extensions: x509.Extensions) -> bytes | None:
    try:
        return extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        return None


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(data)
    return digest.finalize()


def _single_response(
    response: ocsp.OCSPResponse, certificate: x509.Certificate, issuer: x509.Certificate
) -> ocsp.OCSPSingleResponse | None:
    for single in response.responses:
        expected = issuer_hashes(issuer, single.hash_algorithm)
        if single.serial_number == certificate.serial_number and (
            single.issuer_name_hash, single.issuer_key_hash
        ) == expected:
            return single
    return None


def _ocsp_signature_is_valid(response: ocsp.OCSPResponse, issuer: x509.Certificate, now: datetime) -> bool:
    """Signed by the issuer itself, or by a certificate the issuer gave the OCSPSigning purpose."""
    candidates = [issuer, *(cert for cert in response.certificates if _is_delegated_responder(cert, issuer, now))]
    hash_algorithm = response.signature_hash_algorithm
    if hash_algorithm is None:
        return False
    return any(
        _signature_is_valid(candidate, response.signature, response.tbs_response_bytes, hash_algorithm)
        for candidate in candidates
    )


def _is_delegated_responder(certificate: x509.Certificate, issuer: x509.Certificate, now: datetime) -> bool:
    try:
        usages = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        certificate.verify_directly_issued_by(issuer)
    except (x509.ExtensionNotFound, ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    starts, ends = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    in_force = starts <= now + CLOCK_SKEW and now - CLOCK_SKEW <= ends
    return ExtendedKeyUsageOID.OCSP_SIGNING in usages and in_force


def _signature_is_valid(
    certificate: x509.Certificate, signature: bytes, data: bytes, hash_algorithm: hashes.HashAlgorithm
) -> bool:
    try:
        public_key = certificate.public_key()
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hash_algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hash_algorithm))
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, ValueError):
        return False
    return True


def _crl_signature_is_valid(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    try:
        public_key = issuer.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
            return False
        return crl.is_signature_valid(public_key)
    except (UnsupportedAlgorithm, ValueError, TypeError):
        return False


def _crl_number(crl: x509.CertificateRevocationList) -> int | None:
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        return None


def _entry_reason(revoked: x509.RevokedCertificate) -> str:
    try:
        return revoked.extensions.get_extension_for_class(x509.CRLReason).value.reason.value
    except x509.ExtensionNotFound:
        return x509.ReasonFlags.unspecified.value
