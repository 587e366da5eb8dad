"""The State Corporation hall in a browser: kiosk, hall screen, operator's window, signed intake, hand-over.

A citizen takes a ticket at the kiosk; the hall screen shows nobody called; the operator logs in,
opens window 3 and calls the ticket, and the screen (htmx, every 3 s) shows it at window 3; the
operator takes the application and signs it through the NCALayer stand-in, and gets the case
number. The provider's people then act through the REST API (signing with their test-CA keys);
the result comes back to the branch and the operator hands it over. Every page visited passes
axe-core and does not scroll sideways at 390 px.
"""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_accessible, assert_no_sideways_scroll
from tests.browser.conftest import KEY_PASSWORD, QYZMET, NCALayerStandIn, Platform

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OPERATOR: Final = "811130471163"  # sc_operator at wko-sc
APPLICANT: Final = "880314412019"
PASSWORD: Final = "demo-password-2025"
SERVICE: Final = "wko-2019-school-transport"
DESKTOP: Final = {"width": 1280, "height": 900}


def check_page(page: Page) -> None:
    """axe-core and the 390 px check, then back to a desktop window."""
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)


def log_in(page: Page, server: str, iin: str) -> None:
    page.goto(f"{server}/ru/login/")
    page.fill("input[name=username]", iin)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


# --- the provider's side, through the REST API -------------------------------------------------------------


class Staff:
    """The provider's people acting through /api/v1 with their demo passwords and test-CA signing keys."""

    def __init__(self, platform: Platform, ncalayer: NCALayerStandIn, tmp_path: Path) -> None:
        self.platform, self.ncalayer, self.tmp_path = platform, ncalayer, tmp_path
        self.http = httpx.Client(base_url=f"{platform.base_url}/api/v1", timeout=60)
        listing = subprocess.run([*QYZMET, "identity", "demo-users", "--json"], env=platform.env, check=True,
                                 capture_output=True, text=True, timeout=120).stdout
        self.holders = {(role["role"], role["organization"]): person["iin"]
                        for person in json.loads(listing) for role in person["roles"]}
        self.tokens: dict[str, str] = {}

    def headers(self, iin: str) -> dict[str, str]:
        if iin not in self.tokens:
            answer = self.http.post("/auth/token", json={"iin": iin, "password": PASSWORD})
            answer.raise_for_status()
            self.tokens[iin] = answer.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[iin]}"}

    def sign(self, iin: str, organization: str, content: bytes) -> str:
        key = self.ncalayer.key_file(iin, "sign", organization=organization)
        document = self.tmp_path / "to-sign.bin"
        document.write_bytes(content)
        signed = subprocess.run([*QYZMET, "eds", "sign", "--key", str(key), "--password", KEY_PASSWORD,
                                 str(document)], env=self.platform.env, check=True, capture_output=True,
                                timeout=120)
        return base64.b64encode(signed.stdout).decode("ascii")

    def act(self, row: dict[str, Any]) -> dict[str, Any]:
        """The person holding the open step's role completes it (deciding "issued", signing where asked)."""
        organization = row["organization"]["code"]
        iin = self.holders[(row["role"], organization)]
        headers = self.headers(iin)
        task = self.http.get(f"/tasks/{row['id']}", headers=headers).json()
        body: dict[str, Any] = {}
        if task["branches"]:
            body["branch"] = task["branches"][0]["when"]
        if task["decides"]:
            body["decision"] = "issued"
        if task["signs"]:
            preview = self.http.post(f"/tasks/{row['id']}/preview", json=body, headers=headers).json()
            body["signatures"] = {d["document_id"]: self.sign(iin, organization, base64.b64decode(d["content"]))
                                  for d in preview["documents"]}
        done = self.http.post(f"/tasks/{row['id']}/complete", json=body, headers=headers)
        assert done.status_code == 200, done.text
        return dict(done.json())

    def drive_to_hand_over(self, case_number: str) -> None:
        """Act on the case as the provider's people until its hand-over step at the branch is open."""
        cases = self.http.get("/cases", headers=self.headers(OPERATOR)).json()["items"]
        case_id = next(c["id"] for c in cases if c["number"] == case_number)
        case = self.http.get(f"/cases/{case_id}", headers=self.headers(OPERATOR)).json()
        row = next(r for r in case["timeline"] if r["status"] == "open")
        for _ in range(30):
            if row["phase"] == "delivery":
                return
            row = self.act(row)["next_task"]
        raise AssertionError(f"case {case_number} did not reach its hand-over step")


# --- the journey -------------------------------------------------------------------------------------------


def test_kiosk_call_intake_signed_through_ncalayer_and_hand_over(
    platform: Platform, server: str, page: Page, ncalayer: NCALayerStandIn, tmp_path: Path
) -> None:
    page.set_viewport_size(DESKTOP)

    # a citizen takes a ticket at the kiosk
    page.goto(f"{server}/ru/hall/wko-sc/kiosk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Взять талон")
    check_page(page)
    page.locator(f"button[name=service][value='{SERVICE}']").click()
    expect(page.locator("#ticket-number")).to_have_text("001")
    expect(page.locator(".ticket-ahead")).to_have_text("0")
    check_page(page)

    # the hall screen shows nobody called yet
    screen = page.context.new_page()
    screen.set_viewport_size(DESKTOP)
    screen.goto(f"{server}/ru/hall/wko-sc/display/")
    expect(screen.locator(".board-empty")).to_have_text("Пока ни один талон не вызван.")
    check_page(screen)

    # the operator opens window 3 and calls the next ticket
    log_in(page, server, OPERATOR)
    page.goto(f"{server}/ru/hall/desk/")
    check_page(page)
    page.get_by_label("Номер окна").fill("3")
    page.get_by_role("button", name="Открыть окно").click()
    page.get_by_role("button", name="Вызвать следующего").click()
    expect(page.locator(".desk-called")).to_contain_text("Талон 001 вызван к окну 3.")
    check_page(page)

    # the hall screen shows ticket 001 at window 3 without a reload
    expect(screen.locator(".board-ticket")).to_have_text("001", timeout=10_000)
    expect(screen.locator(".board-window")).to_have_text("3")
    check_page(screen)
    screen.close()

    # intake, signed by the operator through the NCALayer stand-in
    ncalayer(OPERATOR, usage="sign", organization="wko-sc")
    page.locator("main .actions").get_by_role("link", name="Принять заявление").click()
    check_page(page)
    page.get_by_label("Услуга", exact=True).select_option(SERVICE)
    page.get_by_label("ИИН услугополучателя").fill(APPLICANT)
    page.get_by_label("Сданные документы (по одному в строке)").fill("заявление (приложение 1 к Стандарту)")
    page.get_by_role("button", name="Далее: проверить и подписать").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Подписать запрос")
    check_page(page)
    page.get_by_role("button", name="Подписать ЭЦП и отправить").click()
    expect(page.locator(".case-number strong")).to_be_visible(timeout=30_000)
    case_number = page.locator(".case-number strong").inner_text()
    expect(page.locator(".outcome")).to_contain_text(f"дело {case_number}")
    expect(page.locator("table.grid")).to_contain_text("найдено")
    check_page(page)

    # the provider decides and signs; the result comes back to the branch
    Staff(platform, ncalayer, tmp_path).drive_to_hand_over(case_number)

    # the operator hands the result over to the applicant
    page.goto(f"{server}/ru/hall/desk/results/")
    row = page.locator("tr", has_text=case_number)
    expect(row).to_have_count(1)
    check_page(page)
    row.get_by_role("link", name="Выдать").click()
    check_page(page)
    page.get_by_label("ИИН получателя").fill(APPLICANT)
    page.get_by_label("ФИО получателя").fill("Нұрланова Айгүл Серікқызы")
    page.get_by_role("button", name="Выдать").click()
    expect(page.locator(".desk-messages")).to_contain_text(f"Результат по делу {case_number} выдан.")
    expect(page.locator("main")).to_contain_text("Нет результатов, ожидающих выдачи.")
    check_page(page)


def test_refusal_to_accept_with_its_receipt_and_the_intakes_list_in_kazakh(server: str, page: Page) -> None:
    page.set_viewport_size(DESKTOP)

    # the kiosk in Kazakh
    page.goto(f"{server}/hall/wko-sc/kiosk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Талон алу")
    check_page(page)

    # a citizen is turned away from the workstation with a message
    log_in(page, server, APPLICANT)
    page.goto(f"{server}/hall/desk/")
    expect(page.locator("main .notice.bad")).to_contain_text("Мемлекеттік корпорация операторларына арналған")
    check_page(page)
    page.context.clear_cookies()

    # the operator refuses an incomplete package: the receipt of refusal, no case
    log_in(page, server, OPERATOR)
    page.goto(f"{server}/hall/desk/intake/refuse/")
    check_page(page)
    page.get_by_label("Қызмет", exact=True).select_option(SERVICE)
    page.get_by_label("Өтініш берушінің ЖСН").fill(APPLICANT)
    page.get_by_label("Өтініш берушінің аты-жөні").fill("Нұрланова Айгүл Серікқызы")
    page.get_by_label("Жетіспейтін құжаттар (әр жолға біреуден)").fill("оқу орнынан анықтама")
    page.get_by_role("button", name="Бас тартып, қолхат беру").click()
    expect(page.locator(".receipt-number")).to_be_visible()
    expect(page.locator(".outcome")).to_contain_text("оқу орнынан анықтама")
    check_page(page)

    # the intakes list shows it
    page.get_by_role("link", name="Қабылданған өтініштер").click()
    expect(page.locator("table.grid")).to_contain_text("Қабылдаудан бас тартылды")
    check_page(page)
