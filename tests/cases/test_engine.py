"""The case engine runs a definition: tasks by role with calendar deadlines, branches, decisions, signatures."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from qyzmet.calendar import Duration, Unit, deadline
from qyzmet.cases.errors import TransitionNotAllowed
from qyzmet.cases.events import case_chain_verify
from qyzmet.cases.models import Case, CaseEvent, CaseStatus, ResultDocument, Task
from qyzmet.cases.routing import calendar_hours
from qyzmet.cases.services import TaskAction, route_of, task_complete, tasks_mark_overdue
from qyzmet.catalog.registry import catalog_default
from qyzmet.demo.driver import case_drive, case_open, staff_member
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.models import Organization
from tests.cases.conftest import START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]


def open_task(case: Case) -> Task:
    return Task.objects.select_related("organization").get(case=case, status=Task.Status.OPEN)


def expected_due(task: Task) -> object:
    assert task.organization is not None and task.duration_value is not None
    term = Duration(task.duration_value, Unit(task.duration_unit))
    return deadline(task.started_at, term, hours=calendar_hours(task.organization))


def test_office_case_runs_every_step_by_its_role_within_calendar_deadlines() -> None:
    # given
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "provider_office", now=START)

    # when
    case_drive(case, now=START)

    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED
    tasks = list(case.tasks.select_related("organization").order_by("sequence"))
    assert [(t.step_id, t.role) for t in tasks] == [
        ("register", "office_clerk"),
        ("resolve", "head"),
        ("prepare", "executor"),
        ("sign", "head"),
        ("issue", "office_clerk"),
    ]
    for task in tasks:
        assert task.due_at == expected_due(task)
        assert task.completed_at is not None and task.completed_at <= task.due_at
    decision = ResultDocument.objects.get(case=case, document_id="decision")
    assert decision.signature is not None and decision.delivered_to == "in_person_at_provider"
    assert case_chain_verify(case) is None


def test_working_days_deadline_skips_the_weekend() -> None:
    # given: resolve (1 working day) starts on Friday 2026-09-04
    definition = catalog_default().latest("wko-2015-patronat-payment")
    friday = START + timedelta(days=3)
    case = case_open(definition, "provider_office", now=friday)
    register = open_task(case)
    task_complete(
        task=register,
        actor=staff_member("office_clerk", register.organization),
        action=TaskAction(),
        now=friday + timedelta(minutes=5),
    )

    # then: due at the end of Monday's office day
    resolve = open_task(case)
    assert resolve.due_at is not None
    assert resolve.due_at.astimezone(START.tzinfo).isoformat() == "2026-09-07T18:30:00+05:00"


def test_refusal_needs_a_ground_and_changes_nothing_without_it() -> None:
    # given
    definition = catalog_default().latest("wko-2019-camp-referrals")
    case = case_open(definition, "provider_office", now=START)
    case_drive_until(case, "prepare")
    task = open_task(case)
    events_before = CaseEvent.objects.filter(case=case).count()

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        task_complete(
            task=task,
            actor=staff_member("executor", task.organization),
            action=TaskAction(decision="refused"),
            now=START + timedelta(hours=2),
        )

    # then
    assert refused.value.code == "transition_not_allowed.ground_required"
    assert refused.value.message("ru") == "Действие не разрешено: укажите основание отказа"
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert open_task(case).pk == task.pk


def test_motivated_refusal_is_signed_and_issued() -> None:
    # given
    definition = catalog_default().latest("wko-2019-camp-referrals")
    case = case_open(definition, "portal", now=START)

    # when
    case_drive(case, now=START, outcome="refused")

    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED and case.refusal_ground
    refusal = ResultDocument.objects.get(case=case, kind="motivated_refusal")
    assert refusal.signature is not None and refusal.delivered_to == "personal_cabinet"


def test_someone_without_the_role_cannot_act_and_nothing_is_written() -> None:
    # given: the clerk of another WKO district tries the case's first task
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "provider_office", now=START)
    task = open_task(case)
    other = Organization.objects.filter(code__in=["wko-burli", "wko-terekti"]).exclude(pk=case.provider_id).get()
    outsider = staff_member("office_clerk", other)
    events_before = CaseEvent.objects.filter(case=case).count()

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        task_complete(task=task, actor=outsider, action=TaskAction(), now=START + timedelta(minutes=3))

    # then
    assert refused.value.code == "transition_not_allowed.wrong_role"
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN


def test_branching_step_needs_one_of_its_branches() -> None:
    # given: the provider's document check on the portal channel
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "portal", now=START)
    task = open_task(case)
    assert task.step_id == "check_documents"

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        task_complete(
            task=task,
            actor=staff_member("office_clerk", task.organization),
            action=TaskAction(),
            now=START + timedelta(minutes=3),
        )

    # then
    assert "compliant, deficient" in refused.value.message("en")


def test_deficient_documents_end_the_portal_case_with_a_refusal_message() -> None:
    # given
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "portal", now=START)

    # when
    case_drive(case, now=START, branches={"check_documents": "deficient"})

    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.ENDED
    assert [t.step_id for t in case.tasks.order_by("sequence")][-2:] == ["check_documents", "refuse_documents"]
    assert not case.documents.exists()


def test_guardianship_goes_through_the_akimat_resolution_signed_by_the_akimat() -> None:
    # given
    definition = catalog_default().latest("wko-2019-guardianship-establishment")
    case = case_open(definition, "portal", now=START)

    # when
    case_drive(case, now=START)

    # then
    case.refresh_from_db()
    adopt = case.tasks.get(role="akimat")
    assert adopt.organization is not None and adopt.organization.kind in {"district_akimat", "city_akimat"}
    assert adopt.duration_value == 6 and adopt.duration_unit == "working_days"
    resolution = ResultDocument.objects.get(case=case, kind="akimat_resolution")
    assert resolution.signed_by is not None and resolution.signed_by.staff_roles.filter(role="akimat").exists()
    assert not case.tasks.filter(role="head", does="sign").exists()


def test_negative_guardianship_decision_skips_the_akimat() -> None:
    # given
    definition = catalog_default().latest("wko-2019-guardianship-establishment")
    case = case_open(definition, "portal", now=START)
    prepare = next(s for s in route_of(case).steps if s.decides)
    negative = next(b.when for b in prepare.branches or [] if b.taken == "failure")

    # when
    case_drive(case, now=START, outcome="refused", branches={prepare.id: negative})

    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED
    assert not case.tasks.filter(role="akimat").exists()


def test_assistance_certificate_shares_one_15_minute_budget() -> None:
    # given
    definition = catalog_default().latest("karaganda-2015-assistance-status-certificate")

    # when
    case = case_open(definition, "provider_office", now=START)
    case_drive(case, now=START)

    # then
    tasks = list(case.tasks.filter(phase="procedure").order_by("sequence"))
    assert len(tasks) == 5
    budget_end = deadline(tasks[0].started_at, Duration(15, Unit.MINUTES), hours=calendar_hours(tasks[0].organization))
    assert {t.due_at for t in tasks} == {budget_end}
    assert all(t.completed_at is not None and t.completed_at <= budget_end for t in tasks)


def test_rural_akim_route_forwards_to_the_provider_and_back() -> None:
    # given
    definition = catalog_default().latest("karaganda-2015-targeted-social-assistance")

    # when
    case = case_open(definition, "rural_akim", now=START)
    case_drive(case, now=START)

    # then
    case.refresh_from_db()
    tasks = list(case.tasks.select_related("organization").order_by("sequence"))
    assert len(tasks) == 10
    kinds = [t.organization.kind for t in tasks if t.organization]
    assert kinds[:4] == ["rural_akim_office"] * 4 and kinds[-1] == "rural_akim_office"
    assert set(kinds[4:9]) == {"employment_social_department"}
    assert ResultDocument.objects.filter(case=case, kind="cover_letter").exists()
    assert case.status == CaseStatus.ISSUED and case.documents.get(kind="notification").delivered_to == "rural_akim"


def test_overdue_tasks_are_marked_once() -> None:
    # given
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "provider_office", now=START)
    task = open_task(case)
    assert task.due_at is not None
    later = task.due_at + timedelta(minutes=1)

    # when
    first = tasks_mark_overdue(now=later)
    second = tasks_mark_overdue(now=later)

    # then
    assert (first, second) == (1, 0)
    assert Task.objects.get(pk=task.pk).overdue_at == later
    assert CaseEvent.objects.filter(case=case, kind="task_overdue").count() == 1


def test_a_changed_event_breaks_the_chain_at_that_event() -> None:
    # given
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "provider_office", now=START)
    case_drive(case, now=START)
    assert case_chain_verify(case) is None
    third = CaseEvent.objects.get(case=case, sequence=3)

    # when: someone edits the stored data behind the application's back
    CaseEvent.objects.filter(pk=third.pk).update(data={"branch": "forged"})

    # then
    found = case_chain_verify(case)
    assert found is not None and found.sequence == 3 and "changed" in found.reason


def test_a_deleted_event_breaks_the_chain() -> None:
    # given
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "provider_office", now=START)
    case_drive(case, now=START)

    # when
    CaseEvent.objects.filter(case=case, sequence=4).delete()

    # then
    found = case_chain_verify(case)
    assert found is not None and found.sequence == 4 and "missing" in found.reason


def test_signing_with_another_persons_key_is_refused() -> None:
    # given
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "provider_office", now=START)
    case_drive_until(case, "sign")
    task = open_task(case)
    head = staff_member("head", task.organization)
    executor = staff_member("executor", task.organization)
    at = START + timedelta(hours=3)
    wrong_key = demo_key_for(executor, organization=task.organization, now=at)
    document = ResultDocument.objects.get(case=case, document_id="decision")
    signature = base64.b64encode(demo_sign(wrong_key, bytes(document.content), at=at)).decode()

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        task_complete(task=task, actor=head, action=TaskAction(signatures={"decision": signature}), now=at)

    # then
    assert "IIN_MISMATCH" in refused.value.message("en")
    assert ResultDocument.objects.get(pk=document.pk).signature is None


@pytest.mark.parametrize(("key_of", "code"), [
    ("personal", "BIN_PERSONAL_KEY"),
    ("other organization", "BIN_MISMATCH"),
])
def test_the_head_must_sign_the_decision_with_the_organizations_key(key_of: str, code: str) -> None:
    # given the head's own key, but personal or as staff of another organization
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "provider_office", now=START)
    case_drive_until(case, "sign")
    task = open_task(case)
    assert task.organization is not None
    head = staff_member("head", task.organization)
    at = START + timedelta(hours=3)
    other = Organization.objects.exclude(pk=task.organization.pk).order_by("code").first()
    key = demo_key_for(head, organization=None if key_of == "personal" else other, now=at)
    assert key.certificate.subject.rfc4514_string().count("IIN" + head.iin) == 1
    document = ResultDocument.objects.get(case=case, document_id="decision")
    signature = base64.b64encode(demo_sign(key, bytes(document.content), at=at)).decode()

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        task_complete(task=task, actor=head, action=TaskAction(signatures={"decision": signature}), now=at)

    # then
    assert code in refused.value.message("en")
    assert ResultDocument.objects.get(pk=document.pk).signature is None
    assert open_task(case).pk == task.pk


def test_the_head_signs_the_decision_with_the_organizations_key() -> None:
    # the control for the test above: the same head, the task organization's key
    definition = catalog_default().latest("wko-2015-patronat-payment")
    case = case_open(definition, "provider_office", now=START)
    case_drive_until(case, "sign")
    task = open_task(case)
    assert task.organization is not None
    head = staff_member("head", task.organization)
    at = START + timedelta(hours=3)
    key = demo_key_for(head, organization=task.organization, now=at)
    document = ResultDocument.objects.get(case=case, document_id="decision")
    signature = base64.b64encode(demo_sign(key, bytes(document.content), at=at)).decode()

    task_complete(task=task, actor=head, action=TaskAction(signatures={"decision": signature}), now=at)

    assert ResultDocument.objects.get(pk=document.pk).signature is not None


def case_drive_until(case: Case, step_id: str) -> None:
    """Complete tasks as the driver would, stopping when `step_id` is the open task."""
    from qyzmet.demo.driver import _action, _completion

    clock = START
    while (task := open_task(case)).step_id != step_id:
        actor = staff_member(task.role, task.organization)
        clock = _completion(task, clock)
        task_complete(
            task=task,
            actor=actor,
            action=_action(case, task, actor, outcome="issued", at=clock, branches={}),
            now=clock,
        )
