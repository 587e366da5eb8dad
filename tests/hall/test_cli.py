"""`qyzmet hall …` for the demo: a ticket, a window, an intake signed with a .p12 key, the board."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.services import catalog_sync
from qyzmet.cli import main
from qyzmet.identity.demo import CITIZENS, load_demo
from qyzmet.signatures import pki
from qyzmet.state_corporation.models import Intake
from tests.gateway.fixtures import OPERATOR_IIN

PASSWORD = "demo-key-1234"


@pytest.fixture
def operator_p12(tmp_path: Path, operator_key) -> Path:
    path = tmp_path / "operator.p12"
    bundle = pki.KeyBundle(key=operator_key.key, certificate=operator_key.certificate, chain=operator_key.chain)
    path.write_bytes(pki.pkcs12_dump(bundle, password=PASSWORD, friendly_name="operator"))
    return path


@pytest.mark.django_db
def test_the_hall_commands_take_a_ticket_and_file_an_intake(registry, recorded_certificates, operator_p12, capsys):
    # given
    catalog_sync(catalog=catalog_default(), now=datetime.now(UTC))
    load_demo()
    branch = ["--branch", "wko-sc"]

    # when
    codes = [
        main(["hall", "ticket", *branch, "--service", "wko-2019-camp-referrals"]),
        main(["hall", "window", *branch, "--number", "1", "--operator", OPERATOR_IIN]),
        main(["hall", "call", *branch, "--window", "1", "--operator", OPERATOR_IIN]),
        main(["hall", "intake", *branch, "--operator", OPERATOR_IIN, "--service", "wko-2019-camp-referrals",
              "--applicant", CITIZENS[0].iin, "--document", "application", "--key", str(operator_p12),
              "--password", PASSWORD, "--ticket", "1", "--registry-url", registry.url]),
        main(["hall", "finish", *branch, "--ticket", "1", "--operator", OPERATOR_IIN]),
        main(["hall", "board", *branch]),
    ]

    # then
    out = capsys.readouterr().out
    assert codes == [0, 0, 0, 0, 0, 0]
    intake = Intake.objects.get()
    assert intake.status == "filed"
    assert f"case {intake.case.number}" in out
    assert "window 1 (811130471163): served 1" in out


@pytest.mark.django_db
def test_the_refuse_command_prints_the_receipt(registry, recorded_certificates, capsys):
    catalog_sync(catalog=catalog_default(), now=datetime.now(UTC))
    load_demo()

    code = main(["hall", "refuse", "--branch", "wko-sc", "--operator", OPERATOR_IIN, "--service",
                 "wko-2019-guardian-allowance", "--applicant", CITIZENS[4].iin, "--name", "Есенова Гүлнар",
                 "--expired", "identity card"])

    assert code == 0
    assert "form Standard app. 3, grounds expired_documents; documents: identity card" in capsys.readouterr().out
