"""`qyzmet pki …` and `qyzmet eds …`, run in-process through qyzmet.cli.main."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from qyzmet.cli import main
from qyzmet.core.i18n import render_messages
from qyzmet.signatures import cms, messages, pki
from qyzmet.signatures.models import IssuedCertificate, RevocationList
from tests.signatures.conftest import BIN, IIN, OTHER_IIN, PASSWORD

NAME = "Тестова Айгерим Ержанқызы"


def issue(out: Path, *extra: str, usage: str = "sign") -> int:
    return main([
        "pki", "issue", "--iin", IIN, "--name", NAME, "--usage", usage, "--out", str(out), "--password", PASSWORD,
        *extra,
    ])


def sign(key: Path, document: Path, signature: Path, *extra: str) -> None:
    arguments = ["--key", str(key), "--password", PASSWORD, *extra, "--out", str(signature), str(document)]
    assert main(["eds", "sign", *arguments]) == 0


def verdict_of(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["eds", "verify", *arguments])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "application.json"
    path.write_bytes(b'{"applicant":"871008401427","service":"wko-2015-patronat-payment"}')
    return path


def test_pki_init_creates_the_ca_once_and_then_keeps_it(
    settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    settings.QYZMET_PKI_DIR = tmp_path / "pki"

    # when
    first = main(["pki", "init"])
    root = (tmp_path / "pki" / "root.crt").read_bytes()
    second = main(["pki", "init"])

    # then
    out = capsys.readouterr().out.splitlines()
    assert (first, second) == (0, 0)
    assert out[0].startswith(f"created CA in {tmp_path / 'pki'}")
    assert out[1].startswith(f"kept existing CA in {tmp_path / 'pki'}")
    assert (tmp_path / "pki" / "root.crt").read_bytes() == root


@pytest.mark.django_db
def test_pki_issue_writes_a_pkcs12_file_and_records_the_certificate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # when
    code = issue(tmp_path / "sign.p12")

    # then
    assert code == 0
    bundle = pki.pkcs12_load((tmp_path / "sign.p12").read_bytes(), password=PASSWORD)
    record = IssuedCertificate.objects.get()
    assert record.serial_number == pki.serial_hex(bundle.certificate.serial_number)
    assert (record.iin, record.purpose) == (IIN, "sign")
    assert len(bundle.chain) == 2
    assert f"issued sign certificate {record.serial_number}" in capsys.readouterr().out


@pytest.mark.django_db
def test_pki_issue_for_staff_names_the_organization(tmp_path: Path) -> None:
    code = issue(tmp_path / "staff.p12", "--bin", BIN, "--org", 'АО "ТЕСТ"', usage="auth")

    assert code == 0
    certificate = pki.pkcs12_load((tmp_path / "staff.p12").read_bytes(), password=PASSWORD).certificate
    assert certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == f"BIN{BIN}"
    assert IssuedCertificate.objects.get().purpose == "auth"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (["--iin", "871008401428"], "IIN '871008401428' is not valid"),
        (["--iin", IIN, "--bin", "940140000386", "--org", "X"], "BIN '940140000386' is not valid"),
        (["--iin", IIN, "--bin", BIN], "--bin and --org go together"),
    ],
    ids=["iin-check-digit", "bin-check-digit", "bin-without-org"],
)
def test_pki_issue_refuses_bad_identifiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], error: str
) -> None:
    code = main([
        "pki", "issue", *arguments, "--name", NAME, "--usage", "sign", "--out", str(tmp_path / "k.p12"),
        "--password", PASSWORD,
    ])

    assert code == 2
    assert error in capsys.readouterr().err
    assert not (tmp_path / "k.p12").exists()
    assert not IssuedCertificate.objects.exists()


@pytest.mark.django_db
def test_pki_issue_never_overwrites_a_key_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sign.p12").write_bytes(b"precious")

    assert issue(tmp_path / "sign.p12") == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert (tmp_path / "sign.p12").read_bytes() == b"precious"


@pytest.mark.django_db
def test_sign_then_verify_a_file(
    tmp_path: Path, document: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    issue(tmp_path / "sign.p12")
    signature = tmp_path / "application.json.p7s"
    sign(tmp_path / "sign.p12", document, signature)

    # when
    code, verdict = verdict_of(capsys, str(document), str(signature), "--iin", IIN)

    # then
    assert code == 0
    assert verdict["valid"] is True
    assert signature.read_bytes()[0] == 0x30  # detached DER by default
    outcomes = {check["name"]: check["outcome"] for check in verdict["checks"]}
    assert outcomes == {
        "format": "passed", "signature": "passed", "timestamp": "skipped", "chain": "passed", "validity": "passed",
        "revocation": "passed", "key_usage": "passed", "iin": "passed", "bin": "skipped",
    }


@pytest.mark.django_db
def test_eds_sign_writes_a_detached_der_signature_to_stdout(
    tmp_path: Path, document: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    # given
    issue(tmp_path / "sign.p12")
    capsysbinary.readouterr()

    # when
    code = main(["eds", "sign", "--key", str(tmp_path / "sign.p12"), "--password", PASSWORD, str(document)])

    # then
    parsed = cms.cms_parse(capsysbinary.readouterr().out)
    assert code == 0
    assert parsed.content is None
    assert parsed.signers[0].message_digest == hashlib.sha256(document.read_bytes()).digest()


@pytest.mark.django_db
def test_an_attached_pem_signature_verifies_on_its_own(
    tmp_path: Path, document: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issue(tmp_path / "sign.p12")
    signature = tmp_path / "application.json.pem"
    sign(tmp_path / "sign.p12", document, signature, "--attached", "--pem")

    code, verdict = verdict_of(capsys, str(signature))

    assert code == 0 and verdict["valid"] is True
    assert signature.read_bytes().startswith(b"-----BEGIN CMS-----")


@pytest.mark.django_db
def test_verify_exits_1_with_the_failed_checks_when_the_iin_differs(
    tmp_path: Path, document: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issue(tmp_path / "sign.p12")
    signature = tmp_path / "application.json.p7s"
    sign(tmp_path / "sign.p12", document, signature)

    code, verdict = verdict_of(capsys, str(document), str(signature), "--iin", OTHER_IIN)

    assert code == 1
    assert verdict["codes"] == [messages.IIN_MISMATCH]
    iin_check = next(check for check in verdict["checks"] if check["name"] == "iin")
    assert iin_check["message"]["kk"] == render_messages(messages.MESSAGES[messages.IIN_MISMATCH])["kk"]


@pytest.mark.django_db
def test_revoke_then_verify_is_refused_by_ocsp(
    tmp_path: Path, document: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    issue(tmp_path / "sign.p12")
    signature = tmp_path / "application.json.p7s"
    sign(tmp_path / "sign.p12", document, signature)
    serial = IssuedCertificate.objects.get().serial_number

    # when
    revoked = main(["pki", "revoke", serial.upper(), "--reason", "keyCompromise"])
    code, verdict = verdict_of(capsys, str(document), str(signature))

    # then
    assert revoked == 0
    assert IssuedCertificate.objects.get().revocation_reason == "keyCompromise"
    # one CRL of the issuing CA (the revocation), one of the root (asked about the issuing CA itself)
    assert RevocationList.objects.count() == 2
    assert code == 1
    assert verdict["codes"] == [messages.REVOKED_OCSP]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("serial", "error"), [("abc123", "no certificate with serial number abc123"), ("zz", "not a hexadecimal")]
)
def test_revoke_of_a_bad_serial_exits_2(capsys: pytest.CaptureFixture[str], serial: str, error: str) -> None:
    assert main(["pki", "revoke", serial]) == 2
    assert error in capsys.readouterr().err


@pytest.mark.django_db
def test_pki_crl_publishes_and_writes_a_fresh_crl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pki", "crl", "--out", str(tmp_path / "issuing.crl")]) == 0
    assert main(["pki", "crl", "--ca", "root"]) == 0

    crl = x509.load_der_x509_crl((tmp_path / "issuing.crl").read_bytes())
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 1
    assert "published CRL number 1 of root" in capsys.readouterr().out


def test_verify_of_a_missing_file_exits_2(tmp_path: Path, document: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eds", "verify", str(document), str(tmp_path / "missing.p7s")])

    assert code == 2
    assert capsys.readouterr().err == f"qyzmet eds verify: {tmp_path / 'missing.p7s'}: no such file\n"


def test_verify_of_a_truncated_file_exits_1_with_its_own_code(
    tmp_path: Path, document: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truncated = tmp_path / "cut.p7s"
    truncated.write_bytes(b"\x30\x82\x05\x00\x06\x09")

    code, verdict = verdict_of(capsys, str(document), str(truncated))

    assert code == 1
    assert verdict["codes"] == [messages.TRUNCATED]


def test_sign_with_a_wrong_password_exits_2(tmp_path: Path, document: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "k.p12").write_bytes(b"not a key file")

    assert main(["eds", "sign", "--key", str(tmp_path / "k.p12"), "--password", "x", str(document)]) == 2
    assert "cannot open the key file" in capsys.readouterr().err


@pytest.mark.django_db
def test_issue_before_init_says_to_run_init(
    settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.QYZMET_PKI_DIR = tmp_path / "empty"

    assert issue(tmp_path / "sign.p12") == 2
    assert "run `qyzmet pki init`" in capsys.readouterr().err


@pytest.mark.django_db
def test_sign_with_a_timestamp_from_the_platforms_tsa_then_verify(
    tmp_path: Path, document: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    issue(tmp_path / "sign.p12")
    signature = tmp_path / "application.json.p7s"

    # when
    sign(tmp_path / "sign.p12", document, signature, "--timestamp")
    code, verdict = verdict_of(capsys, str(document), str(signature), "--iin", IIN)

    # then
    timestamp = next(check for check in verdict["checks"] if check["name"] == "timestamp")
    validity = next(check for check in verdict["checks"] if check["name"] == "validity")
    assert code == 0, verdict["codes"]
    assert timestamp["outcome"] == "passed" and "QYZMET TEST TSA" in timestamp["detail"]["tsa"]
    assert validity["detail"]["time_source"] == "timestamp"
