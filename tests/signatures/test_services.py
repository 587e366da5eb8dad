from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from qyzmet.signatures import pki, services
from qyzmet.signatures.models import IssuedCertificate, RevocationList
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.profile import Purpose, key_identifier
from tests.signatures.conftest import BIN, OTHER_IIN, IssuedKey

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.mark.django_db
def test_certificate_record_issued_writes_the_register_row(ca: Pki, staff_key: IssuedKey) -> None:
    # when
    record = services.certificate_record_issued(
        pki=ca, certificate=staff_key.certificate, purpose=Purpose.SIGN, now=NOW
    )

    # then
    record.refresh_from_db()
    assert record.serial_number == pki.serial_hex(staff_key.certificate.serial_number)
    assert record.authority_key_id == key_identifier(ca.issuing.certificate)
    assert (record.iin, record.bin, record.purpose) == (OTHER_IIN, BIN, "sign")
    assert bytes(record.der) == staff_key.certificate.public_bytes(serialization.Encoding.DER)
    assert record.revoked_at is None and record.revocation_reason == ""


@pytest.mark.django_db
def test_certificate_record_issued_refuses_a_certificate_of_another_ca(ca: Pki, foreign_key: IssuedKey) -> None:
    with pytest.raises(ValueError, match="not issued by this CA"):
        services.certificate_record_issued(pki=ca, certificate=foreign_key.certificate, purpose=Purpose.SIGN, now=NOW)
    assert not IssuedCertificate.objects.exists()


@pytest.mark.django_db
def test_certificate_revoke_marks_the_row_and_publishes_a_crl_listing_it(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    services.certificate_record_issued(pki=ca, certificate=sign_key.certificate, purpose=Purpose.SIGN, now=NOW)

    # when
    record = services.certificate_revoke(
        pki=ca, serial_number=sign_key.certificate.serial_number, reason="keyCompromise", now=NOW
    )

    # then
    assert (record.revoked_at, record.revocation_reason) == (NOW, "keyCompromise")
    published = RevocationList.objects.get()
    crl = x509.load_der_x509_crl(bytes(published.der))
    entry = crl.get_revoked_certificate_by_serial_number(sign_key.certificate.serial_number)
    assert entry is not None and entry.revocation_date_utc == NOW
    assert crl.is_signature_valid(ca.issuing.key.public_key())
    assert published.number == 1 and published.next_update == NOW + services.CRL_LIFETIME


@pytest.mark.django_db
def test_certificate_revoke_of_an_unknown_serial_says_so(ca: Pki) -> None:
    with pytest.raises(services.CertificateNotFound, match="no certificate with serial number abc"):
        services.certificate_revoke(pki=ca, serial_number=0xABC, reason="unspecified", now=NOW)
    assert not RevocationList.objects.exists()


@pytest.mark.django_db
def test_certificate_revoke_twice_is_refused_and_publishes_nothing_more(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    services.certificate_record_issued(pki=ca, certificate=sign_key.certificate, purpose=Purpose.SIGN, now=NOW)
    services.certificate_revoke(pki=ca, serial_number=sign_key.certificate.serial_number, reason="superseded", now=NOW)

    # when / then
    with pytest.raises(services.CertificateAlreadyRevoked, match="already revoked"):
        services.certificate_revoke(
            pki=ca, serial_number=sign_key.certificate.serial_number, reason="keyCompromise", now=NOW
        )
    assert IssuedCertificate.objects.get().revocation_reason == "superseded"
    assert RevocationList.objects.count() == 1


@pytest.mark.django_db
def test_certificate_revoke_refuses_an_unknown_reason(ca: Pki, sign_key: IssuedKey) -> None:
    services.certificate_record_issued(pki=ca, certificate=sign_key.certificate, purpose=Purpose.SIGN, now=NOW)

    with pytest.raises(ValueError, match="unknown revocation reason 'certificateHold'"):
        services.certificate_revoke(
            pki=ca, serial_number=sign_key.certificate.serial_number, reason="certificateHold", now=NOW
        )
    assert not IssuedCertificate.objects.revoked().exists()


@pytest.mark.django_db
def test_crl_current_serves_the_stored_crl_while_it_is_fresh(ca: Pki) -> None:
    # given
    first = services.crl_current(pki=ca, authority_name="issuing", now=NOW)

    # when
    again = services.crl_current(pki=ca, authority_name="issuing", now=NOW + timedelta(hours=1))

    # then
    assert again == first
    assert RevocationList.objects.count() == 1


@pytest.mark.django_db
def test_crl_current_publishes_the_next_number_when_the_stored_one_nears_next_update(ca: Pki) -> None:
    # given
    services.crl_current(pki=ca, authority_name="issuing", now=NOW)

    # when
    later = services.crl_current(pki=ca, authority_name="issuing", now=NOW + timedelta(hours=13))

    # then
    crl = x509.load_der_x509_crl(later)
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 2
    assert crl.last_update_utc == NOW + timedelta(hours=13)


@pytest.mark.django_db
def test_root_and_issuing_crls_are_numbered_separately(ca: Pki) -> None:
    services.crl_publish(pki=ca, authority_name="issuing", now=NOW)
    services.crl_publish(pki=ca, authority_name="issuing", now=NOW)

    root = services.crl_publish(pki=ca, authority_name="root", now=NOW)

    assert root.number == 1
    assert x509.load_der_x509_crl(bytes(root.der)).issuer == ca.root.certificate.subject
