"""A person with a real browser: the landing page, a service page with its diagram, the language switch."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.a11y import assert_accessible, assert_no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_citizen_finds_a_service_and_sees_its_business_process(server: str, page: Page) -> None:
    # given
    page.goto(f"{server}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("table.services tbody tr").count() == 26
    assert_accessible(page)

    # when: the Kazakh title of the foster-care payment service is followed
    page.get_by_role("link", name="Патронат тәрбиешiлерге берiлген баланы").first.click()

    # then: the service page shows each channel with a diagram that really loaded
    page.wait_for_load_state("networkidle")
    assert page.locator("section.channel").count() == 2
    diagram = page.locator("#channel-provider_office figure.diagram img")
    assert diagram.evaluate("img => img.complete && img.naturalWidth > 1000")
    assert page.get_by_text("15 минут").first.is_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)


def test_language_switch_shows_russian(server: str, page: Page) -> None:
    # given
    page.goto(f"{server}/services/wko-2019-school-transport/")

    # when
    page.get_by_role("button", name="Русский").click()
    page.wait_for_load_state("networkidle")

    # then
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text().startswith("Предоставление бесплатного подвоза")
    assert page.get_by_text("3 рабочих дня").first.is_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)


def test_citizen_logs_in_to_the_personal_cabinet(server: str, page: Page) -> None:
    # given
    page.goto(f"{server}/ru/login/")
    assert_accessible(page)

    # when: a wrong password first, then the right one
    page.get_by_label("ИИН").fill("880314412019")
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.get_by_label("Пароль").fill("demo-password-2025")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state("networkidle")

    # then
    assert page.locator("h1").inner_text() == "Личный кабинет"
    assert page.get_by_role("heading", name="Кто запрашивал мои данные").is_visible()


@pytest.mark.parametrize("path", ["/", "/ru/", "/ru/login/"])
def test_public_pages_fit_a_phone(server: str, page: Page, path: str) -> None:
    page.goto(f"{server}{path}")

    assert_no_sideways_scroll(page)
    assert_accessible(page)
