"""RFC 3161 time-stamps, both sides: the test TSA answers requests, the verifier reads tokens.

A time-stamp token is a CMS SignedData over a TSTInfo: the TSA states that a hash (here the
hash of a signature's value, so the token proves when the signature existed) was shown to it
at `genTime`. NCALayer asks the national CA's TSA for one and puts it in the signature as the
unsigned attribute id-aa-signatureTimeStampToken; the verifier then judges the certificate's
validity at `genTime` instead of at the moment of verification. A token counts only when its
imprint matches, its own signature verifies, and the TSA's certificate (extendedKeyUsage
timeStamping, critical and alone) chains to a trusted CA. Pure functions, no Django.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from asn1crypto import algos, core, tsp
from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import ExtendedKeyUsageOID

from qyzmet.signatures import cms
from qyzmet.signatures.pki import Authority
from qyzmet.signatures.profile import name_text
from qyzmet.signatures.trust import TrustStore, chain_build

# The test TSA's policy: an OID under 2.25 (UUID arc), since the test CA has no arc of its own.
TSA_POLICY: Final = "2.25.196602845839151208283532118035452093011"
REQUEST_TYPE: Final = "application/timestamp-query"
RESPONSE_TYPE: Final = "application/timestamp-reply"
ACCEPTED_IMPRINTS: Final = frozenset({"sha256", "sha384", "sha512"})
CLOCK_SKEW: Final = timedelta(minutes=5)
NONCE_BITS: Final = 64
TST_INFO_OID: Final = "1.2.840.113549.1.9.16.1.4"

NOT_A_TOKEN: Final = "the time-stamp token cannot be read: {error}"
NOT_TST_INFO: Final = "the time-stamp token holds {content_type}, not a TSTInfo"
ONE_SIGNER: Final = "the time-stamp token has {count} signers, exactly one expected"
NO_TSA_CERTIFICATE: Final = "the time-stamp token does not contain the TSA's certificate"
WEAK_IMPRINT: Final = "the time-stamp imprint uses {algorithm}; SHA-256 or stronger expected"
IMPRINT_DIFFERS: Final = "the time-stamp was issued for other data, not for this signature's value"
TOKEN_DIGEST_DIFFERS: Final = "the TSTInfo does not match the token's messageDigest"
TOKEN_VALUE_INVALID: Final = "the time-stamp token's signature does not verify with the TSA's key"
TOKEN_UNSUPPORTED: Final = "the time-stamp token's algorithm cannot be checked: {error}"
NO_ESS_BINDING: Final = "the time-stamp token does not name its TSA certificate (ESS signingCertificate)"
ESS_DIFFERS: Final = "the time-stamp token names another TSA certificate than the one that signed it"
NOT_A_TSA: Final = "{subject} is not a time-stamping authority (extendedKeyUsage timeStamping, critical, alone)"
TSA_UNTRUSTED: Final = "the TSA certificate {subject} is not trusted: {error}"
GEN_TIME_IN_FUTURE: Final = "the time-stamp's genTime {gen_time} lies in the future"
RESPONSE_UNREADABLE: Final = "the time-stamp response cannot be read"
RESPONSE_REFUSED: Final = "the TSA refused the request ({status})"
RESPONSE_NONCE: Final = "the time-stamp response does not echo the request's nonce"


class TimestampInvalid(Exception):
    """A time-stamp token that does not count; the message says why."""


@dataclass(frozen=True)
class Timestamp:
    """A valid time-stamp token read back: when, by whom, which serial number."""

    gen_time: datetime
    tsa: x509.Certificate
    serial_number: int
    policy: str


def timestamp_request_build(data: bytes, *, nonce: int) -> bytes:
    """A DER TimeStampReq for the SHA-256 of `data` (a signature's value), asking for the TSA's certificate."""
    request = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": _imprint("sha256", _digest("sha256", data)),
        "nonce": nonce,
        "cert_req": True,
    })
    return bytes(request.dump())


def timestamp_nonce() -> int:
    """A fresh random nonce for a time-stamp request."""
    return int.from_bytes(os.urandom(NONCE_BITS // 8), "big")


def timestamp_token_build(
    imprint_algorithm: str,
    imprint: bytes,
    *,
    tsa: Authority,
    chain: Sequence[x509.Certificate],
    now: datetime,
    serial_number: int,
    nonce: int | None = None,
) -> bytes:
    """A DER time-stamp token (ContentInfo) stating that `imprint` existed at `now`, signed by `tsa`.

    `chain` is the CA chain to embed after the TSA's certificate, self-signed roots left out.
    """
    fields: dict[str, object] = {
        "version": "v1", "policy": TSA_POLICY, "message_imprint": _imprint(imprint_algorithm, imprint),
        "serial_number": serial_number, "gen_time": now.astimezone(UTC).replace(microsecond=0),
        "accuracy": {"seconds": 1},
    }
    if nonce is not None:
        fields["nonce"] = nonce
    tst_info = tsp.TSTInfo(fields)
    content = bytes(tst_info.dump())
    tsa_der = tsa.certificate.public_bytes(serialization.Encoding.DER)
    signed_attributes = asn1_cms.CMSAttributes([
        asn1_cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
        asn1_cms.CMSAttribute({"type": "message_digest", "values": [_digest("sha256", content)]}),
        asn1_cms.CMSAttribute({"type": "signing_certificate_v2", "values": [
            {"certs": [{"cert_hash": _digest("sha256", tsa_der)}]},
        ]}),
    ])
    signature = tsa.key.sign(signed_attributes.dump(), padding.PKCS1v15(), hashes.SHA256())
    tsa_certificate = asn1_x509.Certificate.load(tsa_der)
    signer_info = asn1_cms.SignerInfo({
        "version": "v1",
        "sid": asn1_cms.SignerIdentifier({"issuer_and_serial_number": asn1_cms.IssuerAndSerialNumber({
            "issuer": tsa_certificate.issuer, "serial_number": tsa_certificate.serial_number,
        })}),
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "signed_attrs": signed_attributes,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
        "signature": signature,
    })
    embedded = [tsa_certificate, *(
        asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))
        for ca in chain if ca.issuer != ca.subject
    )]
    signed_data = asn1_cms.SignedData({
        "version": "v3",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": {"content_type": "tst_info", "content": tst_info},
        "certificates": [asn1_cms.CertificateChoices({"certificate": item}) for item in embedded],
        "signer_infos": [signer_info],
    })
    return bytes(asn1_cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump())


def timestamp_response_build(
    request_data: bytes, *, tsa: Authority, chain: Sequence[x509.Certificate], now: datetime
) -> bytes:
    """Answer a DER TimeStampReq: granted with a token, or rejection (badDataFormat, badAlg)."""
    try:
        request = tsp.TimeStampReq.load(request_data, strict=True)
        imprint = request["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        hashed = bytes(imprint["hashed_message"].native)
        nonce = request["nonce"].native
    except (ValueError, TypeError, KeyError):
        return _refusal("bad_data_format")
    if algorithm not in ACCEPTED_IMPRINTS or len(hashed) != cms.HASHES[algorithm]().digest_size:
        return _refusal("bad_alg")
    token = timestamp_token_build(
        algorithm, hashed, tsa=tsa, chain=chain, now=now, serial_number=x509.random_serial_number(), nonce=nonce,
    )
    response = tsp.TimeStampResp({
        "status": {"status": "granted"},
        "time_stamp_token": asn1_cms.ContentInfo.load(token),
    })
    return bytes(response.dump())


def timestamp_response_token(response_data: bytes, *, nonce: int) -> bytes:
    """The token of a granted DER TimeStampResp that echoes `nonce`; TimestampInvalid otherwise."""
    try:
        response = _Response.load(response_data, strict=True)
        status = response["status"]["status"].native
    except (ValueError, TypeError, KeyError) as error:
        raise TimestampInvalid(RESPONSE_UNREADABLE) from error
    if status not in {"granted", "granted_with_mods"} or isinstance(response["time_stamp_token"], core.Void):
        failure = response["status"]["fail_info"].native
        raise TimestampInvalid(RESPONSE_REFUSED.format(status=", ".join(sorted(failure or [])) or status))
    token = response["time_stamp_token"]
    try:
        tst_info = token["content"]["encap_content_info"]["content"].parsed
        echoed = tst_info["nonce"].native
    except (ValueError, TypeError, KeyError) as error:
        raise TimestampInvalid(RESPONSE_UNREADABLE) from error
    if echoed != nonce:
        raise TimestampInvalid(RESPONSE_NONCE)
    return bytes(token.dump())


def timestamp_token_read(token: bytes, *, signed_value: bytes, trust: TrustStore, now: datetime) -> Timestamp:
    """Check a time-stamp token over `signed_value` (a SignerInfo's signature); TimestampInvalid says why not.

    Checks: a SignedData over a TSTInfo with one signer; the imprint (SHA-256 or stronger) is the
    hash of `signed_value`; the token's messageDigest and signature verify with the certificate it
    names in ESS signingCertificate(V2); that certificate is a TSA (EKU timeStamping, critical,
    alone) and chains to a trusted CA at genTime; genTime is not in the future.
    """
    try:
        parsed = cms.cms_parse(token)
        info = asn1_cms.ContentInfo.load(token)
        tst_info = info["content"]["encap_content_info"]["content"].parsed
        signer_info = info["content"]["signer_infos"][0]
    except (cms.CmsError, ValueError, TypeError, KeyError, IndexError) as error:
        raise TimestampInvalid(NOT_A_TOKEN.format(error=error)) from error
    if parsed.content_type != TST_INFO_OID:
        raise TimestampInvalid(NOT_TST_INFO.format(content_type=parsed.content_type))
    if len(parsed.signers) != 1:
        raise TimestampInvalid(ONE_SIGNER.format(count=len(parsed.signers)))
    signer = parsed.signers[0]
    if signer.certificate is None or parsed.content is None:
        raise TimestampInvalid(NO_TSA_CERTIFICATE)
    _imprint_check(tst_info, signed_value)
    _token_signature_check(signer, parsed.content)
    _ess_check(signer_info, signer.certificate)
    gen_time = tst_info["gen_time"].native.astimezone(UTC)
    if gen_time > now + CLOCK_SKEW:
        raise TimestampInvalid(GEN_TIME_IN_FUTURE.format(gen_time=gen_time.isoformat()))
    _tsa_check(signer.certificate, trust=trust, candidates=parsed.certificates, at=gen_time)
    return Timestamp(
        gen_time=gen_time, tsa=signer.certificate, serial_number=tst_info["serial_number"].native,
        policy=tst_info["policy"].dotted,
    )


def _imprint_check(tst_info: tsp.TSTInfo, signed_value: bytes) -> None:
    imprint = tst_info["message_imprint"]
    algorithm = imprint["hash_algorithm"]["algorithm"].native
    if algorithm not in ACCEPTED_IMPRINTS:
        raise TimestampInvalid(WEAK_IMPRINT.format(algorithm=algorithm))
    if bytes(imprint["hashed_message"].native) != _digest(algorithm, signed_value):
        raise TimestampInvalid(IMPRINT_DIFFERS)


def _token_signature_check(signer: cms.SignerData, content: bytes) -> None:
    certificate = signer.certificate
    if certificate is None or signer.signed_attributes is None:
        raise TimestampInvalid(NO_TSA_CERTIFICATE)
    if signer.digest_algorithm not in ACCEPTED_IMPRINTS:
        raise TimestampInvalid(WEAK_IMPRINT.format(algorithm=signer.digest_algorithm))
    try:
        if signer.message_digest != cms.content_digest(content, signer.digest_algorithm):
            raise TimestampInvalid(TOKEN_DIGEST_DIFFERS)
        is_valid = cms.signature_value_is_valid(signer, certificate, signer.signed_attributes)
    except cms.AlgorithmNotSupported as error:
        raise TimestampInvalid(TOKEN_UNSUPPORTED.format(error=error)) from error
    if not is_valid:
        raise TimestampInvalid(TOKEN_VALUE_INVALID)


def _ess_check(signer_info: asn1_cms.SignerInfo, certificate: x509.Certificate) -> None:
    """RFC 3161 2.4.1 / RFC 5816: the token names the TSA certificate by hash in a signed attribute."""
    der = certificate.public_bytes(serialization.Encoding.DER)
    for attribute in signer_info["signed_attrs"]:
        kind = attribute["type"].native
        if kind not in {"signing_certificate_v2", "signing_certificate"}:
            continue
        first = attribute["values"][0]["certs"][0]
        # ESS v1 names the certificate by its SHA-1 hash: an identifier there, not a signature.
        algorithm = first["hash_algorithm"]["algorithm"].native if kind == "signing_certificate_v2" else "sha1"
        if bytes(first["cert_hash"].native) != _digest(algorithm, der):
            raise TimestampInvalid(ESS_DIFFERS)
        return
    raise TimestampInvalid(NO_ESS_BINDING)


def _tsa_check(
    certificate: x509.Certificate, *, trust: TrustStore, candidates: Sequence[x509.Certificate], at: datetime
) -> None:
    subject = name_text(certificate.subject)
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound as error:
        raise TimestampInvalid(NOT_A_TSA.format(subject=subject)) from error
    if not usage.critical or list(usage.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise TimestampInvalid(NOT_A_TSA.format(subject=subject))
    if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
        raise TimestampInvalid(TSA_UNTRUSTED.format(subject=subject, error=f"not valid at {at.isoformat()}"))
    chain = chain_build(certificate, trust=trust, candidates=candidates, at=at)
    if chain.code:
        raise TimestampInvalid(TSA_UNTRUSTED.format(subject=subject, error=chain.detail))


def _imprint(algorithm: str, hashed: bytes) -> tsp.MessageImprint:
    return tsp.MessageImprint({"hash_algorithm": {"algorithm": algorithm}, "hashed_message": hashed})


def _digest(algorithm: str, data: bytes) -> bytes:
    return cms.content_digest(data, algorithm)


def _refusal(failure: str) -> bytes:
    status = tsp.PKIStatusInfo({"status": "rejection", "fail_info": {failure}})
    return bytes(_Response({"status": status}).dump())


class _Response(core.Sequence):
    """TimeStampResp as RFC 3161 2.4.2 has it: the token is optional (asn1crypto makes it mandatory)."""

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", asn1_cms.ContentInfo, {"optional": True})]
