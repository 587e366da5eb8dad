"""A citizen in the browser: log in, apply for a service, attach a PDF, sign through NCALayer (or confirm
with a one-time password), see the case number, follow it in the cabinet. Every page visited is checked
with axe-core and at a phone's width.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Final

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_accessible, assert_no_sideways_scroll
from tests.browser.conftest import NCALayerStandIn, Platform

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CITIZEN: Final = "880314412019"  # a demo citizen with a mobile number
PASSWORD: Final = "demo-password-2025"
EDS_SERVICE: Final = "wko-2015-patronat-payment"  # portal confirmation: [eds]
OTP_SERVICE: Final = "wko-2019-adoption-payment"  # portal confirmation: [eds, otp]
PDF: Final = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def checked(page: Page) -> None:
    assert_accessible(page)
    assert_no_sideways_scroll(page)


def log_in(page: Page, server: str) -> None:
    page.goto(f"{server}/ru/login/")
    checked(page)
    page.fill("input[name=username]", CITIZEN)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Личный кабинет")).to_be_visible()


def fill_application(page: Page, server: str, service_id: str) -> None:
    page.goto(f"{server}/ru/services/{service_id}/apply/")
    checked(page)
    provider = page.locator("#apply-provider-select option[value]:not([value=''])").first.get_attribute("value")
    page.select_option("#apply-provider-select", provider)
    page.set_input_files("#apply-file-other", files=[
        {"name": "справка.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Перейти к подписанию").click()
    expect(page.get_by_role("heading", name="Проверьте и подпишите заявление")).to_be_visible()
    expect(page.locator("ul.attached li", has_text="справка.pdf")).to_be_visible()
    checked(page)


def follow_in_the_cabinet(page: Page, server: str, number: str) -> None:
    checked(page)
    page.get_by_role("link", name="Следить за заявлением").click()
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    expect(page.get_by_text("Что происходит сейчас")).to_be_visible()
    checked(page)
    page.goto(f"{server}/ru/cabinet/")
    # in the list of my cases (and in the messages: the engine told me it was accepted)
    expect(page.locator("table").get_by_role("link", name=number)).to_be_visible()
    checked(page)


def test_a_citizen_applies_signs_with_ncalayer_and_follows_the_case(
        server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    # given
    ncalayer(CITIZEN, usage="sign")
    log_in(page, server)

    # when
    fill_application(page, server, EDS_SERVICE)
    page.get_by_role("button", name="Подписать и подать").click()

    # then
    expect(page.get_by_role("heading", name="Ваше заявление подано")).to_be_visible(timeout=20_000)
    number = page.locator(".case-number").inner_text()
    assert re.fullmatch(r"[A-Z0-9-]+", number), number
    follow_in_the_cabinet(page, server, number)


def test_a_citizen_confirms_with_a_one_time_password(server: str, platform: Platform, page: Page) -> None:
    # given
    log_in(page, server)
    fill_application(page, server, OTP_SERVICE)

    # when
    page.get_by_role("button", name="Отправить код по SMS").click()
    expect(page.get_by_text("Одноразовый пароль отправлен")).to_be_visible()
    checked(page)
    with sqlite3.connect(platform.var / "qyzmet.sqlite3") as database:
        text = database.execute("SELECT text FROM identity_smsoutbox ORDER BY id DESC LIMIT 1").fetchone()[0]
    code = re.search(r"\b(\d{6})\b", text)
    assert code is not None
    page.fill("#review-otp-code", code.group(1))
    page.get_by_role("button", name="Подтвердить и подать").click()

    # then
    expect(page.get_by_role("heading", name="Ваше заявление подано")).to_be_visible()
    follow_in_the_cabinet(page, server, page.locator(".case-number").inner_text())


def test_a_person_signs_up_from_the_login_page(server: str, page: Page) -> None:
    # given: a person of the simulated ГБД ФЛ without an account (checked by hand)
    page.goto(f"{server}/ru/login/")
    page.get_by_role("link", name="Нет учётной записи? Зарегистрируйтесь").click()
    checked(page)

    # when
    page.get_by_label("ИИН").fill("820101421663")
    page.get_by_label("Фамилия").fill("Омарова")
    page.get_by_label("Имя", exact=True).fill("Гүлжан")
    page.get_by_label("Отчество (при наличии)").fill("Талғатқызы")
    page.get_by_label("Номер мобильного телефона").fill("+7 701 555 12 34")
    page.get_by_label("Пароль").fill("Qyzmet-portal-2026!")
    page.get_by_role("button", name="Регистрация").click()

    # then
    expect(page.get_by_role("heading", name="Личный кабинет")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("820101421663")).to_be_visible()
    checked(page)


def test_a_signature_of_another_person_is_refused_with_the_reason(
        server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    # given: NCALayer holds someone else's signing key
    ncalayer("791102333026", usage="sign")
    log_in(page, server)
    cases_before = page.locator("#cases tbody tr").count()
    fill_application(page, server, EDS_SERVICE)

    # when
    page.get_by_role("button", name="Подписать и подать").click()

    # then
    expect(page.get_by_text("Заявление не принято:")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Отказ в оказании услуги в связи с неподтверждением подлинности ЭЦП")).to_be_visible()
    expect(page.get_by_text("Ничего не подано. Можно попробовать ещё раз.")).to_be_visible()
    checked(page)
    page.goto(f"{server}/ru/cabinet/")
    assert page.locator("#cases tbody tr").count() == cases_before
