"""Appeal definitions (`kind: appeal`) load from catalog/appeals/, apart from the 26 seed services."""

from __future__ import annotations

import json

import pytest

from qyzmet.catalog.definitions import catalog_appeals, catalog_default
from qyzmet.cli import main


def test_the_complaint_definition_is_listed_only_with_appeals(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    assert main(["catalog", "list", "--json"]) == 0
    services = json.loads(capsys.readouterr().out)
    assert main(["catalog", "list", "--appeals", "--json"]) == 0
    appeals = json.loads(capsys.readouterr().out)

    # then
    assert len(services) == 26 and {s["kind"] for s in services} == {"service"}
    assert [(a["id"], a["kind"], a["channels"]) for a in appeals] == [
        ("national-complaint", "appeal", ["portal", "provider_office"])]


def test_the_complaint_gives_the_head_five_working_days_and_a_signed_decision() -> None:
    # given: the Law on public services, art. 25 (5 working days for the provider)
    definition = catalog_appeals().latest("national-complaint")

    # then
    procedure = definition.procedures["consideration"]
    assert procedure.budget is not None and (procedure.budget.value, procedure.budget.unit.value) == (5, "working_days")
    decide = next(s for s in procedure.steps if s.decides)
    assert (decide.role.value, decide.does.value) == ("head", "sign")
    assert {r.outcome.value: r.documents for r in definition.outcomes} == {
        "issued": ["complaint_upheld"], "refused": ["complaint_rejected"]}
    assert "national-complaint" not in catalog_default().ids()


def test_validate_checks_the_services_and_the_appeals(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code = main(["catalog", "validate"])

    # then
    assert code == 0
    assert "27 definition(s) valid" in capsys.readouterr().err
