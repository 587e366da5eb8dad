"""The public verification page of a signed result document, in a real browser: readable, accessible, phone-wide."""

from __future__ import annotations

import json
import subprocess

import pytest
from playwright.sync_api import Page

from tests.browser.a11y import assert_accessible, assert_no_sideways_scroll
from tests.browser.conftest import QYZMET, Platform

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERVICE = "wko-2019-parent-visit-permission"


def test_the_verification_page_of_a_signed_result(platform: Platform, page: Page) -> None:
    # given: the demo runs one case into the server's own database, signed with keys of the server's test CA
    done = subprocess.run(
        [*QYZMET, "demo", "--database", f"sqlite:///{platform.var / 'qyzmet.sqlite3'}", "--service", SERVICE,
         "--channel", "provider_office", "--json"],
        env=platform.env, capture_output=True, text=True, timeout=600, check=True,
    )
    [run] = json.loads(done.stdout)
    [document] = [d for d in run["result_document"] if d["signed"]]
    assert document["verify_url"].endswith(f"/verify/{document['number']}/")

    for prefix, valid in (("", "Қолтаңба қазір жарамды."), ("/ru", "Подпись сейчас действительна.")):
        # when
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{platform.base_url}{prefix}/verify/{document['number']}/")

        # then
        assert page.get_by_role("status").first.inner_text() == valid
        assert document["number"] in page.content()
        assert run["applicant"] not in page.content()
        assert_accessible(page)
        assert_no_sideways_scroll(page)
        assert_accessible(page)
