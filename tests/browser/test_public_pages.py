"""A person with a real browser: the landing page, a service page with its diagram, the language switch."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole platform, set up on a fresh embedded database and served over real HTTP."""
    var = tmp_path_factory.mktemp("browser-var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"QYZMET_VAR_DIR": str(var)}
    subprocess.run([sys.executable, "-m", "qyzmet", "setup", "--quiet"], env=env, check=True, timeout=300)
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "qyzmet", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `make browser` (scripts/ensure-chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(locale="kk-KZ")
        yield context.new_page()
        context.close()
        browser.close()


def test_citizen_finds_a_service_and_sees_its_business_process(server: str, page: Page) -> None:
    # given
    page.goto(f"{server}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("table.services tbody tr").count() == 26

    # when: the Kazakh title of the foster-care payment service is followed
    page.get_by_role("link", name="Патронат тәрбиешiлерге берiлген баланы").first.click()

    # then: the service page shows each channel with a diagram that really loaded
    page.wait_for_load_state("networkidle")
    assert page.locator("section.channel").count() == 2
    diagram = page.locator("#channel-provider_office figure.diagram img")
    assert diagram.evaluate("img => img.complete && img.naturalWidth > 1000")
    assert page.get_by_text("15 минут").first.is_visible()


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


def test_citizen_logs_in_to_the_personal_cabinet(server: str, page: Page) -> None:
    # given
    page.goto(f"{server}/ru/login/")

    # when: a wrong password first, then the right one
    page.get_by_label("ИИН").fill("880314412019")
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("Пароль").fill("demo-password-2025")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state("networkidle")

    # then
    assert page.locator("h1").inner_text() == "Личный кабинет"
    assert page.get_by_role("heading", name="Кто запрашивал мои данные").is_visible()
