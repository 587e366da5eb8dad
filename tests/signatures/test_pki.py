from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from qyzmet.signatures import pki
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.profile import Purpose
from tests.signatures.conftest import BASE_URL, PASSWORD, IssuedKey


def test_pki_init_creates_root_issuing_ca_and_responder(tmp_path: Path) -> None:
    # given
    directory = tmp_path / "pki"

    # when
    authority, created = pki.pki_init(directory, base_url=BASE_URL, now=datetime.now(UTC))

    # then
    assert created
    assert sorted(p.name for p in directory.iterdir()) == [
        "issuing.crt", "issuing.key", "ocsp.crt", "ocsp.key", "root.crt", "root.key", "trust", "tsa.crt", "tsa.key",
    ]
    modes = {stat.S_IMODE((directory / f"{name}.key").stat().st_mode) for name in ("root", "issuing", "ocsp", "tsa")}
    assert modes == {0o600}
    assert authority.issuing.certificate.issuer == authority.root.certificate.subject


def test_pki_init_a_second_time_keeps_the_existing_ca(tmp_path: Path) -> None:
    # given
    first, _ = pki.pki_init(tmp_path, base_url=BASE_URL, now=datetime.now(UTC))

    # when
    second, created = pki.pki_init(tmp_path, base_url=BASE_URL, now=datetime.now(UTC))

    # then
    assert not created
    assert second.root.certificate == first.root.certificate
    assert second.issuing.key.private_numbers() == first.issuing.key.private_numbers()


def test_pki_init_refuses_to_overwrite_a_partial_ca(tmp_path: Path) -> None:
    # given
    (tmp_path / "root.crt").write_text("left over")

    # when / then
    with pytest.raises(pki.PkiIncomplete, match="refusing to overwrite"):
        pki.pki_init(tmp_path, base_url=BASE_URL, now=datetime.now(UTC))
    assert [p.name for p in tmp_path.iterdir()] == ["root.crt"]


def test_pki_load_of_an_empty_directory_says_to_run_init(tmp_path: Path) -> None:
    with pytest.raises(pki.PkiNotInitialised, match="run `qyzmet pki init`"):
        pki.pki_load(tmp_path)


def test_ca_certificates_are_rsa_2048_sha256_cas(ca: Pki) -> None:
    for authority in (ca.root, ca.issuing):
        certificate = authority.certificate
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value

        assert constraints.ca
        assert usage.key_cert_sign and usage.crl_sign
        assert authority.key.key_size == 2048
        assert certificate.signature_hash_algorithm is not None
        assert certificate.signature_hash_algorithm.name == "sha256"
    ca.root.certificate.verify_directly_issued_by(ca.root.certificate)
    ca.issuing.certificate.verify_directly_issued_by(ca.root.certificate)


def test_issuing_ca_points_at_the_roots_crl(ca: Pki) -> None:
    points = ca.issuing.certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value

    assert [name.value for point in points for name in point.full_name or []] == [f"{BASE_URL}/pki/crl/root.crl"]


def test_ocsp_responder_is_delegated_by_the_issuing_ca(ca: Pki) -> None:
    responder = ca.responder.certificate
    usages = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value

    responder.verify_directly_issued_by(ca.issuing.certificate)
    assert x509.oid.ExtendedKeyUsageOID.OCSP_SIGNING in usages
    assert responder.extensions.get_extension_for_class(x509.OCSPNoCheck)


def test_pkcs12_round_trip_keeps_key_certificate_and_chain(sign_key: IssuedKey) -> None:
    # given
    name = pki.pkcs12_friendly_name(sign_key.certificate, Purpose.SIGN)
    data = pki.pkcs12_dump(sign_key.bundle(), password=PASSWORD, friendly_name=name)

    # when
    bundle = pki.pkcs12_load(data, password=PASSWORD)

    # then
    assert bundle.certificate == sign_key.certificate
    assert bundle.chain == sign_key.chain
    assert bundle.key.private_numbers() == sign_key.key.private_numbers()
    assert name.startswith("RSA256_")


def test_pkcs12_load_with_a_wrong_password_says_so(sign_key: IssuedKey) -> None:
    data = pki.pkcs12_dump(sign_key.bundle(), password=PASSWORD, friendly_name="x")

    with pytest.raises(pki.KeyFileError, match="wrong password"):
        pki.pkcs12_load(data, password="wrong")


def test_authentication_keys_get_the_auth_alias(auth_key: IssuedKey) -> None:
    assert pki.pkcs12_friendly_name(auth_key.certificate, Purpose.AUTH).startswith("AUTH_RSA256_")


@pytest.mark.parametrize("text", ["1fcc", "0x1FCC", "1F:CC", " 1fcc\n"])
def test_serial_parse_accepts_hex_as_printed_or_with_colons(text: str) -> None:
    assert pki.serial_parse(text) == 0x1FCC


def test_certificates_load_reads_pem_bundles_and_der(ca: Pki) -> None:
    bundle = pki.certificate_pem(ca.root.certificate) + pki.certificate_pem(ca.issuing.certificate)
    der = ca.root.certificate.public_bytes(serialization.Encoding.DER)

    assert pki.certificates_load(bundle) == [ca.root.certificate, ca.issuing.certificate]
    assert pki.certificates_load(der) == [ca.root.certificate]


def test_the_tsa_is_certified_by_the_issuing_ca_for_time_stamping_only(tmp_path: Path) -> None:
    authority, _ = pki.pki_init(tmp_path, base_url=BASE_URL, now=datetime.now(UTC))

    certificate = authority.tsa.certificate
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)

    assert certificate.issuer == authority.issuing.certificate.subject
    certificate.verify_directly_issued_by(authority.issuing.certificate)
    assert usage.critical  # RFC 3161 2.3: the only purpose, and critical
    assert list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_pki_init_adds_a_tsa_to_a_ca_made_before_it_existed(tmp_path: Path) -> None:
    # given a CA of the earlier layout: root, issuing CA and OCSP responder only
    first, _ = pki.pki_init(tmp_path, base_url=BASE_URL, now=datetime.now(UTC))
    (tmp_path / "tsa.crt").unlink()
    (tmp_path / "tsa.key").unlink()

    # when
    second, created = pki.pki_init(tmp_path, base_url=BASE_URL, now=datetime.now(UTC))

    # then the CA is kept and gets a new TSA
    assert not created
    assert second.root.certificate == first.root.certificate
    assert second.tsa.certificate != first.tsa.certificate
    second.tsa.certificate.verify_directly_issued_by(second.issuing.certificate)
