"""Stored versions are immutable and identified by their content hash (ADR 0019): `catalog load`, `versions`, `show`."""

from __future__ import annotations

import datetime as dt
import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from qyzmet.catalog.definitions import REGULATIONS_DIR, catalog_load, in_force_among
from qyzmet.catalog.models import ServiceVersion, VersionImmutable
from qyzmet.catalog.services import catalog_sync, definition_sha256
from qyzmet.cli import main

SERVICE = "wko-2015-patronat-payment"
SOURCE = REGULATIONS_DIR / "west-kazakhstan" / f"{SERVICE}.yaml"
NOW = datetime(2026, 9, 1, 4, 0, tzinfo=UTC)


def changed_copy(directory: Path, *, effective_from: str | None = None) -> Path:
    """The regulation with its executor's step renamed (prepare -> examine) and given 2 working days, not 3."""
    text = SOURCE.read_text(encoding="utf-8")
    assert text.count("      - id: prepare\n") == 1
    text = text.replace("      - id: prepare\n", "      - id: examine\n")
    three, two = "duration: {value: 3, unit: working_days}\n", "duration: {value: 2, unit: working_days}\n"
    assert text.count(three) == 1
    text = text.replace(three, two)
    if effective_from:
        text = text.replace("effective_from: 2015-06-30\n", f"effective_from: {effective_from}\n")
    path = directory / f"{SERVICE}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def executor_steps(shown: object) -> list[tuple[str, object]]:
    assert isinstance(shown, dict)
    office = next(c for c in shown["channels"] if c["code"] == "provider_office")
    return [(s["id"], s["duration"]["value"]) for s in office["steps"] if s["role"] == "executor"]


# --- which version is in force ---------------------------------------------------------------------


def v(number: int, starts: str, ends: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        version=number,
        effective_from=dt.date.fromisoformat(starts),
        effective_to=dt.date.fromisoformat(ends) if ends else None,
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2015-01-01", 1),  # before any version starts: the first one
        ("2016-01-01", 1),  # only v1 has started
        ("2019-12-31", 1),  # v2 starts the next day
        ("2020-01-01", 3),  # v1, v2 and v3 all hold it: the highest number
        ("2030-01-01", 3),
    ],
)
def test_the_version_in_force_is_the_highest_started_one_whose_period_holds_the_date(on: str, expected: int) -> None:
    versions = [v(1, "2015-06-30"), v(2, "2020-01-01", "2020-12-31"), v(3, "2020-01-01")]
    assert in_force_among(versions, dt.date.fromisoformat(on)).version == expected


def test_when_every_period_has_ended_the_latest_started_version_serves() -> None:
    versions = [v(1, "2015-06-30", "2018-12-31"), v(2, "2019-01-01", "2020-12-31"), v(3, "2031-01-01")]
    assert in_force_among(versions, dt.date(2026, 9, 1)).version == 2


# --- loading -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_the_same_file_twice_stores_one_version(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    first = run_json(capsys, "catalog", "load", str(SOURCE), "--json")
    again = run_json(capsys, "catalog", "load", str(SOURCE), "--json")

    # then
    assert isinstance(first, dict) and isinstance(again, dict)
    assert (first["created"], first["version"]) == (True, 1)
    assert (again["created"], again["version"], again["sha256"]) == (False, 1, first["sha256"])
    assert ServiceVersion.objects.filter(service__slug=SERVICE).count() == 1


@pytest.mark.django_db
def test_a_changed_file_becomes_the_next_version_and_the_first_is_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # given
    run_json(capsys, "catalog", "load", str(SOURCE), "--json")
    first = ServiceVersion.objects.get(service__slug=SERVICE, version=1)

    # when
    loaded = run_json(capsys, "catalog", "load", str(changed_copy(tmp_path, effective_from="2027-01-01")), "--json")
    versions = run_json(capsys, "catalog", "versions", SERVICE, "--json")

    # then
    assert isinstance(loaded, dict) and (loaded["created"], loaded["version"]) == (True, 2)
    assert versions == [
        {
            "version": 1, "sha256": first.sha256, "effective_from": "2015-06-30", "effective_to": None,
            "loaded_at": first.loaded_at.isoformat(), "cases_filed": 0,
        },
        {
            "version": 2, "sha256": loaded["sha256"], "effective_from": "2027-01-01", "effective_to": None,
            "loaded_at": loaded["loaded_at"], "cases_filed": 0,
        },
    ]
    assert loaded["sha256"] != first.sha256
    unchanged = ServiceVersion.objects.get(pk=first.pk)
    assert (unchanged.sha256, unchanged.definition) == (first.sha256, first.definition)
    assert unchanged.loaded_at == first.loaded_at


@pytest.mark.django_db
def test_show_gives_each_stored_version_its_own_steps(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # given
    assert main(["catalog", "load", str(SOURCE)]) == 0
    assert main(["catalog", "load", str(changed_copy(tmp_path))]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{SERVICE}: loaded as version 1 (sha256 {ServiceVersion.objects.get(version=1).sha256[:12]})",
        f"{SERVICE}: loaded as version 2 (sha256 {ServiceVersion.objects.get(version=2).sha256[:12]})",
    ]

    # when
    one = run_json(capsys, "catalog", "show", SERVICE, "--version", "1", "--json")
    two = run_json(capsys, "catalog", "show", SERVICE, "--version", "2", "--json")

    # then: the regulation's paragraph 6 gives the executor 3 working days; the changed copy, 2
    assert executor_steps(one) == [("prepare", 3)]
    assert executor_steps(two) == [("examine", 2)]
    assert isinstance(one, dict) and isinstance(two, dict)
    assert (one["version"], two["version"]) == (1, 2)
    assert one["stored"]["sha256"] != two["stored"]["sha256"]


@pytest.mark.django_db
def test_show_of_a_version_not_stored_is_a_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "load", str(SOURCE)]) == 0

    assert main(["catalog", "show", SERVICE, "--version", "2", "--json"]) == 2
    assert capsys.readouterr().err.strip() == f"qyzmet catalog show: service '{SERVICE}' has no stored version 2"
    assert main(["catalog", "versions", "no-such-service", "--json"]) == 2
    assert "no service with id 'no-such-service'" in capsys.readouterr().err


@pytest.mark.django_db
def test_an_invalid_or_missing_file_stores_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # given
    broken = tmp_path / "broken.yaml"
    broken.write_text(SOURCE.read_text(encoding="utf-8").replace("version: 1\n", "version: 0\n", 1), encoding="utf-8")

    # when / then
    assert main(["catalog", "load", str(broken)]) == 1
    assert str(broken) in capsys.readouterr().err
    assert main(["catalog", "load", str(tmp_path / "absent.yaml")]) == 2
    assert not ServiceVersion.objects.exists()


@pytest.mark.django_db
def test_sync_of_a_changed_catalogue_adds_versions_and_changes_none(tmp_path: Path) -> None:
    # given
    catalog_sync(catalog=catalog_load([SOURCE]), now=NOW)
    before = list(ServiceVersion.objects.values_list("pk", "version", "sha256"))

    # when
    report = catalog_sync(catalog=catalog_load([changed_copy(tmp_path)]), now=NOW)
    again = catalog_sync(catalog=catalog_load([changed_copy(tmp_path)]), now=NOW)

    # then
    assert (report.created, report.unchanged, again.created, again.unchanged) == (1, 0, 0, 1)
    after = list(ServiceVersion.objects.order_by("version").values_list("pk", "version", "sha256"))
    assert after[0] == before[0] and [n for _, n, _ in after] == [1, 2]


# --- immutability --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stored_version_refuses_to_be_saved_again() -> None:
    catalog_sync(catalog=catalog_load([SOURCE]), now=NOW)
    stored = ServiceVersion.objects.get(service__slug=SERVICE)
    stored.definition = {**stored.definition, "effective_to": "2030-01-01"}

    with pytest.raises(VersionImmutable):
        stored.save()
    assert ServiceVersion.objects.get(pk=stored.pk).definition != stored.definition


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_refuses_an_update_that_bypasses_the_model() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    catalog_sync(catalog=catalog_load([SOURCE]), now=NOW)
    stored = ServiceVersion.objects.get(service__slug=SERVICE)

    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        ServiceVersion.objects.filter(pk=stored.pk).update(sha256="0" * 64)
    assert ServiceVersion.objects.get(pk=stored.pk).sha256 == stored.sha256


def test_the_content_hash_leaves_the_number_out() -> None:
    # The hash is of the canonical JSON without "version": by hand, {"a":1,"b":"ә"} sorted, non-ASCII kept.
    import hashlib

    expected = hashlib.sha256('{"a": 1, "b": "ә"}'.encode()).hexdigest()
    assert definition_sha256({"b": "ә", "version": 1, "a": 1}) == expected
    assert definition_sha256({"a": 1, "b": "ә", "version": 7}) == expected


# --- the public lists read the stored versions ------------------------------------------------------


@pytest.mark.django_db
def test_the_public_lists_show_a_newly_stored_version_from_its_first_day(tmp_path: Path, client: Client) -> None:
    # given: the catalogue as shipped, and a changed wording of one service in force from today
    from django.utils import timezone

    from qyzmet.catalog.definitions import catalog_default
    from qyzmet.catalog.selectors import services_in_force

    catalog_sync(catalog=catalog_default(), now=NOW)
    today = timezone.localdate()
    run = main(["catalog", "load", str(changed_copy(tmp_path, effective_from=today.isoformat()))])
    assert run == 0

    # when
    yesterday_list = {d.id: d for d in services_in_force(today - dt.timedelta(days=1))}
    today_list = {d.id: d for d in services_in_force(today)}
    listed = {s["id"]: s for s in client.get("/api/v1/services").json()}

    # then: yesterday the shipped wording, from today the stored version 2 (the renamed step), appeals never
    assert yesterday_list[SERVICE].version == 1
    assert today_list[SERVICE].version == 2
    assert '"id": "examine"' in json.dumps(today_list[SERVICE].model_dump(mode="json"))
    assert '"id": "examine"' not in json.dumps(yesterday_list[SERVICE].model_dump(mode="json"))
    assert listed[SERVICE]["version"] == 2
    assert len(listed) == 26  # the 26 services of the seeds; the complaint procedure is not listed
