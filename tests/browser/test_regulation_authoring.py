"""Regulation authoring in headless Chromium: an administrator uploads an amended act, reviews the draft
(live check, diagram, changes against the current version), a second administrator publishes it by
signing with NCALayer (the stand-in), and the new version is drawn with bpmn-js.

Every page visited is checked with axe-core and at a phone's width.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NCALayerStandIn
from tests.browser.test_backoffice_journey import DESKTOP, PASSWORD, checked, take_in
from tests.browser.test_backoffice_journey import log_in as staff_log_in
from tests.conftest import SEEDS_DIR

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CLERK: Final = "791111432251"  # the Terekti district akimat's office clerk
SERVICE: Final = "wko-2015-patronat-payment"
AUTHOR: Final = "760605315718"  # administrators of the West Kazakhstan akimat (the demo has two)
APPROVER: Final = "711115370979"
SEED: Final = "000_0d535cbd69033c45.txt"  # wko-2015-patronat-payment, in Kazakh
TODAY: Final = datetime.now(ZoneInfo("Asia/Almaty")).date().isoformat()
EXECUTOR_STEP: Final = "жауапты орындаушысы 3 (үш) жұмыс күні ішінде"


def log_in(page: Page, server: str, iin: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server}/ru/login/?next={then}")
    page.get_by_label("ИИН").fill(iin)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{server}{then}")


def amended_act(folder: Path) -> Path:
    """The seed act with the executor's term changed from 3 to 4 working days: the amendment to publish."""
    text = (SEEDS_DIR / SEED).read_text(encoding="utf-8")
    assert text.count(EXECUTOR_STEP) == 1
    path = folder / "amended-act.txt"
    path.write_text(text.replace(EXECUTOR_STEP, "жауапты орындаушысы 4 (төрт) жұмыс күні ішінде"), encoding="utf-8")
    return path


def test_upload_review_and_four_eyes_publication(
        server: str, page: Page, ncalayer: NCALayerStandIn, tmp_path: Path) -> None:
    page.set_viewport_size(DESKTOP)
    # An application filed before the amendment, under version 1.
    staff_log_in(page, server, CLERK)
    older_case = take_in(page, server, "office", SERVICE)
    expect(page.locator("[data-regulation-version]")).to_have_attribute("data-regulation-version", "1")

    drafts = "/ru/backoffice/regulations/drafts/"
    log_in(page, server, AUTHOR, drafts)
    checked(page)
    page.get_by_label("Текст акта (простой текст, UTF-8, на казахском или русском)").set_input_files(
        amended_act(tmp_path))
    page.get_by_role("button", name="Составить проекты").click()
    page.wait_for_url(re.compile(r".*/backoffice/regulations/drafts/\d+/$"))
    draft_url = page.url
    expect(page.get_by_role("status").first).to_contain_text("Проектов составлено из текста: 1")
    # Two points to review: the new term the text gives, and the date the wording enters into force.
    check = page.locator("#check")
    expect(check.locator("[data-needs-review]")).to_have_attribute("data-needs-review", "2")
    expect(check.locator(".review")).to_contain_text("procedures.back_office.steps[2].duration.value")
    # The diagram already draws the text's term; the changes against version 1 name it.
    expect(check.locator("figure.diagram")).to_contain_text("4 рабочих дня")
    expect(check.locator(".changes")).to_contain_text("3 working_days → 4 working_days")
    checked(page)

    # Validation as you type: a wrong unit is named at once, then put right.
    editor = page.get_by_label("YAML описания; удаляйте каждую запись needs_review, когда вопрос решён")
    content = editor.input_value()
    editor.fill(content.replace("unit: working_days", "unit: fortnights", 1))
    expect(check.locator("[data-problems]")).not_to_have_attribute("data-problems", "0")
    # The reviewer settles both points: the term is confirmed, the wording enters into force today.
    reviewed = re.sub(r"needs_review:\n(?:[- ] .*\n)*", "", content)
    reviewed = re.sub(r"^effective_from: .*$", f"effective_from: '{TODAY}'", reviewed, flags=re.M)
    editor.fill(reviewed)
    expect(check.locator("[data-problems]")).to_have_attribute("data-problems", "0")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(draft_url)
    expect(page.get_by_role("status").first).to_contain_text("Проект сохранён")
    # The author cannot publish their own draft.
    expect(page.locator("[data-publish-blocked]")).to_be_visible()

    # A second administrator signs the exact text in NCALayer and publishes it.
    ncalayer(APPROVER)
    log_in(page, server, APPROVER, draft_url.removeprefix(server))
    checked(page)
    page.get_by_role("button", name="Подписать и опубликовать").click()
    page.wait_for_url(draft_url)
    expect(page.get_by_role("status").first).to_contain_text("Опубликовано как версия 2")
    published = page.locator("[data-published-version]")
    expect(published).to_have_attribute("data-published-version", "2")

    # Version 2, drawn by bpmn-js, and its difference to version 1.
    published.click()
    expect(page.locator(".bpmn-canvas").first).to_have_attribute("data-bpmn-ready", "true", timeout=15000)
    checked(page)
    page.get_by_role("link", name="v1").click()
    expect(page.locator(".changes")).to_contain_text("3 working_days → 4 working_days")
    checked(page)

    # A new application goes under version 2 (in force from today); the older case keeps version 1.
    staff_log_in(page, server, CLERK)
    take_in(page, server, "office", SERVICE)
    expect(page.locator("[data-regulation-version]")).to_have_attribute("data-regulation-version", "2")
    page.goto(older_case)
    expect(page.locator("[data-regulation-version]")).to_have_attribute("data-regulation-version", "1")
