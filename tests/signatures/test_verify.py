"""The verdict: every failure has its own code, and nothing else fails alongside it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asn1crypto import algos as asn1_algos
from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from qyzmet.core.i18n import render_messages
from qyzmet.signatures import cms, messages, pki, profile, tsp
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.profile import Purpose, holder_subject
from qyzmet.signatures.revocation import RevocationStatus
from qyzmet.signatures.trust import TrustStore
from qyzmet.signatures.verify import Outcome, Verdict, signature_verify
from tests.signatures.conftest import (
    BASE_URL,
    BIN,
    IIN,
    OTHER_BIN,
    OTHER_IIN,
    FixedSource,
    IssuedKey,
    individual,
    sha1_signed,
    signer_value,
)

DOCUMENT = b'{"applicant":"871008401427","service":"wko-2015-patronat-payment"}'
GOOD = [FixedSource("ocsp", RevocationStatus.GOOD), FixedSource("crl", RevocationStatus.GOOD)]


@dataclass(frozen=True)
class Kit:
    ca: Pki
    trust: TrustStore
    sign_key: IssuedKey
    auth_key: IssuedKey
    staff_key: IssuedKey
    expired_key: IssuedKey
    future_key: IssuedKey
    foreign_key: IssuedKey


@pytest.fixture
def kit(
    ca: Pki, trust: TrustStore, sign_key: IssuedKey, auth_key: IssuedKey, staff_key: IssuedKey,
    expired_key: IssuedKey, future_key: IssuedKey, foreign_key: IssuedKey,
) -> Kit:
    return Kit(ca, trust, sign_key, auth_key, staff_key, expired_key, future_key, foreign_key)


def verify(kit: Kit, content: bytes | None, signature: bytes, **options: Any) -> Verdict:
    options.setdefault("trust", kit.trust)
    options.setdefault("revocation_sources", GOOD)
    return signature_verify(content, signature, now=datetime.now(UTC), **options)


def rewrite(der: bytes, change: Callable[[Any], None]) -> bytes:
    """Change the parsed SignedData with asn1crypto and encode it again."""
    info = asn1_cms.ContentInfo.load(der)
    change(info["content"])
    return bytes(info.dump(force=True))


def flip_signature(signed_data: Any) -> None:
    signer_info = signed_data["signer_infos"][0]
    value = bytearray(signer_info["signature"].native)
    value[-1] ^= 0x01
    signer_info["signature"] = bytes(value)


def gost_digest(signed_data: Any) -> None:
    signed_data["signer_infos"][0]["digest_algorithm"] = asn1_algos.DigestAlgorithm({"algorithm": "1.2.398.3.10.1.3.1"})


def drop_certificates(signed_data: Any) -> None:
    signed_data["certificates"] = asn1_cms.CertificateSet([])


def certificate_signed_by(
    issuer_certificate: x509.Certificate, issuer_key: Any, kit: Kit, usage: x509.KeyUsage, *, iin: str = IIN
) -> x509.Certificate:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(holder_subject(individual(iin)))
        .issuer_name(issuer_certificate.subject)
        .public_key(kit.sign_key.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def usage(*, content_commitment: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=content_commitment, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )


def signature_without_purpose(kit: Kit) -> tuple[bytes | None, bytes, dict[str, Any]]:
    issuing = kit.ca.issuing
    certificate = certificate_signed_by(issuing.certificate, issuing.key, kit, usage(content_commitment=False))
    signer = IssuedKey(kit.sign_key.key, certificate, kit.ca.chain)
    return DOCUMENT, signer.sign(DOCUMENT), {}


def signature_under_a_non_ca(kit: Kit) -> tuple[bytes | None, bytes, dict[str, Any]]:
    # The holder's own (non-CA) certificate "issues" another one.
    certificate = certificate_signed_by(
        kit.sign_key.certificate, kit.sign_key.key, kit, usage(content_commitment=True), iin=OTHER_IIN
    )
    signer = IssuedKey(kit.sign_key.key, certificate, (kit.sign_key.certificate, *kit.ca.chain))
    return DOCUMENT, signer.sign(DOCUMENT), {}


def two_signers(kit: Kit) -> tuple[bytes | None, bytes, dict[str, Any]]:
    other = asn1_cms.ContentInfo.load(kit.staff_key.sign(DOCUMENT))["content"]["signer_infos"][0]

    def add_signer(signed_data: Any) -> None:
        signed_data["signer_infos"] = asn1_cms.SignerInfos([signed_data["signer_infos"][0], other])

    return DOCUMENT, rewrite(kit.sign_key.sign(DOCUMENT), add_signer), {}


def holder_certificate(
    kit: Kit, *, extra: tuple[tuple[x509.ExtensionType, bool], ...] = (),
) -> IssuedKey:
    """A signing certificate from the session's issuing CA, built by hand to break one rule."""
    issuing, now = kit.ca.issuing, datetime.now(UTC)
    extensions = profile.end_entity_extensions(
        individual(), Purpose.SIGN, public_key=kit.sign_key.key.public_key(), issuer=issuing.certificate,
        base_url=BASE_URL, issuer_name=pki.ISSUING,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(holder_subject(individual()))
        .issuer_name(issuing.certificate.subject)
        .public_key(kit.sign_key.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
    )
    for extension, critical in (*extensions, *extra):
        builder = builder.add_extension(extension, critical=critical)
    certificate = builder.sign(issuing.key, hashes.SHA256())
    return IssuedKey(kit.sign_key.key, certificate, kit.ca.chain)


def sha1_certificate_signature(kit: Kit) -> tuple[bytes | None, bytes, dict[str, Any]]:
    # `cryptography` no longer signs certificates with SHA-1: sign the same TBS again by hand.
    issued = holder_certificate(kit)
    original = asn1_x509.Certificate.load(issued.certificate.public_bytes(serialization.Encoding.DER))
    tbs = original["tbs_certificate"]
    fields = {name: tbs[name] for name, *_ in asn1_x509.TbsCertificate._fields if name != "signature"
              and not isinstance(tbs[name], asn1_core.Void)}
    rebuilt = asn1_x509.TbsCertificate({**fields, "signature": {"algorithm": "sha1_rsa"}})
    value = kit.ca.issuing.key.sign(rebuilt.dump(), padding.PKCS1v15(), hashes.SHA1())
    der = asn1_x509.Certificate({
        "tbs_certificate": rebuilt, "signature_algorithm": {"algorithm": "sha1_rsa"}, "signature_value": value,
    }).dump()
    signer = IssuedKey(kit.sign_key.key, x509.load_der_x509_certificate(der), kit.ca.chain)
    return DOCUMENT, signer.sign(DOCUMENT), {}


def critical_extension_signature(kit: Kit) -> tuple[bytes | None, bytes, dict[str, Any]]:
    unknown = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.398.3.3.99.1"), b"\x05\x00")
    return DOCUMENT, holder_certificate(kit, extra=((unknown, True),)).sign(DOCUMENT), {}


def timestamp_over_other_bytes(kit: Kit) -> tuple[bytes | None, bytes, dict[str, Any]]:
    token = tsp.timestamp_token_build(
        "sha256", hashlib.sha256(b"another signature").digest(), tsa=kit.ca.tsa, chain=kit.ca.chain,
        now=datetime.now(UTC), serial_number=1,
    )
    return DOCUMENT, cms.cms_timestamp_attach(kit.sign_key.sign(DOCUMENT), token), {}


Scenario = Callable[[Kit], tuple[bytes | None, bytes, dict[str, Any]]]

SCENARIOS: dict[str, tuple[Scenario, str]] = {
    "tampered content": (
        lambda k: (DOCUMENT + b" ", k.sign_key.sign(DOCUMENT), {}), messages.CONTENT_TAMPERED),
    "attached content differs": (
        lambda k: (b"other", k.sign_key.sign(DOCUMENT, attached=True), {}), messages.CONTENT_TAMPERED),
    "detached without content": (
        lambda k: (None, k.sign_key.sign(DOCUMENT), {}), messages.CONTENT_MISSING),
    "signature value altered": (
        lambda k: (DOCUMENT, rewrite(k.sign_key.sign(DOCUMENT), flip_signature), {}), messages.SIGNATURE_INVALID),
    "gost digest": (
        lambda k: (DOCUMENT, rewrite(k.sign_key.sign(DOCUMENT), gost_digest), {}), messages.UNSUPPORTED_ALGORITHM),
    "signer certificate left out": (
        lambda k: (DOCUMENT, rewrite(k.sign_key.sign(DOCUMENT), drop_certificates), {}),
        messages.SIGNER_CERT_MISSING),
    "two signers": (two_signers, messages.MULTIPLE_SIGNERS),
    "unknown issuer": (
        lambda k: (DOCUMENT, k.foreign_key.sign(DOCUMENT), {}), messages.UNKNOWN_ISSUER),
    "issuer is not a ca": (signature_under_a_non_ca, messages.CHAIN_INVALID),
    "expired": (
        lambda k: (DOCUMENT, k.expired_key.sign(DOCUMENT), {}), messages.CERT_EXPIRED),
    "not yet valid": (
        lambda k: (DOCUMENT, k.future_key.sign(DOCUMENT), {}), messages.CERT_NOT_YET_VALID),
    "signing time in the future": (
        lambda k: (DOCUMENT, k.sign_key.sign(DOCUMENT, at=datetime.now(UTC) + timedelta(days=1)), {}),
        messages.SIGNING_TIME_IN_FUTURE),
    "revoked by crl": (
        lambda k: (DOCUMENT, k.sign_key.sign(DOCUMENT), {"revocation_sources": [
            FixedSource("ocsp", RevocationStatus.UNAVAILABLE), FixedSource("crl", RevocationStatus.REVOKED)]}),
        messages.REVOKED_CRL),
    "revoked by ocsp": (
        lambda k: (DOCUMENT, k.sign_key.sign(DOCUMENT), {"revocation_sources": [
            FixedSource("ocsp", RevocationStatus.REVOKED), FixedSource("crl", RevocationStatus.GOOD)]}),
        messages.REVOKED_OCSP),
    "no revocation answer": (
        lambda k: (DOCUMENT, k.sign_key.sign(DOCUMENT), {"revocation_sources": [
            FixedSource("ocsp", RevocationStatus.UNAVAILABLE), FixedSource("crl", RevocationStatus.UNAVAILABLE)]}),
        messages.REVOCATION_UNKNOWN),
    "login key signs": (
        lambda k: (DOCUMENT, k.auth_key.sign(DOCUMENT), {}), messages.KEY_USAGE_AUTH_KEY),
    "signing key logs in": (
        lambda k: (DOCUMENT, k.sign_key.sign(DOCUMENT), {"purpose": Purpose.AUTH}), messages.KEY_USAGE_SIGN_KEY),
    "key without purpose": (signature_without_purpose, messages.KEY_USAGE_INVALID),
    "iin mismatch": (
        lambda k: (DOCUMENT, k.sign_key.sign(DOCUMENT), {"expected_iin": OTHER_IIN}), messages.IIN_MISMATCH),
    "bin mismatch": (
        lambda k: (DOCUMENT, k.staff_key.sign(DOCUMENT), {"expected_bin": OTHER_BIN}), messages.BIN_MISMATCH),
    "bin expected of an individual": (
        lambda k: (DOCUMENT, k.sign_key.sign(DOCUMENT), {"expected_bin": BIN}), messages.BIN_PERSONAL_KEY),
    "expired key with a back-dated signing time": (
        lambda k: (DOCUMENT, k.expired_key.sign(DOCUMENT, at=k.expired_key.certificate.not_valid_after_utc
                                                - timedelta(days=1)), {}),
        messages.SIGNING_TIME_UNPROVEN),
    "certificate signed with sha-1": (sha1_certificate_signature, messages.WEAK_ALGORITHM),
    "unknown critical extension": (critical_extension_signature, messages.CERT_INVALID),
    "timestamp over other bytes": (timestamp_over_other_bytes, messages.TIMESTAMP_INVALID),
    "only stale revocation answers": (
        lambda k: (DOCUMENT, k.sign_key.sign(DOCUMENT), {"revocation_sources": [
            FixedSource("ocsp", RevocationStatus.UNAVAILABLE, stale=True),
            FixedSource("crl", RevocationStatus.UNAVAILABLE)]}),
        messages.REVOCATION_STALE),
    "malformed": (lambda k: (DOCUMENT, b"\x30\x03\x02\x01\x01", {}), messages.MALFORMED_CMS),
    "not a signature at all": (lambda k: (DOCUMENT, DOCUMENT, {}), messages.MALFORMED_CMS),
    "truncated": (
        lambda k: (DOCUMENT, k.sign_key.sign(DOCUMENT)[:700], {}), messages.TRUNCATED),
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=list(SCENARIOS))
def test_each_failure_gives_its_own_code_and_only_that_code(kit: Kit, scenario: str) -> None:
    # given
    build, expected = SCENARIOS[scenario]
    content, signature, options = build(kit)

    # when
    verdict = verify(kit, content, signature, **options)

    # then
    assert not verdict.is_valid
    assert verdict.codes == (expected,)
    assert verdict.code == expected


def test_the_scenarios_cover_every_code() -> None:
    assert {code for _, code in SCENARIOS.values()} == set(messages.MESSAGES)


def test_a_good_detached_signature_passes_every_check(kit: Kit) -> None:
    # given
    signature = kit.sign_key.sign(DOCUMENT)

    # when
    verdict = verify(kit, DOCUMENT, signature, expected_iin=IIN)

    # then
    assert verdict.is_valid and verdict.code is None and verdict.message("kk") is None
    assert [(c.name, c.outcome) for c in verdict.checks] == [
        ("format", Outcome.PASSED), ("signature", Outcome.PASSED), ("timestamp", Outcome.SKIPPED),
        ("chain", Outcome.PASSED),
        ("validity", Outcome.PASSED), ("revocation", Outcome.PASSED), ("key_usage", Outcome.PASSED),
        ("iin", Outcome.PASSED), ("bin", Outcome.SKIPPED),
    ]
    assert verdict.signer is not None and verdict.signer.iin == IIN
    assert verdict.check("revocation").detail["answered_by"] == ["ocsp", "crl"]


def test_an_attached_signature_verifies_without_the_document(kit: Kit) -> None:
    verdict = verify(kit, None, kit.sign_key.sign(DOCUMENT, attached=True))

    assert verdict.is_valid
    assert verdict.check("format").detail == {"attached": True}


def test_staff_signature_matches_iin_and_bin(kit: Kit) -> None:
    verdict = verify(kit, DOCUMENT, kit.staff_key.sign(DOCUMENT), expected_iin=OTHER_IIN, expected_bin=BIN)

    assert verdict.is_valid


def test_an_auth_key_may_log_in(kit: Kit) -> None:
    assert verify(kit, DOCUMENT, kit.auth_key.sign(DOCUMENT), purpose=Purpose.AUTH).is_valid


def test_an_expired_key_with_a_back_dated_signing_time_is_refused_as_unproven(kit: Kit) -> None:
    # given a signature that claims it was made while the now-expired certificate was in force
    signed_at = kit.expired_key.certificate.not_valid_after_utc - timedelta(days=1)
    signature = kit.expired_key.sign(DOCUMENT, at=signed_at)

    # when
    verdict = verify(kit, DOCUMENT, signature)

    # then the claim proves nothing: validity is judged now
    assert verdict.codes == (messages.SIGNING_TIME_UNPROVEN,)
    assert verdict.check("validity").detail["time_source"] == "verification time"
    assert verdict.check("timestamp").outcome is Outcome.SKIPPED


def test_an_expired_key_whose_signature_was_timestamped_while_valid_is_accepted(kit: Kit) -> None:
    # given a signature stamped by the trusted TSA a day before the certificate expired
    stamped_at = kit.expired_key.certificate.not_valid_after_utc - timedelta(days=1)
    signature = kit.expired_key.sign(DOCUMENT, at=stamped_at)
    token = tsp.timestamp_token_build(
        "sha256", hashlib.sha256(signer_value(signature)).digest(), tsa=kit.ca.tsa, chain=kit.ca.chain,
        now=stamped_at, serial_number=7,
    )

    # when
    verdict = verify(kit, DOCUMENT, cms.cms_timestamp_attach(signature, token))

    # then
    assert verdict.is_valid, verdict.codes
    assert verdict.check("timestamp").detail["gen_time"] == stamped_at.replace(microsecond=0).isoformat()
    assert verdict.check("validity").detail["time_source"] == "timestamp"


def test_a_timestamp_after_expiry_does_not_save_an_expired_key(kit: Kit) -> None:
    stamped_at = kit.expired_key.certificate.not_valid_after_utc + timedelta(days=1)
    signature = kit.expired_key.sign(DOCUMENT, at=stamped_at - timedelta(days=3))
    token = tsp.timestamp_token_build(
        "sha256", hashlib.sha256(signer_value(signature)).digest(), tsa=kit.ca.tsa, chain=kit.ca.chain,
        now=stamped_at, serial_number=8,
    )

    verdict = verify(kit, DOCUMENT, cms.cms_timestamp_attach(signature, token))

    assert verdict.codes == (messages.CERT_EXPIRED,)


def test_a_timestamp_from_an_untrusted_tsa_is_refused(kit: Kit, foreign_ca: Pki) -> None:
    stamped_at = kit.expired_key.certificate.not_valid_after_utc - timedelta(days=1)
    signature = kit.expired_key.sign(DOCUMENT, at=stamped_at)
    token = tsp.timestamp_token_build(
        "sha256", hashlib.sha256(signer_value(signature)).digest(), tsa=foreign_ca.tsa, chain=foreign_ca.chain,
        now=stamped_at, serial_number=9,
    )

    verdict = verify(kit, DOCUMENT, cms.cms_timestamp_attach(signature, token))

    assert verdict.code == messages.TIMESTAMP_INVALID
    assert "not trusted" in verdict.check("timestamp").detail["error"]


def test_a_timestamp_signed_by_a_key_without_the_timestamping_purpose_is_refused(kit: Kit) -> None:
    # the OCSP responder's key is certified by the same CA, but not for time-stamping
    signature = kit.sign_key.sign(DOCUMENT)
    impostor = pki.Authority("tsa", kit.ca.responder.certificate, kit.ca.responder.key)
    token = tsp.timestamp_token_build(
        "sha256", hashlib.sha256(signer_value(signature)).digest(), tsa=impostor, chain=kit.ca.chain,
        now=datetime.now(UTC), serial_number=10,
    )

    verdict = verify(kit, DOCUMENT, cms.cms_timestamp_attach(signature, token))

    assert verdict.code == messages.TIMESTAMP_INVALID
    assert "not a time-stamping authority" in verdict.check("timestamp").detail["error"]


def test_a_sha1_digest_in_the_signature_is_refused(kit: Kit) -> None:
    verdict = verify(kit, DOCUMENT, sha1_signed(kit.sign_key, DOCUMENT))

    assert verdict.codes == (messages.WEAK_ALGORITHM,)
    assert verdict.check("signature").detail["digest_algorithm"] == "sha1"


def test_one_ocsp_unknown_fails_even_when_the_crl_is_silent(kit: Kit) -> None:
    sources = [FixedSource("ocsp", RevocationStatus.UNKNOWN), FixedSource("crl", RevocationStatus.GOOD)]

    verdict = verify(kit, DOCUMENT, kit.sign_key.sign(DOCUMENT), revocation_sources=sources)

    assert verdict.codes == (messages.REVOCATION_UNKNOWN,)


def test_no_revocation_source_configured_is_a_failure(kit: Kit) -> None:
    verdict = verify(kit, DOCUMENT, kit.sign_key.sign(DOCUMENT), revocation_sources=[])

    assert verdict.codes == (messages.REVOCATION_UNKNOWN,)


def test_an_added_root_makes_a_foreign_ca_trusted(kit: Kit, foreign_ca: Pki) -> None:
    trust = TrustStore(anchors=(*kit.trust.anchors, foreign_ca.root.certificate))

    verdict = verify(kit, DOCUMENT, kit.foreign_key.sign(DOCUMENT), trust=trust)

    assert verdict.is_valid


def test_several_failures_are_all_reported_first_one_names_the_refusal(kit: Kit) -> None:
    verdict = verify(kit, DOCUMENT + b"!", kit.auth_key.sign(DOCUMENT), expected_iin=OTHER_IIN)

    assert verdict.codes == (messages.CONTENT_TAMPERED, messages.KEY_USAGE_AUTH_KEY, messages.IIN_MISMATCH)
    assert verdict.message("ru") == "Документ был изменён после подписания."


def test_a_refused_format_skips_every_other_check(kit: Kit) -> None:
    verdict = verify(kit, DOCUMENT, b"")

    assert [c.outcome for c in verdict.checks] == [Outcome.FAILED] + [Outcome.SKIPPED] * 8
    assert verdict.signer is None


def test_verdict_to_dict_is_json_with_messages_in_three_languages(kit: Kit) -> None:
    # given
    verdict = verify(kit, DOCUMENT, kit.expired_key.sign(DOCUMENT), expected_iin=IIN)

    # when
    data = json.loads(json.dumps(verdict.to_dict(), ensure_ascii=False))

    # then
    assert data["valid"] is False
    assert data["code"] == messages.CERT_EXPIRED
    validity = next(check for check in data["checks"] if check["name"] == "validity")
    assert validity["message"] == render_messages(messages.MESSAGES[messages.CERT_EXPIRED])
    assert data["signer"]["serial_number"] == pki.serial_hex(kit.expired_key.certificate.serial_number)
