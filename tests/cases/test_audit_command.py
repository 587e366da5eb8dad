"""`qyzmet audit verify` names each changed event of every case chain (more in tests/audit)."""

from __future__ import annotations

import pytest

from qyzmet.cases.models import CaseEvent
from qyzmet.catalog.registry import catalog_default
from qyzmet.cli import main
from qyzmet.demo.driver import case_drive, case_open
from tests.cases.conftest import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]


def test_audit_verify_passes_then_names_the_tampered_case(capsys: pytest.CaptureFixture[str]) -> None:
    # given
    case = case_open(catalog_default().latest("wko-2015-patronat-payment"), "provider_office", now=START)
    case_drive(case, now=START)
    assert main(["audit", "verify"]) == 0
    assert "intact: 1 case(s), 15 event(s)" in capsys.readouterr().out

    # when
    CaseEvent.objects.filter(case=case, sequence=2).update(kind="forged")

    # then
    assert main(["audit", "verify"]) == 1
    assert (f"case {case.number} event 2: event_edited: forged: content changed after it was written"
            in capsys.readouterr().out)
