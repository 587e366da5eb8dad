"""Signatures on official acts: the one rule for a staff member's or operator's signature.

An official act (a decision or result document, a direction, an intake taken at a window) is
signed on behalf of an organization. The law wants the organization's key: a certificate that
names the signer (IIN) and the organization the task belongs to (NCA profile: OU=BIN…). A
personal key (no BIN) is refused with BIN_PERSONAL_KEY, another organization's key with
BIN_MISMATCH. Callers pass the organization the task or case belongs to, never one the signer
chose. No Django models: only the identifiers.
"""

from __future__ import annotations

from datetime import datetime

from qyzmet.signatures.backends import Verifier
from qyzmet.signatures.verify import Verdict


def official_act_verify(
    verifier: Verifier,
    content: bytes,
    signature: bytes,
    *,
    signer_iin: str,
    organization_bin: str | None,
    now: datetime,
) -> Verdict:
    """Verify `signature` over `content` as an act of the organization `organization_bin`, signed by `signer_iin`.

    `organization_bin` None: an act of no organization (a task of the applicant's own), personal key.
    """
    return verifier.verify(content, signature, expected_iin=signer_iin, expected_bin=organization_bin, now=now)
