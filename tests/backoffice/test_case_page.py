"""The back-office case page: who may open it, what it shows, and exactly the actions the regulation allows now."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qyzmet.cases.models import CaseEvent, ResultDocument, Task
from qyzmet.catalog.definitions import catalog_default
from qyzmet.demo.driver import case_open
from qyzmet.gateway.models import GatewayMessage
from qyzmet.identity.models import Organization, User
from tests.api.helpers import REFUSAL_GROUND, key_for, sign_b64
from tests.backoffice.conftest import (
    BURLI_CLERK,
    TEREKTI_CLERK,
    TEREKTI_EXECUTOR,
    TEREKTI_HEAD,
    login,
)
from tests.backoffice.helpers import act, eds_inputs, form_key, office_case, open_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("data")]

SERVICE = "wko-2015-patronat-payment"  # office: register, resolve, prepare (decides), sign, issue


def _sign_all(page: str, signer_iin: str) -> dict[str, str]:
    """Sign every data-eds-sign input of the page with the signer's demo key (what NCALayer does)."""
    signer = User.objects.get(iin=signer_iin)
    bundle = key_for(signer, organization=Organization.objects.get(code="wko-terekti"))
    return {name: sign_b64(bundle, base64.b64decode(content)) for name, content in eds_inputs(page).items()}


def test_clerk_of_another_district_gets_404_and_writes_nothing(client: Client) -> None:
    # given
    case = office_case(SERVICE, TEREKTI_CLERK)
    task = open_task(case)
    events = CaseEvent.objects.filter(case=case).count()
    login(client, BURLI_CLERK)

    # when
    page = client.get(f"/backoffice/cases/{case.pk}/")
    post = client.post(f"/backoffice/cases/{case.pk}/tasks/{task.pk}/", {"form_key": "x"})

    # then
    assert page.status_code == 404
    assert post.status_code == 404
    assert CaseEvent.objects.filter(case=case).count() == events
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN


def test_case_page_shows_application_attachments_timeline_and_the_register_action(client: Client) -> None:
    # given
    case = office_case(SERVICE, TEREKTI_CLERK)
    login(client, TEREKTI_CLERK)

    # when
    page = client.get(f"/ru/backoffice/cases/{case.pk}/").content.decode()

    # then
    assert case.number in page
    assert "identity.pdf" in page and "ab" * 32 in page and "20480" in page
    assert "Нұрланова Айгүл" in page  # the applicant
    assert "<dt>children</dt><dd>1</dd>" in page  # a value the service defines no field for keeps its key
    assert "Зарегистрировать" in page  # the register step's button, in Russian
    assert 'name="decision"' not in page and 'name="branch"' not in page and "data-eds-sign" not in page
    assert page.count('name="form_key"') == 1


def test_the_head_sees_no_action_on_the_clerks_step(client: Client) -> None:
    case = office_case(SERVICE, TEREKTI_CLERK)
    login(client, TEREKTI_HEAD)

    page = client.get(f"/en/backoffice/cases/{case.pk}/").content.decode()

    assert "Waiting for the office clerk of Akimat of Terekti District." in page  # its name, not its code
    assert 'name="form_key"' not in page


def test_the_whole_office_route_through_the_pages(client: Client, clock: time_machine.Coordinates) -> None:
    # given
    case = office_case(SERVICE, TEREKTI_CLERK)

    # when: the clerk registers, the head resolves, the executor prepares the result
    for iin, fields in ((TEREKTI_CLERK, {}), (TEREKTI_HEAD, {}), (TEREKTI_EXECUTOR, {"decision": "issued"})):
        login(client, iin)
        response = act(client, case, open_task(case), clock, **fields)
        assert response.status_code == 302, response.content.decode()[:3000]
    # the head signs the result the page shows with NCALayer (here: their demo key)
    login(client, TEREKTI_HEAD)
    sign_task = open_task(case)
    assert sign_task.does == "sign"
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    document = ResultDocument.objects.get(case=case, intermediate=False)
    assert eds_inputs(page) == {
        f"signature:{document.document_id}": base64.b64encode(bytes(document.content)).decode()}
    assert "data-eds-form" in page and "data-eds-status" in page
    signed = client.post(f"/backoffice/cases/{case.pk}/tasks/{sign_task.pk}/",
                         {"form_key": form_key(page), **_sign_all(page, TEREKTI_HEAD)})
    assert signed.status_code == 302, signed.content.decode()[:3000]
    # the clerk issues
    login(client, TEREKTI_CLERK)
    issued = act(client, case, open_task(case), clock)

    # then
    assert issued.status_code == 302
    case.refresh_from_db()
    assert case.status == "issued"
    document.refresh_from_db()
    assert document.signed_by is not None and document.signed_by.iin == TEREKTI_HEAD
    assert document.issued_at is not None
    final = client.get(f"/en/backoffice/cases/{case.pk}/").content.decode()
    assert "signed by Қасымова Дана Бекзатқызы" in final
    assert f"/api/v1/documents/{document.pk}/signature" in final or "p7s" in final
    assert list(Task.objects.filter(case=case).values_list("does", flat=True).order_by("sequence")) == [
        "register", "resolve", "prepare", "sign", "issue"]


def test_double_post_completes_one_step(client: Client, clock: time_machine.Coordinates) -> None:
    # given: the register form rendered once
    case = office_case(SERVICE, TEREKTI_CLERK)
    task = open_task(case)
    login(client, TEREKTI_CLERK)
    page = client.get(f"/ru/backoffice/cases/{case.pk}/").content.decode()
    body = {"form_key": form_key(page)}

    # when: sent twice (a double click)
    first = client.post(f"/ru/backoffice/cases/{case.pk}/tasks/{task.pk}/", body)
    second = client.post(f"/ru/backoffice/cases/{case.pk}/tasks/{task.pk}/", body)

    # then
    assert first.status_code == 302 and second.status_code == 302
    assert CaseEvent.objects.filter(case=case, kind="step_completed", step_id="register").count() == 1
    assert Task.objects.filter(case=case, status=Task.Status.DONE).count() == 1
    assert "уже отправлена" in client.get(second["Location"]).content.decode()


def test_a_stale_form_for_a_closed_task_gets_the_task_closed_notice(client: Client) -> None:
    # given: two renderings of the register form; the first is sent
    case = office_case(SERVICE, TEREKTI_CLERK)
    task = open_task(case)
    login(client, TEREKTI_CLERK)
    keys = [form_key(client.get(f"/backoffice/cases/{case.pk}/").content.decode()) for _ in range(2)]
    client.post(f"/backoffice/cases/{case.pk}/tasks/{task.pk}/", {"form_key": keys[0]})
    events = CaseEvent.objects.filter(case=case).count()

    # when: the second is sent
    response = client.post(f"/backoffice/cases/{case.pk}/tasks/{task.pk}/", {"form_key": keys[1]})

    # then: a notice on the case page, nothing more written
    assert response.status_code == 409
    page = response.content.decode()
    assert "Бұл әрекет рұқсат етілмейді: тапсырма аяқталған" in page and case.number in page
    assert CaseEvent.objects.filter(case=case).count() == events


def _to_prepare(client: Client, clock: time_machine.Coordinates) -> tuple[object, Task]:
    case = office_case(SERVICE, TEREKTI_CLERK)
    for iin in (TEREKTI_CLERK, TEREKTI_HEAD):
        login(client, iin)
        assert act(client, case, open_task(case), clock).status_code == 302
    login(client, TEREKTI_EXECUTOR)
    return case, open_task(case)


def test_refusal_without_a_ground_is_refused_and_changes_nothing(
    client: Client, clock: time_machine.Coordinates
) -> None:
    # given
    case, task = _to_prepare(client, clock)
    events = CaseEvent.objects.filter(case=case).count()

    # when
    response = act(client, case, task, clock, decision="refused", ground="  ")

    # then
    assert response.status_code == 409
    assert "бас тартудың негізін көрсетіңіз" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN
    assert CaseEvent.objects.filter(case=case).count() == events
    assert not ResultDocument.objects.filter(case=case).exists()


def test_motivated_refusal_with_its_ground(client: Client, clock: time_machine.Coordinates) -> None:
    case, task = _to_prepare(client, clock)

    response = act(client, case, task, clock, decision="refused", ground=REFUSAL_GROUND)

    assert response.status_code == 302
    case.refresh_from_db()  # type: ignore[attr-defined]
    assert case.outcome == "refused" and case.refusal_ground == REFUSAL_GROUND  # type: ignore[attr-defined]
    assert open_task(case).does == "sign"  # type: ignore[arg-type]


def test_the_deciding_step_offers_the_regulations_outcomes(client: Client, clock: time_machine.Coordinates) -> None:
    case, _task = _to_prepare(client, clock)

    page = client.get(f"/en/backoffice/cases/{case.pk}/").content.decode()  # type: ignore[attr-defined]

    assert page.count('name="decision"') == 2
    assert 'value="issued"' in page and 'value="refused"' in page and 'value="queued"' not in page
    assert 'name="ground"' in page


def test_signature_of_another_iin_is_refused(client: Client, clock: time_machine.Coordinates) -> None:
    # given: the sign step is open for the head
    case, task = _to_prepare(client, clock)
    assert act(client, case, task, clock, decision="issued").status_code == 302
    sign_task = open_task(case)  # type: ignore[arg-type]
    login(client, TEREKTI_HEAD)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()  # type: ignore[attr-defined]
    events = CaseEvent.objects.filter(case=case).count()

    # when: the head sends the executor's signature
    response = client.post(f"/en/backoffice/cases/{case.pk}/tasks/{sign_task.pk}/",  # type: ignore[attr-defined]
                           {"form_key": form_key(page), **_sign_all(page, TEREKTI_EXECUTOR)})

    # then
    assert response.status_code == 409
    assert "is not confirmed" in response.content.decode()
    assert Task.objects.get(pk=sign_task.pk).status == Task.Status.OPEN
    assert CaseEvent.objects.filter(case=case).count() == events
    assert ResultDocument.objects.get(case=case, intermediate=False).signature is None


def test_registry_answers_of_the_case_are_shown(client: Client, registry: object) -> None:
    # given: a State Corporation application: the operator's request asked the registries through the gateway
    case = case_open(catalog_default().latest("wko-2019-camp-referrals"), "state_corporation", now=timezone.now(),
                     via_gateway=True)
    operator = "811130471163"  # the WKO branch's operator who took it
    login(client, operator)

    # when
    page = client.get(f"/ru/backoffice/cases/{case.pk}/").content.decode()

    # then: each look-up of the message log made for this case, with its registry, who asked and the answer
    lookups = GatewayMessage.objects.filter(case_number=case.number)
    assert lookups.exists()
    section = page.split('id="registries-heading"')[1].split("</section>")[0]
    assert section.count("<tr>") == lookups.count() + 1  # the header row and one per look-up
    assert "Ахметова Айжан Маратқызы" in section  # the operator
    assert "найдено" in section


def test_the_applicant_has_no_back_office_view_of_their_own_case(client: Client) -> None:
    case = office_case(SERVICE, TEREKTI_CLERK)
    login(client, "880314412019")

    assert client.get(f"/backoffice/cases/{case.pk}/").status_code == 404
    assert client.post(f"/backoffice/cases/{case.pk}/tasks/{open_task(case).pk}/", {}).status_code == 404


def test_a_task_of_another_case_is_not_acted_on_through_this_case(client: Client) -> None:
    # given: two cases of the same clerk; the form of one posted under the other's address
    first, second = office_case(SERVICE, TEREKTI_CLERK), office_case(SERVICE, TEREKTI_CLERK)
    login(client, TEREKTI_CLERK)

    response = client.post(f"/backoffice/cases/{first.pk}/tasks/{open_task(second).pk}/", {"form_key": "k"})

    assert response.status_code == 404
    assert not CaseEvent.objects.filter(kind="step_completed", actor__iin=TEREKTI_CLERK).exists()


def test_the_timeline_colours_a_late_step_overdue_and_an_open_one_by_its_deadline(
    client: Client, clock: time_machine.Coordinates
) -> None:
    # given: registered an hour after filing (its term is 15 minutes); the head's resolution is due tomorrow
    case = office_case(SERVICE, TEREKTI_CLERK)
    login(client, TEREKTI_CLERK)
    clock.shift(timedelta(hours=1))
    assert act(client, case, open_task(case), clock).status_code == 302

    # when
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()

    # then
    timeline = page.split('id="timeline-heading"')[1].split("</section>")[0]
    assert re.findall(r'class="badge (due-[a-z]+)"', timeline) == ["due-overdue", "due-ok"]


def test_the_case_page_reads_as_many_queries_after_three_steps_as_after_none(
        client: Client, clock: time_machine.Coordinates, django_assert_max_num_queries: Any) -> None:
    # given: a fresh case, and one whose clerk, head and executor have acted (three steps done, one open)
    fresh, worked = office_case(SERVICE, TEREKTI_CLERK), office_case(SERVICE, TEREKTI_CLERK)
    for iin, fields in ((TEREKTI_CLERK, {}), (TEREKTI_HEAD, {}), (TEREKTI_EXECUTOR, {"decision": "issued"})):
        login(client, iin)
        assert act(client, case=worked, task=open_task(worked), clock=clock, **fields).status_code == 302
    login(client, TEREKTI_HEAD)
    client.get(f"/backoffice/cases/{fresh.pk}/")  # warm the per-process caches (catalogue, calendar)
    with CaptureQueriesContext(connection) as first:
        assert client.get(f"/backoffice/cases/{fresh.pk}/").status_code == 200

    # then: the tasks, their actors and organizations, the appeals and the roles are each read once, whatever
    # the number of steps (session, user, roles, the case, its parts, documents, tasks, version, service,
    # look-ups, appeals and the signing key's certificate at most)
    with django_assert_max_num_queries(len(first) + 2):  # the worked case has documents and a key to show
        page = client.get(f"/backoffice/cases/{worked.pk}/")
    assert page.content.decode().count("<tr") >= 4
    assert len(first) <= 12
