from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from qyzmet.signatures import revocation
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.revocation import CertificateState, RevocationStatus, RevokedEntry
from tests.signatures.conftest import BASE_URL, IssuedKey

NOW = datetime.now(UTC).replace(microsecond=0)


def crl_of(ca: Pki, entries: list[RevokedEntry], *, this_update: datetime = NOW) -> bytes:
    return revocation.crl_build(
        issuer=ca.issuing.certificate, key=ca.issuing.key, entries=entries, number=7,
        this_update=this_update, next_update=this_update + timedelta(days=1),
    )


def test_crl_lists_a_revoked_certificate_with_time_and_reason(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    revoked_at = NOW - timedelta(hours=2)
    crl = crl_of(ca, [RevokedEntry(sign_key.certificate.serial_number, revoked_at, "keyCompromise")])

    # when
    answer = revocation.crl_read(crl, certificate=sign_key.certificate, issuer=ca.issuing.certificate, now=NOW)

    # then
    assert answer.status is RevocationStatus.REVOKED
    assert (answer.revoked_at, answer.reason, answer.source) == (revoked_at, "keyCompromise", "crl")
    assert answer.detail == "listed on CRL number 7"


def test_crl_omits_the_reason_extension_for_unspecified(ca: Pki, sign_key: IssuedKey) -> None:
    crl = x509.load_der_x509_crl(crl_of(ca, [RevokedEntry(sign_key.certificate.serial_number, NOW, "unspecified")]))

    entry = crl.get_revoked_certificate_by_serial_number(sign_key.certificate.serial_number)

    assert entry is not None and len(entry.extensions) == 0


def test_crl_without_the_certificate_answers_good(ca: Pki, sign_key: IssuedKey) -> None:
    crl = crl_of(ca, [])

    answer = revocation.crl_read(crl, certificate=sign_key.certificate, issuer=ca.issuing.certificate, now=NOW)

    assert answer.status is RevocationStatus.GOOD


def test_a_stale_crl_gives_no_answer(ca: Pki, sign_key: IssuedKey) -> None:
    crl = crl_of(ca, [], this_update=NOW - timedelta(days=3))

    answer = revocation.crl_read(crl, certificate=sign_key.certificate, issuer=ca.issuing.certificate, now=NOW)

    assert answer.status is RevocationStatus.UNAVAILABLE
    assert answer.detail.startswith("the CRL expired at")


def test_a_crl_from_another_ca_gives_no_answer(ca: Pki, foreign_ca: Pki, sign_key: IssuedKey) -> None:
    crl = crl_of(foreign_ca, [])

    answer = revocation.crl_read(crl, certificate=sign_key.certificate, issuer=ca.issuing.certificate, now=NOW)

    assert answer.status is RevocationStatus.UNAVAILABLE


def test_a_crl_with_a_forged_signature_gives_no_answer(ca: Pki, sign_key: IssuedKey) -> None:
    # given a CRL with the issuing CA's name but signed by the root key
    crl = revocation.crl_build(
        issuer=ca.issuing.certificate, key=ca.root.key, entries=[], number=1,
        this_update=NOW, next_update=NOW + timedelta(days=1),
    )

    # when
    answer = revocation.crl_read(crl, certificate=sign_key.certificate, issuer=ca.issuing.certificate, now=NOW)

    # then
    assert (answer.status, answer.detail) == (RevocationStatus.UNAVAILABLE, revocation.CRL_BAD_SIGNATURE)


def test_garbage_instead_of_a_crl_gives_no_answer(ca: Pki, sign_key: IssuedKey) -> None:
    answer = revocation.crl_read(b"<html>", certificate=sign_key.certificate, issuer=ca.issuing.certificate, now=NOW)

    assert (answer.status, answer.detail) == (RevocationStatus.UNAVAILABLE, revocation.CRL_UNREADABLE)


def ocsp_round_trip(ca: Pki, key: IssuedKey, state: CertificateState | None) -> revocation.RevocationAnswer:
    nonce = revocation.ocsp_nonce()
    request = revocation.ocsp_request_build(key.certificate, ca.issuing.certificate, nonce=nonce)
    response = revocation.ocsp_response_build(
        request, issuer=ca.issuing.certificate, responder=ca.responder.certificate,
        responder_key=ca.responder.key, lookup=lambda serial: state, now=NOW,
    )
    return revocation.ocsp_response_read(
        response, certificate=key.certificate, issuer=ca.issuing.certificate, nonce=nonce, now=NOW
    )


def test_ocsp_answers_good_revoked_and_unknown(ca: Pki, sign_key: IssuedKey) -> None:
    revoked_at = NOW - timedelta(minutes=10)

    good = ocsp_round_trip(ca, sign_key, CertificateState(revoked_at=None))
    revoked = ocsp_round_trip(ca, sign_key, CertificateState(revoked_at=revoked_at, reason="superseded"))
    unknown = ocsp_round_trip(ca, sign_key, None)

    assert good.status is RevocationStatus.GOOD
    assert (revoked.status, revoked.revoked_at, revoked.reason) == (RevocationStatus.REVOKED, revoked_at, "superseded")
    assert unknown.status is RevocationStatus.UNKNOWN


def test_ocsp_response_echoes_the_nonce_and_is_signed_by_the_delegated_responder(
    ca: Pki, sign_key: IssuedKey
) -> None:
    # given
    request = revocation.ocsp_request_build(sign_key.certificate, ca.issuing.certificate, nonce=b"0123456789abcdef")

    # when
    der = revocation.ocsp_response_build(
        request, issuer=ca.issuing.certificate, responder=ca.responder.certificate,
        responder_key=ca.responder.key, lookup=lambda serial: None, now=NOW,
    )

    # then
    response = ocsp.load_der_ocsp_response(der)
    assert response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"0123456789abcdef"
    assert response.certificates == [ca.responder.certificate]
    assert response.responder_key_hash == x509.SubjectKeyIdentifier.from_public_key(
        ca.responder.certificate.public_key()).digest


def test_ocsp_response_with_another_nonce_gives_no_answer(ca: Pki, sign_key: IssuedKey) -> None:
    request = revocation.ocsp_request_build(sign_key.certificate, ca.issuing.certificate, nonce=b"a" * 16)
    response = revocation.ocsp_response_build(
        request, issuer=ca.issuing.certificate, responder=ca.responder.certificate,
        responder_key=ca.responder.key, lookup=lambda serial: CertificateState(None), now=NOW,
    )

    answer = revocation.ocsp_response_read(
        response, certificate=sign_key.certificate, issuer=ca.issuing.certificate, nonce=b"b" * 16, now=NOW
    )

    assert (answer.status, answer.detail) == (RevocationStatus.UNAVAILABLE, revocation.OCSP_NONCE)


def test_ocsp_response_signed_by_an_unauthorised_key_gives_no_answer(
    ca: Pki, foreign_ca: Pki, sign_key: IssuedKey
) -> None:
    # given a "responder" certificate of another CA
    request = revocation.ocsp_request_build(sign_key.certificate, ca.issuing.certificate, nonce=b"n" * 16)
    response = revocation.ocsp_response_build(
        request, issuer=ca.issuing.certificate, responder=foreign_ca.responder.certificate,
        responder_key=foreign_ca.responder.key, lookup=lambda serial: CertificateState(None), now=NOW,
    )

    # when
    answer = revocation.ocsp_response_read(
        response, certificate=sign_key.certificate, issuer=ca.issuing.certificate, nonce=b"n" * 16, now=NOW
    )

    # then
    assert (answer.status, answer.detail) == (RevocationStatus.UNAVAILABLE, revocation.OCSP_BAD_SIGNATURE)


def test_ocsp_request_about_another_ca_is_unauthorized(ca: Pki, foreign_key: IssuedKey, foreign_ca: Pki) -> None:
    request = revocation.ocsp_request_build(foreign_key.certificate, foreign_ca.issuing.certificate, nonce=b"n" * 16)

    der = revocation.ocsp_response_build(
        request, issuer=ca.issuing.certificate, responder=ca.responder.certificate,
        responder_key=ca.responder.key, lookup=lambda serial: None, now=NOW,
    )

    assert ocsp.load_der_ocsp_response(der).response_status is ocsp.OCSPResponseStatus.UNAUTHORIZED


def test_ocsp_responder_accepts_sha1_cert_ids_as_openssl_sends_them(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    request = ocsp.OCSPRequestBuilder().add_certificate(sign_key.certificate, ca.issuing.certificate, hashes.SHA1())
    der_request = request.build().public_bytes(serialization.Encoding.DER)

    # when: the response's producedAt is the real time of signing, so the reader's "now" is too (with no
    # nonce, an answer produced more than the clock skew after "now" is not fresh)
    now = datetime.now(UTC)
    der = revocation.ocsp_response_build(
        der_request, issuer=ca.issuing.certificate, responder=ca.responder.certificate,
        responder_key=ca.responder.key, lookup=lambda serial: CertificateState(None), now=now,
    )

    # then
    answer = revocation.ocsp_response_read(
        der, certificate=sign_key.certificate, issuer=ca.issuing.certificate, nonce=None, now=now
    )
    assert answer.status is RevocationStatus.GOOD


def test_a_malformed_ocsp_request_gets_malformed_request(ca: Pki) -> None:
    der = revocation.ocsp_response_build(
        b"nonsense", issuer=ca.issuing.certificate, responder=ca.responder.certificate,
        responder_key=ca.responder.key, lookup=lambda serial: None, now=NOW,
    )

    assert ocsp.load_der_ocsp_response(der).response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_certificate_urls_reads_aia_and_cdp(sign_key: IssuedKey, ca: Pki) -> None:
    assert revocation.certificate_urls(sign_key.certificate, "ocsp") == [f"{BASE_URL}/pki/ocsp"]
    assert revocation.certificate_urls(sign_key.certificate, "crl") == [f"{BASE_URL}/pki/crl/issuing.crl"]
    assert revocation.certificate_urls(ca.root.certificate, "ocsp") == []
