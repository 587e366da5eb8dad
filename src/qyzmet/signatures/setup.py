"""Setup step for the test PKI: `qyzmet setup` and `qyzmet pki init` both run `load_pki()`."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from django.conf import settings
from django.utils import timezone

from qyzmet.signatures.pki import pki_init
from qyzmet.signatures.profile import name_text

# The test CA is dated a year back, so demo and test timelines in the recent past (a virtual clock
# that walks a case through weeks of working days) are inside its validity.
TEST_CA_BACKDATE: Final = timedelta(days=365)


def load_pki() -> str:
    """Create the test national CA in settings.QYZMET_PKI_DIR unless it exists; say which happened.

    Side effects: writes the CA's PEM files the first time. Idempotent.
    """
    directory = settings.QYZMET_PKI_DIR
    pki, created = pki_init(directory, base_url=settings.QYZMET_PKI_BASE_URL, now=timezone.now() - TEST_CA_BACKDATE)
    root = name_text(pki.root.certificate.subject)
    return f"{'created' if created else 'kept existing'} CA in {directory} (root {root})"
