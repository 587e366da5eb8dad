"""Appeals are cases of their own regulation: filed, registered, overdue, decided, and an upheld one reopens."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from qyzmet.appeals.errors import AppealRefused
from qyzmet.appeals.models import Appeal
from qyzmet.appeals.services import AppealText, AppealVerdict, appeal_file_portal, appeal_register_office
from qyzmet.cases.events import case_chain_verify
from qyzmet.cases.models import Case, CaseEvent, ResultDocument, Task
from qyzmet.cases.services import case_reopen
from qyzmet.core.errors import NotFound
from qyzmet.identity.models import User
from qyzmet.monitoring.services import deadlines_watch
from qyzmet.notifications.models import Notification
from qyzmet.notifications.services import case_events_notify, notification_text
from tests.appeals.conftest import (
    ALMATY,
    APPEALED,
    COMPLAINT,
    appeal_signed,
    decide,
    open_task,
    refused_case,
    register,
)
from tests.cases.factories import case_worked
from tests.cases.factories import staff as staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("appeals_stored")]

ONE_SECOND = timedelta(seconds=1)
# The provider has five working days from the registration (Law on public services, art. 25),
# counted like every term (the arrival day not counted, the closing time 18:30 of the last day):
# from Monday 15 Dec 2025: 16 Dec (Tue) Independence Day - not a working day, 17 Dec (Wed) 1,
# 18 Dec (Thu) 2, 19 Dec (Fri) 3, 20-21 weekend, 22 Dec (Mon) 4, 23 Dec (Tue) 5 -> 23.12.2025 18:30.
APPEAL_DUE = datetime(2025, 12, 23, 18, 30, tzinfo=ALMATY)
REGISTERED = datetime(2025, 12, 15, 11, 0, tzinfo=ALMATY)
DECIDED = datetime(2025, 12, 18, 15, 0, tzinfo=ALMATY)  # Thursday


def kinds(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True))


def test_an_appeal_is_a_case_of_its_own_linked_to_the_original() -> None:
    # given
    original = refused_case()

    # when
    appeal = appeal_signed(original)

    # then: the appeal's case runs the complaint definition's portal channel, for the same applicant and provider
    case = appeal.case
    assert (case.service_slug, case.channel, case.confirmation) == ("national-complaint", "portal", "eds")
    assert (case.applicant_iin, case.provider_id) == (original.applicant_iin, original.provider_id)
    assert appeal.original == original and appeal.subject == "decision"
    assert case.form["original"] == original.number
    task = open_task(case)
    assert (task.step_id, task.role, task.organization_id) == ("register", "office_clerk", original.provider_id)
    assert task.due_at == APPEAL_DUE
    assert "appeal_filed" in kinds(original)
    assert case_chain_verify(original) is None and case_chain_verify(case) is None


def test_an_unanswered_appeal_goes_overdue_exactly_after_5_working_days_across_a_holiday() -> None:
    # given: registered on the day it came; the head never decides
    appeal = appeal_signed(refused_case())
    head_task = register(appeal, REGISTERED)

    # when
    at_deadline = deadlines_watch(now=APPEAL_DUE)
    after = deadlines_watch(now=APPEAL_DUE + ONE_SECOND)
    again = deadlines_watch(now=APPEAL_DUE + 2 * ONE_SECOND)

    # then: the head's decision shares the 5-day budget; overdue one second after it, once, escalated once
    assert head_task.step_id == "decide" and head_task.due_at == APPEAL_DUE
    assert (at_deadline.overdue, after.overdue, again.overdue) == (0, 1, 0)
    assert Task.objects.get(pk=head_task.pk).overdue_at == APPEAL_DUE + ONE_SECOND
    assert (after.to_head, again.to_head) == (1, 0)
    overdue = Notification.objects.get(case=appeal.case, kind="overdue")
    assert overdue.recipient_iin == appeal.case.applicant_iin
    assert "23.12.2025 18:30" in notification_text(overdue, "ru")


def test_an_upheld_appeal_reopens_the_original_at_the_named_step_and_it_runs_to_a_result() -> None:
    # given
    original = refused_case()
    appeal = appeal_signed(original)
    head_task = register(appeal, REGISTERED)

    # when: the head upholds it, naming the executor's step, and signs the decision
    decide(head_task, AppealVerdict("upheld", reopen_step="prepare"), DECIDED)

    # then: the appeal is closed with its signed decision; the original is in progress at "prepare"
    appeal.refresh_from_db()
    original.refresh_from_db()
    assert appeal.case.status == Case.Status.ISSUED and appeal.decision == "upheld" and appeal.reopen_step == "prepare"
    decision = ResultDocument.objects.get(case=appeal.case)
    assert decision.document_id == "complaint_upheld" and decision.signature is not None
    assert decision.issued_at == DECIDED
    assert original.status == Case.Status.IN_PROGRESS and original.outcome == "" and original.closed_at is None
    reopened = open_task(original)
    # A fresh 3 working days from Thursday 18 Dec 15:00: 19 Dec (Fri) 1, 22 Dec (Mon) 2, 23 Dec (Tue) 3.
    assert (reopened.step_id, reopened.started_at) == ("prepare", DECIDED)
    assert reopened.due_at == datetime(2025, 12, 23, 18, 30, tzinfo=ALMATY)
    assert kinds(original)[-3:] == ["appeal_filed", "case_reopened", "task_opened"]
    assert "original_reopened" in kinds(appeal.case)
    assert case_chain_verify(original) is None and case_chain_verify(appeal.case) is None

    # when: the original runs again, this time to a granted decision
    case_worked(original, at=DECIDED + timedelta(minutes=5), decision="issued")

    # then
    original.refresh_from_db()
    assert original.status == Case.Status.ISSUED
    issued = ResultDocument.objects.get(case=original, document_id="decision")
    assert issued.signature is not None and issued.issued_at is not None


def test_reopening_twice_for_the_same_appeal_does_nothing_the_second_time() -> None:
    # given
    original = refused_case()
    appeal = appeal_signed(original)
    decide(register(appeal, REGISTERED), AppealVerdict("upheld", reopen_step="prepare"), DECIDED)
    tasks_before = Task.objects.filter(case=original).count()
    events_before = CaseEvent.objects.filter(case=original).count()

    # when
    again = case_reopen(original, "prepare", by_appeal=appeal.case, now=DECIDED + timedelta(hours=1))

    # then
    assert again is None
    assert Task.objects.filter(case=original).count() == tasks_before
    assert CaseEvent.objects.filter(case=original).count() == events_before


def test_a_rejected_appeal_leaves_the_original_closed() -> None:
    # given
    original = refused_case()
    appeal = appeal_signed(original)
    events_before = kinds(original)

    # when
    decide(register(appeal, REGISTERED), AppealVerdict("rejected", reason="The refusal followed p. 9 of the Standard."),
           DECIDED)

    # then
    original.refresh_from_db()
    appeal.refresh_from_db()
    assert original.status == Case.Status.REFUSED and not Task.objects.filter(case=original, status="open").exists()
    assert kinds(original) == events_before
    assert appeal.decision == "rejected" and appeal.case.status == Case.Status.REFUSED
    assert appeal.case.refusal_ground == "The refusal followed p. 9 of the Standard."
    assert ResultDocument.objects.get(case=appeal.case).document_id == "complaint_rejected"


@pytest.mark.parametrize(
    ("verdict", "code"),
    [
        (AppealVerdict("upheld"), "appeal.reopen_step_required"),
        (AppealVerdict("upheld", reopen_step="portal_registration"), "appeal.reopen_step_required"),
        (AppealVerdict("rejected", reason="  "), "appeal.reason_required"),
        (AppealVerdict("maybe"), "appeal.decision_unknown"),
    ],
)
def test_a_verdict_without_its_step_or_reason_is_refused_and_changes_nothing(verdict: AppealVerdict, code: str) -> None:
    # given
    original = refused_case()
    appeal = appeal_signed(original)
    head_task = register(appeal, REGISTERED)
    events_before = CaseEvent.objects.count()

    # when
    with pytest.raises(AppealRefused) as refused:
        decide(head_task, verdict, DECIDED)

    # then
    assert refused.value.code == code
    assert CaseEvent.objects.count() == events_before
    assert Task.objects.get(pk=head_task.pk).status == "open"


def test_another_citizen_cannot_appeal_and_nothing_is_written() -> None:
    # given
    original = refused_case()
    stranger = User.objects.filter(staff_roles__isnull=True, is_active=True).exclude(iin=original.applicant_iin).first()
    assert stranger is not None
    counts = (Case.objects.count(), CaseEvent.objects.count(), Appeal.objects.count(), Notification.objects.count())

    # when / then
    with pytest.raises(NotFound):
        appeal_file_portal(original_id=original.pk, applicant=stranger, said=COMPLAINT, now=APPEALED, otp_code="000000")
    assert (Case.objects.count(), CaseEvent.objects.count(), Appeal.objects.count(),
            Notification.objects.count()) == counts


def test_a_case_with_nothing_to_appeal_and_a_second_pending_appeal_are_refused() -> None:
    # given: the first appeal is still being considered
    original = refused_case()
    first = appeal_signed(original)

    # when / then
    with pytest.raises(AppealRefused) as pending:
        appeal_signed(original, at=APPEALED + timedelta(hours=1))
    assert pending.value.code == "appeal.appeal_pending" and first.case.number in pending.value.message("en")
    with pytest.raises(AppealRefused) as empty:
        appeal_signed(original, said=AppealText(subject="decision", text="   "))
    assert empty.value.code == "appeal.text_required"
    assert Appeal.objects.count() == 1


def test_the_clerk_registers_a_written_appeal_only_for_a_case_of_their_organization() -> None:
    # given
    original = refused_case()
    clerk = staff_member("office_clerk", original.provider)
    other_clerk = User.objects.filter(staff_roles__role="office_clerk").exclude(
        staff_roles__organization=original.provider).first()
    assert other_clerk is not None

    # when
    with pytest.raises(NotFound):
        appeal_register_office(original_id=original.pk, clerk=other_clerk, said=COMPLAINT, now=APPEALED)
    appeal = appeal_register_office(original_id=original.pk, clerk=clerk, said=COMPLAINT, now=APPEALED)

    # then
    assert (appeal.case.channel, appeal.case.confirmation) == ("provider_office", "paper")
    assert appeal.case.applicant_iin == original.applicant_iin
    assert open_task(appeal.case).due_at == APPEAL_DUE
    assert Appeal.objects.count() == 1


def test_the_applicant_is_told_once_each_even_with_the_watch_catching_up() -> None:
    # given
    original = refused_case()
    appeal = appeal_signed(original)
    case_events_notify(now=APPEALED + ONE_SECOND)

    # when
    decide(register(appeal, REGISTERED), AppealVerdict("upheld", reopen_step="prepare"), DECIDED)
    first = case_events_notify(now=DECIDED + ONE_SECOND)
    second = case_events_notify(now=DECIDED + 2 * ONE_SECOND)

    # then: the appeal accepted, then decided; nothing said twice, nothing left for the watch
    told = sorted(Notification.objects.filter(case=appeal.case).values_list("kind", flat=True))
    assert told == ["accepted", "appeal_decided"]
    assert (first.from_events, second.from_events) == (0, 0)
    decided = Notification.objects.get(case=appeal.case, kind="appeal_decided")
    assert notification_text(decided, "ru") == (
        f"Ваша жалоба по делу {original.number} рассмотрена: жалоба удовлетворена, дело возобновлено."
    )
    accepted = Notification.objects.get(case=appeal.case, kind="accepted")
    assert accepted.created_at == APPEALED and "23.12.2025 18:30" in notification_text(accepted, "ru")
