"""The regulation text generated from a definition reproduces the facts of its seed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from weasyprint import HTML

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.render import render, word
from qyzmet.catalog.schema import ServiceDefinition, Step
from qyzmet.catalog.vocabulary import ORGANIZATIONS, ROLES, UNITS, Names, duration_phrase, name
from qyzmet.cli import main

SERVICES = catalog_default().ids()


@dataclass(frozen=True)
class Fact:
    role: str
    organization: str
    duration: tuple[int, str] | None


def _alternatives(table: Names, language: str) -> dict[str, str]:
    return {name(table, code, language): code for code in table}


def extract_facts(text: str, language: str) -> list[Fact]:
    """Read every numbered step line back: `N) <role> (<organization>): <action>; <duration label>: <value>.`"""
    roles = _alternatives(ROLES, language)
    organizations = _alternatives(ORGANIZATIONS, language)
    # every form of each unit's name: 1, 2 and 5 take the one, few and many forms
    units = {duration_phrase(n, unit, language).partition(" ")[2]: unit for unit in UNITS for n in (1, 2, 5)}
    pattern = re.compile(
        r"^- [^\n]*?\) (?P<role>" + "|".join(map(re.escape, sorted(roles, key=len, reverse=True))) + r") \("
        r"(?P<organization>" + "|".join(map(re.escape, sorted(organizations, key=len, reverse=True))) + r")\): "
        r".*; " + re.escape(word("duration", language)) + r": (?P<duration>[^;]*?)\.(?: \[[^\]]*\])?$",
        re.MULTILINE,
    )
    facts = []
    for match in pattern.finditer(text):
        value, _, unit = match["duration"].partition(" ")
        duration = (int(value), units[unit]) if value.isdigit() else None
        facts.append(Fact(roles[match["role"]], organizations[match["organization"]], duration))
    return facts


def expected_facts(definition: ServiceDefinition) -> list[Fact]:
    """Section 2 lists each procedure; section 4 lists each channel's intake and delivery processes."""

    def fact(step: Step) -> Fact:
        duration = (step.duration.value, step.duration.unit.value) if step.duration else None
        return Fact(step.role.value, step.organization.value, duration)

    facts = [fact(s) for procedure in definition.procedures.values() for s in procedure.steps]
    for channel in definition.channels:
        facts += [fact(s) for s in [*channel.intake, *channel.delivery]]
    return facts


@pytest.mark.parametrize("service_id", SERVICES)
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_rendered_text_reproduces_every_step_role_and_duration(service_id: str, language: str) -> None:
    # given
    definition = catalog_default().latest(service_id)

    # when
    text = render(definition, language, "md").decode("utf-8")

    # then
    assert extract_facts(text, language) == expected_facts(definition)


@pytest.mark.parametrize("service_id", SERVICES)
def test_rendered_text_in_the_seed_language_quotes_every_action_and_result(service_id: str) -> None:
    # given
    definition = catalog_default().latest(service_id)
    language = definition.source.language.value
    steps = [s for p in definition.procedures.values() for s in p.steps]
    steps += [s for c in definition.channels for s in [*c.intake, *c.delivery]]

    # when
    text = render(definition, language, "md").decode("utf-8")

    # then
    for step in steps:
        assert step.action.get(language) in text, step.id
        if step.result is not None and step.result.get(language):
            assert step.result.get(language) in text, step.id
    for rule in definition.outcomes:
        for document_id in rule.documents:
            title = definition.document(document_id).title
            assert (title.get(language) or title.get("ru") or "") in text


@pytest.mark.parametrize("service_id", SERVICES)
def test_rendered_html_has_the_four_sections_and_a_diagram_per_channel(service_id: str) -> None:
    # given
    definition = catalog_default().latest(service_id)

    # when
    page = render(definition, "ru", "html").decode("utf-8")

    # then
    for key in ("s1", "s2", "s3", "s4"):
        assert f"<h2>{word(key, 'ru')}</h2>" in page
    assert page.count("data:image/svg+xml;base64,") == len(definition.channels)


@pytest.mark.parametrize(("language", "first_caption"), [
    # the seeds' own numbering: "Регламенттің 1-қосымшасы" and "Приложение 1 к регламенту"
    ("kk", "1-қосымша. Бизнес-процестердің анықтамалығы: "),
    ("ru", "Приложение 1. Справочник бизнес-процессов: "),
    ("en", "Appendix 1. Business-process reference: "),
])
def test_appendix_captions_number_the_way_each_language_does(language: str, first_caption: str) -> None:
    from qyzmet.catalog.render import regulation_document

    definition = catalog_default().latest(SERVICES[0])

    captions = [caption for caption, _svg in regulation_document(definition, language, diagrams=True).appendices]

    assert len(captions) == len(definition.channels)
    assert captions[0].startswith(first_caption)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("service_id", "language"),
    [("karaganda-2015-targeted-social-assistance", "kk"), ("wko-2019-guardianship-establishment", "ru")],
)
def test_render_command_writes_a_pdf(service_id: str, language: str, tmp_path: Path) -> None:
    # given
    out = tmp_path / "regulation.pdf"

    # when
    code = main(["catalog", "render", service_id, "--lang", language, "--format", "pdf", "--out", str(out)])

    # then
    assert code == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    # the laid-out document: the text pages, then one page per channel diagram
    definition = catalog_default().latest(service_id)
    pages = HTML(string=render(definition, language, "html").decode("utf-8")).render().pages
    assert len(pages) >= 1 + len(definition.channels)
