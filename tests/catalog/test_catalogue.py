"""The built-in catalogue: every seed service loads, and the command-line contract holds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from qyzmet.catalog.definitions import (
    REGULATIONS_DIR,
    SCHEMA_FILE,
    catalog_default,
    catalog_load,
    json_schema,
    json_schema_text,
)
from qyzmet.cli import main
from tests.catalog.test_validate import minimal

SEED_FILES = {
    "000_0d535cbd69033c45.txt": 1,
    "001_75a6956d28bc5ce6.txt": 2,
    "002_00054b1e3eac58b3.txt": 13,
    "003_f227f3f40e973d3f.txt": 9,
    "004_bc563dbca9acc339.txt": 1,
}


def _list_json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main(["catalog", "list", "--json"]) == 0
    data: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return data


def test_catalogue_has_the_26_seed_services_from_5_seed_files(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    services = _list_json(capsys)

    # then
    assert len(services) == 26
    assert len({s["id"] for s in services}) == 26
    per_seed: dict[str, int] = {}
    for service in services:
        source = service["source"]
        assert isinstance(source, dict)
        per_seed[source["seed"]] = per_seed.get(source["seed"], 0) + 1
    assert per_seed == SEED_FILES


def test_list_json_carries_the_promised_fields(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    services = _list_json(capsys)

    # then
    for service in services:
        assert {"id", "version", "title", "source", "channels"} <= service.keys()
        title, source, channels = service["title"], service["source"], service["channels"]
        assert isinstance(title, dict) and title["kk"] and title["ru"]
        assert isinstance(source, dict) and source["seed"] and source["title"]
        assert isinstance(channels, list) and channels
        assert set(channels) <= {"provider_office", "state_corporation", "portal", "rural_akim"}


def test_source_title_is_written_in_the_seed(seeds_dir: Path) -> None:
    # given
    texts = {name: (seeds_dir / name).read_text(encoding="utf-8") for name in SEED_FILES}

    # then
    for definition in catalog_default().definitions:
        seed_text = " ".join(texts[definition.source.seed].split())
        assert " ".join(definition.source.title.split()) in seed_text, definition.id


def test_original_title_is_written_in_the_seed(seeds_dir: Path) -> None:
    # given
    texts = {name: " ".join((seeds_dir / name).read_text(encoding="utf-8").split()) for name in SEED_FILES}

    # then
    for definition in catalog_default().definitions:
        original = definition.title.get(definition.source.language.value)
        assert original is not None
        assert " ".join(original.split()) in texts[definition.source.seed], definition.id


def test_every_step_action_is_quoted_from_the_seed(seeds_dir: Path) -> None:
    # given: whitespace and quotation marks are normalised, and so are the seeds' line and page
    # breaks inside a hyphenated word ("9-\n\nтармағында") or after "("; the words must be the seed's
    def normal(text: str) -> str:
        for mark in '«»"“”„':
            text = text.replace(mark, '"')
        text = " ".join(text.split())
        return re.sub(r"(?<=\S)- (?=\S)|(?<=\() ", lambda m: m.group(0).strip(), text)

    texts = {name: normal((seeds_dir / name).read_text(encoding="utf-8")) for name in SEED_FILES}

    # then
    missing = []
    for definition in catalog_default().definitions:
        language = definition.source.language.value
        steps = [s for c in definition.channels for s in definition.channel_steps(c.code)]
        for step in steps:
            original = step.action.get(language)
            assert original is not None
            if normal(original) not in texts[definition.source.seed]:
                missing.append(f"{definition.id}:{step.id}")
    assert missing == []


def test_show_json_gives_each_channel_its_steps(capsys: pytest.CaptureFixture[str]) -> None:
    for service_id in catalog_default().ids():
        # when
        assert main(["catalog", "show", service_id, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)

        # then
        assert data["id"] == service_id
        for channel in data["channels"]:
            assert channel["steps"], f"{service_id}/{channel['code']}"
            for step in channel["steps"]:
                assert {"role", "action", "duration"} <= step.keys()
                duration = step["duration"]
                assert duration is None or (set(duration) == {"value", "unit"} and duration["value"] > 0)


def test_show_unknown_service_is_a_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code = main(["catalog", "show", "no-such-service"])

    # then
    assert code == 2
    assert (
        capsys.readouterr().err.strip() == "qyzmet catalog show: no service with id 'no-such-service' in the catalogue"
    )


def test_validate_passes_on_the_builtin_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "validate"]) == 0
    assert capsys.readouterr().out == ""


def test_published_json_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == json_schema_text(), "run: qyzmet catalog schema > " + str(
        SCHEMA_FILE
    )


def test_json_schema_accepts_every_builtin_file_and_rejects_a_bad_one() -> None:
    # given
    validator = jsonschema.Draft202012Validator(json_schema(), format_checker=jsonschema.FormatChecker())
    files = sorted(REGULATIONS_DIR.rglob("*.yaml"))

    # then
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))  # dates as strings, as an editor sees them
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], path.name
    bad = minimal()
    bad["channels"][0]["code"] = "fax"
    assert not validator.is_valid(bad)


def test_adding_a_service_needs_only_a_new_file(tmp_path: Path) -> None:
    # given
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(minimal(), allow_unicode=True), encoding="utf-8")

    # when
    catalog = catalog_load([REGULATIONS_DIR, tmp_path])

    # then
    assert "test-service" in catalog.ids()
    assert len(catalog.ids()) == len(catalog_default().ids()) + 1


def test_version_in_force_is_chosen_by_filing_date(tmp_path: Path) -> None:
    # given: two versions of one service with consecutive periods
    first = minimal() | {"effective_from": "2019-01-01", "effective_to": "2019-12-31"}
    second = minimal() | {"version": 2, "effective_from": "2020-01-01"}
    for name, data in (("v1.yaml", first), ("v2.yaml", second)):
        (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    catalog = catalog_load([tmp_path])
    from datetime import date

    # then
    assert catalog.in_force("test-service", date(2019, 6, 1)).version == 1
    assert catalog.in_force("test-service", date(2020, 6, 1)).version == 2
    assert catalog.latest("test-service").version == 2
