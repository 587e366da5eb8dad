"""PKI and electronic digital signatures (ЭЦП): the test national CA, CMS signing and verification.

Public API for other apps: `get_verifier().verify(document, signature, expected_iin=…)` returns a
`Verdict`; `canonical_json(data)` gives the exact bytes of a JSON application that are signed.
"""

from qyzmet.signatures.backends import Verifier, get_verifier
from qyzmet.signatures.canonical import canonical_json
from qyzmet.signatures.profile import Purpose
from qyzmet.signatures.verify import Check, Outcome, Verdict

__all__ = ["Check", "Outcome", "Purpose", "Verdict", "Verifier", "canonical_json", "get_verifier"]
