"""From a published act's text to draft catalogue definitions: `qyzmet catalog import` and `compare`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qyzmet.catalog.importer.draft import draft_of
from qyzmet.catalog.importer.segment import regulations_in


def import_act(text: str, *, seed: str) -> list[dict[str, Any]]:
    """One draft definition per regulation the act holds, in the act's order."""
    drafts = [draft_of(regulation, seed=seed, act_text=text) for regulation in regulations_in(text)]
    seen: dict[str, int] = {}
    for draft in drafts:
        count = seen[draft["id"]] = seen.get(draft["id"], 0) + 1
        if count > 1:
            draft["id"] = f"{draft['id']}-{count}"
    return drafts


def import_file(path: Path) -> list[dict[str, Any]]:
    return import_act(path.read_text(encoding="utf-8"), seed=path.name)
