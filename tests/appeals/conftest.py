"""The cases tests' CA and platform, the appeal definitions stored, and a case refused in December 2026."""

from __future__ import annotations

import base64
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from qyzmet.appeals.models import Appeal
from qyzmet.appeals.services import AppealText, AppealVerdict, appeal_bytes, appeal_decision_preview, appeal_file_portal
from qyzmet.cases.models import Case, Task
from qyzmet.catalog.definitions import catalog_appeals
from qyzmet.catalog.services import catalog_sync
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.models import User
from tests.cases.conftest import _pki_settings, pki_directory, platform
from tests.cases.factories import case_at_office, staff, tasks_done

__all__ = ["_pki_settings", "pki_directory", "platform"]

ALMATY = ZoneInfo("Asia/Almaty")
SERVICE = "wko-2015-patronat-payment"  # register 15 min, resolve 1 wd, prepare 3 wd, sign 1 wd, issue 15 min
# Inside the test CA's validity (from 2024-03-01; the demo keys for three years).
FILED = datetime(2025, 12, 1, 9, 30, tzinfo=ALMATY)  # Monday
# Monday 15 December 2025, 10:00: the citizen appeals (Independence Day, Tuesday 16 December, is a day off).
APPEALED = datetime(2025, 12, 15, 10, 0, tzinfo=ALMATY)
COMPLAINT = AppealText(subject="decision", text="The refusal ignores the documents I handed in.")


@pytest.fixture
def appeals_stored(platform: None) -> None:
    catalog_sync(catalog=catalog_appeals(), now=FILED)


def refused_case() -> Case:
    """A patronat-payment case filed at the office on Mon 1 Dec 2025 09:30 and refused (signed, issued, closed)."""
    case = case_at_office(SERVICE, at=FILED)
    tasks_done(case, [
        datetime(2025, 12, 1, 9, 40, tzinfo=ALMATY),  # register, due 09:45
        datetime(2025, 12, 1, 11, 0, tzinfo=ALMATY),  # resolve, due Tue 02.12 18:30
        datetime(2025, 12, 3, 16, 0, tzinfo=ALMATY),  # prepare, due Thu 04.12 18:30
        datetime(2025, 12, 4, 10, 0, tzinfo=ALMATY),  # sign, due Thu 04.12 18:30
        datetime(2025, 12, 4, 10, 10, tzinfo=ALMATY),  # issue, due 10:15
    ], decision="refused")
    case.refresh_from_db()
    assert case.status == Case.Status.REFUSED
    return case


def eds(user: User, content: bytes, at: datetime, organization: object = None) -> str:
    key = demo_key_for(user, organization=organization, now=at) if organization else demo_key_for(user, now=at)
    return base64.b64encode(demo_sign(key, content, at=at)).decode("ascii")


def appeal_signed(original: Case, *, at: datetime = APPEALED, said: AppealText = COMPLAINT) -> Appeal:
    citizen = original.applicant
    assert citizen is not None
    content = appeal_bytes(original=original, said=said, now=at)
    return appeal_file_portal(original_id=original.pk, applicant=citizen, said=said, now=at,
                              signature=eds(citizen, content, at))


def open_task(case: Case) -> Task:
    return Task.objects.select_related("organization", "case").get(case=case, status=Task.Status.OPEN)


def register(appeal: Appeal, at: datetime) -> Task:
    """The provider's clerk registers the appeal; the head's decision task is open after it."""
    from qyzmet.cases.services import TaskAction, task_complete

    task = open_task(appeal.case)
    assert task.step_id == "register"
    task_complete(task=task, actor=staff("office_clerk", task.organization), action=TaskAction(), now=at)
    return open_task(appeal.case)


def decide(task: Task, verdict: AppealVerdict, at: datetime) -> Appeal:
    from qyzmet.appeals.services import appeal_decide

    head = staff("head", task.organization)
    signatures = {
        document_id: eds(head, content, at, task.organization)
        for document_id, content in appeal_decision_preview(task=task, verdict=verdict).items()
    }
    return appeal_decide(task=task, actor=head, verdict=verdict, signatures=signatures, now=at)
