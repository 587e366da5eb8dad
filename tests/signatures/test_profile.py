from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from qyzmet.signatures import profile
from qyzmet.signatures.profile import Purpose
from tests.signatures.conftest import BASE_URL, BIN, IIN, OTHER_IIN, IssuedKey


def _extension[T: x509.ExtensionType](certificate: x509.Certificate, kind: type[T]) -> x509.Extension[T]:
    return certificate.extensions.get_extension_for_class(kind)


def test_individual_signing_certificate_follows_the_national_ca_subject_profile(sign_key: IssuedKey) -> None:
    subject = sign_key.certificate.subject

    assert profile.name_text(subject) == (
        f"CN=ТЕСТОВА АЙГЕРИМ, SURNAME=ТЕСТОВА, SERIALNUMBER=IIN{IIN}, C=KZ, G=ЕРЖАНҚЫЗЫ"
    )
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME) == []


def test_signing_key_has_digital_signature_and_non_repudiation(sign_key: IssuedKey) -> None:
    usage = _extension(sign_key.certificate, x509.KeyUsage)
    eku = _extension(sign_key.certificate, x509.ExtendedKeyUsage).value
    policies = _extension(sign_key.certificate, x509.CertificatePolicies).value

    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_encipherment
    assert list(eku) == [ExtendedKeyUsageOID.EMAIL_PROTECTION, profile.ROLE_INDIVIDUAL]
    assert [p.policy_identifier for p in policies] == [profile.POLICY_INDIVIDUAL_SIGN]
    assert profile.key_purpose(sign_key.certificate) is Purpose.SIGN


def test_authentication_key_has_key_encipherment_and_client_auth(auth_key: IssuedKey) -> None:
    usage = _extension(auth_key.certificate, x509.KeyUsage).value
    eku = _extension(auth_key.certificate, x509.ExtendedKeyUsage).value

    assert usage.digital_signature and usage.key_encipherment
    assert not usage.content_commitment
    assert ExtendedKeyUsageOID.CLIENT_AUTH in eku
    assert profile.key_purpose(auth_key.certificate) is Purpose.AUTH


def test_staff_certificate_names_the_organization_and_its_bin(staff_key: IssuedKey) -> None:
    subject = staff_key.certificate.subject
    eku = _extension(staff_key.certificate, x509.ExtendedKeyUsage).value

    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == 'АО "ТЕСТ"'
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == f"BIN{BIN}"
    assert profile.ROLE_LEGAL_ENTITY in eku
    assert profile.subject_identity(subject) == profile.SubjectIdentity(
        iin=OTHER_IIN, bin=BIN, common_name="ТЕСТОВ ТЕСТ", surname="ТЕСТОВ", patronymic="ТЕСТОВИЧ",
        organization='АО "ТЕСТ"',
    )


def test_holder_certificates_point_at_the_platforms_crl_and_ocsp(sign_key: IssuedKey) -> None:
    points = _extension(sign_key.certificate, x509.CRLDistributionPoints).value
    access = _extension(sign_key.certificate, x509.AuthorityInformationAccess).value

    assert [n.value for p in points for n in p.full_name] == [f"{BASE_URL}/pki/crl/issuing.crl"]
    assert [(a.access_method, a.access_location.value) for a in access] == [
        (x509.AuthorityInformationAccessOID.OCSP, f"{BASE_URL}/pki/ocsp"),
        (x509.AuthorityInformationAccessOID.CA_ISSUERS, f"{BASE_URL}/pki/ca/issuing.crt"),
    ]


def test_holder_from_full_name_splits_surname_name_and_patronymic() -> None:
    holder = profile.holder_from_full_name("Тестов Тест Тестович", iin=IIN)

    assert (holder.surname, holder.first_name, holder.patronymic) == ("ТЕСТОВ", "ТЕСТ", "ТЕСТОВИЧ")


def test_holder_from_full_name_needs_a_surname_and_a_first_name() -> None:
    with pytest.raises(ValueError, match="at least a surname and a first name"):
        profile.holder_from_full_name("Тестов", iin=IIN)


def test_holder_from_full_name_needs_bin_and_organization_together() -> None:
    with pytest.raises(ValueError, match="both its BIN and its name"):
        profile.holder_from_full_name("Тестов Тест", iin=IIN, bin=BIN)


def test_subject_identity_accepts_a_bin_in_serialnumber() -> None:
    name = x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, f"BIN{BIN}")])

    assert profile.subject_identity(name).bin == BIN
    assert profile.subject_identity(name).iin is None
