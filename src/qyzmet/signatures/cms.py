"""CMS SignedData (RFC 5652): make a signature, read one back, check its digest and value.

The profile we write: one SignerInfo (version 1, issuerAndSerialNumber), SHA-256, RSA
PKCS#1 v1.5 (`rsaEncryption`, as OpenSSL writes it), signed attributes contentType (id-data),
signingTime and messageDigest, the signer's certificate and its CA chain (root excluded),
and the content either detached (the default, as a .p7s beside the file) or attached.

Reading accepts DER, PEM (`CMS` or `PKCS7` armour) and bare base64 (what NCALayer returns),
detached and attached, and tells a cut-off file (TRUNCATED) from garbage (MALFORMED_CMS).
Built and parsed with asn1crypto; every signature is checked with `cryptography`. No Django.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from qyzmet.signatures import messages

PEM_LABEL: Final = "CMS"
PEM_PATTERN: Final = re.compile(rb"-----BEGIN (CMS|PKCS7)-----(.*?)(-----END \1-----|\Z)", re.DOTALL)
SEQUENCE_TAG: Final = 0x30
SET_TAG: Final = 0x31
TIMESTAMP_TOKEN_OID: Final = "1.2.840.113549.1.9.16.2.14"  # id-aa-signatureTimeStampToken (RFC 3161 appendix A)

HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
    "sha384": hashes.SHA384, "sha512": hashes.SHA512,
}
RSA_PKCS1_ALGORITHMS: Final = frozenset(
    {"rsassa_pkcs1v15", "sha1_rsa", "sha224_rsa", "sha256_rsa", "sha384_rsa", "sha512_rsa"}
)
ECDSA_ALGORITHMS: Final = frozenset({"sha1_ecdsa", "sha224_ecdsa", "sha256_ecdsa", "sha384_ecdsa", "sha512_ecdsa"})

EMPTY: Final = "the signature file is empty"
NOT_CMS: Final = "the data is not DER, PEM or base64 CMS"
NOT_SIGNED_DATA: Final = "the CMS structure is {content_type}, not signed data"
CUT_OFF: Final = "the signature ends after {available} of {expected} bytes"
HEADER_CUT_OFF: Final = "the signature ends inside its first header ({available} bytes)"
PEM_CUT_OFF: Final = "the PEM armour has no END line"
TRAILING: Final = "{extra} unexpected bytes follow the signature"
UNREADABLE: Final = "the CMS structure cannot be read: {error}"
UNSUPPORTED_DIGEST: Final = "digest algorithm {name} is not supported"
UNSUPPORTED_SIGNATURE: Final = "signature algorithm {name} is not supported"
UNSUPPORTED_KEY: Final = "the signer's public key cannot be used here ({error})"


class CmsError(Exception):
    """The bytes are not a readable CMS signature; `code` is MALFORMED_CMS or TRUNCATED."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class AlgorithmNotSupported(Exception):
    """The signature uses a digest, signature or key algorithm this verifier cannot check (e.g. GOST)."""


@dataclass(frozen=True)
class SignerData:
    """One SignerInfo, read into plain values."""

    certificate: x509.Certificate | None
    digest_algorithm: str
    signature_algorithm: str
    signature: bytes
    signed_attributes: bytes | None  # DER of the SET OF attributes, the bytes the signature covers
    message_digest: bytes | None
    signing_time: datetime | None
    content_type: str | None
    timestamp_token: bytes | None = None  # DER of the RFC 3161 token in the unsigned attributes, if any


@dataclass(frozen=True)
class ParsedSignature:
    """A CMS SignedData read into plain values; `content` is None for a detached signature."""

    content_type: str
    content: bytes | None
    certificates: tuple[x509.Certificate, ...]
    signers: tuple[SignerData, ...]


def cms_sign(
    content: bytes,
    *,
    key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
    signing_time: datetime,
    attached: bool = False,
) -> bytes:
    """Sign `content` (its exact bytes) and return the DER of a CMS SignedData.

    `chain` is the CA chain to embed, nearest first; self-signed roots are left out, since a
    verifier must take roots from its own trust store.
    """
    signed_attributes = _signed_attributes(content, signing_time)
    signature = key.sign(signed_attributes.dump(), padding.PKCS1v15(), hashes.SHA256())
    signer_certificate = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber({
            "issuer": signer_certificate.issuer, "serial_number": signer_certificate.serial_number,
        })}),
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "signed_attrs": signed_attributes,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
        "signature": signature,
    })
    embedded = [certificate, *(ca for ca in chain if ca.issuer != ca.subject)]
    encapsulated: dict[str, Any] = {"content_type": "data"}
    if attached:
        encapsulated["content"] = content
    signed_data = cms.SignedData({
        "version": "v1",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": encapsulated,
        "certificates": [
            cms.CertificateChoices({"certificate": asn1_x509.Certificate.load(
                item.public_bytes(serialization.Encoding.DER))})
            for item in embedded
        ],
        "signer_infos": [signer_info],
    })
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump())


def cms_pem(der: bytes) -> bytes:
    """PEM armour (`-----BEGIN CMS-----`) around a DER signature, as `openssl cms -outform PEM` writes."""
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = [body[index:index + 64] for index in range(0, len(body), 64)]
    return b"\n".join([f"-----BEGIN {PEM_LABEL}-----".encode(), *lines, f"-----END {PEM_LABEL}-----".encode(), b""])


def cms_parse(data: bytes) -> ParsedSignature:
    """Read a CMS SignedData from DER, PEM or base64; CmsError(TRUNCATED or MALFORMED_CMS) otherwise."""
    der = _der_bytes(data)
    _check_outer_length(der)
    try:
        return _read(cms.ContentInfo.load(der, strict=True))
    except CmsError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as error:
        code = messages.TRUNCATED if "insufficient data" in str(error).lower() else messages.MALFORMED_CMS
        raise CmsError(code, UNREADABLE.format(error=error)) from error


def content_digest(content: bytes, algorithm: str) -> bytes:
    """The digest of `content` with a CMS digest algorithm name; AlgorithmNotSupported for others (GOST)."""
    hash_class = HASHES.get(algorithm)
    if hash_class is None:
        raise AlgorithmNotSupported(UNSUPPORTED_DIGEST.format(name=algorithm))
    digest = hashes.Hash(hash_class())
    digest.update(content)
    return digest.finalize()


def signature_value_is_valid(signer: SignerData, certificate: x509.Certificate, signed_bytes: bytes) -> bool:
    """Check the signature value over `signed_bytes` with the certificate's public key."""
    hash_class = HASHES.get(signer.digest_algorithm)
    if hash_class is None:
        raise AlgorithmNotSupported(UNSUPPORTED_DIGEST.format(name=signer.digest_algorithm))
    try:
        public_key = certificate.public_key()
    except (ValueError, UnsupportedAlgorithm) as error:
        raise AlgorithmNotSupported(UNSUPPORTED_KEY.format(error=error)) from error
    try:
        if signer.signature_algorithm in RSA_PKCS1_ALGORITHMS and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signer.signature, signed_bytes, padding.PKCS1v15(), hash_class())
        elif signer.signature_algorithm in ECDSA_ALGORITHMS and isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signer.signature, signed_bytes, ec.ECDSA(hash_class()))
        else:
            raise AlgorithmNotSupported(UNSUPPORTED_SIGNATURE.format(name=signer.signature_algorithm))
    except InvalidSignature:
        return False
    return True


def _signed_attributes(content: bytes, signing_time: datetime) -> cms.CMSAttributes:
    # RFC 5652 11.3: UTCTime for dates from 1950 to 2049, GeneralizedTime outside; whole seconds.
    moment = signing_time.astimezone(UTC).replace(microsecond=0)
    time_choice = "utc_time" if 1950 <= moment.year < 2050 else "general_time"
    return cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({time_choice: moment})]}),
        cms.CMSAttribute({"type": "message_digest", "values": [content_digest(content, "sha256")]}),
    ])


def _der_bytes(data: bytes) -> bytes:
    stripped = data.strip()
    if not stripped:
        raise CmsError(messages.TRUNCATED, EMPTY)
    if data[0] == SEQUENCE_TAG:
        return data
    pem = PEM_PATTERN.search(stripped)
    if pem is not None:
        if not pem.group(3):
            raise CmsError(messages.TRUNCATED, PEM_CUT_OFF)
        return _base64_decode(pem.group(2))
    if stripped.startswith(b"-----BEGIN"):
        raise CmsError(messages.MALFORMED_CMS, NOT_CMS)
    return _base64_decode(stripped)


def _base64_decode(text: bytes) -> bytes:
    try:
        der = base64.b64decode(b"".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise CmsError(messages.MALFORMED_CMS, NOT_CMS) from error
    if not der:
        raise CmsError(messages.TRUNCATED, EMPTY)
    if der[0] != SEQUENCE_TAG:
        raise CmsError(messages.MALFORMED_CMS, NOT_CMS)
    return der


def _check_outer_length(der: bytes) -> None:
    """Compare the outer SEQUENCE's declared length with the bytes present (definite lengths only)."""
    if len(der) < 2:
        raise CmsError(messages.TRUNCATED, HEADER_CUT_OFF.format(available=len(der)))
    first = der[1]
    if first == 0x80:  # indefinite length (BER, e.g. `openssl cms -stream`): the parser finds the end
        return
    header, length = 2, first
    if first & 0x80:
        count = first & 0x7F
        if len(der) < 2 + count:
            raise CmsError(messages.TRUNCATED, HEADER_CUT_OFF.format(available=len(der)))
        header, length = 2 + count, int.from_bytes(der[2:2 + count], "big")
    expected = header + length
    if len(der) < expected:
        raise CmsError(messages.TRUNCATED, CUT_OFF.format(available=len(der), expected=expected))
    if len(der) > expected:
        raise CmsError(messages.MALFORMED_CMS, TRAILING.format(extra=len(der) - expected))


def _read(info: cms.ContentInfo) -> ParsedSignature:
    content_type = info["content_type"].native
    if content_type != "signed_data":
        raise CmsError(messages.MALFORMED_CMS, NOT_SIGNED_DATA.format(content_type=content_type))
    signed_data = info["content"]
    encapsulated = signed_data["encap_content_info"]
    content = encapsulated["content"]
    choices = [] if isinstance(signed_data["certificates"], core.Void) else list(signed_data["certificates"])
    pairs = [(choice.chosen, _certificate(choice.chosen)) for choice in choices if choice.name == "certificate"]
    return ParsedSignature(
        content_type=encapsulated["content_type"].dotted,
        content=None if isinstance(content, core.Void) else _octets(content),
        certificates=tuple(certificate for _, certificate in pairs),
        signers=tuple(_signer(signer_info, pairs) for signer_info in signed_data["signer_infos"]),
    )


def _octets(content: core.ParsableOctetString) -> bytes:
    """The encapsulated content's bytes: plain data (also BER chunks), or the DER of a structure (TSTInfo)."""
    native = content.native
    return bytes(native) if isinstance(native, bytes) else bytes(content)


# Certificates this process has read whole, by their DER: the CA certificates every signature carries,
# and a signer's own while they sign again. A DER read once without error reads the same every time.
_READ: dict[bytes, x509.Certificate] = {}
_READ_MAX: Final = 4096


def _certificate(asn1_certificate: asn1_x509.Certificate) -> x509.Certificate:
    der = asn1_certificate.dump()
    known = _READ.get(der)
    if known is not None:
        return known
    certificate = _certificate_read(asn1_certificate, der)
    if len(_READ) >= _READ_MAX:
        _READ.clear()
    _READ[der] = certificate
    return certificate


def _certificate_read(asn1_certificate: asn1_x509.Certificate, der: bytes) -> x509.Certificate:
    certificate = x509.load_der_x509_certificate(der)
    # cryptography reads extensions lazily; a damaged one would raise later, in the chain or key-usage
    # checks. Read them now, so the ValueError makes the whole signature MALFORMED_CMS here.
    _ = certificate.extensions
    # The same for the names, which asn1crypto parses lazily too (the path validation compares them):
    # a damaged name is MALFORMED_CMS here, not a ValueError from inside the path check.
    _ = asn1_certificate.subject.hashable, asn1_certificate.issuer.hashable
    return certificate


def _signer(signer_info: cms.SignerInfo, pairs: list[tuple[asn1_x509.Certificate, x509.Certificate]]) -> SignerData:
    attributes = signer_info["signed_attrs"]
    has_attributes = not isinstance(attributes, core.Void) and len(attributes) > 0
    values = {attribute["type"].native: attribute["values"][0] for attribute in attributes} if has_attributes else {}
    signing_time = values["signing_time"].native if "signing_time" in values else None
    return SignerData(
        timestamp_token=_timestamp_token(signer_info),
        certificate=_signer_certificate(signer_info["sid"], pairs),
        digest_algorithm=signer_info["digest_algorithm"]["algorithm"].native,
        signature_algorithm=signer_info["signature_algorithm"]["algorithm"].native,
        signature=bytes(signer_info["signature"].native),
        signed_attributes=bytes([SET_TAG]) + attributes.dump()[1:] if has_attributes else None,
        message_digest=bytes(values["message_digest"].native) if "message_digest" in values else None,
        signing_time=signing_time.astimezone(UTC) if signing_time is not None else None,
        content_type=values["content_type"].dotted if "content_type" in values else None,
    )


def _timestamp_token(signer_info: cms.SignerInfo) -> bytes | None:
    """The first id-aa-signatureTimeStampToken among the unsigned attributes (as NCALayer adds it)."""
    attributes = signer_info["unsigned_attrs"]
    if isinstance(attributes, core.Void):
        return None
    for attribute in attributes:
        if attribute["type"].dotted == TIMESTAMP_TOKEN_OID and len(attribute["values"]) > 0:
            return bytes(attribute["values"][0].dump())
    return None


def cms_timestamp_attach(signature: bytes, token: bytes) -> bytes:
    """The signature (DER, PEM or base64) with an RFC 3161 token added as its signer's unsigned attribute, DER.

    What NCALayer does when it stamps a signature with the national CA's TSA (`signatureTimeStampToken`).
    """
    info = cms.ContentInfo.load(_der_bytes(signature))
    signed_data = info["content"]
    signer_info = signed_data["signer_infos"][0]
    unsigned = [] if isinstance(signer_info["unsigned_attrs"], core.Void) else list(signer_info["unsigned_attrs"])
    kept = [attribute for attribute in unsigned if attribute["type"].dotted != TIMESTAMP_TOKEN_OID]
    stamp = cms.CMSAttribute({"type": TIMESTAMP_TOKEN_OID, "values": [cms.ContentInfo.load(token)]})
    # New parents around the original children: the signed attributes keep their exact bytes.
    stamped = cms.SignerInfo({
        **{name: signer_info[name] for name, _, *_ in cms.SignerInfo._fields if name != "unsigned_attrs"
           and not isinstance(signer_info[name], core.Void)},
        "unsigned_attrs": cms.CMSAttributes([*kept, stamp]),
    })
    fields = {
        name: signed_data[name] for name, _, *_ in cms.SignedData._fields
        if name != "signer_infos" and not isinstance(signed_data[name], core.Void)
    }
    others = list(signed_data["signer_infos"])[1:]
    rebuilt = cms.SignedData({**fields, "signer_infos": [stamped, *others]})
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": rebuilt}).dump())


def _signer_certificate(
    sid: cms.SignerIdentifier, pairs: list[tuple[asn1_x509.Certificate, x509.Certificate]]
) -> x509.Certificate | None:
    if sid.name == "issuer_and_serial_number":
        issuer, serial = sid.chosen["issuer"], sid.chosen["serial_number"].native
        # The same DER is the same name; only different bytes need asn1crypto's (costly) name comparison.
        issuer_der = issuer.dump()
        matches = [crypto for asn1, crypto in pairs if asn1.serial_number == serial
                   and (asn1.issuer.dump() == issuer_der or asn1.issuer == issuer)]
    else:
        key_id = sid.chosen.native
        matches = [crypto for asn1, crypto in pairs if asn1.key_identifier == key_id]
    return matches[0] if matches else None
