"""Back-office journeys in headless Chromium: staff take an application and carry the case to its signed
result through the case page, signing with NCALayer (the stand-in, with a key of the test CA).

(a) the provider's office: wko-2015-patronat-payment at the Terekti district akimat (clerk, head,
    executor, head signs, clerk issues);
(b) the rural okrug akim's office: karaganda-2015-child-allowance taken at the Doskey rural akim's
    office and forwarded to the Bukhar-Zhyrau employment department, whose result goes back to the akim.

Every page visited is checked with axe-core and at a phone's width.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_accessible, assert_no_sideways_scroll
from tests.browser.conftest import NCALayerStandIn
from tests.calendar.reference import ALMATY, deadline_reference

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD: Final = "demo-password-2025"
APPLICANT: Final = "880314412019"
DESKTOP: Final = {"width": 1280, "height": 900}


def checked(page: Page) -> None:
    """The page as it is now: accessible and no sideways scroll at 390 px; then back to a desktop width."""
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)


def log_in(page: Page, server: str, iin: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server}/ru/login/?next=/ru/backoffice/tasks/")
    page.get_by_label("ИИН").fill(iin)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Очередь задач")
    checked(page)


def take_in(page: Page, server: str, path: str, service: str) -> str:
    """Fill the intake form for the demo applicant and accept; returns the case page's address."""
    page.goto(f"{server}/ru/backoffice/intake/{path}/")
    checked(page)
    page.get_by_label("Услуга").select_option(service)
    page.get_by_label("ИИН заявителя").fill(APPLICANT)
    page.get_by_label("Принятые документы (по одному в строке)").fill("удостоверение личности.pdf")
    page.get_by_role("button", name="Принять заявление").click()
    page.wait_for_url(re.compile(r".*/backoffice/cases/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("зарегистрировано")
    checked(page)
    return page.url


def act(page: Page, server: str, case_url: str, iin: str, button: str, *, queue_has: str = "",
        decision: str = "") -> None:
    """The person logs in, finds the case in their queue, opens it and presses the step's button."""
    log_in(page, server, iin)
    if queue_has:
        page.get_by_role("link", name=queue_has).click()
    else:
        page.goto(case_url)
    page.wait_for_url(case_url)
    checked(page)
    if decision:
        page.get_by_label(decision).check()
    page.locator(".task-action form").get_by_role("button", name=button).click()
    page.wait_for_url(case_url)
    expect(page.get_by_role("status")).to_contain_text("Шаг выполнен")
    checked(page)


def sign(page: Page, server: str, case_url: str, iin: str, ncalayer: NCALayerStandIn, organization: str) -> None:
    """The head signs the result with their key in NCALayer (the stand-in) on the case page."""
    ncalayer(iin, organization=organization)
    act(page, server, case_url, iin, "Подписать ЭЦП")


def case_number(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text().removeprefix("Дело ").strip()


def test_office_intake_to_the_signed_result(server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    page.set_viewport_size(DESKTOP)
    # the Terekti clerk takes the application at the office
    log_in(page, server, "791111432251")
    case_url = take_in(page, server, "office", "wko-2015-patronat-payment")
    number = case_number(page)
    act(page, server, case_url, "791111432251", "Зарегистрировать")
    # the head puts the resolution (finding the case in the queue), the executor prepares the result
    act(page, server, case_url, "821030403117", "Наложить резолюцию", queue_has=number)
    act(page, server, case_url, "840824470130", "Подготовить результат", queue_has=number,
        decision="результат (положительное решение)")
    # the head signs through NCALayer, the clerk issues
    sign(page, server, case_url, "821030403117", ncalayer, "wko-terekti")
    act(page, server, case_url, "791111432251", "Выдать результат", queue_has=number)

    # the case shows the signed, issued result and no open step
    documents = page.get_by_role("region", name="Документы результата")
    expect(documents).to_contain_text("подписан: Қасымова Дана Бекзатқызы")
    expect(documents).to_contain_text("выдан")
    expect(page.get_by_role("region", name="Что можно сделать сейчас")).to_contain_text("результат выдан")
    page.goto(case_url.replace("/ru/", "/"))  # the same case page in Kazakh
    expect(page.get_by_role("region", name="Нәтиже құжаттары")).to_contain_text("Қасымова Дана Бекзатқызы")
    checked(page)


def test_rural_akim_route_forwards_and_gets_the_result_back(
        server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    page.set_viewport_size(DESKTOP)
    # the Doskey rural akim's office takes the application for the district's employment department
    log_in(page, server, "930414371241")
    case_url = take_in(page, server, "rural-akim", "karaganda-2015-child-allowance")
    number = case_number(page)
    act(page, server, case_url, "930414371241", "Зарегистрировать")
    act(page, server, case_url, "821030391635", "Наложить резолюцию", queue_has=number)  # the akim
    act(page, server, case_url, "890804468357", "Подготовить результат", queue_has=number)  # the cover letter
    act(page, server, case_url, "821030391635", "Направить", queue_has=number)  # forwarded to the provider
    # the provider's staff
    act(page, server, case_url, "910328309235", "Зарегистрировать", queue_has=number)
    act(page, server, case_url, "951218438346", "Наложить резолюцию", queue_has=number)
    act(page, server, case_url, "880301379538", "Подготовить результат", queue_has=number,
        decision="результат (положительное решение)")
    sign(page, server, case_url, "951218438346", ncalayer, "karaganda-bukhar-zhyrau-employment")
    act(page, server, case_url, "910328309235", "Направить", queue_has=number)  # back to the akim
    act(page, server, case_url, "821030391635", "Выдать результат", queue_has=number)

    documents = page.get_by_role("region", name="Документы результата")
    expect(documents).to_contain_text("подписан: Жұмабаева Ботагөз Талғатқызы")
    expect(page.get_by_role("region", name="Что можно сделать сейчас")).to_contain_text("результат выдан")


def test_the_queue_filters_and_searches_in_place(server: str, page: Page) -> None:
    # given: a fresh application in the Burli clerk's queue; its registration is due in 15 office minutes,
    # today when it is filed in office hours, on the next working day otherwise (the independent reference
    # calendar says which: the test runs at whatever time the clock shows)
    page.set_viewport_size(DESKTOP)
    log_in(page, server, "830125411202")
    filed = datetime.now(ALMATY)
    take_in(page, server, "office", "wko-2015-patronat-payment")
    due_today = deadline_reference(filed, 15, "minutes").date() == filed.date()
    number = case_number(page)
    page.goto(f"{server}/ru/backoffice/tasks/")
    table = page.locator("#queue-table")
    expect(table).to_contain_text(number)

    # when / then: each view and the search swap the table in place and put the filter into the address
    page.get_by_label("Просроченные").check()
    page.wait_for_url(re.compile(r".*/ru/backoffice/tasks/\?view=overdue$"))
    expect(table).not_to_contain_text(number)
    page.get_by_label("Срок сегодня").check()
    page.wait_for_url(re.compile(r".*view=today$"))
    if due_today:
        expect(table).to_contain_text(number)
        expect(table.locator(".badge.due-today").first).to_be_visible()
    else:
        expect(table).not_to_contain_text(number)
    page.get_by_label("Поиск по номеру дела, ИИН заявителя или услуге").fill("no-such-case")
    page.wait_for_url(re.compile(r".*q=no-such-case$"))
    expect(table).to_contain_text("Открытых задач нет.")
    checked(page)
    # the same pages in Kazakh (longer words) hold at a phone's width too
    for path in ("/backoffice/tasks/", "/backoffice/intake/office/"):
        page.goto(f"{server}{path}")
        expect(page.locator("html")).to_have_attribute("lang", "kk")
        checked(page)
