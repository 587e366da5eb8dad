"""A quality monitor reads the reports in a real browser: tables, charts, an XLSX download, a phone's width."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page

from tests.browser.a11y import assert_accessible, assert_no_sideways_scroll
from tests.browser.conftest import QYZMET, Platform

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERVICE = "wko-2015-patronat-payment"
MONITOR_IIN = "890912335272"  # quality monitor, West Kazakhstan oblast
HEAD_IIN = "821030403117"  # head, Terekti district akimat


@pytest.fixture(scope="module")
def demo_runs(platform: Platform) -> list[dict[str, object]]:
    """The demo of one service run into the served database: finished, refused and open cases."""
    database = platform.var / "qyzmet.sqlite3"
    done = subprocess.run(
        [*QYZMET, "demo", "--database", f"sqlite:///{database}", "--service", SERVICE, "--json"],
        env=platform.env, capture_output=True, text=True, timeout=600, check=True,
    )
    runs: list[dict[str, object]] = json.loads(done.stdout)
    return runs


def _log_in(page: Page, server: str, iin: str) -> None:
    page.goto(f"{server}/ru/login/")
    page.get_by_label("ИИН").fill(iin)
    page.get_by_label("Пароль").fill("demo-password-2025")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state("networkidle")


def _period(runs: list[dict[str, object]]) -> tuple[date, date]:
    filed = [datetime.fromisoformat(str(step["started"])).date()
             for run in runs for step in run["steps"][:1]]  # type: ignore[index]
    return min(filed) - timedelta(days=1), max(filed) + timedelta(days=1)


def test_quality_monitor_reads_the_report_and_downloads_it(
    server: str, page: Page, demo_runs: list[dict[str, object]], tmp_path: Path
) -> None:
    # given
    _log_in(page, server, MONITOR_IIN)
    first, last = _period(demo_runs)

    # when
    page.goto(f"{server}/ru/reports/?date_from={first}&date_to={last}")

    # then: one SLA row (the demo's provider) with every demo case, the charts drawn
    assert page.locator("h1").inner_text() == "Отчёты о качестве"
    rows = page.locator('table[data-table="sla"] tbody tr')
    assert rows.count() == 1
    assert rows.first.locator('td[data-label="Дела"]').inner_text() == str(len(demo_runs))
    assert page.locator("svg.chart").count() == 2
    assert_accessible(page)

    # when: the SLA table is downloaded as XLSX
    with page.expect_download() as download_info:
        page.locator('section[aria-labelledby="table-sla"] a', has_text="Скачать XLSX").click()
    saved = tmp_path / "sla.xlsx"
    download_info.value.save_as(saved)

    # then
    sheet = load_workbook(saved).active
    assert sheet is not None
    assert list(next(sheet.iter_rows(min_row=2, max_row=2, values_only=True)))[2] == len(demo_runs)

    # and on a phone
    assert_no_sideways_scroll(page)
    assert_accessible(page)


def test_a_head_sees_no_other_district(server: str, page: Page, demo_runs: list[dict[str, object]]) -> None:
    # given: the demo's cases are provided by the first WKO provider, Burli; this head is Terekti's
    _log_in(page, server, HEAD_IIN)
    first, last = _period(demo_runs)

    # when
    page.goto(f"{server}/ru/reports/?date_from={first}&date_to={last}")

    # then
    assert page.locator('table[data-table="sla"]').count() == 0
    assert page.get_by_text("За этот период и в этих пределах ничего нет.").first.is_visible()
    assert_no_sideways_scroll(page)
