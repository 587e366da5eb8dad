"""`qyzmet ncalayer demo-key`: a registered person's key of the test CA as a .p12 file for the stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from qyzmet.cli import main
from qyzmet.signatures import pki, profile
from qyzmet.signatures.models import IssuedCertificate
from qyzmet.signatures.profile import Purpose
from tests.cases.conftest import _pki_settings, pki_directory, platform

__all__ = ["_pki_settings", "pki_directory", "platform"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

CITIZEN = "880314412019"
CLERK = "791111432251"  # office clerk of the Terekti district akimat


def test_writes_the_persons_authentication_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "auth.p12"

    code = main(["ncalayer", "demo-key", "--iin", CITIZEN, "--usage", "auth", "--out", str(out),
                 "--password", "Qwerty12"])

    assert code == 0
    bundle = pki.pkcs12_load(out.read_bytes(), password="Qwerty12")
    assert profile.subject_identity(bundle.certificate.subject).iin == CITIZEN
    assert profile.key_purpose(bundle.certificate) is Purpose.AUTH
    assert IssuedCertificate.objects.filter(serial_number=pki.serial_hex(bundle.certificate.serial_number)).exists()
    assert capsys.readouterr().out == f"wrote the auth key of {CITIZEN} to {out}\n"


def test_a_staff_key_names_the_organization(tmp_path: Path) -> None:
    out = tmp_path / "clerk.p12"

    code = main(["ncalayer", "demo-key", "--iin", CLERK, "--organization", "wko-terekti", "--usage", "sign",
                 "--out", str(out), "--password", "Qwerty12"])

    assert code == 0
    identity = profile.subject_identity(pki.pkcs12_load(out.read_bytes(), password="Qwerty12").certificate.subject)
    assert (identity.iin, bool(identity.bin)) == (CLERK, True)


def test_an_unknown_person_or_an_existing_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "taken.p12"
    existing.write_bytes(b"keep me")

    unknown = main(["ncalayer", "demo-key", "--iin", "871008401427", "--usage", "sign",
                    "--out", str(tmp_path / "x.p12"), "--password", "p"])
    taken = main(["ncalayer", "demo-key", "--iin", CITIZEN, "--usage", "sign", "--out", str(existing),
                  "--password", "p"])

    assert (unknown, taken) == (2, 2)
    errors = capsys.readouterr().err.splitlines()
    assert errors == ["qyzmet ncalayer demo-key: no account with IIN 871008401427",
                      f"qyzmet ncalayer demo-key: {existing} exists; refusing to overwrite a key file"]
    assert existing.read_bytes() == b"keep me"
    assert not (tmp_path / "x.p12").exists()
