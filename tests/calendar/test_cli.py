"""`qyzmet deadline`: one line out, or a one-line error and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from qyzmet.cli import main

QYZMET = Path(sys.executable).with_name("qyzmet")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["deadline", *argv])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_prints_the_deadline_in_iso_8601_with_its_offset(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code, out, err = run(capsys, "--from", "2025-03-20T17:00:00+05:00", "--duration", "3 working_days")

    # then
    assert (code, out, err) == (0, "2025-03-28T18:30:00+05:00\n", "")


def test_office_hours_can_be_overridden(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code, out, _ = run(
        capsys,
        *("--from", "2025-04-01T11:50:00+05:00", "--duration", "15 minutes"),
        *("--hours", "08:00-17:00", "--lunch", "12:00-13:00"),
    )

    # then
    assert (code, out) == (0, "2025-04-01T13:05:00+05:00\n")


def test_the_default_hours_give_the_issue_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--from", "2025-04-01T12:50:00+05:00", "--duration", "15 minutes")
    assert (code, out) == (0, "2025-04-01T14:35:00+05:00\n")


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (("--from", "2025-03-20T17:00:00", "--duration", "3 working_days"), "no UTC offset in '2025-03-20T17:00:00'"),
        (("--from", "2025-03-20T17:00:00+05:00", "--duration", "3 weeks"), "unknown unit 'weeks'"),
        (("--from", "2025-03-20T17:00:00+05:00", "--duration", "-3 hours"), "positive whole number, got -3"),
        (("--from", "2025-02-30T17:00:00+05:00", "--duration", "3 hours"), "not an ISO 8601 date-time"),
        (("--from", "yesterday", "--duration", "3 hours"), "not an ISO 8601 date-time: 'yesterday'"),
        (("--from", "2025-03-20T17:00:00+05:00", "--duration", "3"), "expected a duration like"),
        (("--from", "2025-03-20T17:00:00+05:00", "--duration", "3 hours", "--hours", "9-6"), "time span"),
        (
            ("--from", "2025-03-20T17:00:00+05:00", "--duration", "3 hours", "--hours", "09:00-12:00"),
            "office hours must satisfy",
        ),
        (("--duration", "3 hours"), "the following arguments are required: --from"),
        (("--from", "9999-12-31T10:00:00+05:00", "--duration", "5 calendar_days"), "the working calendar covers"),
    ],
)
def test_bad_input_is_a_one_line_error_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], named: str
) -> None:
    # when
    code, out, err = run(capsys, *argv)

    # then
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("qyzmet deadline: error: ")
    assert named in err


def test_the_installed_command_runs_in_a_subprocess() -> None:
    # when
    result = subprocess.run(
        [str(QYZMET), "deadline", "--from", "2025-03-20T17:00:00+05:00", "--duration", "3 working_days"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # then
    assert (result.returncode, result.stdout, result.stderr) == (0, "2025-03-28T18:30:00+05:00\n", "")


def test_the_calendar_package_does_not_import_django() -> None:
    code = "import sys, qyzmet.calendar; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == "[]\n"
