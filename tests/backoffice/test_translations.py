"""Every text of the back office exists in Kazakh and Russian: no empty or fuzzy entry, the compiled
catalogue matches its source, and every literal the templates translate is in the catalogue."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "src" / "qyzmet" / "backoffice"
LITERAL = re.compile(r'{%\s*translate\s+"([^"]+)"|{%\s*translate\s+\'([^\']+)\'')


def _entries(po: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (the header excluded)."""
    entries: dict[str, str] = {}
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not lines:
            continue
        assert "#, fuzzy" not in block, f"fuzzy entry in {po}: {block}"
        at = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))
        msgid = "".join(ast.literal_eval(part) for part in [lines[0][6:], *lines[1:at]])
        msgstr = "".join(ast.literal_eval(part) for part in [lines[at][7:], *lines[at + 1:]])
        if msgid:
            entries[msgid] = msgstr
    return entries


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_entry_is_translated_and_compiled(language: str) -> None:
    folder = APP / "locale" / language / "LC_MESSAGES"
    entries = _entries(folder / "django.po")
    with (folder / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    assert entries
    assert [msgid for msgid, msgstr in entries.items() if not msgstr.strip()] == []
    assert [msgid for msgid, msgstr in entries.items() if catalogue.gettext(msgid) != msgstr] == []


def test_every_translated_template_literal_is_in_the_catalogue() -> None:
    entries = _entries(APP / "locale" / "ru" / "LC_MESSAGES" / "django.po")
    literals = {a or b for path in (APP / "templates").rglob("*.html")
                for a, b in LITERAL.findall(path.read_text(encoding="utf-8"))}

    assert literals
    assert sorted(literals - set(entries)) == []
