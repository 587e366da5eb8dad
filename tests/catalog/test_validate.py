"""The schema and the lint reject each kind of bad definition with its own `file:line: message`."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from qyzmet.catalog.loader import load_text
from qyzmet.cli import main

STEP = {
    "role": "office_clerk",
    "organization": "provider",
    "does": "register",
    "action": {"ru": "принимает документы"},
    "duration": {"value": 15, "unit": "minutes"},
}


def _step(step_id: str, **changes: Any) -> dict[str, Any]:
    return {"id": step_id, **copy.deepcopy(STEP), **changes}


def minimal() -> dict[str, Any]:
    """A small valid definition that each test breaks in one way."""
    return {
        "schema": "qyzmet/regulation/v1",
        "id": "test-service",
        "version": 1,
        "title": {"kk": "Сынақ қызметі", "ru": "Тестовая услуга"},
        "field": "family_children",
        "jurisdiction": "wko",
        "providers": [{"kind": "local_executive_body", "name": {"ru": "Акимат"}}],
        "source": {
            "seed": "002_00054b1e3eac58b3.txt",
            "title": "Регламент тестовой услуги",
            "language": "ru",
            "oblast": {"ru": "Область"},
            "act": {
                "body": "Акимат",
                "kind": "постановление",
                "number": "1",
                "date": "2019-01-01",
                "status": "not_stated",
                "entry_into_force": {
                    "date": "2019-01-01", "approximate": True, "rule": None, "counted_from": "act_date",
                },
            },
        },
        "effective_from": "2019-01-01",
        "effective_to": None,
        "recipients": ["individuals"],
        "cost": "free",
        "forms": ["paper"],
        "documents": [{"id": "certificate", "kind": "certificate", "title": {"ru": "Справка"}}],
        "outcomes": [
            {
                "outcome": "issued",
                "documents": ["certificate"],
                "basis": {"kind": "regulation", "reference": "Regulation p.3", "quote": "Результат: справка."},
            }
        ],
        "refusal_to_accept": None,
        "documents_required": {"items": [], "source": "Standard p.9"},
        "refusal_grounds": {"items": [], "source": "Standard p.10"},
        "procedures": {"back_office": {"steps": [
            _step("register", does="prepare", decides=True, produces=["certificate"]), _step("issue", does="issue"),
        ]}},
        "channels": [
            {"code": "provider_office", "procedure": "back_office", "result_delivery": ["in_person_at_provider"]}
        ],
    }


def problems_of(data: dict[str, Any] | str) -> list[str]:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return [str(p) for p in load_text(text, "svc.yaml").problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_minimal_definition_is_valid() -> None:
    # when
    loaded = load_text(yaml.safe_dump(minimal(), allow_unicode=True), "svc.yaml")

    # then
    assert loaded.problems == ()
    assert loaded.definition is not None
    assert [s.id for s in loaded.definition.channel_steps("provider_office")] == ["register", "issue"]


def test_bad_yaml_is_reported_with_its_line() -> None:
    # given
    text = "id: x\ntitle: [unclosed\nversion: 1\n"

    # then
    [problem] = problems_of(text)
    assert problem.startswith("svc.yaml:3: bad YAML:")


def test_unknown_field_is_named_at_its_line() -> None:
    # given
    data = minimal()
    data["colour"] = "blue"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    # then
    assert problems_of(text) == [f"svc.yaml:{line_of(text, 'colour:')}: unknown field 'colour' at top level"]


def test_unknown_role_is_refused() -> None:
    # given
    data = minimal()
    data["procedures"]["back_office"]["steps"][0]["role"] = "janitor"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    # then
    [problem] = problems_of(text)
    assert problem.startswith(f"svc.yaml:{line_of(text, 'janitor')}: unknown role 'janitor'")
    assert "'office_clerk'" in problem


def test_unknown_unit_is_refused() -> None:
    # given
    data = minimal()
    data["procedures"]["back_office"]["steps"][1]["duration"] = {"value": 2, "unit": "fortnights"}

    # then
    [problem] = problems_of(data)
    assert "unknown unit 'fortnights'" in problem
    assert "'working_days'" in problem


@pytest.mark.parametrize("value", [0, -3])
def test_zero_or_negative_duration_is_refused(value: int) -> None:
    # given
    data = minimal()
    data["procedures"]["back_office"]["steps"][0]["duration"] = {"value": value, "unit": "minutes"}

    # then
    [problem] = problems_of(data)
    assert f"duration must be a positive number, got {value}" in problem


def test_absent_duration_must_be_explicit() -> None:
    # given
    data = minimal()
    del data["procedures"]["back_office"]["steps"][0]["duration"]

    # then
    [problem] = problems_of(data)
    assert "missing required field 'duration' at procedures.back_office.steps.0" in problem


def test_duplicate_step_ids_are_refused() -> None:
    # given
    data = minimal()
    data["procedures"]["back_office"]["steps"].append(_step("register"))

    # then
    problems = problems_of(data)
    assert any("duplicate step id 'register' in channel 'provider_office'" in p for p in problems)


def test_unreachable_step_is_refused() -> None:
    # given: the first step jumps straight to the end, so 'issue' is never reached
    data = minimal()
    data["procedures"]["back_office"]["steps"][0]["next"] = "end"

    # then
    assert [p.split(": ", 1)[1] for p in problems_of(data)] == [
        "step 'issue' cannot be reached in channel 'provider_office'"
    ]


def test_cycle_is_refused() -> None:
    # given
    data = minimal()
    data["procedures"]["back_office"]["steps"][1]["next"] = "register"

    # then
    assert [p.split(": ", 1)[1] for p in problems_of(data)] == [
        "step 'issue' closes a cycle in channel 'provider_office'"
    ]


def test_branch_pointing_nowhere_is_refused() -> None:
    # given
    data = minimal()
    data["procedures"]["back_office"]["steps"][0]["branches"] = [
        {"when": "positive", "next": "issue", "taken": "success", "outcome": "issued"},
        {"when": "negative", "next": "refuse", "taken": "failure", "outcome": "refused"},
    ]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    # then
    assert problems_of(text) == [
        f"svc.yaml:{line_of(text, 'branches:')}: step 'register' points to 'refuse', "
        "which is no step of channel 'provider_office'"
    ]


def test_channel_without_steps_is_refused() -> None:
    # given
    data = minimal()
    data["channels"].append({"code": "portal", "result_delivery": ["personal_cabinet"]})

    # then
    assert [p.split(": ", 1)[1] for p in problems_of(data)] == ["channel 'portal' has no steps"]


def test_missing_title_is_refused() -> None:
    # given
    data = minimal()
    del data["title"]

    # then
    assert [p.split(": ", 1)[1] for p in problems_of(data)] == ["missing required field 'title' at top level"]


def test_title_needs_both_kazakh_and_russian() -> None:
    # given
    data = minimal()
    data["title"] = {"ru": "Тестовая услуга"}

    # then
    assert [p.split(": ", 1)[1] for p in problems_of(data)] == ["missing title in 'kk'"]


def test_duplicate_yaml_key_is_refused() -> None:
    # given
    text = yaml.safe_dump(minimal(), allow_unicode=True, sort_keys=False) + "version: 2\n"

    # then
    assert f"svc.yaml:{len(text.splitlines())}: duplicate key 'version'" in problems_of(text)


def test_step_producing_an_unknown_document_is_refused() -> None:
    # given
    data = minimal()
    data["procedures"]["back_office"]["steps"][1]["produces"] = ["contract"]

    # then
    assert [p.split(": ", 1)[1] for p in problems_of(data)] == ["step 'issue' produces unknown document 'contract'"]


def test_shared_budget_forbids_step_durations() -> None:
    # given
    data = minimal()
    data["procedures"]["back_office"]["budget"] = {"value": 15, "unit": "minutes"}

    # then
    problems = [p.split(": ", 1)[1] for p in problems_of(data)]
    assert problems == [
        "step 'register' has its own duration inside procedure 'back_office', which has one shared budget",
        "step 'issue' has its own duration inside procedure 'back_office', which has one shared budget",
    ]


def test_action_needs_the_original_language() -> None:
    # given: the seed is Russian, but the action is only in Kazakh
    data = minimal()
    data["procedures"]["back_office"]["steps"][0]["action"] = {"kk": "құжаттарды қабылдайды"}

    # then
    assert [p.split(": ", 1)[1] for p in problems_of(data)] == [
        "step 'register' action has no original text in 'ru' (the seed's language)"
    ]


def test_validate_command_prints_problems_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(minimal(), allow_unicode=True), encoding="utf-8")
    bad_data = minimal()
    bad_data["id"] = "other-service"
    bad_data["procedures"]["back_office"]["steps"][0]["role"] = "janitor"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(bad_data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # when
    code = main(["catalog", "validate", str(good), str(bad)])

    # then
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert len(out) == 1
    assert out[0].startswith(f"{bad}:") and "unknown role 'janitor'" in out[0]


def test_validate_command_accepts_valid_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(minimal(), allow_unicode=True), encoding="utf-8")

    # when
    code = main(["catalog", "validate", str(good)])

    # then
    assert code == 0
    assert capsys.readouterr().out == ""


def test_two_files_with_the_same_service_version_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(minimal(), allow_unicode=True), encoding="utf-8")

    # when
    code = main(["catalog", "validate", str(tmp_path)])

    # then
    out = capsys.readouterr().out
    assert code == 1
    assert "service 'test-service' version 1 is also defined in" in out
