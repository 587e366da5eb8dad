"""The appeal journey in headless Chromium: a refused case, the citizen appeals from the cabinet with their
EDS (NCALayer stand-in), the clerk registers the appeal, the head upholds it with a signed decision naming
the executor's step, and the original case is open again at that step. Every page is checked with axe-core.
"""

from __future__ import annotations

import re
from typing import Final

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NCALayerStandIn
from tests.browser.test_backoffice_journey import DESKTOP, act, case_number, checked, log_in, sign, take_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD: Final = "demo-password-2025"
CITIZEN: Final = "880314412019"
CLERK: Final = "791111432251"  # Terekti district akimat
HEAD: Final = "821030403117"
EXECUTOR: Final = "840824470130"


def refused_at_the_office(page: Page, server: str, ncalayer: NCALayerStandIn) -> str:
    """wko-2015-patronat-payment taken at Terekti and refused with a signed motivated refusal; the case page."""
    log_in(page, server, CLERK)
    case_url = take_in(page, server, "office", "wko-2015-patronat-payment")
    number = case_number(page)
    act(page, server, case_url, CLERK, "Зарегистрировать")
    act(page, server, case_url, HEAD, "Наложить резолюцию", queue_has=number)
    log_in(page, server, EXECUTOR)
    page.goto(case_url)
    page.get_by_label("мотивированный отказ").check()
    page.get_by_label("Основание отказа").fill("Не приложена справка о составе семьи.")
    page.locator(".task-action form").get_by_role("button", name="Подготовить результат").click()
    expect(page.get_by_role("status")).to_contain_text("Шаг выполнен")
    sign(page, server, case_url, HEAD, ncalayer, "wko-terekti")
    act(page, server, case_url, CLERK, "Выдать результат", queue_has=number)
    return case_url


def citizen_log_in(page: Page, server: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server}/ru/login/")
    page.fill("input[name=username]", CITIZEN)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Личный кабинет")).to_be_visible()


def test_the_citizen_appeals_and_the_head_upholds_it_reopening_the_case(
        server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    page.set_viewport_size(DESKTOP)
    original_url = refused_at_the_office(page, server, ncalayer)
    original_id = re.search(r"/cases/(\d+)/", original_url).group(1)  # type: ignore[union-attr]

    # the citizen appeals the refusal from the cabinet and signs with NCALayer
    citizen_log_in(page, server)
    page.goto(f"{server}/ru/cabinet/cases/{original_id}/")
    checked(page)
    page.get_by_role("link", name="Жалоба", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Жалоба")
    checked(page)
    page.get_by_label("решение").check()
    page.get_by_label("Текст жалобы").fill("Справка о составе семьи была приложена к заявлению.")
    page.get_by_role("button", name="Перейти к подписанию").click()
    expect(page.get_by_role("heading", name="Проверьте и подпишите жалобу")).to_be_visible()
    checked(page)
    ncalayer(CITIZEN, usage="sign")
    page.get_by_role("button", name="Подписать и подать жалобу").click()
    page.wait_for_url(re.compile(r".*/ru/cabinet/cases/\d+/$"), timeout=20_000)
    expect(page.get_by_role("status").first).to_contain_text("Ваша жалоба подана.")
    appeal_region = page.get_by_role("region", name="Жалоба")
    expect(appeal_region.get_by_role("link", name=re.compile(r".+"))).to_have_attribute(
        "href", f"/ru/cabinet/cases/{original_id}/")
    checked(page)
    appeal_id = re.search(r"/cases/(\d+)/", page.url).group(1)  # type: ignore[union-attr]
    appeal_url = f"{server}/ru/backoffice/cases/{appeal_id}/"

    # the clerk registers it; the head upholds it, naming the executor's step, and signs the decision
    act(page, server, appeal_url, CLERK, "Зарегистрировать")
    log_in(page, server, HEAD)
    page.goto(appeal_url)
    checked(page)
    page.get_by_label("Удовлетворить: возобновить обжалуемое дело").check()
    page.get_by_label("Этап, с которого возобновляется обжалуемое дело").select_option("prepare")
    page.get_by_role("button", name="Принять решение").click()
    expect(page.get_by_text("Ваше решение: жалоба удовлетворена")).to_be_visible()
    checked(page)
    ncalayer(HEAD, organization="wko-terekti")
    page.locator(".task-action form").get_by_role("button", name="Подписать ЭЦП").click()
    page.wait_for_url(appeal_url, timeout=20_000)
    expect(page.get_by_role("status").first).to_contain_text("Решение по жалобе принято.")
    checked(page)

    # the original case is open again at the executor's step
    log_in(page, server, EXECUTOR)
    page.goto(original_url)
    actions = page.get_by_role("region", name="Что можно сделать сейчас")
    expect(actions.get_by_role("button", name="Подготовить результат")).to_be_visible()
    expect(page.get_by_role("region", name="Жалобы")).to_contain_text("удовлетворена")
    checked(page)
