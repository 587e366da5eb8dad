from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest
from asn1crypto import cms as asn1_cms

from qyzmet.signatures import cms, messages
from qyzmet.signatures.pki import Pki
from tests.signatures.conftest import IssuedKey

DOCUMENT = b'{"applicant":"871008401427","service":"wko-2015-patronat-payment"}'
SIGNED_AT = datetime(2026, 3, 20, 9, 15, 30, 123456, tzinfo=UTC)


def test_detached_signature_carries_the_three_signed_attributes(sign_key: IssuedKey) -> None:
    # when
    der = sign_key.sign(DOCUMENT, at=SIGNED_AT)

    # then
    signer_info = asn1_cms.ContentInfo.load(der)["content"]["signer_infos"][0]
    attributes = {a["type"].native: a["values"][0].native for a in signer_info["signed_attrs"]}
    assert attributes == {
        "content_type": "data",
        "signing_time": SIGNED_AT.replace(microsecond=0),
        "message_digest": hashlib.sha256(DOCUMENT).digest(),
    }
    assert signer_info["digest_algorithm"]["algorithm"].native == "sha256"


def test_cms_parse_reads_a_detached_signature(sign_key: IssuedKey, ca: Pki) -> None:
    # given
    der = sign_key.sign(DOCUMENT, at=SIGNED_AT)

    # when
    parsed = cms.cms_parse(der)

    # then
    assert parsed.content is None
    assert set(parsed.certificates) == {sign_key.certificate, ca.issuing.certificate}  # root left out
    (signer,) = parsed.signers
    assert signer.certificate == sign_key.certificate
    assert signer.signing_time == SIGNED_AT.replace(microsecond=0)
    assert signer.message_digest == hashlib.sha256(DOCUMENT).digest()
    assert signer.signed_attributes is not None and signer.signed_attributes[0] == 0x31
    assert cms.signature_value_is_valid(signer, sign_key.certificate, signer.signed_attributes)


def test_cms_parse_reads_attached_content(sign_key: IssuedKey) -> None:
    parsed = cms.cms_parse(sign_key.sign(DOCUMENT, attached=True))

    assert parsed.content == DOCUMENT


def test_cms_parse_accepts_pem_and_bare_base64(sign_key: IssuedKey) -> None:
    der = sign_key.sign(DOCUMENT)
    pkcs7_pem = cms.cms_pem(der).replace(b"BEGIN CMS", b"BEGIN PKCS7").replace(b"END CMS", b"END PKCS7")

    for form in (cms.cms_pem(der), pkcs7_pem, base64.b64encode(der)):
        assert cms.cms_parse(form).signers[0].certificate == sign_key.certificate


def test_cms_pem_is_what_openssl_writes(sign_key: IssuedKey) -> None:
    pem = cms.cms_pem(sign_key.sign(DOCUMENT))

    assert pem.startswith(b"-----BEGIN CMS-----\n")
    assert pem.endswith(b"\n-----END CMS-----\n")
    assert max(len(line) for line in pem.splitlines()) == 64


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (lambda der: der[: len(der) // 2], messages.TRUNCATED),
        (lambda der: der[:-1], messages.TRUNCATED),
        (lambda der: der[:3], messages.TRUNCATED),
        (lambda der: b"", messages.TRUNCATED),
        (lambda der: cms.cms_pem(der)[:300], messages.TRUNCATED),
        (lambda der: der + b"\x00", messages.MALFORMED_CMS),
        (lambda der: b"%PDF-1.7 not a signature", messages.MALFORMED_CMS),
        (lambda der: b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", messages.MALFORMED_CMS),
        (lambda der: b"\x30\x03\x02\x01\x01", messages.MALFORMED_CMS),
    ],
    ids=["half", "last-byte", "header-only", "empty", "pem-cut", "trailing", "pdf", "certificate-pem", "integer"],
)
def test_cms_parse_tells_truncated_from_malformed(sign_key: IssuedKey, damage: object, code: str) -> None:
    # given
    data = damage(sign_key.sign(DOCUMENT))  # type: ignore[operator]

    # when
    with pytest.raises(cms.CmsError) as raised:
        cms.cms_parse(data)

    # then
    assert raised.value.code == code


def test_cms_parse_refuses_content_info_that_is_not_signed_data() -> None:
    data = asn1_cms.ContentInfo({"content_type": "data", "content": b"hello"}).dump()

    with pytest.raises(cms.CmsError, match="not signed data") as raised:
        cms.cms_parse(data)
    assert raised.value.code == messages.MALFORMED_CMS


def test_content_digest_refuses_gost_digests() -> None:
    with pytest.raises(cms.AlgorithmNotSupported, match=r"1\.2\.398\.3\.10\.1\.3\.1"):
        cms.content_digest(b"x", "1.2.398.3.10.1.3.1")
