"""`qyzmet demo` runs services through channels on a fresh database and prints their timelines."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from qyzmet.catalog.definitions import catalog_default

QYZMET = [sys.executable, "-m", "qyzmet"]


def _demo(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "QYZMET_VAR_DIR"}}
    return subprocess.run([*QYZMET, "demo", *arguments], env=env, capture_output=True, text=True, timeout=600)


def test_demo_of_one_service_channel_prints_its_timeline_as_json() -> None:
    # when
    done = _demo("--service", "wko-2019-guardianship-establishment", "--channel", "state_corporation", "--json")

    # then
    assert done.returncode == 0, done.stderr
    [run] = json.loads(done.stdout)
    assert (run["service"], run["channel"], run["outcome"]) == (
        "wko-2019-guardianship-establishment",
        "state_corporation",
        "issued",
    )
    definition = catalog_default().latest(run["service"])
    steps = definition.channel_steps("state_corporation")
    by_id = {s.id: s for s in steps}
    for step in run["steps"]:
        assert step["role"] == by_id[step["step"]].role.value
        expected = by_id[step["step"]].duration
        assert step["duration"] == (expected.model_dump(mode="json") if expected else None)
        started = datetime.fromisoformat(step["started"])
        completed = datetime.fromisoformat(step["completed"])
        assert started.utcoffset() is not None and started <= completed
        if step["deadline"]:
            assert completed <= datetime.fromisoformat(step["deadline"])
    assert [d["kind"] for d in run["result_document"]] == ["akimat_resolution"]


def test_demo_refuses_an_unknown_service() -> None:
    done = _demo("--service", "no-such-service")
    assert done.returncode == 2
    assert "no service with id 'no-such-service'" in done.stderr


@pytest.mark.slow
def test_demo_runs_every_service_through_every_channel() -> None:
    # when
    done = _demo("--json")

    # then
    assert done.returncode == 0, done.stderr[-2000:]
    runs = json.loads(done.stdout)
    expected = {(d.id, c.code.value) for d in catalog_default().latest_all() for c in d.channels}
    assert {(r["service"], r["channel"]) for r in runs} == expected
    assert all(r["outcome"] in {"issued", "refused", "queued"} for r in runs)
    assert all(r["result_document"] and all(d["signed"] for d in r["result_document"]) for r in runs)


def test_demo_into_a_kept_database_leaves_cases_in_every_state(tmp_path: Path) -> None:
    # given: a database file that does not exist yet
    database = tmp_path / "kept.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"QYZMET_VAR_DIR": str(tmp_path / "var")}
    service = "wko-2015-patronat-payment"

    # when
    done = subprocess.run(
        [*QYZMET, "demo", "--service", service, "--database", f"sqlite:///{database}", "--json"],
        env=env, capture_output=True, text=True, timeout=600,
    )

    # then: the finished runs of both channels, one refused and one still in progress, all kept in that file
    assert done.returncode == 0, done.stderr[-2000:]
    runs = json.loads(done.stdout)
    channels = [c.code.value for c in catalog_default().latest(service).channels]
    assert sorted((r["channel"], r["status"]) for r in runs) == sorted(
        [(c, "issued") for c in channels] + [(channels[0], "refused"), (channels[0], "in_progress")]
    )
    with sqlite3.connect(database) as db:
        stored = dict(db.execute("select id, number from cases_case").fetchall())
        roles = {(iin, role) for iin, role in db.execute(
            "select u.iin, r.role from identity_staffrole r join identity_user u on u.id = r.user_id")}
        query = "select applicant_iin from cases_case where id = ?"
        applicant_iin = db.execute(query, (runs[0]["case_id"],)).fetchone()
    assert stored == {r["case_id"]: r["case"] for r in runs}
    assert applicant_iin == (runs[0]["applicant"],)
    for r in runs:
        for step in r["steps"]:
            if step["completed"] and step["organization"]:
                assert (step["actor"], step["role"]) in roles
    open_steps = [s for s in runs[-1]["steps"] if s["completed"] is None]
    assert len(open_steps) == 1 and open_steps[0]["actor"] is None


def test_demo_names_an_unreachable_database() -> None:
    url = "postgresql://postgres@127.0.0.1:5432/no_such_db_here"
    done = _demo("--service", "wko-2015-patronat-payment", "--database", url)
    assert done.returncode == 2
    assert "cannot reach the database" in done.stderr
