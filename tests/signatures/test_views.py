"""The test CA's endpoints through Django's test client, with the DER parsed back by cryptography."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp
from django.test import Client

from qyzmet.signatures import revocation, services
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.profile import Purpose
from tests.signatures.conftest import IssuedKey

NOW = datetime.now(UTC)


def record(ca: Pki, key: IssuedKey) -> None:
    services.certificate_record_issued(pki=ca, certificate=key.certificate, purpose=Purpose.SIGN, now=NOW)


def ocsp_post(client: Client, ca: Pki, key: IssuedKey) -> ocsp.OCSPResponse:
    request = revocation.ocsp_request_build(key.certificate, ca.issuing.certificate, nonce=b"n" * 16)
    response = client.post("/pki/ocsp", data=request, content_type="application/ocsp-request")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ocsp-response"
    return ocsp.load_der_ocsp_response(response.content)


@pytest.mark.django_db
def test_crl_endpoint_serves_the_issuing_cas_signed_crl_listing_revoked_certificates(
    client: Client, ca: Pki, sign_key: IssuedKey, auth_key: IssuedKey
) -> None:
    # given
    record(ca, sign_key)
    record(ca, auth_key)
    serial_number = sign_key.certificate.serial_number
    services.certificate_revoke(pki=ca, serial_number=serial_number, reason="keyCompromise", now=NOW)

    # when
    response = client.get("/pki/crl/issuing.crl")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert crl.issuer == ca.issuing.certificate.subject
    assert crl.is_signature_valid(ca.issuing.key.public_key())
    assert crl.next_update_utc is not None and crl.next_update_utc > NOW
    assert [entry.serial_number for entry in crl] == [sign_key.certificate.serial_number]
    entry = crl.get_revoked_certificate_by_serial_number(sign_key.certificate.serial_number)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason is x509.ReasonFlags.key_compromise


@pytest.mark.django_db
def test_root_crl_is_signed_by_the_root(client: Client, ca: Pki) -> None:
    response = client.get("/pki/crl/root.crl")

    crl = x509.load_der_x509_crl(response.content)
    assert crl.is_signature_valid(ca.root.key.public_key())
    assert len(crl) == 0


@pytest.mark.django_db
def test_crl_of_an_unknown_ca_is_not_found(client: Client) -> None:
    assert client.get("/pki/crl/nca_rsa.crl").status_code == 404


@pytest.mark.django_db
def test_ocsp_endpoint_answers_good_for_an_issued_certificate(client: Client, ca: Pki, sign_key: IssuedKey) -> None:
    # given
    record(ca, sign_key)

    # when
    response = ocsp_post(client, ca, sign_key)

    # then
    assert response.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
    assert response.certificate_status is ocsp.OCSPCertStatus.GOOD
    assert response.serial_number == sign_key.certificate.serial_number
    assert response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"n" * 16
    responder = response.certificates[0]
    assert responder == ca.responder.certificate
    assert response.signature_hash_algorithm is not None
    responder_key = responder.public_key()
    assert isinstance(responder_key, rsa.RSAPublicKey)
    responder_key.verify(
        response.signature, response.tbs_response_bytes, padding.PKCS1v15(), response.signature_hash_algorithm
    )


@pytest.mark.django_db
def test_ocsp_endpoint_answers_revoked_with_time_and_reason(client: Client, ca: Pki, sign_key: IssuedKey) -> None:
    # given
    record(ca, sign_key)
    services.certificate_revoke(pki=ca, serial_number=sign_key.certificate.serial_number, reason="superseded", now=NOW)

    # when
    response = ocsp_post(client, ca, sign_key)

    # then
    assert response.certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert response.revocation_reason is x509.ReasonFlags.superseded
    assert response.revocation_time_utc == NOW.replace(microsecond=0)


@pytest.mark.django_db
def test_ocsp_endpoint_answers_unknown_for_a_certificate_never_recorded(
    client: Client, ca: Pki, sign_key: IssuedKey
) -> None:
    response = ocsp_post(client, ca, sign_key)

    assert response.certificate_status is ocsp.OCSPCertStatus.UNKNOWN


@pytest.mark.django_db
def test_ocsp_endpoint_accepts_the_get_form_of_rfc_6960(client: Client, ca: Pki, sign_key: IssuedKey) -> None:
    # given
    record(ca, sign_key)
    builder = ocsp.OCSPRequestBuilder().add_certificate(sign_key.certificate, ca.issuing.certificate, hashes.SHA1())
    encoded = base64.b64encode(builder.build().public_bytes(serialization.Encoding.DER)).decode()

    # when
    response = client.get(f"/pki/ocsp/{quote(encoded, safe='')}")

    # then
    assert ocsp.load_der_ocsp_response(response.content).certificate_status is ocsp.OCSPCertStatus.GOOD


@pytest.mark.django_db
def test_ocsp_endpoint_answers_malformed_request_to_garbage(client: Client) -> None:
    response = client.post("/pki/ocsp", data=b"garbage", content_type="application/ocsp-request")

    assert response.status_code == 200
    assert ocsp.load_der_ocsp_response(response.content).response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST


@pytest.mark.django_db
def test_ca_certificate_endpoint_serves_der(client: Client, ca: Pki) -> None:
    response = client.get("/pki/ca/issuing.crt")

    assert response["Content-Type"] == "application/pkix-cert"
    assert x509.load_der_x509_certificate(response.content) == ca.issuing.certificate


@pytest.mark.django_db
def test_endpoints_are_not_found_while_the_ca_is_not_set_up(client: Client, settings: Any, tmp_path: Path) -> None:
    settings.QYZMET_PKI_DIR = tmp_path

    assert client.get("/pki/crl/issuing.crl").status_code == 404
    assert client.post("/pki/ocsp", data=b"x", content_type="application/ocsp-request").status_code == 404
