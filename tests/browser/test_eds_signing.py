"""web/eds.js with the NCALayer stand-in: a form of the signing contract is signed, or says why not.

The form is put into a real page of the platform the way htmx swaps content in; its POST is caught
by the browser test (page.route), and the signature it carries is checked by `qyzmet eds verify`
against the server's own test CA.
"""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, Request, Route

from tests.browser.a11y import assert_accessible, assert_no_sideways_scroll
from tests.browser.conftest import QYZMET, NCALayerStandIn, Platform

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CITIZEN = "880314412019"
DOCUMENT = "Өтініш №42: патронат тәрбиешіге ақы төлеу / Заявление №42".encode()
FORM = """
<form method="post" action="/eds-echo/" data-eds-form id="signed-form">
  <p data-eds-status role="alert" hidden></p>
  <input type="hidden" name="signature" data-eds-sign="{data}"{key}>
  <button type="submit" name="decision" value="approve">Sign</button>
</form>
"""


def put_form(page: Page, server: str, *, key: str = "") -> list[Request]:
    """Open a page of the platform, swap the form in, and catch what it posts."""
    posted: list[Request] = []

    def catch(route: Route) -> None:
        posted.append(route.request)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>ok</title><h1>ok</h1>")

    page.route(f"{server}/eds-echo/", catch)
    page.goto(f"{server}/ru/")
    data = base64.b64encode(DOCUMENT).decode()
    markup = FORM.format(data=data, key=f' data-eds-key="{key}"' if key else "")
    page.evaluate("markup => document.querySelector('main').insertAdjacentHTML('afterbegin', markup)", markup)
    return posted


def verify(platform: Platform, tmp_path: Path, signature_b64: str, *,
           purpose: str = "sign") -> subprocess.CompletedProcess[str]:
    document, signature = tmp_path / "document.txt", tmp_path / "document.p7s"
    document.write_bytes(DOCUMENT)
    signature.write_bytes(base64.b64decode(signature_b64))
    return subprocess.run([*QYZMET, "eds", "verify", str(document), str(signature), "--iin", CITIZEN,
                           "--purpose", purpose], env=platform.env, capture_output=True, text=True, timeout=120)


def test_a_form_is_signed_by_ncalayer_and_sent_with_the_button_pressed(
        platform: Platform, server: str, page: Page, ncalayer: NCALayerStandIn, tmp_path: Path) -> None:
    # given
    ncalayer(CITIZEN, usage="sign")
    posted = put_form(page, server)

    # when
    page.get_by_role("button", name="Sign").click()
    page.wait_for_selector("h1:text('ok')")

    # then
    assert len(posted) == 1
    fields = parse_qs(posted[0].post_data or "")
    assert fields["decision"] == ["approve"]
    checked = verify(platform, tmp_path, fields["signature"][0])
    assert checked.returncode == 0, checked.stdout


def test_a_double_click_sends_the_form_once(server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    ncalayer(CITIZEN, usage="sign")
    posted = put_form(page, server)

    page.get_by_role("button", name="Sign").dblclick()
    page.wait_for_selector("h1:text('ok')")
    page.wait_for_timeout(300)

    assert len(posted) == 1


def test_a_login_form_is_signed_with_the_authentication_key(
        platform: Platform, server: str, page: Page, ncalayer: NCALayerStandIn, tmp_path: Path) -> None:
    ncalayer(CITIZEN, usage=("sign", "auth"))
    posted = put_form(page, server, key="AUTHENTICATION")

    page.get_by_role("button", name="Sign").click()
    page.wait_for_selector("h1:text('ok')")

    signature = parse_qs(posted[0].post_data or "")["signature"][0]
    assert verify(platform, tmp_path, signature, purpose="auth").returncode == 0


def test_without_an_authentication_key_the_person_is_told_so(
        server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    ncalayer(CITIZEN, usage="sign")
    posted = put_form(page, server, key="AUTHENTICATION")

    page.get_by_role("button", name="Sign").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text().startswith("Подходящий ключ не найден")
    assert posted == []
    assert page.get_by_role("button", name="Sign").is_enabled()


def test_when_ncalayer_is_not_running_the_person_is_told_in_their_language(server: str, page: Page) -> None:
    posted = put_form(page, server)

    page.get_by_role("button", name="Sign").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == "NCALayer не запущен или недоступен. Запустите NCALayer и повторите попытку."
    assert posted == []
    assert page.get_by_role("button", name="Sign").is_enabled()


def test_cancelling_in_ncalayer_sends_nothing(server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    ncalayer(CITIZEN, usage="sign", cancel=True)
    posted = put_form(page, server)

    page.get_by_role("button", name="Sign").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == "Подписание отменено: в окне NCALayer нажата «Отмена»."
    assert posted == []
    assert page.locator("input[name=signature]").input_value() == ""


def test_citizen_logs_in_with_an_eds_authentication_key(server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    # given: NCALayer holds the citizen's signing and login keys
    ncalayer(CITIZEN, usage=("sign", "auth"))
    page.goto(f"{server}/ru/login/eds/")
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    # when
    page.get_by_role("button", name="Подписать и войти").click()
    page.wait_for_url(f"{server}/ru/cabinet/")

    # then
    assert page.locator("h1").inner_text() == "Личный кабинет"
    assert "880314412019" in page.locator("p.lead").inner_text()


def test_eds_login_with_only_a_signing_key_says_which_key_to_choose(
        server: str, page: Page, ncalayer: NCALayerStandIn) -> None:
    # given: the person has only a signing key
    ncalayer(CITIZEN, usage="sign")
    page.goto(f"{server}/login/eds/")

    # when
    page.get_by_role("button", name="Қол қойып, кіру").click()

    # then: NCALayer offers no authentication key, the page says so in Kazakh, nothing is sent
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text().startswith("Сәйкес кілт табылмады")
    assert page.url == f"{server}/login/eds/"
    assert_accessible(page)


HTMX_FORM = """
<form hx-post="/eds-echo/" hx-target="#signed-result" hx-swap="innerHTML" data-eds-form id="htmx-form">
  <p data-eds-status role="alert" hidden></p>
  <input type="hidden" name="signature" data-eds-sign="{data}">
  <button type="submit" name="decision" value="approve">Sign</button>
</form>
<div id="signed-result"></div>
"""


def test_an_htmx_form_swapped_into_the_page_is_signed_before_htmx_sends_it(
        platform: Platform, server: str, page: Page, ncalayer: NCALayerStandIn, tmp_path: Path) -> None:
    # given: a form htmx posts, swapped in after the page loaded
    ncalayer(CITIZEN, usage="sign")
    posted: list[Request] = []

    def catch(route: Route) -> None:
        posted.append(route.request)
        route.fulfill(status=200, content_type="text/html", body="<p>signed and sent</p>")

    page.route(f"{server}/eds-echo/", catch)
    page.goto(f"{server}/ru/")
    markup = HTMX_FORM.format(data=base64.b64encode(DOCUMENT).decode())
    page.evaluate("""markup => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('afterbegin', markup);
        window.htmx.process(main.firstElementChild);
    }""", markup)

    # when
    page.get_by_role("button", name="Sign").click()
    page.get_by_text("signed and sent").wait_for()

    # then: one request, by htmx, carrying the signature and the button's value
    assert len(posted) == 1
    assert posted[0].headers.get("hx-request") == "true"
    fields = parse_qs(posted[0].post_data or "")
    assert fields["decision"] == ["approve"]
    assert verify(platform, tmp_path, fields["signature"][0]).returncode == 0
