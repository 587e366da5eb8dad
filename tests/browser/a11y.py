"""Checks every page of the browser journeys must pass: axe-core finds nothing serious, and no sideways scroll.

    assert_accessible(page)          # axe-core (from node_modules): no serious or critical violation
    assert_no_sideways_scroll(page)  # at 390 px wide the document is no wider than the window
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from playwright.sync_api import Page

AXE: Final = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS: Final = frozenset({"serious", "critical"})
PHONE_WIDTH: Final = 390
PHONE_HEIGHT: Final = 844


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now (WCAG 2 A/AA and best-practice rules); its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def assert_accessible(page: Page) -> None:
    """Fail with a readable list when axe-core reports a serious or critical violation."""
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        raise AssertionError(f"accessibility violations on {page.url}:\n" + "\n".join(_describe(v) for v in blocking))


def assert_no_sideways_scroll(page: Page) -> None:
    """At a phone's width (390 px) the page must not scroll sideways; the viewport stays at that width."""
    page.set_viewport_size({"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
    page.wait_for_timeout(50)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,"
        " wide: Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right"
        " > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName.toLowerCase()"
        " + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.'"
        " + e.className.trim().split(/\\s+/).join('.') : ''))})"
    )
    assert widths["scroll"] <= widths["client"], (
        f"{page.url} scrolls sideways at {PHONE_WIDTH} px: document {widths['scroll']} px wide, "
        f"window {widths['client']} px; too wide: {', '.join(widths['wide'])}"
    )


def _describe(violation: dict[str, Any]) -> str:
    nodes = violation.get("nodes", [])
    targets = "; ".join(" ".join(map(str, node.get("target", []))) for node in nodes[:5])
    more = f" (+{len(nodes) - 5} more)" if len(nodes) > 5 else ""
    return f"- [{violation.get('impact')}] {violation.get('id')}: {violation.get('help')} — {targets}{more}"
