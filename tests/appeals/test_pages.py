"""Appeal pages over HTTP: the citizen appeals from the cabinet, the clerk registers a written one, the head decides."""

from __future__ import annotations

import base64
import re

import pytest
import time_machine
from django.test import Client

from qyzmet.appeals.models import Appeal
from qyzmet.cases.models import Case, CaseEvent, Task
from qyzmet.identity.demo import DEMO_PASSWORD
from qyzmet.identity.models import SmsOutbox, User
from tests.appeals.conftest import APPEALED, eds, open_task, refused_case
from tests.cases.factories import staff as staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("appeals_stored")]
SIGN_INPUT = re.compile(r'name="(?P<name>signature(?::[\w-]+)?)" data-eds-sign="(?P<content>[A-Za-z0-9+/=]+)"')


def login(client: Client, user: User) -> None:
    response = client.post("/login/", {"username": user.iin, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def signed_fields(page: str, user: User, organization: object = None) -> dict[str, str]:
    """Each `data-eds-sign` input of the page, signed with the user's demo key (what eds.js does with NCALayer)."""
    found = {m["name"]: m["content"] for m in SIGN_INPUT.finditer(page)}
    assert found, "no data-eds-sign input on the page"
    return {name: eds(user, base64.b64decode(content), APPEALED, organization) for name, content in found.items()}


def test_the_citizen_appeals_from_the_cabinet_with_eds(client: Client) -> None:
    # given
    original = refused_case()
    citizen = original.applicant
    assert citizen is not None

    with time_machine.travel(APPEALED, tick=False):
        login(client, citizen)
        # when: the case page offers the appeal; the form shows what is signed; the signed appeal is filed
        page = client.get(f"/en/cabinet/cases/{original.pk}/").content.decode()
        review = client.post(f"/en/cabinet/cases/{original.pk}/appeal/",
                             {"subject": "decision", "text": "The refusal ignores my documents."})
        body = review.content.decode()
        filed = client.post(f"/en/cabinet/cases/{original.pk}/appeal/submit/", {
            "subject": "decision", "text": "The refusal ignores my documents.",
            "form_key": re.search(r'name="form_key" value="([^"]+)"', body).group(1),  # type: ignore[union-attr]
            **signed_fields(body, citizen)})
        appeal = Appeal.objects.get()
        own = client.get(filed["Location"]).content.decode()
        back = client.get(f"/en/cabinet/cases/{original.pk}/").content.decode()

    # then
    assert f"/en/cabinet/cases/{original.pk}/appeal/" in page
    assert review.status_code == 200 and "The refusal ignores my documents." in body
    assert filed.status_code == 302 and filed["Location"] == f"/en/cabinet/cases/{appeal.case.pk}/"
    assert appeal.case.confirmation == "eds" and appeal.original == original
    assert f"/en/cabinet/cases/{original.pk}/" in own and original.number in own and "Your appeal was filed." in own
    assert appeal.case.number in back and f"/en/cabinet/cases/{original.pk}/appeal/" not in back


def test_another_citizen_gets_404_and_nothing_is_written(client: Client) -> None:
    # given
    original = refused_case()
    stranger = User.objects.filter(staff_roles__isnull=True, is_active=True).exclude(iin=original.applicant_iin).first()
    assert stranger is not None
    counts = (Case.objects.count(), CaseEvent.objects.count(), Appeal.objects.count())

    with time_machine.travel(APPEALED, tick=False):
        login(client, stranger)
        # when
        form = client.get(f"/en/cabinet/cases/{original.pk}/appeal/")
        review = client.post(f"/en/cabinet/cases/{original.pk}/appeal/", {"subject": "decision", "text": "x"})
        submit = client.post(f"/en/cabinet/cases/{original.pk}/appeal/submit/",
                             {"subject": "decision", "text": "x", "otp_code": "123456"})

    # then
    assert (form.status_code, review.status_code, submit.status_code) == (404, 404, 404)
    assert (Case.objects.count(), CaseEvent.objects.count(), Appeal.objects.count()) == counts


def test_the_clerk_registers_a_written_appeal_and_the_head_upholds_it_with_eds(client: Client) -> None:
    # given
    original = refused_case()
    clerk = staff_member("office_clerk", original.provider)
    head = staff_member("head", original.provider)

    with time_machine.travel(APPEALED, tick=False):
        login(client, clerk)
        # when: the clerk registers the written appeal and then the appeal (the clerk's step)
        case_page = client.get(f"/en/backoffice/cases/{original.pk}/").content.decode()
        registered = client.post(f"/en/backoffice/intake/appeals/{original.pk}/", {
            "subject": "inaction", "text": "Nobody answered my calls.", "form_key": "k1"})
        appeal = Appeal.objects.get()
        task = open_task(appeal.case)
        client.post(f"/en/backoffice/cases/{appeal.case.pk}/tasks/{task.pk}/", {"form_key": "k2"})
        client.logout()
        # the head chooses "upheld" and the step, sees the decision to sign, signs it
        login(client, head)
        decide_task = open_task(appeal.case)
        decide_page = client.get(f"/en/backoffice/cases/{appeal.case.pk}/").content.decode()
        url = f"/en/backoffice/cases/{appeal.case.pk}/tasks/{decide_task.pk}/appeal-decision/"
        verdict = {"decision": "upheld", "reopen_step": "prepare", "reason": ""}
        to_sign = client.post(url, verdict).content.decode()
        decided = client.post(url, {**verdict, **signed_fields(to_sign, head, decide_task.organization)})

    # then
    assert f"/en/backoffice/intake/appeals/{original.pk}/" in case_page
    assert registered.status_code == 302 and registered["Location"] == f"/en/backoffice/cases/{appeal.case.pk}/"
    assert (appeal.case.channel, appeal.subject) == ("provider_office", "inaction")
    assert decide_task.step_id == "decide" and 'value="prepare"' in decide_page
    assert decided.status_code == 302, decided.content.decode()[:1500]
    original.refresh_from_db()
    assert original.status == Case.Status.IN_PROGRESS
    assert Task.objects.get(case=original, status="open").step_id == "prepare"


def test_the_citizen_confirms_the_appeal_with_a_one_time_password(client: Client) -> None:
    # given
    original = refused_case()
    citizen = original.applicant
    assert citizen is not None and citizen.mobile
    said = {"subject": "action", "text": "The clerk did not take my certificate."}

    with time_machine.travel(APPEALED, tick=False):
        login(client, citizen)
        # when: the code is sent for exactly this appeal, then typed in
        sent = client.post(f"/en/cabinet/cases/{original.pk}/appeal/otp/", said)
        sms = SmsOutbox.objects.filter(to=citizen.mobile).order_by("-pk").first()
        assert sms is not None
        code = re.search(r"\b(\d{6})\b", sms.text).group(1)  # type: ignore[union-attr]
        wrong_text = client.post(f"/en/cabinet/cases/{original.pk}/appeal/submit/",
                                 {**said, "text": "Another text.", "otp_code": code})
        filed = client.post(f"/en/cabinet/cases/{original.pk}/appeal/submit/", {**said, "otp_code": code})

    # then: a code for one text does not confirm another; the right one files the appeal once
    assert sent.status_code == 200 and "valid until" in sent.content.decode()
    assert wrong_text.status_code == 422
    assert filed.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.case.confirmation, appeal.subject) == ("otp", "action")
