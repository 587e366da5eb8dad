"""The personal cabinet: a citizen sees their own applications, results and who looked up their data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from qyzmet.cases.models import Case, ResultDocument
from qyzmet.catalog.definitions import catalog_default
from qyzmet.demo.driver import case_open
from qyzmet.demo.registries import registries_running
from qyzmet.identity.demo import DEMO_PASSWORD
from tests.cases.conftest import START
from tests.cases.factories import CITIZEN_IIN as DEMO_APPLICANT_IIN
from tests.cases.factories import case_at_office, case_worked
from tests.cases.factories import staff as staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

OTHER_CITIZEN = "791102333026"


@pytest.fixture
def registries() -> Iterator[str]:
    with registries_running(now=START) as url:
        yield url


def login(client: Client, iin: str) -> None:
    response = client.post("/login/", {"username": iin, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/cabinet/"


def test_cabinet_needs_a_login(client: Client) -> None:
    response = client.get("/cabinet/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_wrong_password_is_refused_with_a_message(client: Client) -> None:
    response = client.post("/ru/login/", {"username": DEMO_APPLICANT_IIN, "password": "wrong"})
    assert response.status_code == 200
    assert "Неверный ИИН или пароль" in response.content.decode()


def test_citizen_sees_their_case_its_signed_result_and_the_registry_look_ups(
    client: Client, registries: str
) -> None:
    # given: an application taken at the State Corporation (registries asked) and driven to the result
    case = case_open(catalog_default().latest("wko-2019-camp-referrals"), "state_corporation", now=START,
                     via_gateway=True)
    case_worked(case, at=START + timedelta(minutes=5))
    login(client, DEMO_APPLICANT_IIN)

    # when
    cabinet = client.get("/ru/cabinet/").content.decode()
    detail = client.get(f"/ru/cabinet/cases/{case.pk}/").content.decode()

    # then
    assert case.number in cabinet
    assert "gbd_fl" in cabinet and staff_member("sc_operator", case.intake_office).full_name in cabinet
    document = ResultDocument.objects.get(case=case, kind="referral")
    assert f"/ru/documents/{document.pk}/p7s/" in detail and f"/ru/documents/{document.pk}/pdf/" in detail
    assert "Выполнено: работник канцелярии регистрирует заявление." in detail
    assert "Вам выдан документ — результат услуги." in detail
    signature = client.get(f"/documents/{document.pk}/p7s/")
    assert signature.status_code == 200 and bytes(signature.content) == bytes(document.signature or b"")
    content = client.get(f"/documents/{document.pk}/pdf/")
    assert content["Content-Type"] == "application/pdf" and bytes(content.content) == bytes(document.content)


def test_another_citizen_cannot_open_the_case_or_its_documents(client: Client) -> None:
    # given
    case = case_at_office("wko-2015-patronat-payment", at=START)
    case_worked(case, at=START + timedelta(minutes=5))
    document = ResultDocument.objects.get(case=case, document_id="decision")
    login(client, OTHER_CITIZEN)

    # then
    assert case.number not in client.get("/cabinet/").content.decode()
    assert client.get(f"/cabinet/cases/{case.pk}/").status_code == 404
    assert client.get(f"/documents/{document.pk}/pdf/").status_code == 404


def test_staff_work_queue_lists_the_open_tasks_of_their_role(client: Client) -> None:
    # given
    case = case_at_office("wko-2015-patronat-payment", at=START)
    clerk = staff_member("office_clerk", case.provider)
    head = staff_member("head", case.provider)

    # when
    login(client, clerk.iin)
    clerk_page = client.get("/backoffice/tasks/").content.decode()
    client.post("/logout/")
    login(client, head.iin)
    head_page = client.get("/backoffice/tasks/").content.decode()

    # then
    assert case.number in clerk_page and "register" in clerk_page
    assert case.number not in head_page
    assert Case.objects.count() == 1


def test_the_case_page_says_who_does_what_by_when_and_refreshes_its_status(client: Client) -> None:
    # given: an application at the provider's office; registration takes 15 minutes (the regulation)
    case = case_at_office("wko-2015-patronat-payment", at=START)
    login(client, DEMO_APPLICANT_IIN)

    # when
    with time_machine.travel(START, tick=False):
        page = client.get(f"/ru/cabinet/cases/{case.pk}/").content.decode()
        partial = client.get(f"/ru/cabinet/cases/{case.pk}/status/").content.decode()

    # then
    assert "в работе" in page and "Работник канцелярии" in page and "регистрирует заявление" in page
    assert "до 1 сентября 2026, 09:45 — осталось рабочих минут: 15" in page
    assert f'hx-get="/ru/cabinet/cases/{case.pk}/status/"' in page and 'hx-trigger="every 30s"' in page
    assert partial.startswith('<div id="case-status"') and "осталось рабочих минут: 15" in partial
    assert "Ваше заявление принято и зарегистрировано." in page


def test_another_citizen_gets_404_for_the_case_status(client: Client) -> None:
    case = case_at_office("wko-2015-patronat-payment", at=START)
    login(client, OTHER_CITIZEN)

    assert client.get(f"/cabinet/cases/{case.pk}/status/").status_code == 404
    assert client.get(f"/cabinet/cases/{case.pk}/").status_code == 404


def test_the_cabinet_pages_newest_first_and_continues_with_older_applications(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: three applications of the demo citizen filed a day apart, two cases a page
    from qyzmet.portal import selectors

    monkeypatch.setattr(selectors, "CABINET_CASES", 2)
    cases = [case_at_office("wko-2015-patronat-payment", at=START + timedelta(days=day)) for day in range(3)]
    login(client, DEMO_APPLICANT_IIN)

    def listed(path: str) -> str:  # the applications' section (the messages below name every case too)
        page = client.get(path).content.decode()
        return page[page.index('<section id="cases">'):page.index("</section>")]

    # when
    first = listed("/cabinet/")

    # then: the two newest, and a link to the older ones after the second shown
    assert [case.number in first for case in cases] == [False, True, True]
    assert f'href="?older_than={cases[1].pk}#cases"' in first
    older = listed(f"/cabinet/?older_than={cases[1].pk}")
    assert [case.number in older for case in cases] == [True, False, False]
    assert "older_than=" not in older


def test_a_queued_child_shows_its_place_in_the_queue(client: Client) -> None:
    # given: two children of the demo citizen queued for a preschool place, one minute apart
    from tests.cases.helpers import queued_children

    first, second = queued_children(2)
    login(client, DEMO_APPLICANT_IIN)

    # when
    page = client.get("/en/cabinet/").content.decode()

    # then: the row of each case names its place (the earlier one is first in the queue)
    rows = {number: page.split(number, 1)[1].split("</tr>", 1)[0] for number in (first.number, second.number)}
    assert "place in the queue: 1" in rows[first.number]
    assert "place in the queue: 2" in rows[second.number]
