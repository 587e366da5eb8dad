"""A case keeps the regulation it was filed under (ADR 0019): a later version never changes a case in flight."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from qyzmet.api.selectors import task_detail
from qyzmet.cases.errors import CaseVersionMismatch
from qyzmet.cases.models import Case, Task
from qyzmet.cases.services import definition_of
from qyzmet.catalog.definitions import catalog_default, catalog_load
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.services import version_load
from qyzmet.cli import main
from qyzmet.demo.driver import case_drive, case_open, staff_member
from tests.cases.conftest import START
from tests.catalog.test_versions import SERVICE, changed_copy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

# The regulation's provider-office route (wko-2015-patronat-payment, paragraph 6): register, resolve,
# prepare (the executor, 3 working days), sign, issue. The changed copy renames `prepare` to `examine`.
V1_STEPS = ["register", "resolve", "prepare", "sign", "issue"]
V2_STEPS = ["register", "resolve", "examine", "sign", "issue"]


def version_two(directory: Path, *, effective_from: str | None = None) -> ServiceVersion:
    definition = catalog_load([changed_copy(directory, effective_from=effective_from)]).latest(SERVICE)
    loaded = version_load(definition=definition, now=START + timedelta(minutes=30))
    assert loaded.created and loaded.version.version == 2
    return loaded.version


def file_definition() -> ServiceDefinition:
    """The service as the files say; `case_open` files under the stored version in force at its moment."""
    return catalog_default().latest(SERVICE)


def steps_of(case: Case) -> list[str]:
    return list(case.tasks.order_by("sequence").values_list("step_id", flat=True))


def test_a_case_filed_under_version_1_runs_to_its_result_under_version_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: a case filed under version 1, registered and resolved, waiting at the executor's `prepare`
    first = case_open(file_definition(), "provider_office", now=START)
    clock = case_drive(first, now=START, stop_after=2)
    waiting = Task.objects.get(case=first, status=Task.Status.OPEN)
    assert waiting.step_id == "prepare"

    # when: version 2 renames that step, and a second case is filed after it
    two = version_two(tmp_path)
    second = case_open(file_definition(), "provider_office", now=START + timedelta(hours=1))
    detail = task_detail(waiting, user=staff_member("executor", waiting.organization), now=clock)  # type: ignore[arg-type]
    case_drive(first, now=clock)
    case_drive(second, now=START + timedelta(hours=1))
    first.refresh_from_db()
    second.refresh_from_db()

    # then
    one = ServiceVersion.objects.get(service__slug=SERVICE, version=1)
    assert (first.service_version_id, first.definition_sha256) == (one.pk, one.sha256)
    assert (second.service_version_id, second.definition_sha256) == (two.pk, two.sha256)
    assert (first.status, steps_of(first)) == ("issued", V1_STEPS)
    assert (second.status, steps_of(second)) == ("issued", V2_STEPS)
    assert [d["decision"] for d in detail["decisions"]] == ["issued", "refused"]
    # the executor's term is the one of each case's own version: 3 working days, then 2
    prepare = Task.objects.get(case=first, step_id="prepare")
    examine = Task.objects.get(case=second, step_id="examine")
    assert (prepare.duration_value, examine.duration_value) == (3, 2)
    assert main(["catalog", "versions", SERVICE, "--json"]) == 0
    assert [v["cases_filed"] for v in json.loads(capsys.readouterr().out)] == [1, 1]


def test_the_version_in_force_at_filing_is_chosen_by_its_effective_dates(tmp_path: Path) -> None:
    # given: version 2 takes effect on 10 September 2026, nine days after START (1 September)
    two = version_two(tmp_path, effective_from="2026-09-10")

    # when
    before = case_open(file_definition(), "provider_office", now=START + timedelta(days=8))
    after = case_open(file_definition(), "provider_office", now=START + timedelta(days=9))

    # then
    assert before.service_version.version == 1
    assert after.service_version_id == two.pk


def test_a_case_refuses_to_run_a_version_whose_hash_it_did_not_record() -> None:
    # given
    case = case_open(file_definition(), "provider_office", now=START)

    # when: the recorded hash is not the version's (only possible by tampering with the database)
    Case.objects.filter(pk=case.pk).update(definition_sha256="0" * 64)
    case.refresh_from_db()

    # then
    with pytest.raises(CaseVersionMismatch):
        definition_of(case)
