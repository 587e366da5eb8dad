"""The applicant hears of every change that matters, once: in the cabinet, by SMS and by e-mail."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django_tasks_db.models import DBTaskResult

from qyzmet.cases.assignment import providers_for
from qyzmet.cases.intake import Applicant, intake_refuse
from qyzmet.cases.models import Case
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import ServiceVersion
from qyzmet.identity.models import SmsOutbox, User
from qyzmet.notifications.models import Notification, NotificationContact
from qyzmet.notifications.selectors import notifications_for
from qyzmet.notifications.services import (
    case_events_notify,
    notification_deliver,
    notification_text,
    notifications_send_pending,
    notify,
)
from tests.cases.conftest import ALMATY, START
from tests.cases.factories import CITIZEN_IIN as DEMO_APPLICANT_IIN
from tests.cases.factories import case_at_office, case_worked
from tests.cases.factories import staff as staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

SERVICE = "wko-2015-patronat-payment"


def kinds(case: Case) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(case=case).values_list("kind", "key"))


def test_an_accepted_case_is_told_with_its_expected_date() -> None:
    # when: filed Tuesday 1 Sep 2026 09:30 (the engine tells the applicant as it files)
    case = case_at_office(SERVICE, at=START)
    report = case_events_notify(now=START + timedelta(minutes=1))

    # then: the catch-up finds nothing left to say;
    # each step takes its whole term from the end of the one before: register 15 min
    # (09:45), resolve 1 working day (2 Sep 18:30), prepare 3 (3, 4, 7 Sep: 7 Sep 18:30), sign 1
    # (8 Sep 18:30), issue 15 office minutes from the next opening: Wednesday 9 Sep 2026 09:15.
    assert report.from_events == 0
    accepted = Notification.objects.get(case=case, kind="accepted")
    assert accepted.created_at == START
    assert datetime.fromisoformat(accepted.params["expected"]) == datetime(2026, 9, 9, 9, 15, tzinfo=ALMATY)
    assert notification_text(accepted, "ru").endswith(
        f"принято, регистрационный номер {case.number}. Ожидаемая дата результата: 09.09.2026 09:15."
    )


def test_every_change_that_matters_is_told_once() -> None:
    # given
    case = case_at_office(SERVICE, at=START)
    finished = case_worked(case, at=START + timedelta(minutes=5))

    # when
    first = case_events_notify(now=finished)
    second = case_events_notify(now=finished + timedelta(minutes=1))

    # then: accepted, and the signed decision handed over, told by the engine; the watch adds nothing
    assert kinds(case) == [("accepted", "filed"), ("result_ready", "decision")]
    assert (first.from_events, second.from_events) == (0, 0)
    assert Notification.objects.get(case=case, kind="result_ready").created_at < finished + timedelta(seconds=1)


def test_the_catch_up_tells_what_nobody_told_once() -> None:
    # given: a case whose notices were lost (as if filed by a caller that did not tell)
    case = case_at_office(SERVICE, at=START)
    Notification.objects.filter(case=case).delete()

    # when
    first = case_events_notify(now=START + timedelta(minutes=1))
    second = case_events_notify(now=START + timedelta(minutes=2))

    # then
    assert kinds(case) == [("accepted", "filed")]
    assert (first.from_events, second.from_events) == (1, 0)


def test_a_refusal_at_intake_is_told_without_a_case() -> None:
    # given: camp referrals let the provider refuse an incomplete package
    definition = catalog_default().latest("wko-2019-camp-referrals")
    provider = providers_for(definition).first()
    assert provider is not None
    receipt = intake_refuse(
        version=ServiceVersion.objects.get(service__slug=definition.id),
        channel="provider_office", organization=provider, applicant=Applicant(DEMO_APPLICANT_IIN, "Test"),
        grounds=["incomplete_package"], missing=[], actor=staff_member("office_clerk", provider), now=START,
    )

    # when: the refusal was told as it was written; the watch runs twice after it
    report = case_events_notify(now=START)
    case_events_notify(now=START)

    # then
    told = Notification.objects.get(kind="refused_at_intake")
    assert report.from_receipts == 0 and told.case is None and told.created_at == START and told.key == receipt.number
    assert notification_text(told, "ru").endswith(f"(расписка {receipt.number}): неполный пакет документов.")
    assert Notification.objects.count() == 1


def test_delivery_sends_an_sms_and_an_email_once() -> None:
    # given: the demo applicant has a mobile number and asked for e-mail too
    applicant = User.objects.get(iin=DEMO_APPLICANT_IIN)
    NotificationContact.objects.create(user=applicant, email="applicant@example.kz")
    case = case_at_office(SERVICE, at=START)
    accepted = Notification.objects.get(case=case, kind="accepted")
    assert accepted.channels == ["cabinet", "sms", "email"]
    sms_before = SmsOutbox.objects.count()

    # when
    sent = [notification_deliver(notification_id=accepted.pk, now=START) for _ in range(2)]

    # then
    assert sent == [True, False]
    assert SmsOutbox.objects.count() == sms_before + 1
    assert SmsOutbox.objects.latest("pk").text == notification_text(accepted, "kk")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["applicant@example.kz"]
    accepted.refresh_from_db()
    assert accepted.sent_at == START
    assert accepted.delivered == {"sms": applicant.mobile, "email": "applicant@example.kz"}


def test_notify_enqueues_delivery_after_commit_and_only_once(django_capture_on_commit_callbacks: Any) -> None:
    # given
    case = case_at_office(SERVICE, at=START)
    arguments: dict[str, Any] = {
        "kind": "appeal_decided", "key": "appeal-1", "case": case, "recipient_iin": case.applicant_iin,
        "params": {"number": case.number, "decision": {"ru": "жалоба удовлетворена"}}, "now": START,
    }

    # when
    with django_capture_on_commit_callbacks(execute=True) as first:
        notification = notify(**arguments)
    with django_capture_on_commit_callbacks(execute=True) as second:
        again = notify(**arguments)

    # then
    assert again.pk == notification.pk and (len(first), len(second)) == (1, 0)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "qyzmet.notifications.tasks.notification_send"
    assert queued.queue_name == "notifications" and queued.args_kwargs["args"] == [notification.pk]


def test_the_cabinet_shows_a_person_only_their_own_notifications() -> None:
    # given
    case = case_at_office(SERVICE, at=START)
    case_events_notify(now=START)
    applicant = User.objects.get(iin=DEMO_APPLICANT_IIN)
    someone_else = User.objects.filter(staff_roles__isnull=True).exclude(iin=DEMO_APPLICANT_IIN).first()
    assert someone_else is not None

    # when
    mine = notifications_for(applicant, language="en")

    # then
    assert [(row.kind, row.case_number) for row in mine] == [("accepted", case.number)]
    assert mine[0].text.startswith("Your application for “")
    assert notifications_for(someone_else) == []
    assert notifications_for(AnonymousUser()) == []


def test_the_flush_delivers_what_a_lost_queue_message_left_unsent() -> None:
    # given: a notification never delivered (its queued delivery was lost), and one made just now
    case = case_at_office(SERVICE, at=START)
    case_events_notify(now=START)
    old = Notification.objects.get(case=case, kind="accepted")
    recent = notify(
        kind="appeal_decided", key="appeal-1", case=case, recipient_iin=case.applicant_iin,
        params={"number": case.number, "decision": {"ru": "жалоба удовлетворена"}}, now=START + timedelta(minutes=2),
    )

    # when: the flush runs two and a half minutes after the first was made, half a minute after the second
    sent = notifications_send_pending(now=START + timedelta(minutes=2, seconds=30))

    # then: only the one a minute old or more; the recent one waits for its own queued delivery
    assert sent == 1
    assert Notification.objects.get(pk=old.pk).sent_at == START + timedelta(minutes=2, seconds=30)
    assert Notification.objects.get(pk=recent.pk).sent_at is None
