"""One test CA and a handful of keys for the whole session (RSA key generation is the slow part).

Every test in this folder runs with settings.QYZMET_PKI_DIR pointing at the session's temporary
CA, never at the real var/pki.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from qyzmet.signatures import cms, pki
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.profile import Holder, Purpose
from qyzmet.signatures.revocation import RevocationAnswer, RevocationStatus
from qyzmet.signatures.trust import TrustStore

BASE_URL = "http://127.0.0.1:8000"
IIN = "871008401427"
OTHER_IIN = "760212350620"
BIN = "940140000385"
OTHER_BIN = "990140004654"
PASSWORD = "Qwerty12"
CA_AGE = timedelta(days=3 * 365)


@dataclass(frozen=True)
class IssuedKey:
    """A holder's key with its certificate and CA chain, as a .p12 would hold them."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    def sign(self, content: bytes, *, attached: bool = False, at: datetime | None = None) -> bytes:
        return cms.cms_sign(
            content, key=self.key, certificate=self.certificate, chain=self.chain,
            signing_time=at or datetime.now(UTC), attached=attached,
        )

    def bundle(self) -> pki.KeyBundle:
        return pki.KeyBundle(key=self.key, certificate=self.certificate, chain=self.chain)


@dataclass
class FixedSource:
    """A revocation source that always gives the same answer (a fake, not a mock)."""

    name: str
    answer_status: RevocationStatus
    stale: bool = False

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate, *, now: datetime) -> RevocationAnswer:
        revoked_at = now - timedelta(hours=1) if self.answer_status is RevocationStatus.REVOKED else None
        return RevocationAnswer(
            self.name, self.answer_status, url=f"fake://{self.name}", revoked_at=revoked_at, stale=self.stale
        )


def signer_value(signature: bytes) -> bytes:
    """The signature value of a CMS signature's only SignerInfo (what a time-stamp covers)."""
    return bytes(asn1_cms.ContentInfo.load(signature)["content"]["signer_infos"][0]["signature"].native)


def sha1_signed(signer: IssuedKey, content: bytes) -> bytes:
    """A detached CMS signature with SHA-1 as digest and in the signature, as old software made them."""
    attributes = asn1_cms.CMSAttributes([
        asn1_cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        asn1_cms.CMSAttribute({"type": "signing_time", "values": [asn1_cms.Time({"utc_time": datetime.now(UTC)})]}),
        asn1_cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha1(content).digest()]}),
    ])
    value = signer.key.sign(attributes.dump(), padding.PKCS1v15(), hashes.SHA1())
    certificate = asn1_x509.Certificate.load(signer.certificate.public_bytes(serialization.Encoding.DER))
    signer_info = asn1_cms.SignerInfo({
        "version": "v1",
        "sid": asn1_cms.SignerIdentifier({"issuer_and_serial_number": asn1_cms.IssuerAndSerialNumber({
            "issuer": certificate.issuer, "serial_number": certificate.serial_number})}),
        "digest_algorithm": {"algorithm": "sha1"}, "signed_attrs": attributes,
        "signature_algorithm": {"algorithm": "rsassa_pkcs1v15"}, "signature": value,
    })
    signed_data = asn1_cms.SignedData({
        "version": "v1", "digest_algorithms": [{"algorithm": "sha1"}], "encap_content_info": {"content_type": "data"},
        "certificates": [certificate], "signer_infos": [signer_info],
    })
    return bytes(asn1_cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump())


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """The session's test national CA, in a temporary directory, in force since three years ago."""
    directory = tmp_path_factory.mktemp("pki")
    authority, _ = pki.pki_init(directory, base_url=BASE_URL, now=datetime.now(UTC) - CA_AGE)
    return authority


@pytest.fixture(scope="session")
def foreign_ca() -> Pki:
    """A CA nobody trusts (same profile, different keys)."""
    return pki.pki_create(Path("/nonexistent-foreign-ca"), base_url="http://foreign.test", now=datetime.now(UTC))


@pytest.fixture(scope="session")
def holder_keys() -> tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    """Two RSA keys shared by the holder certificates below (one key may back several certificates)."""
    return pki.key_generate(), pki.key_generate()


@pytest.fixture(scope="session")
def issue(ca: Pki, holder_keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]) -> Callable[..., IssuedKey]:
    """Issue a holder certificate from the session CA (or another `authority`) on a shared key."""
    def _issue(
        *,
        purpose: Purpose = Purpose.SIGN,
        holder: Holder | None = None,
        authority: Pki | None = None,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        key_index: int = 0,
    ) -> IssuedKey:
        issuer = authority or ca
        key = holder_keys[key_index]
        certificate = pki.certificate_issue(
            issuer, holder=holder or individual(), purpose=purpose, public_key=key.public_key(),
            base_url=BASE_URL, now=datetime.now(UTC), not_before=not_before, not_after=not_after,
        )
        return IssuedKey(key=key, certificate=certificate, chain=issuer.chain)

    return _issue


def individual(iin: str = IIN) -> Holder:
    return Holder(iin=iin, surname="ТЕСТОВА", first_name="АЙГЕРИМ", patronymic="ЕРЖАНҚЫЗЫ")


def staff(bin: str = BIN) -> Holder:
    return Holder(
        iin=OTHER_IIN, surname="ТЕСТОВ", first_name="ТЕСТ", patronymic="ТЕСТОВИЧ",
        bin=bin, organization='АО "ТЕСТ"',
    )


@pytest.fixture(scope="session")
def sign_key(issue: Callable[..., IssuedKey]) -> IssuedKey:
    return issue()


@pytest.fixture(scope="session")
def auth_key(issue: Callable[..., IssuedKey]) -> IssuedKey:
    return issue(purpose=Purpose.AUTH, key_index=1)


@pytest.fixture(scope="session")
def staff_key(issue: Callable[..., IssuedKey]) -> IssuedKey:
    return issue(holder=staff(), key_index=1)


@pytest.fixture(scope="session")
def expired_key(issue: Callable[..., IssuedKey]) -> IssuedKey:
    now = datetime.now(UTC)
    return issue(not_before=now - timedelta(days=400), not_after=now - timedelta(days=35))


@pytest.fixture(scope="session")
def future_key(issue: Callable[..., IssuedKey]) -> IssuedKey:
    now = datetime.now(UTC)
    return issue(not_before=now + timedelta(days=2), not_after=now + timedelta(days=365))


@pytest.fixture(scope="session")
def foreign_key(issue: Callable[..., IssuedKey], foreign_ca: Pki) -> IssuedKey:
    return issue(authority=foreign_ca)


@pytest.fixture(scope="session")
def trust(ca: Pki) -> TrustStore:
    return TrustStore(anchors=(ca.root.certificate,), intermediates=(ca.issuing.certificate,))


@pytest.fixture(autouse=True)
def pki_settings(settings: Any, ca: Pki) -> Iterator[None]:
    """Point the PKI settings at the session CA for every test here."""
    settings.QYZMET_PKI_DIR = ca.directory
    settings.QYZMET_PKI_BASE_URL = BASE_URL
    settings.QYZMET_TRUSTED_ROOTS = []
    settings.QYZMET_SIGNATURE_VERIFIER = "qyzmet.signatures.backends.local.LocalVerifier"
    settings.QYZMET_SIGNATURE_REVOCATION_SOURCES = ("ocsp", "crl")
    yield


def django_client_transport() -> httpx.MockTransport:
    """An httpx transport that sends each request through Django's test client: real views, real URLs."""
    from django.test import Client

    client = Client()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            response = client.post(
                request.url.path, data=request.read(), content_type=request.headers["Content-Type"]
            )
        else:
            response = client.get(request.url.path)
        return httpx.Response(response.status_code, content=response.content, headers=dict(response.items()))

    return httpx.MockTransport(handler)
