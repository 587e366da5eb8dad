"""`make screenshots`: the main pages in Kazakh and Russian, at desktop and phone width, as PNG files.

Fills a fresh embedded database with `qyzmet demo --database` (cases in every state), serves the
platform and the registry simulator on free ports of 127.0.0.1, logs in as the people who use each page
and writes docs/screenshots/<page>-<language>-<desktop|phone>.png. A page that does not answer 200 fails
the run: a screenshot of an error page is not a screenshot of the page.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "demo-password-2025"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
LANGUAGES = ("kk", "ru")


@dataclass(frozen=True)
class Shot:
    name: str
    path: str | Callable[[sqlite3.Connection], str]  # a path, or one found in the demo database
    user: str | Callable[[sqlite3.Connection], str] | None = None  # IIN to log in as, or one found in the database


def _first(sql: str, *params: object) -> Callable[[sqlite3.Connection], str]:
    def find(db: sqlite3.Connection) -> str:
        row = db.execute(sql, params).fetchone()
        if row is None:
            raise SystemExit(f"screenshots: nothing in the demo database for: {sql}")
        return str(row[0])
    return find


CITIZEN = "880314412019"
CLERK = "791111432251"  # office clerk, Terekti district akimat (WKO)
OPERATOR = "811130471163"  # State Corporation operator, WKO branch
MONITOR = "890912335272"  # quality monitor, WKO
SHOTS = (
    Shot("landing", "/"),
    Shot("service", "/services/wko-2015-patronat-payment/"),
    Shot("login", "/login/"),
    Shot("cabinet", "/cabinet/", CITIZEN),
    Shot("cabinet-case", _first(
        "select '/cabinet/cases/' || id || '/' from cases_case where applicant_iin = ? and status = 'issued' "
        "order by id limit 1", CITIZEN), CITIZEN),
    Shot("signup", "/signup/"),
    Shot("apply", "/services/wko-2015-patronat-payment/apply/", CITIZEN),
    # the person with the most open tasks, so the queue shows rows (the clerk's is empty once the demo is done)
    Shot("work-queue", "/backoffice/tasks/", _first(
        "select u.iin from cases_task t join identity_staffrole r on r.organization_id = t.organization_id "
        "and r.role = t.role join identity_user u on u.id = r.user_id where t.status = 'open' "
        "group by u.iin order by count(*) desc, u.iin limit 1")),
    Shot("backoffice-case", _first(
        "select '/backoffice/cases/' || t.case_id || '/' from cases_task t where t.status = 'open' "
        "and t.organization_id is not null order by t.id limit 1"), _first(
        "select u.iin from cases_task t join identity_staffrole r on r.organization_id = t.organization_id "
        "and r.role = t.role join identity_user u on u.id = r.user_id where t.status = 'open' order by t.id limit 1")),
    Shot("office-intake", "/backoffice/intake/office/", CLERK),
    Shot("kiosk", _first("select '/hall/' || code || '/kiosk/' from identity_organization where code like 'wko%' "
                         "and kind = 'state_corporation_branch' order by id limit 1")),
    Shot("hall-display", _first("select '/hall/' || code || '/display/' from identity_organization where code like "
                                "'wko%' and kind = 'state_corporation_branch' order by id limit 1")),
    Shot("operator-desk", "/hall/desk/", OPERATOR),
    Shot("operator-intake", "/hall/desk/intake/", OPERATOR),
    Shot("verify", _first("select '/verify/' || number || '/' from cases_resultdocument where signature is not null "
                          "and issued_at is not null order by id limit 1")),
    Shot("reports", "/reports/", MONITOR),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(url: str) -> None:
    for _ in range(300):
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"screenshots: {url} did not answer")


@contextmanager
def _platform(var: Path) -> Iterator[tuple[str, Path]]:
    database = var / "screens.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "QYZMET_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{database}",
    }
    qyzmet = [sys.executable, "-m", "qyzmet"]
    subprocess.run([*qyzmet, "demo", "--database", env["DATABASE_URL"]], env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=900)
    registry_port, web_port = _free_port(), _free_port()
    registries = subprocess.Popen([*qyzmet, "registries", "serve", "--port", str(registry_port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env["QYZMET_REGISTRY_URL"] = f"http://127.0.0.1:{registry_port}"
    web = subprocess.Popen([*qyzmet, "serve", "--port", str(web_port)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{web_port}"
    try:
        _wait(f"{base}/healthz")
        yield base, database
    finally:
        for process in (web, registries):
            process.terminate()
            process.wait(timeout=10)


def _log_in(page: Page, base: str, iin: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(iin)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.login [type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    if "/login/" in page.url:
        raise SystemExit(f"screenshots: could not log in as {iin}")


def _shoot(browser: Browser, base: str, db: sqlite3.Connection, shot: Shot) -> list[Path]:
    path = shot.path if isinstance(shot.path, str) else shot.path(db)
    written = []
    for language in LANGUAGES:
        prefix = "" if language == "kk" else f"/{language}"
        for width_name, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height}, locale=f"{language}-KZ")
            page = context.new_page()
            if shot.user:
                _log_in(page, base, shot.user if isinstance(shot.user, str) else shot.user(db))
            response = page.goto(f"{base}{prefix}{path}")
            if response is None or response.status != 200:
                raise SystemExit(f"screenshots: {prefix}{path} answered {response.status if response else 'nothing'}")
            page.wait_for_load_state("networkidle")
            target = OUT / f"{shot.name}-{language}-{width_name}.png"
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
            context.close()
    return written


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="qyzmet-screens-") as folder,
        _platform(Path(folder)) as (base, database),
        sqlite3.connect(database) as db,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        written = [p for shot in SHOTS for p in _shoot(browser, base, db, shot)]
        browser.close()
    for target in written:
        print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
