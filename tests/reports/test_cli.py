"""`qyzmet reports sla`: JSON, CSV and XLSX with the same numbers; bad input exits 2; on a demo database."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qyzmet.cli import main
from tests.reports.cases import NOW, SERVICE, CaseSet

HEADER = ["service", "provider", "cases", "closed", "on_time", "late", "open"]
EXPECTED = [
    [SERVICE, "wko-burli", 2, 1, 1, 1, 1],
    [SERVICE, "wko-terekti", 4, 2, 1, 2, 2],
]
QYZMET = [sys.executable, "-m", "qyzmet"]


def _sla(tmp_path: Path, *extra: str) -> Path:
    output = tmp_path / "out"
    code = main(["reports", "sla", "--from", "2026-09-01", "--to", "2026-09-08", "--at", NOW.isoformat(),
                 "--output", str(output), *extra])
    assert code == 0
    return output


def test_json_has_one_row_per_service_and_provider(case_set: CaseSet, tmp_path: Path) -> None:
    rows = json.loads(_sla(tmp_path).read_text())
    assert [[row[key] for key in HEADER] for row in rows] == EXPECTED
    assert all(list(row) == HEADER for row in rows)


def test_csv_and_xlsx_hold_the_same_rows(case_set: CaseSet, tmp_path: Path) -> None:
    text = _sla(tmp_path, "--format", "csv").read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(text))) == [HEADER, *[[str(v) for v in row] for row in EXPECTED]]
    sheet = load_workbook(io.BytesIO(_sla(tmp_path, "--format", "xlsx").read_bytes())).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [HEADER, *EXPECTED]


def test_oblast_narrows_the_rows(case_set: CaseSet, tmp_path: Path) -> None:
    assert json.loads(_sla(tmp_path, "--oblast", "wko").read_text()) != []
    assert json.loads(_sla(tmp_path, "--oblast", "pavlodar").read_text()) == []


def test_json_goes_to_standard_output_without_output(
    case_set: CaseSet, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = main(["reports", "sla", "--from", "2026-09-01", "--to", "2026-09-08", "--at", NOW.isoformat()])
    assert code == 0
    assert [[row[key] for key in HEADER] for row in json.loads(capsysbinary.readouterr().out)] == EXPECTED


def test_bad_input_exits_2(platform: None, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["reports", "sla", "--from", "2026-09-08", "--to", "2026-09-01"]
    assert main(base) == 2
    assert "--to is before --from" in capsys.readouterr().err
    assert main(["reports", "sla", "--from", "2026-09-01", "--to", "2026-09-08", "--oblast", "wko-terekti"]) == 2
    assert "no oblast with code 'wko-terekti'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["reports", "sla", "--from", "1 Sept", "--to", "2026-09-08"])
    assert exited.value.code == 2


def _step_late(step: dict[str, str | None], at: datetime) -> bool:
    if not step["deadline"]:
        return False
    deadline = datetime.fromisoformat(step["deadline"])
    if step["completed"]:
        return datetime.fromisoformat(step["completed"]) > deadline
    return deadline < at


def _expected_from_demo(runs: list[dict[str, object]], database: Path, at: datetime) -> list[dict[str, object]]:
    """The SLA rows counted by hand from the demo's JSON (the provider read from the stored case row)."""
    with sqlite3.connect(database) as db:
        providers = dict(db.execute(
            "select c.id, o.code from cases_case c join identity_organization o on o.id = c.provider_id"))
    counted: dict[tuple[str, str], dict[str, int]] = {}
    for run in runs:
        key = (str(run["service"]), providers[run["case_id"]])
        row = counted.setdefault(key, dict.fromkeys(("cases", "closed", "on_time", "late", "open"), 0))
        is_open = run["status"] == "in_progress"
        steps = run["steps"]
        assert isinstance(steps, list)
        is_late = any(_step_late(step, at) for step in steps)
        row["cases"] += 1
        row["open" if is_open else "closed"] += 1
        row["late"] += is_late
        row["on_time"] += not is_open and not is_late
    return [{"service": s, "provider": p, **counts} for (s, p), counts in sorted(counted.items())]


@pytest.mark.slow
def test_reports_sla_on_a_demo_database_counts_the_demo_cases(tmp_path: Path) -> None:
    # given: the demo of one service run into a kept SQLite database (its finished, refused and open cases)
    database = tmp_path / "demo.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"QYZMET_VAR_DIR": str(tmp_path / "var")}
    demo = subprocess.run(
        [*QYZMET, "demo", "--database", f"sqlite:///{database}", "--service", SERVICE, "--json"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert demo.returncode == 0, demo.stderr[-2000:]
    runs = json.loads(demo.stdout)
    at = datetime.now(UTC)
    today = at.date()

    # when
    report = subprocess.run(
        [*QYZMET, "reports", "sla", "--database", f"sqlite:///{database}", "--from",
         (today - timedelta(days=200)).isoformat(), "--to", (today + timedelta(days=1)).isoformat(),
         "--at", at.isoformat()],
        env=env, capture_output=True, text=True, timeout=300,
    )

    # then
    assert report.returncode == 0, report.stderr[-2000:]
    rows = json.loads(report.stdout)
    assert rows == _expected_from_demo(runs, database, at)
    assert sum(row["cases"] for row in rows) == len(runs) and {row["service"] for row in rows} == {SERVICE}


def test_refresh_with_sla_days_rebuilds_the_summary_the_report_reads(
    case_set: CaseSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: the summary lost (as after a bulk load that wrote cases only)
    from qyzmet.reports.models import SlaDay

    SlaDay.objects.all().delete()

    # when
    assert main(["reports", "refresh", "--sla-days"]) == 0

    # then: three rows (09-01 Terekti: A and B; 09-01 Burli: G; 08-28 Terekti: F) and the same report
    assert "3 SLA summary row(s) rebuilt" in capsys.readouterr().out
    rows = json.loads(_sla(tmp_path).read_text())
    assert [[row[key] for key in HEADER] for row in rows] == EXPECTED
