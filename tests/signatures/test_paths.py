"""Certificate paths by the library, revocation of every CA on the path, fresh answers, the test TSA.

Each hostile certificate is built with the session's test CA keys so that only the one rule under
test is broken; a control beside each refusal shows the same set-up passes when the rule holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from qyzmet.signatures import cms, messages, pki, profile, revocation, tsp
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.profile import Purpose, holder_subject
from qyzmet.signatures.revocation import RevocationStatus, RevokedEntry
from qyzmet.signatures.sources import CrlSource, OcspSource
from qyzmet.signatures.trust import TrustStore
from qyzmet.signatures.verify import Verdict, signature_verify
from tests.signatures.conftest import BASE_URL, IIN, FixedSource, IssuedKey, individual, signer_value

DOCUMENT = b'{"applicant":"871008401427","service":"wko-2015-patronat-payment"}'
GOOD = [FixedSource("ocsp", RevocationStatus.GOOD), FixedSource("crl", RevocationStatus.GOOD)]


def verify(trust: TrustStore, signature: bytes, **options: Any) -> Verdict:
    options.setdefault("revocation_sources", GOOD)
    options.setdefault("now", datetime.now(UTC))
    return signature_verify(DOCUMENT, signature, trust=trust, expected_iin=IIN, **options)


def ca_key_usage(*, key_cert_sign: bool = True) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=key_cert_sign, crl_sign=True, encipher_only=False, decipher_only=False,
    )


def sub_ca(
    issuer: pki.Authority, key: rsa.RSAPrivateKey, *, name: str, key_cert_sign: bool = True,
    name_constraints: x509.NameConstraints | None = None,
) -> pki.Authority:
    """A CA certificate under `issuer`, with the test CA's pointers, breaking what it is told to."""
    now = datetime.now(UTC)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"), x509.NameAttribute(NameOID.COMMON_NAME, name),
    ])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(issuer.certificate.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=10)).not_valid_after(now + timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(ca_key_usage(key_cert_sign=key_cert_sign), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if name_constraints is not None:
        builder = builder.add_extension(name_constraints, critical=True)
    return pki.Authority(name, builder.sign(issuer.key, hashes.SHA256()), key)


def holder_under(authority: pki.Authority, key: rsa.RSAPrivateKey, chain: tuple[x509.Certificate, ...]) -> IssuedKey:
    now = datetime.now(UTC)
    extensions = profile.end_entity_extensions(
        individual(), Purpose.SIGN, public_key=key.public_key(), issuer=authority.certificate, base_url=BASE_URL,
        issuer_name=pki.ISSUING,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(holder_subject(individual())).issuer_name(authority.certificate.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return IssuedKey(key, builder.sign(authority.key, hashes.SHA256()), chain)


@pytest.fixture(scope="session")
def ca_key() -> rsa.RSAPrivateKey:
    return pki.key_generate()


@pytest.fixture
def root_trust(ca: Pki) -> TrustStore:
    """Only the root is trusted: every intermediate must come from the signature itself."""
    return TrustStore(anchors=(ca.root.certificate,))


# --- paths --------------------------------------------------------------------------------------------


def test_a_chain_through_the_issuing_ca_from_the_signature_alone_passes(ca: Pki, root_trust: TrustStore,
                                                                         sign_key: IssuedKey) -> None:
    verdict = verify(root_trust, sign_key.sign(DOCUMENT))

    assert verdict.is_valid, verdict.codes
    assert len(verdict.check("chain").detail["path"]) == 3


def test_the_issuing_ca_may_not_certify_another_ca_path_length(
    ca: Pki, root_trust: TrustStore, ca_key: rsa.RSAPrivateKey, holder_keys: tuple[rsa.RSAPrivateKey, ...]
) -> None:
    # given a CA under the issuing CA, whose basicConstraints say pathLenConstraint 0
    assert ca.issuing.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    below = sub_ca(ca.issuing, ca_key, name="SUB CA UNDER THE ISSUING CA")
    signer = holder_under(below, holder_keys[0], (below.certificate, ca.issuing.certificate))

    # when
    verdict = verify(root_trust, signer.sign(DOCUMENT))

    # then
    assert verdict.codes == (messages.CHAIN_INVALID,)
    assert "path length" in verdict.check("chain").detail["error"].lower()


def test_a_ca_under_the_root_within_its_path_length_passes(
    ca: Pki, root_trust: TrustStore, ca_key: rsa.RSAPrivateKey, holder_keys: tuple[rsa.RSAPrivateKey, ...]
) -> None:
    # the control for the test above: the root (pathLen 1) may certify one CA
    beside = sub_ca(ca.root, ca_key, name="SECOND ISSUING CA")
    signer = holder_under(beside, holder_keys[0], (beside.certificate,))

    assert verify(root_trust, signer.sign(DOCUMENT)).is_valid


def test_a_ca_without_key_cert_sign_cannot_issue(
    ca: Pki, root_trust: TrustStore, ca_key: rsa.RSAPrivateKey, holder_keys: tuple[rsa.RSAPrivateKey, ...]
) -> None:
    no_cert_sign = sub_ca(ca.root, ca_key, name="CA WITHOUT KEYCERTSIGN", key_cert_sign=False)
    signer = holder_under(no_cert_sign, holder_keys[0], (no_cert_sign.certificate,))

    verdict = verify(root_trust, signer.sign(DOCUMENT))

    assert verdict.codes == (messages.CHAIN_INVALID,)
    assert "not allowed to sign certificates" in verdict.check("chain").detail["error"]


def test_a_holder_outside_the_cas_name_constraints_is_refused(
    ca: Pki, root_trust: TrustStore, ca_key: rsa.RSAPrivateKey, holder_keys: tuple[rsa.RSAPrivateKey, ...]
) -> None:
    # given a CA allowed to certify only names under C=US
    only_us = x509.NameConstraints(
        permitted_subtrees=[x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US")]))],
        excluded_subtrees=None,
    )
    constrained = sub_ca(ca.root, ca_key, name="CONSTRAINED CA", name_constraints=only_us)
    signer = holder_under(constrained, holder_keys[0], (constrained.certificate,))

    # when
    verdict = verify(root_trust, signer.sign(DOCUMENT))

    # then the signer's certificate is the one that breaks the rule
    assert verdict.codes == (messages.CERT_INVALID,)
    assert "permitted namespace" in verdict.check("chain").detail["error"]


def test_a_signature_from_another_ca_is_refused(root_trust: TrustStore, foreign_key: IssuedKey) -> None:
    verdict = verify(root_trust, foreign_key.sign(DOCUMENT))

    assert verdict.codes == (messages.UNKNOWN_ISSUER,)


# --- revocation of every certificate on the path ------------------------------------------------------


def crl_transport(ca: Pki, *, root_revokes: list[RevokedEntry]) -> httpx.MockTransport:
    """Serve the issuing CA's CRL (empty) and the root's CRL (listing `root_revokes`) at the certificates' CDPs."""
    now = datetime.now(UTC)
    crls = {
        "/pki/crl/issuing.crl": revocation.crl_build(
            issuer=ca.issuing.certificate, key=ca.issuing.key, entries=[], number=1,
            this_update=now - timedelta(minutes=1), next_update=now + timedelta(hours=1)),
        "/pki/crl/root.crl": revocation.crl_build(
            issuer=ca.root.certificate, key=ca.root.key, entries=root_revokes, number=1,
            this_update=now - timedelta(minutes=1), next_update=now + timedelta(hours=1)),
    }
    return httpx.MockTransport(lambda request: httpx.Response(200, content=crls[request.url.path]))


@pytest.mark.parametrize(("revoked", "expected"), [(True, (messages.REVOKED_CRL,)), (False, ())])
def test_a_revoked_issuing_ca_fails_every_signature_under_it(
    ca: Pki, root_trust: TrustStore, sign_key: IssuedKey, revoked: bool, expected: tuple[str, ...]
) -> None:
    # given the root's CRL listing the issuing CA (or, the control, not)
    entries = [RevokedEntry(ca.issuing.certificate.serial_number, datetime.now(UTC) - timedelta(hours=2),
                            "cACompromise")] if revoked else []
    client = httpx.Client(transport=crl_transport(ca, root_revokes=entries))

    # when
    verdict = verify(root_trust, sign_key.sign(DOCUMENT), revocation_sources=[CrlSource(client)])

    # then
    assert verdict.codes == expected
    authorities = verdict.check("revocation").detail["authorities"]
    assert [answer["status"] for answer in authorities[0]["answers"]] == ["revoked" if revoked else "good"]
    if revoked:
        assert "CA certificate" in verdict.check("revocation").detail["error"]


# --- fresh answers ------------------------------------------------------------------------------------


def ocsp_response_without_nonce(ca: Pki, certificate: x509.Certificate, produced: datetime) -> bytes:
    """What a responder that ignores nonces (or a cache) hands out: produced now, nextUpdate an hour on."""
    request = x509.ocsp.OCSPRequestBuilder().add_certificate(certificate, ca.issuing.certificate, hashes.SHA256())
    der = request.build().public_bytes(revocation.serialization.Encoding.DER)
    return revocation.ocsp_response_build(
        der, issuer=ca.issuing.certificate, responder=ca.responder.certificate, responder_key=ca.responder.key,
        lookup=lambda _: revocation.CertificateState(revoked_at=None), now=produced,
    )


@pytest.mark.parametrize(("nonce", "later", "fresh"), [
    (b"not ours", timedelta(minutes=5), True),  # produced within the window
    (b"not ours", timedelta(minutes=30), False),  # no echoed nonce and produced too long ago
    (None, timedelta(minutes=30), False),  # no nonce asked for: the window alone decides
])
def test_an_ocsp_answer_without_our_nonce_counts_only_within_the_window(
    ca: Pki, sign_key: IssuedKey, nonce: bytes | None, later: timedelta, fresh: bool
) -> None:
    produced = datetime.now(UTC)
    data = ocsp_response_without_nonce(ca, sign_key.certificate, produced)

    answer = revocation.ocsp_response_read(
        data, certificate=sign_key.certificate, issuer=ca.issuing.certificate, nonce=nonce,
        now=produced + later, max_age=timedelta(minutes=10),
    )

    assert answer.status is (RevocationStatus.GOOD if fresh else RevocationStatus.UNAVAILABLE)
    assert answer.stale is not fresh


def test_an_echoed_nonce_proves_an_ocsp_answer_fresh_whatever_its_age(ca: Pki, sign_key: IssuedKey) -> None:
    nonce = revocation.ocsp_nonce()
    request = revocation.ocsp_request_build(sign_key.certificate, ca.issuing.certificate, nonce=nonce)
    produced = datetime.now(UTC)
    data = revocation.ocsp_response_build(
        request, issuer=ca.issuing.certificate, responder=ca.responder.certificate, responder_key=ca.responder.key,
        lookup=lambda _: revocation.CertificateState(revoked_at=None), now=produced,
    )

    answer = revocation.ocsp_response_read(
        data, certificate=sign_key.certificate, issuer=ca.issuing.certificate, nonce=nonce,
        now=produced + timedelta(minutes=30), max_age=timedelta(minutes=10),
    )

    assert answer.status is RevocationStatus.GOOD


def test_a_stale_ocsp_answer_refuses_the_signature_as_stale(ca: Pki, trust: TrustStore, sign_key: IssuedKey) -> None:
    # given a responder that hands out an answer produced 30 minutes before, without our nonce
    produced = datetime.now(UTC)
    data = ocsp_response_without_nonce(ca, sign_key.certificate, produced)
    client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, content=data)))
    source = OcspSource(client, max_age=timedelta(minutes=10))

    # when
    verdict = verify(trust, sign_key.sign(DOCUMENT), revocation_sources=[source], now=produced + timedelta(minutes=30))

    # then
    assert verdict.codes == (messages.REVOCATION_STALE,)


@pytest.mark.parametrize(("age", "fresh"), [(timedelta(hours=2), True), (timedelta(days=3), False)])
def test_a_crl_without_next_update_counts_only_for_its_maximum_age(
    ca: Pki, sign_key: IssuedKey, age: timedelta, fresh: bool
) -> None:
    now = datetime.now(UTC)
    data = revocation.crl_build(
        issuer=ca.issuing.certificate, key=ca.issuing.key, entries=[], number=5,
        this_update=now - age, next_update=None,
    )
    assert x509.load_der_x509_crl(data).next_update_utc is None

    answer = revocation.crl_read(
        data, certificate=sign_key.certificate, issuer=ca.issuing.certificate, now=now, max_age=timedelta(days=1)
    )

    assert answer.status is (RevocationStatus.GOOD if fresh else RevocationStatus.UNAVAILABLE)
    assert answer.stale is not fresh


# --- the test TSA -------------------------------------------------------------------------------------


def stamped(signature: bytes, token_for: Callable[[bytes], bytes]) -> bytes:
    return cms.cms_timestamp_attach(signature, token_for(signer_value(signature)))


@pytest.mark.django_db
def test_the_tsa_endpoint_grants_a_token_that_dates_the_signature(
    client: Any, ca: Pki, trust: TrustStore, sign_key: IssuedKey
) -> None:
    # given
    signature = sign_key.sign(DOCUMENT)
    nonce = tsp.timestamp_nonce()
    request = tsp.timestamp_request_build(signer_value(signature), nonce=nonce)

    # when
    response = client.post("/pki/tsp", data=request, content_type=tsp.REQUEST_TYPE)
    token = tsp.timestamp_response_token(response.content, nonce=nonce)
    verdict = verify(trust, cms.cms_timestamp_attach(signature, token))

    # then
    assert response.status_code == 200 and response["Content-Type"] == tsp.RESPONSE_TYPE
    assert verdict.is_valid, verdict.codes
    assert "CN=QYZMET TEST TSA" in verdict.check("timestamp").detail["tsa"]


@pytest.mark.django_db
def test_the_tsa_endpoint_rejects_a_request_it_cannot_read(client: Any) -> None:
    response = client.post("/pki/tsp", data=b"not a request", content_type=tsp.REQUEST_TYPE)

    with pytest.raises(tsp.TimestampInvalid, match="bad_data_format"):
        tsp.timestamp_response_token(response.content, nonce=1)


def test_the_tsa_refuses_a_sha1_imprint(ca: Pki) -> None:
    request = tsp.tsp.TimeStampReq({
        "version": "v1", "message_imprint": {
            "hash_algorithm": {"algorithm": "sha1"}, "hashed_message": hashlib.sha1(b"x").digest()},
        "nonce": 5,
    }).dump()

    response = tsp.timestamp_response_build(request, tsa=ca.tsa, chain=ca.chain, now=datetime.now(UTC))

    with pytest.raises(tsp.TimestampInvalid, match="bad_alg"):
        tsp.timestamp_response_token(response, nonce=5)


def test_a_token_whose_nonce_differs_is_not_taken(ca: Pki) -> None:
    request = tsp.timestamp_request_build(b"value", nonce=1)
    response = tsp.timestamp_response_build(request, tsa=ca.tsa, chain=ca.chain, now=datetime.now(UTC))

    with pytest.raises(tsp.TimestampInvalid, match="nonce"):
        tsp.timestamp_response_token(response, nonce=2)


def test_a_timestamp_token_made_after_signing_keeps_the_signature_itself_valid(
    ca: Pki, trust: TrustStore, sign_key: IssuedKey
) -> None:
    def token_for(value: bytes) -> bytes:
        return tsp.timestamp_token_build(
            "sha256", hashlib.sha256(value).digest(), tsa=ca.tsa, chain=ca.chain, now=datetime.now(UTC),
            serial_number=11,
        )

    verdict = verify(trust, stamped(sign_key.sign(DOCUMENT), token_for))

    assert verdict.is_valid, verdict.codes
    assert verdict.check("signature").outcome.value == "passed"


def test_parsed_certificates_are_kept_per_thread_not_shared_between_server_threads(ca: Pki) -> None:
    # asn1crypto parses an object's parts on first read, which is not thread-safe: the cache of parsed
    # certificates must give each thread its own object (one server process runs several threads).
    import threading

    from cryptography.hazmat.primitives import serialization

    from qyzmet.signatures.trust import _asn1_of_der

    der = ca.root.certificate.public_bytes(serialization.Encoding.DER)
    here = _asn1_of_der(der)
    there: list[object] = []
    worker = threading.Thread(target=lambda: there.append(_asn1_of_der(der)))
    worker.start()
    worker.join()

    assert _asn1_of_der(der) is here  # the same thread reuses its parse
    assert there and there[0] is not here  # another thread never gets this thread's object
    assert there[0].dump() == here.dump()
