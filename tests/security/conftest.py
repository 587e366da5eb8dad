"""The world of the access matrix, built once per package and rolled back after it.

Two citizens (A and B), two district akimats of West Kazakhstan (X = Terekti, Y = Burli) and
the oblast's State Corporation branch; A's cases are at X, B's at Y, one of each still open
(a task to act on) and one issued (a result document, receipts). Each person of the matrix is
a demo account: see `ROLES` in test_access_matrix.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from qyzmet.api.models import ApplicationDraft
from qyzmet.cases.intake import Applicant, Application, intake_office, intake_refuse
from qyzmet.cases.models import Case, Receipt, ResultDocument, Task
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.services import catalog_sync
from qyzmet.identity.demo import CITIZENS, load_demo
from qyzmet.identity.models import Organization, User
from qyzmet.signatures.pki import pki_init
from qyzmet.state_corporation.models import QueueTicket
from tests.api.conftest import api_ca, api_data, api_registries, clock
from tests.cases.conftest import START
from tests.cases.factories import case_worked
from tests.cases.factories import staff as staff_member

# The API tests' package data (catalogue, demo people, back-dated CA; loaded once, rolled back after the
# package) for the fuzzing and schemathesis modules. Imported here, in the package's conftest, so that
# pytest scopes it to this package: imported into a test module, it outlived the package and held its
# transaction open under the transactional tests that follow on PostgreSQL.
__all__ = ["api_ca", "api_data", "api_registries", "clock"]

SERVICE = "wko-2019-parent-visit-permission"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Side:
    """What belongs to one citizen and one district: A at X, or B at Y."""

    citizen: User
    organization: Organization
    open_case: Case
    open_task: Task
    issued_case: Case
    document: ResultDocument
    receipt: Receipt
    draft: ApplicationDraft
    branch: Organization
    ticket: QueueTicket


@dataclass(frozen=True)
class World:
    people: dict[str, User | None]
    own: Side
    other: Side


def _file(version: ServiceVersion, provider: Organization, citizen: User, now: datetime) -> Case:
    return intake_office(
        version=version, provider=provider, clerk=staff_member("office_clerk", provider),
        applicant=Applicant(iin=citizen.iin, name=citizen.full_name, user=citizen),
        application=Application(form={"demo": True}, attachments=[], language="ru"), originals_compared=True, now=now,
    )


def _side(citizen: User, code: str, branch_code: str) -> Side:
    definition = catalog_default().latest(SERVICE)
    version = ServiceVersion.objects.get(service__slug=definition.id, version=definition.version)
    organization = Organization.objects.get(code=code)
    issued = _file(version, organization, citizen, START)
    case_worked(issued, at=START + timedelta(minutes=5))
    opened = _file(version, organization, citizen, START + timedelta(minutes=5))
    branch = Organization.objects.get(code=branch_code)
    return Side(
        citizen=citizen, organization=organization, open_case=opened,
        open_task=Task.objects.get(case=opened, status=Task.Status.OPEN), issued_case=issued,
        document=issued.documents.get(intermediate=False),
        receipt=intake_refuse(version=version, channel="provider_office", organization=organization,
                              applicant=Applicant(iin=citizen.iin, name=citizen.full_name, user=citizen),
                              grounds=["incomplete_package"], missing=[],
                              actor=staff_member("office_clerk", organization),
                              now=START),
        draft=ApplicationDraft.objects.create(applicant=citizen, service_version=version, provider=organization,
                                              form={"demo": True}, created_at=START),
        branch=branch,
        ticket=QueueTicket.objects.create(branch=branch, day=date(2026, 9, 1), sequence=1, number="A001",
                                          issued_at=START),
    )


@pytest.fixture(scope="session")
def matrix_pki(tmp_path_factory: pytest.TempPathFactory) -> Any:
    directory = tmp_path_factory.mktemp("matrix-pki")
    pki_init(directory, base_url="http://127.0.0.1:8000", now=datetime.now(UTC) - timedelta(days=365))
    return directory


@pytest.fixture(scope="package")
def world(django_db_setup: None, django_db_blocker: Any, matrix_pki: Any) -> Iterator[World]:
    """The catalogue, the demo people and the objects of the matrix, loaded once and rolled back after."""
    overridden = override_settings(QYZMET_PKI_DIR=matrix_pki, PASSWORD_HASHERS=FAST_HASHERS)
    overridden.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        catalog_sync(catalog=catalog_default(), now=START)
        load_demo()
        terekti, burli = Organization.objects.get(code="wko-terekti"), Organization.objects.get(code="wko-burli")
        wko = Organization.objects.get(code="wko")
        citizen_a = User.objects.get(iin=CITIZENS[0].iin)
        citizen_b = User.objects.get(iin=CITIZENS[1].iin)
        people: dict[str, User | None] = {
            "anonymous": None,
            "citizen_a": citizen_a,
            "citizen_b": citizen_b,
            "clerk_x": staff_member("office_clerk", terekti),
            "clerk_y": staff_member("office_clerk", burli),
            "head_x": staff_member("head", terekti),
            "executor_x": staff_member("executor", terekti),
            "sc_operator": staff_member("sc_operator", Organization.objects.get(code="wko-sc")),
            "monitor": staff_member("quality_monitor", wko),
            "admin": staff_member("administrator", wko),
        }
        built = World(people=people, own=_side(citizen_a, "wko-terekti", "wko-sc"),
                      other=_side(citizen_b, "wko-burli", "pavlodar-sc"))
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        overridden.disable()
