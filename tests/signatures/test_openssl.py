"""Interoperability with the real `openssl` command (OpenSSL 3): CMS both ways, PKCS#12, OCSP and CRL."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client

from qyzmet.signatures import messages, pki, services
from qyzmet.signatures.backends.local import LocalVerifier
from qyzmet.signatures.pki import Pki, certificate_pem
from qyzmet.signatures.profile import Purpose
from tests.signatures.conftest import IIN, PASSWORD, IssuedKey

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")

DOCUMENT = "Өтініш: патронат тәрбиешіге ақы төлеу\nЗаявление №42\n".encode()
NOW = datetime.now(UTC)


def openssl(*arguments: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *map(str, arguments)], input=stdin, capture_output=True, check=False, timeout=60)


@pytest.fixture
def files(tmp_path: Path, ca: Pki, sign_key: IssuedKey) -> dict[str, Path]:
    """The document, the root and issuing CA, and the signer's key as a .p12 and as PEM (via openssl)."""
    paths = {
        "document": tmp_path / "application.txt",
        "root": tmp_path / "root.pem",
        "issuing": tmp_path / "issuing.pem",
        "p12": tmp_path / "sign.p12",
        "key": tmp_path / "key.pem",
        "cert": tmp_path / "cert.pem",
    }
    paths["document"].write_bytes(DOCUMENT)
    paths["root"].write_bytes(certificate_pem(ca.root.certificate))
    paths["issuing"].write_bytes(certificate_pem(ca.issuing.certificate))
    bundle = pki.KeyBundle(key=sign_key.key, certificate=sign_key.certificate, chain=sign_key.chain)
    paths["p12"].write_bytes(pki.pkcs12_dump(bundle, password=PASSWORD, friendly_name="RSA256_test"))
    opened = ("pkcs12", "-in", paths["p12"], "-passin", f"pass:{PASSWORD}")
    assert openssl(*opened, "-nocerts", "-nodes", "-out", paths["key"]).returncode == 0
    assert openssl(*opened, "-clcerts", "-nokeys", "-out", paths["cert"]).returncode == 0
    return paths


def record(ca: Pki, key: IssuedKey) -> None:
    services.certificate_record_issued(pki=ca, certificate=key.certificate, purpose=Purpose.SIGN, now=NOW)


def test_openssl_reads_our_pkcs12_file(files: dict[str, Path], sign_key: IssuedKey) -> None:
    key = serialization.load_pem_private_key(files["key"].read_bytes(), password=None)

    assert key.public_key().public_numbers() == sign_key.key.public_key().public_numbers()  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_detached_openssl_signature_verifies_in_qyzmet(ca: Pki, sign_key: IssuedKey, files: dict[str, Path]) -> None:
    # given
    record(ca, sign_key)
    signature = files["document"].with_suffix(".p7s")
    made = openssl(
        "cms", "-sign", "-binary", "-md", "sha256", "-in", files["document"], "-signer", files["cert"],
        "-inkey", files["key"], "-outform", "DER", "-out", signature,
    )
    assert made.returncode == 0, made.stderr

    # when
    verdict = LocalVerifier().verify(DOCUMENT, signature.read_bytes(), expected_iin=IIN)

    # then
    assert verdict.is_valid, verdict.codes
    assert verdict.signing_time is not None


@pytest.mark.django_db
def test_an_attached_pem_openssl_signature_with_chain_verifies_in_qyzmet(
    ca: Pki, sign_key: IssuedKey, files: dict[str, Path]
) -> None:
    # given
    record(ca, sign_key)
    made = openssl(
        "cms", "-sign", "-binary", "-nodetach", "-md", "sha256", "-in", files["document"], "-signer", files["cert"],
        "-inkey", files["key"], "-certfile", files["issuing"], "-outform", "PEM",
    )
    assert made.returncode == 0, made.stderr

    # when
    verdict = LocalVerifier().verify(None, made.stdout)

    # then
    assert verdict.is_valid, verdict.codes


@pytest.mark.django_db
def test_a_streamed_ber_openssl_signature_verifies_in_qyzmet(
    ca: Pki, sign_key: IssuedKey, files: dict[str, Path]
) -> None:
    # given an indefinite-length (BER) encoding, as `-stream` writes it
    record(ca, sign_key)
    made = openssl(
        "cms", "-sign", "-binary", "-stream", "-nodetach", "-md", "sha256", "-in", files["document"],
        "-signer", files["cert"], "-inkey", files["key"], "-outform", "DER",
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout[1] == 0x80

    # when
    verdict = LocalVerifier().verify(None, made.stdout)

    # then
    assert verdict.is_valid, verdict.codes


@pytest.mark.django_db
def test_an_openssl_signature_over_other_bytes_is_tampered_in_qyzmet(
    ca: Pki, sign_key: IssuedKey, files: dict[str, Path]
) -> None:
    record(ca, sign_key)
    made = openssl(
        "cms", "-sign", "-binary", "-md", "sha256", "-in", files["document"], "-signer", files["cert"],
        "-inkey", files["key"], "-outform", "DER",
    )

    verdict = LocalVerifier().verify(DOCUMENT + b"\n", made.stdout)

    assert verdict.codes == (messages.CONTENT_TAMPERED,)


def test_a_detached_qyzmet_signature_verifies_with_openssl(sign_key: IssuedKey, files: dict[str, Path]) -> None:
    # given
    signature = files["document"].with_suffix(".p7s")
    signature.write_bytes(sign_key.sign(DOCUMENT))

    # when
    checked = openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", files["document"],
        "-CAfile", files["root"], "-out", "/dev/null",
    )

    # then
    assert checked.returncode == 0, checked.stderr
    assert b"Verification successful" in checked.stderr


def test_an_attached_pem_qyzmet_signature_verifies_with_openssl_and_gives_back_the_content(
    sign_key: IssuedKey, files: dict[str, Path]
) -> None:
    # given
    from qyzmet.signatures.cms import cms_pem

    signature = files["document"].with_suffix(".pem")
    signature.write_bytes(cms_pem(sign_key.sign(DOCUMENT, attached=True)))

    # when
    checked = openssl("cms", "-verify", "-binary", "-inform", "PEM", "-in", signature, "-CAfile", files["root"])

    # then
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == DOCUMENT


def test_openssl_refuses_a_qyzmet_signature_over_changed_content(sign_key: IssuedKey, files: dict[str, Path]) -> None:
    signature = files["document"].with_suffix(".p7s")
    signature.write_bytes(sign_key.sign(DOCUMENT))
    files["document"].write_bytes(DOCUMENT + b"!")

    checked = openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", files["document"],
        "-CAfile", files["root"], "-out", "/dev/null",
    )

    assert checked.returncode != 0


@pytest.mark.django_db
def test_openssl_ocsp_client_reads_our_responders_answer(
    client: Client, ca: Pki, sign_key: IssuedKey, files: dict[str, Path], tmp_path: Path
) -> None:
    # given a revoked certificate and an OCSP request made by openssl (SHA-1 CertID, nonce)
    record(ca, sign_key)
    serial_number = sign_key.certificate.serial_number
    services.certificate_revoke(pki=ca, serial_number=serial_number, reason="keyCompromise", now=NOW)
    request, response = tmp_path / "request.der", tmp_path / "response.der"
    assert openssl("ocsp", "-issuer", files["issuing"], "-cert", files["cert"], "-reqout", request).returncode == 0

    # when
    response.write_bytes(
        client.post("/pki/ocsp", data=request.read_bytes(), content_type="application/ocsp-request").content
    )

    # then openssl checks the responder's signature and chain, and our echo of its nonce
    checked = openssl(
        "ocsp", "-reqin", request, "-respin", response, "-CAfile", files["root"], "-verify_other", files["issuing"],
        "-resp_text",
    )
    assert checked.returncode == 0, checked.stderr
    assert b"Response verify OK" in checked.stderr
    assert b"Cert Status: revoked" in checked.stdout
    assert b"Revocation Reason: keyCompromise" in checked.stdout


@pytest.mark.django_db
def test_openssl_verify_with_our_crl_finds_the_revoked_certificate(
    client: Client, ca: Pki, sign_key: IssuedKey, files: dict[str, Path], tmp_path: Path
) -> None:
    # given
    record(ca, sign_key)
    services.certificate_revoke(pki=ca, serial_number=sign_key.certificate.serial_number, reason="superseded", now=NOW)
    crl = tmp_path / "issuing.crl"
    crl.write_bytes(client.get("/pki/crl/issuing.crl").content)

    # when
    checked = openssl(
        "verify", "-crl_check", "-CRLfile", crl, "-CAfile", files["root"], "-untrusted", files["issuing"],
        "-purpose", "any", files["cert"],
    )

    # then
    assert checked.returncode != 0
    assert b"certificate revoked" in checked.stdout + checked.stderr
