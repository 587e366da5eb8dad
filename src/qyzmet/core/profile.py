"""What a production start needs beyond settings: trust anchors that load. No demo parts in production."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NO_TRUST_ANCHORS: Final = (
    "QYZMET_PROFILE=production refuses to start without trust anchors: set QYZMET_TRUSTED_ROOTS to the "
    "national CA's root certificate files (PEM or DER, separated by '{separator}')"
)
BAD_TRUST_ANCHOR: Final = "QYZMET_TRUSTED_ROOTS: {path}: {problem}"
DEMO_IN_PRODUCTION: Final = "QYZMET_PROFILE=production: demo people, keys and the test CA are never loaded here"


def production_ensure_ready() -> None:
    """Raise ImproperlyConfigured when the production profile lacks what it must have to serve.

    Settings already refuse a production start without SECRET_KEY and ALLOWED_HOSTS; this adds the
    trust anchors, which must each load as certificates. Outside production it does nothing.
    """
    if not settings.IS_PRODUCTION:
        return
    from qyzmet.signatures import pki

    if not settings.QYZMET_TRUSTED_ROOTS:
        raise ImproperlyConfigured(NO_TRUST_ANCHORS.format(separator=os.pathsep))
    for name in settings.QYZMET_TRUSTED_ROOTS:
        path = Path(name)
        try:
            certificates = pki.certificates_load(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(BAD_TRUST_ANCHOR.format(path=path, problem=exc)) from exc
        if not certificates:
            raise ImproperlyConfigured(BAD_TRUST_ANCHOR.format(path=path, problem="no certificate in the file"))


def demo_ensure_allowed() -> None:
    """Refuse (ImproperlyConfigured) to load demo data under the production profile."""
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured(DEMO_IN_PRODUCTION)
