"""Demo EDS keys: issued from the test national CA on first use and kept under var/pki/demo-keys/.

In real life a person's key never leaves their token or NCALayer; the demo and the tests act as
every role in turn, so they keep one signing key per person (and organization) on disk.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from django.conf import settings

from qyzmet.identity.models import Organization, User
from qyzmet.signatures import cms, pki
from qyzmet.signatures.models import IssuedCertificate
from qyzmet.signatures.pki import KeyBundle
from qyzmet.signatures.profile import Holder, Purpose
from qyzmet.signatures.services import certificate_record_issued, pki_default

DEMO_KEY_PASSWORD: Final = "demo-key-password"
KEY_LIFETIME: Final = timedelta(days=3 * 365)


def _key_file(user: User, organization: Organization | None, purpose: Purpose) -> Path:
    folder = Path(settings.QYZMET_PKI_DIR) / "demo-keys"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f"-{organization.bin}" if organization else ""
    return folder / f"{user.iin}{suffix}-{purpose.value}.p12"


def demo_key_for(
    user: User, *, organization: Organization | None = None, purpose: Purpose = Purpose.SIGN, now: datetime
) -> KeyBundle:
    """The user's demo key (as staff of `organization` when given), issued and registered on first use."""
    path = _key_file(user, organization, purpose)
    authority = pki_default()
    if path.exists():
        bundle = pki.pkcs12_load(path.read_bytes(), password=DEMO_KEY_PASSWORD)
        issued_here = bundle.certificate.issuer == authority.issuing.certificate.subject
        if issued_here:
            serial = pki.serial_hex(bundle.certificate.serial_number)
            if not IssuedCertificate.objects.filter(serial_number=serial).exists():
                # A fresh database beside an existing key folder: register the key again, don't remake it.
                certificate_record_issued(pki=authority, certificate=bundle.certificate, purpose=purpose, now=now)
            return bundle
    holder = Holder(
        iin=user.iin,
        surname=user.surname,
        first_name=user.given_name,
        patronymic=user.patronymic,
        bin=organization.bin if organization else "",
        organization=organization.name_ru if organization else "",
    )
    key = pki.key_generate()
    # Valid from the CA's own start, so a demo clock anywhere in the CA's lifetime can sign.
    start = authority.issuing.certificate.not_valid_before_utc
    certificate = pki.certificate_issue(
        authority,
        holder=holder,
        purpose=purpose,
        public_key=key.public_key(),
        base_url=settings.QYZMET_PKI_BASE_URL,
        now=now,
        not_before=start,
        not_after=start + KEY_LIFETIME,
    )
    certificate_record_issued(pki=authority, certificate=certificate, purpose=purpose, now=now)
    bundle = KeyBundle(key=key, certificate=certificate, chain=authority.chain)
    friendly = pki.pkcs12_friendly_name(certificate, purpose)
    path.write_bytes(pki.pkcs12_dump(bundle, password=DEMO_KEY_PASSWORD, friendly_name=friendly))
    return bundle


def demo_sign(bundle: KeyBundle, content: bytes, *, at: datetime) -> bytes:
    """A detached CMS signature over `content`, as NCALayer would return it."""
    return cms.cms_sign(content, key=bundle.key, certificate=bundle.certificate, chain=bundle.chain, signing_time=at)
