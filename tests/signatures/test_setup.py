from __future__ import annotations

from pathlib import Path
from typing import Any

from qyzmet.signatures.setup import load_pki


def test_load_pki_creates_the_ca_then_keeps_it(settings: Any, tmp_path: Path) -> None:
    # given
    settings.QYZMET_PKI_DIR = tmp_path / "pki"

    # when
    first = load_pki()
    issuing = (tmp_path / "pki" / "issuing.crt").read_bytes()
    second = load_pki()

    # then
    assert first == f"created CA in {tmp_path / 'pki'} (root C=KZ, O=Qyzmet, CN=QYZMET TEST ROOT (RSA))"
    assert second.startswith("kept existing CA in")
    assert (tmp_path / "pki" / "issuing.crt").read_bytes() == issuing
