"""`qyzmet audit verify` names each changed event of every case chain (more in tests/audit)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qyzmet.cases.models import CaseEvent
from qyzmet.cli import main
from tests.cases.conftest import START
from tests.cases.factories import case_at_office, case_worked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]


def test_audit_verify_passes_then_names_the_tampered_case(capsys: pytest.CaptureFixture[str]) -> None:
    # given
    case = case_at_office("wko-2015-patronat-payment", at=START)
    case_worked(case, at=START + timedelta(minutes=5))
    assert main(["audit", "verify"]) == 0
    assert "intact: 1 case(s), 15 event(s)" in capsys.readouterr().out

    # when
    CaseEvent.objects.filter(case=case, sequence=2).update(kind="forged")

    # then
    assert main(["audit", "verify"]) == 1
    assert (f"case {case.number} event 2: event_edited: forged: content changed after it was written"
            in capsys.readouterr().out)
