"""Every text a person reads exists in Kazakh and Russian: templates, Python messages, the admin's help texts.

The texts are found in the sources themselves (template tags, gettext calls), so a new page or message
that forgets its translations fails here. Gettext is the one translation mechanism: a kk/ru/en table of
texts written in the Python code (beside the catalogues) fails here too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.template.base import Lexer, TokenType
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import trans_real

SOURCE = Path(__file__).resolve().parents[2] / "src" / "qyzmet"
LANGUAGES = ("kk", "ru")
GETTEXT_CALLS = {
    "_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy", "npgettext",
    "npgettext_lazy",
}
PLURAL_CALLS = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}
# Where kk/ru/en texts in the code are data, not messages: the registry simulator's bilingual records
# (names, addresses) stand for what the state registries hold.
DATA_TABLES = {Path("gateway/simulator")}
TRANSLATE_TAG = re.compile(r"""^(?:translate|trans)\s+(?P<quote>["'])(?P<text>.*?)(?P=quote)""")
CONTEXT = re.compile(r"""\bcontext\s+(?P<quote>["'])(?P<context>.*?)(?P=quote)""")
BLOCK_TAG = re.compile(r"^(?:blocktranslate|blocktrans)\b(?P<options>.*)$")
VARIABLE = re.compile(r"\{\{\s*(?P<name>[\w.]+)[^}]*\}\}")


def _template_messages(path: Path) -> Iterator[tuple[str, str]]:
    """(context, msgid) of every {% translate %} and {% blocktranslate %} of a template."""
    tokens = Lexer(path.read_text(encoding="utf-8")).tokenize()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.token_type != TokenType.BLOCK:
            continue
        content = token.contents.strip()
        if match := TRANSLATE_TAG.match(content):
            context = CONTEXT.search(content[match.end():])
            yield (context.group("context") if context else "", match.group("text"))
        elif match := BLOCK_TAG.match(content):
            if "count" in match.group("options").split():
                continue  # plural forms: none in the project so far
            parts = []
            while index < len(tokens) and not tokens[index].contents.strip().startswith("endblocktrans"):
                inner = tokens[index]
                parts.append(f"%({inner.contents.strip()})s" if inner.token_type == TokenType.VAR else inner.contents)
                index += 1
            context = CONTEXT.search(match.group("options"))
            text = "".join(parts)
            if "trimmed" in match.group("options").split():
                text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
            yield (context.group("context") if context else "", text)


def _python_messages(path: Path) -> Iterator[tuple[str, str | tuple[str, int]]]:
    """(context, msgid) of every gettext call with literal arguments; (msgid, 0) for a plural one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in GETTEXT_CALLS:
            continue
        literals = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        context = literals.pop(0) if name.startswith(("p", "np")) and len(literals) >= 2 else ""
        if literals:
            yield (context, (literals[0], 0) if name in PLURAL_CALLS else literals[0])


def _hand_kept_tables(path: Path) -> Iterator[int]:
    """Lines of the dict literals keyed by kk/ru(/en) whose values hold texts written in the code.

    A dict keyed by language whose values are computed (an organization's name_kk, name_ru fields) holds
    data and passes; one with a literal text is a translation kept by hand beside the catalogues.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Dict) and node.keys):
            continue
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        if not ({"kk", "ru"} <= keys and keys <= {"kk", "ru", "en"}):
            continue
        if any(
            isinstance(inner, ast.Constant) and isinstance(inner.value, str) and inner.value.strip()
            for value in node.values
            for inner in ast.walk(value)
        ):
            yield node.lineno


def _sources(pattern: str) -> list[Path]:
    return sorted(p for p in SOURCE.rglob(pattern) if "migrations" not in p.parts)


def _translated(language: str, context: str, msgid: str | tuple[str, int]) -> bool:
    catalog = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    if isinstance(msgid, tuple):  # a plural message: its first form
        text, form = msgid
        return bool(catalog.get((f"{context}\x04{text}" if context else text, form)))
    key = f"{context}\x04{msgid}" if context else msgid
    return bool(catalog.get(key))


def _missing(messages: Iterator[tuple[str, str | tuple[str, int]]]) -> list[str]:
    return sorted({
        f"{language}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for context, msgid in messages
        for language in LANGUAGES
        if str(msgid).strip() and not _translated(language, context, msgid)
    })


def test_every_template_text_is_translated_to_kazakh_and_russian() -> None:
    missing = _missing(m for path in _sources("*.html") for m in _template_messages(path))
    assert not missing, "untranslated template texts:\n" + "\n".join(missing)


def test_every_gettext_message_in_python_is_translated_to_kazakh_and_russian() -> None:
    missing = _missing(m for path in _sources("*.py") for m in _python_messages(path))
    assert not missing, "untranslated messages:\n" + "\n".join(missing)


def test_no_kk_ru_en_table_of_texts_is_kept_by_hand_in_python() -> None:
    """Gettext is the one mechanism: a message is an English msgid with its kk and ru in the catalogues."""
    tables = [
        f"{path.relative_to(SOURCE)}:{line}"
        for path in _sources("*.py")
        if not any(path.relative_to(SOURCE).is_relative_to(allowed) for allowed in DATA_TABLES)
        for line in _hand_kept_tables(path)
    ]
    assert not tables, (
        "kk/ru/en tables of texts in the code (write a gettext message and translate it in the .po files):\n"
        + "\n".join(tables)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_help_text_is_translated(language: str) -> None:
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("qyzmet."):
            continue
        for field in model._meta.get_fields():
            help_text = getattr(field, "help_text", "")
            if not help_text:
                continue
            if not isinstance(help_text, Promise):
                missing.append(f"{model.__name__}.{field.name}: not marked for translation")
                continue
            with translation.override(None):
                msgid = str(help_text)  # no catalogue active: the text as written in the source
            if not _translated(language, "", msgid):
                missing.append(f"{model.__name__}.{field.name}: {msgid!r}")
    assert not missing, f"untranslated help texts ({language}):\n" + "\n".join(missing)


def test_the_scanner_finds_texts_it_must_check(tmp_path: Path) -> None:
    """Guard against a scanner that silently finds nothing (which would make the tests above pass)."""
    base = SOURCE / "public" / "templates" / "web" / "base.html"
    assert ("", "Personal cabinet") in set(_template_messages(base))
    assert len(list(m for p in _sources("*.html") for m in _template_messages(p))) > 50
    vocabulary = set(_python_messages(SOURCE / "catalog" / "vocabulary.py"))
    assert ("regulation role", "Applicant") in vocabulary
    assert ("", ("{count} working day", 0)) in vocabulary
    module = tmp_path / "texts.py"
    module.write_text(
        'A = {"kk": "Сәлем", "ru": "Привет", "en": "Hello"}\n'
        'B = {"ru": org.name_ru, "kk": org.name_kk}\n'
        'C = {"kk": {"default": "Сәлем"}, "ru": {"default": "Привет"}}\n',
        encoding="utf-8",
    )
    assert list(_hand_kept_tables(module)) == [1, 3]
