"""Who sees which case: the applicant their own, staff their organizations', monitors their subtree."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qyzmet.cases.access import case_get_for_applicant, case_get_for_officer, document_get_for_user
from qyzmet.cases.models import Case, ResultDocument
from qyzmet.cases.selectors import task_queue_for_user
from qyzmet.core.errors import NotFound
from qyzmet.identity.models import Organization, User
from tests.cases.conftest import START
from tests.cases.factories import CITIZEN_IIN as DEMO_APPLICANT_IIN
from tests.cases.factories import case_at_office, case_worked
from tests.cases.factories import staff as staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]


@pytest.fixture
def case() -> Case:
    return case_at_office("wko-2015-patronat-payment", at=START)


def other_district(case: Case) -> Organization:
    return Organization.objects.filter(code__in=["wko-burli", "wko-terekti"]).exclude(pk=case.provider_id).get()


def test_applicant_sees_their_case_and_another_citizen_does_not(case: Case) -> None:
    applicant = User.objects.get(iin=DEMO_APPLICANT_IIN)
    stranger = User.objects.get(iin="791102333026")

    assert case_get_for_applicant(case_id=case.pk, user=applicant) == case
    with pytest.raises(NotFound):
        case_get_for_applicant(case_id=case.pk, user=stranger)


def test_clerk_of_the_provider_sees_the_case_and_a_clerk_of_another_district_does_not(case: Case) -> None:
    own = staff_member("office_clerk", case.provider)
    foreign = staff_member("office_clerk", other_district(case))

    assert case_get_for_officer(case_id=case.pk, user=own) == case
    with pytest.raises(NotFound):
        case_get_for_officer(case_id=case.pk, user=foreign)
    assert [t.case_id for t in task_queue_for_user(own)] == [case.pk]
    assert list(task_queue_for_user(foreign)) == []


def test_oblast_quality_monitor_sees_every_district_case(case: Case) -> None:
    monitor = staff_member("quality_monitor", Organization.objects.get(code="wko"))
    other_oblast = staff_member("quality_monitor", Organization.objects.get(code="pavlodar"))

    assert case_get_for_officer(case_id=case.pk, user=monitor) == case
    with pytest.raises(NotFound):
        case_get_for_officer(case_id=case.pk, user=other_oblast)


def test_missing_case_and_foreign_case_look_the_same(case: Case) -> None:
    foreign = staff_member("office_clerk", other_district(case))
    with pytest.raises(NotFound) as missing:
        case_get_for_officer(case_id=case.pk + 1000, user=foreign)
    with pytest.raises(NotFound) as hidden:
        case_get_for_officer(case_id=case.pk, user=foreign)
    assert type(missing.value) is type(hidden.value)


def test_applicant_sees_a_document_only_once_it_is_issued(case: Case) -> None:
    # given: drive to the end, then look at the decision before and after issue
    case_worked(case, at=START + timedelta(minutes=5))
    applicant = User.objects.get(iin=DEMO_APPLICANT_IIN)
    document = ResultDocument.objects.get(case=case, document_id="decision")
    assert document_get_for_user(document_id=document.pk, user=applicant) == document

    # when: pretend it was not issued yet
    ResultDocument.objects.filter(pk=document.pk).update(issued_at=None)

    # then
    with pytest.raises(NotFound):
        document_get_for_user(document_id=document.pk, user=applicant)
