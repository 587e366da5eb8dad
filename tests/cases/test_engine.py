"""The case engine runs a definition: tasks by role with calendar deadlines, branches, decisions, signatures.

Every expected deadline below is counted by hand from the Kazakh calendar (ADR 0002): office day
09:00–18:30 with lunch 13:00–14:30 (8 office hours), a five-day week, the holidays of the Law on
holidays (one falling on a weekend moves to the next working day), the first day of Kurban ait and
Orthodox Christmas (never moved), Government transfers, and 30 August no longer a day off from 2026.
A term in working days does not count the day the step starts and ends at 18:30 of its last day.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from qyzmet.api.selectors import task_row
from qyzmet.backoffice.selectors import _left_text
from qyzmet.cases.errors import TransitionNotAllowed
from qyzmet.cases.events import case_chain_verify
from qyzmet.cases.models import Case, CaseEvent, CaseStatus, ResultDocument, Task
from qyzmet.cases.selectors import task_time_left
from qyzmet.cases.services import TaskAction, route_of, task_complete, tasks_mark_overdue
from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.models import Organization
from qyzmet.portal.templatetags.portal_tags import time_left
from tests.cases.conftest import START
from tests.cases.factories import (
    case_at_office,
    case_at_rural_akim,
    case_on_portal,
    case_worked,
    staff,
    task_done,
    task_open,
    tasks_done,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

ALMATY = ZoneInfo("Asia/Almaty")
PATRONAT = "wko-2015-patronat-payment"  # office: register 15 min, resolve 1 wd, prepare 3 wd, sign 1 wd, issue 15 min
CAMP = "wko-2019-camp-referrals"


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in Almaty (UTC+05:00 since 2024-03-01)."""
    return datetime(year, month, day, hour, minute, tzinfo=ALMATY)


def open_task(case: Case) -> Task:
    return task_open(case)


def case_drive_until(case: Case, step_id: str) -> None:
    """Complete the tasks five minutes apart from START until `step_id` is the open task."""
    case_worked(case, at=START + timedelta(minutes=5), until=step_id)


def test_office_case_runs_every_step_by_its_role_within_calendar_deadlines() -> None:
    # given: filed at the Terekti office on Tuesday 01.09.2026 at 09:30
    case = case_at_office(PATRONAT, at=START)

    # when: each person acts at a time chosen by hand, each before the step's deadline
    done = tasks_done(case, [
        at(2026, 9, 1, 9, 40),  # register
        at(2026, 9, 1, 11, 0),  # resolve
        at(2026, 9, 3, 16, 0),  # prepare
        at(2026, 9, 4, 10, 0),  # sign
        at(2026, 9, 4, 10, 10),  # issue
    ])

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
    assert [t.due_at for t in tasks] == [
        at(2026, 9, 1, 9, 45),  # 15 office minutes from 09:30
        at(2026, 9, 2, 18, 30),  # 1 working day from Tue 01.09 (not counted): Wed 02.09
        at(2026, 9, 4, 18, 30),  # 3 working days from Tue 01.09: 02, 03, Fri 04.09
        at(2026, 9, 4, 18, 30),  # 1 working day from Thu 03.09: Fri 04.09
        at(2026, 9, 4, 10, 15),  # 15 office minutes from 10:00, when sign was done
    ]
    assert [t.pk for t in done] == [t.pk for t in tasks]
    assert [task_row(t, now=at(2026, 9, 8, 12, 0))["overdue"] for t in tasks] == [False] * 5
    decision = ResultDocument.objects.get(case=case, document_id="decision")
    assert decision.signature is not None and decision.delivered_to == "in_person_at_provider"
    assert case_chain_verify(case) is None


def test_working_days_deadline_skips_the_weekend() -> None:
    # given: resolve (1 working day) starts on Friday 2026-09-04
    case = case_at_office(PATRONAT, at=at(2026, 9, 4, 9, 30))

    # when
    task_done(case, at=at(2026, 9, 4, 9, 35))

    # then: Sat 05 and Sun 06 are not counted: due at the end of Monday's office day
    assert open_task(case).due_at == at(2026, 9, 7, 18, 30)


@pytest.mark.parametrize(("filed", "due"), [
    # 12:50 + 10 minutes reaches lunch at 13:00; the other 5 are counted from 14:30.
    (at(2026, 9, 1, 12, 50), at(2026, 9, 1, 14, 35)),
    # Friday 18:20 + 10 minutes closes the office; the other 5 are Monday's first.
    (at(2026, 9, 4, 18, 20), at(2026, 9, 7, 9, 5)),
    # Filed on Nauryz (Monday 23.03.2026): 23 is a holiday, 24 and 25 are the days off moved from
    # Saturday 21 and Sunday 22; the 15 minutes run from Thursday 26.03 09:00.
    (at(2026, 3, 23, 10, 0), at(2026, 3, 26, 9, 15)),
    # Filed in the evening of Thursday 30.04.2026: Friday 1 May is a holiday; Monday 4 May 09:15.
    (at(2026, 4, 30, 19, 0), at(2026, 5, 4, 9, 15)),
], ids=["across-lunch", "across-the-weekend", "filed-on-nauryz", "evening-before-1-may"])
def test_a_15_minute_step_counts_office_minutes_only(filed: datetime, due: datetime) -> None:
    # when
    case = case_at_office(PATRONAT, at=filed)

    # then
    register = open_task(case)
    assert (register.step_id, register.started_at, register.due_at) == ("register", filed, due)


# Each row: when resolve (1 working day) starts and its deadline; when prepare (3 working days) starts
# and its deadline. Counted by hand; the reason is in the comment.
NAMED_DATES = [
    pytest.param(
        # New Year 2026: Thu 1 and Fri 2 Jan holidays, 3-4 weekend -> resolve Mon 05.01.
        # Prepare from Mon 05.01: Tue 06 (1), Wed 07 Orthodox Christmas, Thu 08 (2), Fri 09 (3).
        at(2025, 12, 31, 10, 0), at(2026, 1, 5, 18, 30), at(2026, 1, 5, 11, 0), at(2026, 1, 9, 18, 30),
        id="new-year-and-christmas-2026"),
    pytest.param(
        # New Year 2025 with the decree G24G0000436: Fri 3 Jan a day off moved from Sunday 5 Jan,
        # which is a WORKING day -> resolve from Tue 31.12.2024 ends Sun 05.01.2025.
        # Prepare from Sun 05.01: Mon 06 (1), Tue 07 Christmas, Wed 08 (2), Thu 09 (3).
        at(2024, 12, 31, 10, 0), at(2025, 1, 5, 18, 30), at(2025, 1, 5, 11, 0), at(2025, 1, 9, 18, 30),
        id="transferred-working-sunday-2025"),
    pytest.param(
        # May 2024 with the decree G24G0000109: Saturday 4 May a working day, Wed 8 May a day off.
        # Resolve from Fri 03.05 ends Sat 04.05. Prepare from Sat 04.05: Mon 06 (1), Tue 07 Defender's
        # Day, Wed 08 moved day off, Thu 09 Victory Day, Fri 10 (2), Mon 13 (3).
        at(2024, 5, 3, 10, 0), at(2024, 5, 4, 18, 30), at(2024, 5, 4, 11, 0), at(2024, 5, 13, 18, 30),
        id="transferred-working-saturday-2024"),
    pytest.param(
        # Nauryz 2026: Sat 21, Sun 22, Mon 23 March; the weekend two move to Tue 24 and Wed 25.
        # Resolve from Fri 20.03 ends Thu 26.03. Prepare from Thu 26.03: Fri 27 (1), Mon 30 (2), Tue 31 (3).
        at(2026, 3, 20, 10, 0), at(2026, 3, 26, 18, 30), at(2026, 3, 26, 11, 0), at(2026, 3, 31, 18, 30),
        id="nauryz-2026"),
    pytest.param(
        # Unity Day, Friday 1 May 2026: resolve from Thu 30.04 ends Mon 04.05.
        # Prepare from Mon 04.05: Tue 05 (1), Wed 06 (2), Thu 07 Defender's Day, Fri 08 (3).
        at(2026, 4, 30, 15, 0), at(2026, 5, 4, 18, 30), at(2026, 5, 4, 11, 0), at(2026, 5, 8, 18, 30),
        id="1-and-7-may-2026"),
    pytest.param(
        # Defender's Day Thu 7 May 2026: resolve from Wed 06.05 ends Fri 08.05. Victory Day falls on
        # Saturday 9 May and moves to Mon 11: prepare from Fri 08.05: Tue 12 (1), Wed 13 (2), Thu 14 (3).
        at(2026, 5, 6, 9, 10), at(2026, 5, 8, 18, 30), at(2026, 5, 8, 10, 0), at(2026, 5, 14, 18, 30),
        id="7-and-9-may-2026"),
    pytest.param(
        # Kurban ait 2026, Wednesday 27 May (the official date): resolve from Tue 26.05 ends Thu 28.05.
        # Prepare from Tue 26.05: Thu 28 (1), Fri 29 (2), Mon 01.06 (3).
        at(2026, 5, 26, 10, 0), at(2026, 5, 28, 18, 30), at(2026, 5, 26, 16, 0), at(2026, 6, 1, 18, 30),
        id="kurban-ait-2026"),
    pytest.param(
        # Capital Day, Monday 6 July 2026: resolve from Fri 03.07 ends Tue 07.07.
        # Prepare from Fri 03.07: Tue 07 (1), Wed 08 (2), Thu 09 (3).
        at(2026, 7, 3, 10, 0), at(2026, 7, 7, 18, 30), at(2026, 7, 3, 11, 0), at(2026, 7, 9, 18, 30),
        id="capital-day-2026"),
    pytest.param(
        # 30 August is no longer a day off from 2026 (it is a Sunday, and Monday 31 is NOT a substitute):
        # resolve from Fri 28.08 ends Mon 31.08. Prepare from Fri 28.08: Mon 31 (1), Tue 01.09 (2), Wed 02 (3).
        at(2026, 8, 28, 10, 0), at(2026, 8, 31, 18, 30), at(2026, 8, 28, 11, 0), at(2026, 9, 2, 18, 30),
        id="30-august-2026-a-working-monday-after"),
    pytest.param(
        # Republic Day, Sunday 25 October 2026, moves to Monday 26: resolve from Fri 23.10 ends Tue 27.10.
        # Prepare from Fri 23.10: Tue 27 (1), Wed 28 (2), Thu 29 (3).
        at(2026, 10, 23, 10, 0), at(2026, 10, 27, 18, 30), at(2026, 10, 23, 11, 0), at(2026, 10, 29, 18, 30),
        id="republic-day-2026"),
    pytest.param(
        # Independence Day, Wednesday 16 December 2026: resolve from Tue 15.12 ends Thu 17.12.
        # Prepare from Tue 15.12: Thu 17 (1), Fri 18 (2), Mon 21 (3).
        at(2026, 12, 15, 10, 0), at(2026, 12, 17, 18, 30), at(2026, 12, 15, 11, 0), at(2026, 12, 21, 18, 30),
        id="independence-day-2026"),
]


@pytest.mark.parametrize(("resolve_from", "resolve_due", "prepare_from", "prepare_due"), NAMED_DATES)
def test_working_day_deadlines_on_named_dates_are_the_ones_counted_by_hand(
    resolve_from: datetime, resolve_due: datetime, prepare_from: datetime, prepare_due: datetime
) -> None:
    # given: filed at the office ten minutes before the clerk registers it
    case = case_at_office(PATRONAT, at=resolve_from - timedelta(minutes=10))

    # when
    register = task_done(case, at=resolve_from)
    resolve = open_task(case)
    task_done(case, at=prepare_from)
    prepare = open_task(case)

    # then
    assert (register.step_id, resolve.step_id, prepare.step_id) == ("register", "resolve", "prepare")
    assert (resolve.started_at, resolve.due_at) == (resolve_from, resolve_due)
    assert (prepare.started_at, prepare.due_at) == (prepare_from, prepare_due)


def test_a_step_done_at_its_deadline_is_on_time_and_one_done_a_minute_later_is_late() -> None:
    # given: filed Tue 01.09.2026 12:50; register is due 14:35 (10 minutes to lunch, 5 after it)
    case = case_at_office(PATRONAT, at=at(2026, 9, 1, 12, 50))

    # when: the clerk registers at 14:35 sharp; resolve (due Wed 02.09 18:30) is done Thu 03.09 09:01, one office
    # minute after the deadline
    register = task_done(case, at=at(2026, 9, 1, 14, 35))
    resolve = task_done(case, at=at(2026, 9, 3, 9, 1))

    # then
    assert register.due_at == at(2026, 9, 1, 14, 35)
    assert resolve.due_at == at(2026, 9, 2, 18, 30)
    on_time = task_time_left(register, at(2026, 9, 8, 12, 0))
    assert on_time is not None and (on_time.used, on_time.left, on_time.overdue) == (15, 0, False)
    # the timeline row the applicant and the staff read (API and pages)
    later = at(2026, 9, 8, 12, 0)
    assert (task_row(register, now=later)["overdue"], task_row(resolve, now=later)["overdue"]) == (False, True)
    # the time-left figure the pages show says the same: late, in its first started working day
    late = task_time_left(resolve, later)
    assert late is not None and (late.left, late.overdue) == (-1, True)


def test_a_minutes_term_overdue_by_whole_working_days_is_told_in_working_days() -> None:
    # given: filed Tue 01.09.2026 12:50; the 15-minute registration is due 14:35 and nobody registers it.
    # The office works 09:00-18:30 with lunch 13:00-14:30: 480 minutes a day.
    case = case_at_office(PATRONAT, at=at(2026, 9, 1, 12, 50))
    register = open_task(case)

    # when: two office hours late, then five working days late (Wed 2, Thu 3, Fri 4, Mon 7, Tue 8 September)
    hours_late = task_time_left(register, at(2026, 9, 1, 16, 35))
    days_late = task_time_left(register, at(2026, 9, 8, 14, 35))

    # then: the term's own unit is kept for the API; a page tells the days once a whole one has passed
    assert hours_late is not None and days_late is not None
    assert (hours_late.unit, hours_late.left, hours_late.shown_unit, hours_late.shown_left) == (
        "minutes", -120, "minutes", -120)
    assert (days_late.unit, days_late.left, days_late.shown_unit, days_late.shown_left) == (
        "minutes", -5 * 480, "working_days", -5)
    with translation.override("en"):
        assert _left_text(days_late) == "overdue by 5 working days"
        assert time_left(days_late) == "overdue, working days: 5"


def test_refusal_needs_a_ground_and_changes_nothing_without_it() -> None:
    # given
    case = case_at_office(CAMP, at=START)
    case_drive_until(case, "prepare")
    task = open_task(case)
    events_before = CaseEvent.objects.filter(case=case).count()

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        task_complete(
            task=task,
            actor=staff("executor", task.organization),
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
    case = case_on_portal(CAMP, at=START)

    # when
    case_worked(case, at=START + timedelta(minutes=5), decision="refused")

    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED and case.refusal_ground
    refusal = ResultDocument.objects.get(case=case, kind="motivated_refusal")
    assert refusal.signature is not None and refusal.delivered_to == "personal_cabinet"


def test_someone_without_the_role_cannot_act_and_nothing_is_written() -> None:
    # given: the clerk of another WKO district tries the case's first task
    case = case_at_office(PATRONAT, at=START)
    task = open_task(case)
    other = Organization.objects.filter(code__in=["wko-burli", "wko-terekti"]).exclude(pk=case.provider_id).get()
    outsider = staff("office_clerk", other)
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
    case = case_on_portal(PATRONAT, at=START)
    task = open_task(case)
    assert task.step_id == "check_documents"

    # when
    with pytest.raises(TransitionNotAllowed) as refused:
        task_complete(
            task=task,
            actor=staff("office_clerk", task.organization),
            action=TaskAction(),
            now=START + timedelta(minutes=3),
        )

    # then
    assert "compliant, deficient" in refused.value.message("en")


def test_deficient_documents_end_the_portal_case_with_a_refusal_message() -> None:
    # given
    case = case_on_portal(PATRONAT, at=START)

    # when
    case_worked(case, at=START + timedelta(minutes=5), branches={"check_documents": "deficient"})

    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.ENDED
    assert [t.step_id for t in case.tasks.order_by("sequence")][-2:] == ["check_documents", "refuse_documents"]
    assert not case.documents.exists()


def test_guardianship_goes_through_the_akimat_resolution_signed_by_the_akimat() -> None:
    # given
    case = case_on_portal("wko-2019-guardianship-establishment", at=START)

    # when
    case_worked(case, at=START + timedelta(minutes=5))

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
    case = case_on_portal("wko-2019-guardianship-establishment", at=START)
    prepare = next(s for s in route_of(case).steps if s.decides)
    negative = next(b.when for b in prepare.branches or [] if b.taken == "failure")

    # when
    case_worked(case, at=START + timedelta(minutes=5), decision="refused", branches={prepare.id: negative})

    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED
    assert not case.tasks.filter(role="akimat").exists()


def test_assistance_certificate_shares_one_15_minute_budget() -> None:
    # given: filed at the office on Tue 01.09.2026 09:30; its five steps share one 15-minute budget
    case = case_at_office("karaganda-2015-assistance-status-certificate", at=START)

    # when: each step is done two minutes after the one before
    case_worked(case, at=START + timedelta(minutes=2), every=timedelta(minutes=2))

    # then: every step is due at the budget's end, 09:45, and the last, done at 09:40, is on time
    tasks = list(case.tasks.filter(phase="procedure").order_by("sequence"))
    assert len(tasks) == 5
    assert [t.due_at for t in tasks] == [at(2026, 9, 1, 9, 45)] * 5
    assert [t.completed_at for t in tasks] == [at(2026, 9, 1, 9, m) for m in (32, 34, 36, 38, 40)]


def test_rural_akim_route_forwards_to_the_provider_and_back() -> None:
    # given
    case = case_at_rural_akim("karaganda-2015-targeted-social-assistance", at=START)

    # when
    case_worked(case, at=START + timedelta(minutes=5))

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
    case = case_at_office(PATRONAT, at=START)
    task = open_task(case)
    due = at(2026, 9, 1, 9, 45)  # registration: 15 office minutes from Tue 01.09.2026 09:30
    later = due + timedelta(minutes=1)

    # when
    at_deadline = tasks_mark_overdue(now=due)
    first = tasks_mark_overdue(now=later)
    second = tasks_mark_overdue(now=later)

    # then
    assert task.due_at == due
    assert (at_deadline, first, second) == (0, 1, 0)
    assert Task.objects.get(pk=task.pk).overdue_at == later
    assert CaseEvent.objects.filter(case=case, kind="task_overdue").count() == 1


def test_a_changed_event_breaks_the_chain_at_that_event() -> None:
    # given
    case = case_at_office(PATRONAT, at=START)
    case_worked(case, at=START + timedelta(minutes=5))
    assert case_chain_verify(case) is None
    third = CaseEvent.objects.get(case=case, sequence=3)

    # when: someone edits the stored data behind the application's back
    CaseEvent.objects.filter(pk=third.pk).update(data={"branch": "forged"})

    # then
    found = case_chain_verify(case)
    assert found is not None and found.sequence == 3 and "changed" in found.reason


def test_a_deleted_event_breaks_the_chain() -> None:
    # given
    case = case_at_office(PATRONAT, at=START)
    case_worked(case, at=START + timedelta(minutes=5))

    # when
    CaseEvent.objects.filter(case=case, sequence=4).delete()

    # then
    found = case_chain_verify(case)
    assert found is not None and found.sequence == 4 and "missing" in found.reason


def test_signing_with_another_persons_key_is_refused() -> None:
    # given
    case = case_at_office(PATRONAT, at=START)
    case_drive_until(case, "sign")
    task = open_task(case)
    head = staff("head", task.organization)
    executor = staff("executor", task.organization)
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
    case = case_at_office(PATRONAT, at=START)
    case_drive_until(case, "sign")
    task = open_task(case)
    assert task.organization is not None
    head = staff("head", task.organization)
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
    case = case_at_office(PATRONAT, at=START)
    case_drive_until(case, "sign")
    task = open_task(case)
    assert task.organization is not None
    head = staff("head", task.organization)
    at = START + timedelta(hours=3)
    key = demo_key_for(head, organization=task.organization, now=at)
    document = ResultDocument.objects.get(case=case, document_id="decision")
    signature = base64.b64encode(demo_sign(key, bytes(document.content), at=at)).decode()

    task_complete(task=task, actor=head, action=TaskAction(signatures={"decision": signature}), now=at)

    assert ResultDocument.objects.get(pk=document.pk).signature is not None
