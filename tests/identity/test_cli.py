"""`qyzmet identity check-iin | check-bin | demo-users` and the admin registrations."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin

from qyzmet.cli import main
from qyzmet.identity.demo import CITIZENS, DEMO_PASSWORD, demo_people
from qyzmet.identity.models import (
    LoginAttempt,
    OneTimePassword,
    Organization,
    PersonalDataAccess,
    SmsOutbox,
    StaffRole,
    User,
)


def test_check_iin_accepts_a_valid_number_and_shows_its_hints(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code = main(["identity", "check-iin", "871008401427"])

    # then
    assert code == 0
    assert capsys.readouterr().out == "871008401427: valid IIN (hints only: born 1987-10-08, female)\n"


def test_check_iin_refuses_with_the_reason_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code = main(["identity", "check-iin", "123456789011", "--language", "ru"])

    # then
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err == (
        "qyzmet identity check-iin: check_digit: Неверный контрольный разряд ИИН: проверьте номер на опечатки.\n"
    )


def test_check_bin_accepts_and_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    valid = main(["identity", "check-bin", "961141000023"])
    invalid = main(["identity", "check-bin", "12345"])

    # then
    captured = capsys.readouterr()
    assert (valid, invalid) == (0, 2)
    assert "961141000023: valid BIN" in captured.out
    assert captured.err == "qyzmet identity check-bin: length: The BIN must be 12 characters long (got 5).\n"


def test_demo_users_lists_staff_with_roles_and_citizens(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code = main(["identity", "demo-users", "--json"])

    # then
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(rows) == len(demo_people())
    assert {r["password"] for r in rows} == {DEMO_PASSWORD}
    by_iin = {r["iin"]: r for r in rows}
    assert all(by_iin[c.iin]["roles"] == [] for c in CITIZENS)
    all_roles = [x for r in rows for x in r["roles"]]
    terekti_clerk = {"role": "office_clerk", "organization": "wko-terekti"}
    assert {**terekti_clerk, "organization_name": "Акимат Теректинского района"} in all_roles


def test_demo_users_prints_a_table_with_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    # when
    code = main(["identity", "demo-users"])

    # then
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0] == f"Every demo account's password: {DEMO_PASSWORD}"
    assert len(lines) == 1 + len(demo_people())


def test_every_identity_model_is_in_the_admin() -> None:
    for model in (User, Organization, StaffRole, LoginAttempt, PersonalDataAccess, OneTimePassword, SmsOutbox):
        assert admin.site.is_registered(model), model
