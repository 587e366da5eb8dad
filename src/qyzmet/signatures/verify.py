"""Verify a CMS signature over a document and return one Verdict listing every check.

The checks, in order: format (a readable SignedData with one signer and its certificate),
signature (content digest and signature value, SHA-1 refused), timestamp (an RFC 3161 token
from a trusted TSA, when the signature carries one), chain (validated by pyhanko-certvalidator
up to a trusted CA), validity (of the signer's certificate at the validity time), revocation
(OCSP and/or CRL for every certificate of the chain, saying which answered), key_usage (a login
key may not sign an application), iin and bin (against what the caller expects: a personal key
and another organization's key are refused with different codes). Each failure carries its own
code (see `messages`). No Django.

The validity time is the moment of verification. The signer's signingTime is only a claim: an
earlier time counts only when a trusted time-stamp token proves it (its genTime).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from cryptography import x509

from qyzmet.core.i18n import render_messages
from qyzmet.signatures import cms, messages, pki, revocation, tsp
from qyzmet.signatures.profile import Purpose, key_purpose, name_text, subject_identity
from qyzmet.signatures.revocation import RevocationAnswer, RevocationStatus
from qyzmet.signatures.sources import RevocationSource
from qyzmet.signatures.trust import Chain, TrustStore, chain_build
from qyzmet.signatures.tsp import Timestamp

CHECK_NAMES: Final = (
    "format", "signature", "timestamp", "chain", "validity", "revocation", "key_usage", "iin", "bin",
)
# Digests refused in the signer's signature (certificate signatures: see trust.WEAK_HASHES).
WEAK_DIGESTS: Final = frozenset({"md5", "sha1"})
CLOCK_SKEW: Final = timedelta(minutes=5)

ONE_SIGNER_EXPECTED: Final = "{count} signers found, exactly one expected"
NO_SIGNER_CERTIFICATE: Final = "the signer's certificate is not in the signature"
ATTACHED_DIFFERS: Final = "the content inside the signature differs from the document supplied"
NO_CONTENT: Final = "the signature is detached and no document was supplied"
DIGEST_DIFFERS: Final = "the messageDigest attribute does not match the document's {algorithm} digest"
CONTENT_TYPE_DIFFERS: Final = "the contentType attribute does not match the encapsulated content type"
NO_MESSAGE_DIGEST: Final = "the signed attributes have no messageDigest"
VALUE_INVALID: Final = "the signature value does not verify with the signer's public key"
NOT_CHECKED: Final = "not checked: an earlier check failed"
NOT_REQUESTED: Final = "not requested"
NO_SOURCES: Final = "no revocation source is configured"
NO_ISSUER: Final = "the certificate is trusted directly; there is no issuer to ask"
NO_ANSWER: Final = "no revocation source gave a usable answer"
OCSP_DOES_NOT_KNOW: Final = "the OCSP responder does not know this certificate"
WEAK_DIGEST: Final = "the signature uses {algorithm}, a weak digest"
NO_TIMESTAMP: Final = "no time-stamp token: validity is judged at the time of verification"
NO_POINTERS: Final = "the CA certificate names no revocation address"
STALE_ANSWERS: Final = "the revocation answers are out of date"
AUTHORITY_FAILED: Final = "the answer about CA certificate {subject}"


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Check:
    """One check of the verdict: its name, outcome, failure code and what was seen."""

    name: str
    outcome: Outcome
    code: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        texts = dict(render_messages(messages.MESSAGES[self.code])) if self.code else None
        return {
            "name": self.name, "outcome": self.outcome.value, "code": self.code,
            "message": texts, "detail": self.detail,
        }


@dataclass(frozen=True)
class SignerSummary:
    """Who signed, as their certificate says."""

    subject: str
    iin: str | None
    bin: str | None
    common_name: str
    organization: str
    serial_number: str
    issuer: str
    not_before: datetime
    not_after: datetime
    purpose: Purpose | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject, "iin": self.iin, "bin": self.bin, "common_name": self.common_name,
            "organization": self.organization, "serial_number": self.serial_number, "issuer": self.issuer,
            "not_before": self.not_before.isoformat(), "not_after": self.not_after.isoformat(),
            "purpose": self.purpose.value if self.purpose else None,
        }


@dataclass(frozen=True)
class Verdict:
    """The outcome of verifying one signature: valid only when no check failed."""

    checks: tuple[Check, ...]
    signer: SignerSummary | None = None
    signing_time: datetime | None = None

    @property
    def is_valid(self) -> bool:
        return not self.codes

    @property
    def codes(self) -> tuple[str, ...]:
        """Failure codes, in check order."""
        return tuple(check.code for check in self.checks if check.outcome is Outcome.FAILED and check.code)

    @property
    def code(self) -> str | None:
        """The first failure code, the one a refusal names; None when valid."""
        return self.codes[0] if self.codes else None

    def check(self, name: str) -> Check:
        """The check called `name` ("format", "signature", …)."""
        return next(check for check in self.checks if check.name == name)

    def message(self, language: str) -> str | None:
        """Why the signature is refused, in `language`; None when it is valid."""
        return messages.message(self.code, language) if self.code else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.is_valid,
            "code": self.code,
            "codes": list(self.codes),
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "signer": self.signer.to_dict() if self.signer else None,
            "checks": [check.to_dict() for check in self.checks],
        }


def signature_verify(
    content: bytes | None,
    signature: bytes,
    *,
    trust: TrustStore,
    revocation_sources: Sequence[RevocationSource],
    now: datetime,
    expected_iin: str | None = None,
    expected_bin: str | None = None,
    purpose: Purpose = Purpose.SIGN,
) -> Verdict:
    """Verify `signature` (CMS, DER/PEM/base64, detached or attached) over `content` (None: use the attached)."""
    try:
        parsed = cms.cms_parse(signature)
    except cms.CmsError as error:
        return _refused_early(Check("format", Outcome.FAILED, error.code, {"error": str(error)}))
    if len(parsed.signers) != 1:
        failure = {"error": ONE_SIGNER_EXPECTED.format(count=len(parsed.signers))}
        return _refused_early(Check("format", Outcome.FAILED, messages.MULTIPLE_SIGNERS, failure))
    signer = parsed.signers[0]
    certificate = signer.certificate
    if certificate is None:
        failure = {"error": NO_SIGNER_CERTIFICATE}
        return _refused_early(Check("format", Outcome.FAILED, messages.SIGNER_CERT_MISSING, failure))
    timestamp_check, timestamp = _timestamp_check(signer, trust, now)
    moment = timestamp.gen_time if timestamp is not None else now
    chain = chain_build(certificate, trust=trust, candidates=parsed.certificates, at=moment)
    identity = subject_identity(certificate.subject)
    checks = (
        Check("format", Outcome.PASSED, detail={"attached": parsed.content is not None}),
        _signature_check(parsed, signer, certificate, content),
        timestamp_check,
        _chain_check(chain),
        _validity_check(certificate, signer.signing_time, timestamp, now),
        _revocation_check(chain, revocation_sources, now),
        _key_usage_check(certificate, purpose),
        _identity_check("iin", identity.iin, expected_iin, messages.IIN_MISMATCH),
        _bin_check(identity.bin, expected_bin),
    )
    return Verdict(checks=checks, signer=signer_summary(certificate), signing_time=signer.signing_time)


def signer_summary(certificate: x509.Certificate) -> SignerSummary:
    """What a verdict reports about the signer."""
    identity = subject_identity(certificate.subject)
    return SignerSummary(
        subject=name_text(certificate.subject), iin=identity.iin, bin=identity.bin,
        common_name=identity.common_name, organization=identity.organization,
        serial_number=pki.serial_hex(certificate.serial_number), issuer=name_text(certificate.issuer),
        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc,
        purpose=key_purpose(certificate),
    )


def _refused_early(check: Check) -> Verdict:
    skipped = tuple(Check(name, Outcome.SKIPPED, detail={"reason": NOT_CHECKED}) for name in CHECK_NAMES[1:])
    return Verdict(checks=(check, *skipped))


def _signature_check(
    parsed: cms.ParsedSignature, signer: cms.SignerData, certificate: x509.Certificate, content: bytes | None
) -> Check:
    algorithms = {"digest_algorithm": signer.digest_algorithm, "signature_algorithm": signer.signature_algorithm}

    def failed(code: str, error: str) -> Check:
        return Check("signature", Outcome.FAILED, code, {"error": error, **algorithms})

    if signer.digest_algorithm in WEAK_DIGESTS:
        return failed(messages.WEAK_ALGORITHM, WEAK_DIGEST.format(algorithm=signer.digest_algorithm))
    if content is not None and parsed.content is not None and content != parsed.content:
        return failed(messages.CONTENT_TAMPERED, ATTACHED_DIFFERS)
    document = content if content is not None else parsed.content
    if document is None:
        return failed(messages.CONTENT_MISSING, NO_CONTENT)
    try:
        digest = cms.content_digest(document, signer.digest_algorithm)
        if signer.signed_attributes is None:
            signed_bytes = document
        elif signer.message_digest is None:
            return failed(messages.SIGNATURE_INVALID, NO_MESSAGE_DIGEST)
        elif signer.message_digest != digest:
            return failed(messages.CONTENT_TAMPERED, DIGEST_DIFFERS.format(algorithm=signer.digest_algorithm))
        elif signer.content_type != parsed.content_type:
            return failed(messages.SIGNATURE_INVALID, CONTENT_TYPE_DIFFERS)
        else:
            signed_bytes = signer.signed_attributes
        is_valid = cms.signature_value_is_valid(signer, certificate, signed_bytes)
    except cms.AlgorithmNotSupported as error:
        return failed(messages.UNSUPPORTED_ALGORITHM, str(error))
    if not is_valid:
        return failed(messages.SIGNATURE_INVALID, VALUE_INVALID)
    detail = {**algorithms, "signed_attributes": signer.signed_attributes is not None}
    return Check("signature", Outcome.PASSED, detail=detail)


def _chain_check(chain: Chain) -> Check:
    subjects = [name_text(certificate.subject) for certificate in chain.certificates]
    if chain.code:
        return Check("chain", Outcome.FAILED, chain.code, {"error": chain.detail, "path": subjects})
    return Check("chain", Outcome.PASSED, detail={"path": subjects})


def _timestamp_check(signer: cms.SignerData, trust: TrustStore, now: datetime) -> tuple[Check, Timestamp | None]:
    """The signature's RFC 3161 token, if any: the only thing that can move the validity time back."""
    if signer.timestamp_token is None:
        return Check("timestamp", Outcome.SKIPPED, detail={"reason": NO_TIMESTAMP}), None
    try:
        stamp = tsp.timestamp_token_read(signer.timestamp_token, signed_value=signer.signature, trust=trust, now=now)
    except tsp.TimestampInvalid as error:
        return Check("timestamp", Outcome.FAILED, messages.TIMESTAMP_INVALID, {"error": str(error)}), None
    detail = {
        "gen_time": stamp.gen_time.isoformat(), "tsa": name_text(stamp.tsa.subject),
        "serial_number": pki.serial_hex(stamp.serial_number), "policy": stamp.policy,
    }
    return Check("timestamp", Outcome.PASSED, detail=detail), stamp


def _validity_check(
    certificate: x509.Certificate, signing_time: datetime | None, timestamp: Timestamp | None, now: datetime
) -> Check:
    """The certificate in force at the validity time: the trusted timestamp's genTime, else now.

    An expired certificate whose signingTime claims a moment inside its validity, with no trusted
    timestamp to prove it, gets SIGNING_TIME_UNPROVEN: the claim alone proves nothing.
    """
    moment = timestamp.gen_time if timestamp is not None else now
    detail = {
        "checked_at": moment.isoformat(),
        "time_source": "timestamp" if timestamp is not None else "verification time",
        "signing_time": signing_time.isoformat() if signing_time else None,
        "not_before": certificate.not_valid_before_utc.isoformat(),
        "not_after": certificate.not_valid_after_utc.isoformat(),
    }
    starts, ends = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if signing_time is not None and signing_time > now + CLOCK_SKEW:
        return Check("validity", Outcome.FAILED, messages.SIGNING_TIME_IN_FUTURE, detail)
    if moment < starts:
        return Check("validity", Outcome.FAILED, messages.CERT_NOT_YET_VALID, detail)
    if moment > ends:
        claims_earlier = signing_time is not None and starts <= signing_time <= ends
        code = messages.SIGNING_TIME_UNPROVEN if claims_earlier and timestamp is None else messages.CERT_EXPIRED
        return Check("validity", Outcome.FAILED, code, detail)
    return Check("validity", Outcome.PASSED, detail=detail)


def _revocation_check(chain: Chain, sources: Sequence[RevocationSource], now: datetime) -> Check:
    """Every certificate of the chain below its anchor is asked about: the signer's, then each CA's.

    A CA certificate naming no address of a configured kind is not asked about (as in RFC 5280
    "hard-fail" checking: only a source the certificate names can fail it).

    Per certificate: revoked by any source fails (coded by the first that said so); an OCSP "unknown"
    fails; one "good" is needed, and when none came only out-of-date answers give REVOCATION_STALE.
    The detail lists the signer's answers, and each CA's under "authorities".
    """
    if chain.code:
        return Check("revocation", Outcome.SKIPPED, detail={"reason": NOT_CHECKED})
    if chain.issuer is None:
        return Check("revocation", Outcome.SKIPPED, detail={"reason": NO_ISSUER})
    if not sources:
        return Check("revocation", Outcome.FAILED, messages.REVOCATION_UNKNOWN, {"error": NO_SOURCES})
    pairs = list(zip(chain.certificates[:-1], chain.certificates[1:], strict=True))
    detail: dict[str, Any] = {}
    authorities: list[dict[str, Any]] = []
    failure: tuple[str, str] | None = None
    for index, (certificate, issuer) in enumerate(pairs):
        # The signer is asked of every source; a CA only of the kinds it names an address for
        # (an issuing CA usually has a CRL distribution point and no OCSP responder).
        asked = sources if index == 0 else [s for s in sources if revocation.certificate_urls(certificate, s.name)]
        if not asked:
            authorities.append({"subject": name_text(certificate.subject), "answers": [], "note": NO_POINTERS})
            continue
        answers = [source.status(certificate, issuer, now=now) for source in asked]
        found = {
            "answered_by": [a.source for a in answers if a.status is not RevocationStatus.UNAVAILABLE],
            "answers": [_answer_dict(answer) for answer in answers],
        }
        if index == 0:
            detail.update(found)
        else:
            authorities.append({"subject": name_text(certificate.subject), **found})
        refusal = _revocation_refusal(answers)
        if refusal is not None and failure is None:
            where = "" if index == 0 else AUTHORITY_FAILED.format(subject=name_text(certificate.subject))
            failure = (refusal[0], "; ".join(part for part in (refusal[1], where) if part))
    if authorities:
        detail["authorities"] = authorities
    if failure is not None:
        code, error = failure
        return Check("revocation", Outcome.FAILED, code, {**detail, **({"error": error} if error else {})})
    return Check("revocation", Outcome.PASSED, detail=detail)


def _revocation_refusal(answers: Sequence[RevocationAnswer]) -> tuple[str, str] | None:
    """(code, error) when these answers about one certificate do not clear it; None when they do."""
    revoked = next((answer for answer in answers if answer.status is RevocationStatus.REVOKED), None)
    if revoked is not None:
        return (messages.REVOKED_OCSP if revoked.source == revocation.OCSP else messages.REVOKED_CRL), ""
    if any(a.status is RevocationStatus.UNKNOWN and a.source == revocation.OCSP for a in answers):
        return messages.REVOCATION_UNKNOWN, OCSP_DOES_NOT_KNOW
    if any(answer.status is RevocationStatus.GOOD for answer in answers):
        return None
    if any(answer.stale for answer in answers):
        return messages.REVOCATION_STALE, STALE_ANSWERS
    return messages.REVOCATION_UNKNOWN, NO_ANSWER


def _answer_dict(answer: RevocationAnswer) -> dict[str, Any]:
    return {
        "source": answer.source, "status": answer.status.value, "url": answer.url, "detail": answer.detail,
        "revoked_at": answer.revoked_at.isoformat() if answer.revoked_at else None, "reason": answer.reason,
        "stale": answer.stale,
    }


def _key_usage_check(certificate: x509.Certificate, purpose: Purpose) -> Check:
    found = key_purpose(certificate)
    detail = {"required": purpose.value, "found": found.value if found else None}
    if found is purpose:
        return Check("key_usage", Outcome.PASSED, detail=detail)
    if found is Purpose.AUTH:
        return Check("key_usage", Outcome.FAILED, messages.KEY_USAGE_AUTH_KEY, detail)
    if found is Purpose.SIGN:
        return Check("key_usage", Outcome.FAILED, messages.KEY_USAGE_SIGN_KEY, detail)
    return Check("key_usage", Outcome.FAILED, messages.KEY_USAGE_INVALID, detail)


def _bin_check(found: str | None, expected: str | None) -> Check:
    """The organization's BIN: a key without one is personal (BIN_PERSONAL_KEY), another BIN is another's."""
    if expected is not None and found is None:
        return Check("bin", Outcome.FAILED, messages.BIN_PERSONAL_KEY, {"expected": expected, "found": None})
    return _identity_check("bin", found, expected, messages.BIN_MISMATCH)


def _identity_check(name: str, found: str | None, expected: str | None, code: str) -> Check:
    if expected is None:
        return Check(name, Outcome.SKIPPED, detail={"reason": NOT_REQUESTED})
    detail = {"expected": expected, "found": found}
    if found != expected:
        return Check(name, Outcome.FAILED, code, detail)
    return Check(name, Outcome.PASSED, detail=detail)
