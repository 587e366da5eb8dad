"""The regulation text, generated from a definition, in the standard's section structure.

1. General provisions; 2. Actions of the provider's structural units; 3. Their
interaction; 4. Interaction with the State Corporation and other providers and the use
of information systems; appendices with the diagrams. Kazakh or Russian (English for
reviewers). Every step is written as one numbered line

    N) <role> (<organization>): <action>; <duration label>: <duration>.

so the facts can be read back from the text (tests do exactly that).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

from django.utils.translation import pgettext_lazy

from qyzmet.catalog.diagrams.svg import diagram_svg, number_label, text_in
from qyzmet.catalog.schema import ServiceDefinition, Step
from qyzmet.catalog.vocabulary import CHANNELS, ORGANIZATIONS, ROLES, duration_phrase, name
from qyzmet.core.i18n import Message, in_language

WORDS: dict[str, Message] = {
    "regulation": pgettext_lazy("regulation text", "regulation of the public service"),
    "s1": pgettext_lazy("regulation text", "1. General provisions"),
    "s2": pgettext_lazy(
        "regulation text",
        "2. Actions of the provider's structural units (employees) in rendering the service"
    ),
    "s3": pgettext_lazy("regulation text", "3. Interaction of the provider's structural units (employees)"),
    "s4": pgettext_lazy(
        "regulation text",
        "4. Interaction with the State Corporation and other providers, and the use of information systems"
    ),
    "provider": pgettext_lazy("regulation text", "The service is rendered by"),
    "standard": pgettext_lazy("regulation text", "Standard"),
    "channels": pgettext_lazy("regulation text", "Applications are accepted and results issued through"),
    "cost": pgettext_lazy("regulation text", "Cost"),
    "free": pgettext_lazy("regulation text", "free of charge"),
    "not_stated": pgettext_lazy("regulation text", "not stated"),
    "form": pgettext_lazy("regulation text", "Form of service"),
    "result": pgettext_lazy("regulation text", "Result of the service"),
    "refusal": pgettext_lazy("regulation text", "Refusal"),
    "queue": pgettext_lazy("regulation text", "Queue"),
    "refusal_to_accept": pgettext_lazy("regulation text", "Refusal to accept the application"),
    "procedure": pgettext_lazy("regulation text", "Procedures (actions)"),
    "duration": pgettext_lazy("regulation text", "duration"),
    "no_duration": pgettext_lazy("regulation text", "not set"),
    "budget": pgettext_lazy("regulation text", "One time budget for all the steps"),
    "step_results": pgettext_lazy("regulation text", "Step results that start the next step"),
    "participants": pgettext_lazy("regulation text", "Participants"),
    "sequence": pgettext_lazy(
        "regulation text",
        "The sequence is drawn in the business-process reference (appendix 1)"
    ),
    "channel": pgettext_lazy("regulation text", "Channel"),
    "condition": pgettext_lazy("regulation text", "Condition"),
    # the word order of an appendix's number differs between languages ("2-қосымша", "Приложение 2")
    "appendix_caption": pgettext_lazy("regulation text", "Appendix {number}. Business-process reference: {channel}"),
    "notes": pgettext_lazy("regulation text", "Notes on the source text"),
    "original": pgettext_lazy("regulation text", "in the original language"),
    "source": pgettext_lazy("regulation text", "Source"),
    "goes_to": pgettext_lazy("regulation text", "next"),
    "end": pgettext_lazy("regulation text", "end"),
}

FORMS = {
    "electronic_fully_automated": pgettext_lazy("regulation text", "electronic (fully automated)"),
    "electronic_partially_automated": pgettext_lazy("regulation text", "electronic (partially automated)"),
    "electronic": pgettext_lazy("regulation text", "electronic"),
    "paper": pgettext_lazy("regulation text", "paper"),
}


def word(key: str, language: str) -> str:
    return in_language(WORDS[key], language)


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    appendices: list[tuple[str, str]]  # (caption, SVG)


def step_line(step: Step, language: str, original: str, *, shared_budget: bool = False) -> str:
    """One numbered step: role, organization, action, duration."""
    role = name(ROLES, step.role.value, language)
    organization = name(ORGANIZATIONS, step.organization.value, language)
    action = text_in(step.action, language, original)
    if step.action.get(language) is None:
        action = f"{action} [{word('original', language)}]"
    if step.duration is not None:
        duration = duration_phrase(step.duration.value, step.duration.unit.value, language)
    else:
        duration = word("budget", language).lower() if shared_budget else word("no_duration", language)
    number = number_label(step.number, language) if step.number else step.id
    flow = ""
    if step.branches:
        branches = ", ".join(f"{b.when} → {b.next}" for b in step.branches)
        flow = f" [{word('goes_to', language)}: {branches}]"
    return f"{number}) {role} ({organization}): {action}; {word('duration', language)}: {duration}.{flow}"


def _general(definition: ServiceDefinition, language: str, original: str) -> Section:
    section = Section(word("s1", language))
    providers = "; ".join(text_in(p.name, language, original) or p.kind.value for p in definition.providers)
    section.paragraphs.append(f"{word('provider', language)}: {providers}.")
    standard = definition.source.standard
    if standard is not None:
        section.paragraphs.append(
            f"{word('standard', language)}: {standard.body}, {standard.kind} № {standard.number}"
            + (f" ({standard.date.isoformat()})" if standard.date else "")
            + "."
        )
    channels = "; ".join(name(CHANNELS, c.code.value, language) for c in definition.channels)
    section.paragraphs.append(f"{word('channels', language)}: {channels}.")
    cost = word("free", language) if definition.cost.value == "free" else word("not_stated", language)
    section.paragraphs.append(f"{word('cost', language)}: {cost}.")
    forms = ", ".join(in_language(FORMS[f.value], language) for f in definition.forms)
    section.paragraphs.append(f"{word('form', language)}: {forms}.")
    for rule in definition.outcomes:
        documents = " + ".join(text_in(definition.document(d).title, language, original) for d in rule.documents)
        label = {
            "issued": word("result", language),
            "refused": word("refusal", language),
            "queued": word("queue", language),
        }[rule.outcome.value]
        where = (
            " (" + ", ".join(name(CHANNELS, c.value, language) for c in rule.channels) + ")" if rule.channels else ""
        )
        section.paragraphs.append(f"{label}{where}: {documents}.")
    refusal = definition.refusal_to_accept
    if refusal is not None:
        receipt = f" — {text_in(refusal.receipt.title, language, original)}" if refusal.receipt else ""
        section.paragraphs.append(f"{word('refusal_to_accept', language)}: «{refusal.quote}»{receipt}.")
    return section


def _procedures(definition: ServiceDefinition, language: str, original: str) -> tuple[Section, Section]:
    actions = Section(word("s2", language))
    interaction = Section(word("s3", language))
    for key, procedure in definition.procedures.items():
        users = [name(CHANNELS, c.code.value, language) for c in definition.channels if c.procedure == key]
        sub = Section(f"{word('procedure', language)} ({', '.join(users)})")
        shared = procedure.budget is not None
        if procedure.budget is not None:
            phrase = duration_phrase(procedure.budget.value, procedure.budget.unit.value, language)
            sub.paragraphs.append(f"{word('budget', language)}: {phrase}.")
        sub.items = [step_line(s, language, original, shared_budget=shared) for s in procedure.steps]
        results = [text_in(s.result, language, original) for s in procedure.steps if s.result is not None]
        if results:
            sub.subsections.append(Section(word("step_results", language), items=results))
        actions.subsections.append(sub)
        roles = []
        for step in procedure.steps:
            label = (
                f"{name(ROLES, step.role.value, language)} ({name(ORGANIZATIONS, step.organization.value, language)})"
            )
            if label not in roles:
                roles.append(label)
        interaction.subsections.append(Section(f"{word('participants', language)} ({', '.join(users)})", items=roles))
    interaction.paragraphs.append(word("sequence", language) + ".")
    return actions, interaction


def _systems(definition: ServiceDefinition, language: str, original: str) -> Section:
    section = Section(word("s4", language))
    for channel in definition.channels:
        if not channel.intake and not channel.delivery:
            continue
        sub = Section(f"{word('channel', language)}: {name(CHANNELS, channel.code.value, language)}")
        if channel.condition is not None:
            sub.paragraphs.append(
                f"{word('condition', language)}: {text_in(channel.condition.text, language, original)}"
            )
        sub.items = [step_line(s, language, original) for s in [*channel.intake, *channel.delivery]]
        section.subsections.append(sub)
    return section


def regulation_document(definition: ServiceDefinition, language: str, *, diagrams: bool = True) -> Document:
    """The regulation as a structured document; `render_markdown` / `render_html` write it out."""
    original = definition.source.language.value
    actions, interaction = _procedures(definition, language, original)
    sections = [
        _general(definition, language, original),
        actions,
        interaction,
        _systems(definition, language, original),
    ]
    if definition.source_notes:
        notes = Section(
            word("notes", language), items=[f"{n.topic}: {n.reconciliation}" for n in definition.source_notes]
        )
        sections.append(notes)
    appendices = []
    if diagrams:
        for index, channel in enumerate(definition.channels, start=1):
            caption = word("appendix_caption", language).format(
                number=index, channel=name(CHANNELS, channel.code.value, language))
            appendices.append((caption, diagram_svg(definition, channel.code.value, language)))
    title = f"«{text_in(definition.title, language, original)}» {word('regulation', language)}"
    act = definition.source.act
    subtitle = (
        f"{word('source', language)}: {act.body}, {act.kind} № {act.number}"
        + (f", {act.date.isoformat()}" if act.date else "")
        + f" ({definition.source.seed})"
    )
    return Document(title, subtitle, sections, appendices)


def _markdown_section(section: Section, depth: int) -> list[str]:
    out = [f"{'#' * depth} {section.title}", ""]
    out += [p + "\n" for p in section.paragraphs]
    if section.items:
        out += [f"- {item}" for item in section.items] + [""]
    for sub in section.subsections:
        out += _markdown_section(sub, depth + 1)
    return out


def render_markdown(document: Document) -> str:
    out = [f"# {document.title}", "", f"_{document.subtitle}_", ""]
    for section in document.sections:
        out += _markdown_section(section, 2)
    for caption, _diagram in document.appendices:
        out += [f"## {caption}", "", "(SVG: `qyzmet catalog diagram`)", ""]
    return "\n".join(out).rstrip() + "\n"


def _html_section(section: Section, depth: int) -> list[str]:
    level = min(depth, 6)
    out = [f"<section><h{level}>{html.escape(section.title)}</h{level}>"]
    out += [f"<p>{html.escape(p)}</p>" for p in section.paragraphs]
    if section.items:
        out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in section.items) + "</ul>")
    for sub in section.subsections:
        out += _html_section(sub, depth + 1)
    out.append("</section>")
    return out


STYLE = """
@page { size: A4; margin: 18mm 15mm; }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.4; color: #111; }
h1 { font-size: 15pt; text-align: center; } h2 { font-size: 12.5pt; margin-top: 1.2em; }
h3 { font-size: 11.5pt; } h4 { font-size: 11pt; } .subtitle { text-align: center; color: #444; }
li { margin-bottom: .3em; } figure { page-break-before: always; margin: 0; }
figure img { width: 100%; } figcaption { font-weight: bold; margin-bottom: .5em; }
"""


def render_html(document: Document, language: str) -> str:
    out = [
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">',
        f"<title>{html.escape(document.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(document.title)}</h1>",
        f'<p class="subtitle">{html.escape(document.subtitle)}</p>',
    ]
    for section in document.sections:
        out += _html_section(section, 2)
    for caption, svg in document.appendices:
        encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        out.append(
            f"<figure><figcaption>{html.escape(caption)}</figcaption>"
            f'<img alt="{html.escape(caption)}" src="data:image/svg+xml;base64,{encoded}"></figure>'
        )
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_pdf(document: Document, language: str) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(document, language)).write_pdf()
    return pdf


def render(definition: ServiceDefinition, language: str, output_format: str) -> bytes:
    """The regulation text in `md`, `html` or `pdf`."""
    document = regulation_document(definition, language, diagrams=output_format != "md")
    if output_format == "md":
        return render_markdown(document).encode("utf-8")
    if output_format == "html":
        return render_html(document, language).encode("utf-8")
    if output_format == "pdf":
        return render_pdf(document, language)
    raise ValueError(f"unknown format '{output_format}' (expected md, html or pdf)")
