"""Signature verifier back-ends, chosen by settings.QYZMET_SIGNATURE_VERIFIER.

Callers do `get_verifier().verify(document, signature, expected_iin=…)` and never name a
back-end, so a GOST-capable service (an NCANode-compatible HTTP API, say) can replace the
local RSA verifier by changing one setting.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from qyzmet.signatures.profile import Purpose
from qyzmet.signatures.verify import Verdict


class Verifier(Protocol):
    """What every verifier back-end offers."""

    def verify(
        self,
        content: bytes | None,
        signature: bytes,
        *,
        expected_iin: str | None = None,
        expected_bin: str | None = None,
        purpose: Purpose = Purpose.SIGN,
        now: datetime | None = None,
    ) -> Verdict:
        """Verify a CMS `signature` over `content` (None: the content attached to the signature)."""
        ...


def get_verifier() -> Verifier:
    """A new instance of the verifier class named by settings.QYZMET_SIGNATURE_VERIFIER."""
    verifier_class = import_string(settings.QYZMET_SIGNATURE_VERIFIER)
    verifier: Verifier = verifier_class()
    return verifier
