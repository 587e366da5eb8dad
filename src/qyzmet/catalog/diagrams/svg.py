"""The business-process reference as SVG: one lane per actor, boxes with action and duration.

Drawn from `layout.py`; every text is escaped, and the full action text is kept as the
box's tooltip (`<title>`), so the picture stays readable and nothing is lost.
"""

from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape

from django.utils.translation import pgettext_lazy

from qyzmet.catalog.diagrams.layout import (
    BOX_WIDTH,
    LANE_HEADER,
    LANE_HEIGHT,
    MARGIN,
    Layout,
    Node,
    layout_channel,
    layout_steps,
    system_lane_key,
)
from qyzmet.catalog.schema import ServiceDefinition, Step, Text
from qyzmet.catalog.vocabulary import CHANNELS, ORGANIZATIONS, ROLES, START_END, VERBS, duration_phrase, name
from qyzmet.core.i18n import in_language

FONT = "DejaVu Sans, Arial, sans-serif"
CHARS_PER_LINE = 25
COLOURS = {
    "applicant": "#fff7e0",
    "provider": "#e8f4fb",
    "state_corporation": "#eaf7ec",
    "rural_akim": "#f3ecfa",
    "district_akimat": "#fdecea",
}
SYSTEM_COLOUR = "#f1f3f5"


def text_in(text: Text | None, language: str, original: str) -> str:
    """`text` in `language`, else in the original language."""
    if text is None:
        return ""
    return text.get(language) or text.get(original) or ""


NUMBER_WORDS = {
    "process": pgettext_lazy("diagram", "process {n}"),
    "condition": pgettext_lazy("diagram", "condition {n}"),
}


def number_label(number: str, language: str) -> str:
    """'process 4' -> '4-процесс' (kk) / 'процесс 4' (ru); other numbering is shown as written."""
    word, _, n = number.partition(" ")
    if word in NUMBER_WORDS and n:
        return in_language(NUMBER_WORDS[word], language).format(n=n)
    return number


def _lines(value: str, width: int, count: int) -> list[str]:
    lines = textwrap.wrap(" ".join(value.split()), width=width) or [""]
    if len(lines) > count:
        lines = [*lines[: count - 1], textwrap.shorten(" ".join(lines[count - 1 :]), width=width, placeholder=" …")]
    return lines


def _step_box(node: Node, step: Step, language: str, original: str) -> list[str]:
    x, y = node.x, node.y
    fill = COLOURS.get(step.organization.value, SYSTEM_COLOUR)
    shape = "rect"
    radius = 4 if step.does.value != "check" else 18
    action = text_in(step.action, language, original)
    parts = [
        f'<g class="step" id="step-{escape(step.id)}" data-role="{step.role.value}">',
        f"<title>{escape(action)}</title>",
        f'<{shape} x="{x}" y="{y}" width="{node.width}" height="{node.height}" rx="{radius}" '
        f'fill="{fill}" stroke="#41566b" stroke-width="1.2"/>',
    ]
    label = (f"{number_label(step.number, language)} · " if step.number else "") + name(
        VERBS, step.does.value, language
    )
    parts.append(
        f'<text x="{x + 6}" y="{y + 15}" font-size="11" font-weight="bold">'
        f"{escape(textwrap.shorten(label, width=CHARS_PER_LINE, placeholder='…'))}</text>"
    )
    for index, line in enumerate(_lines(action, CHARS_PER_LINE + 3, 4)):
        parts.append(f'<text x="{x + 6}" y="{y + 30 + index * 12}" font-size="9.5">{escape(line)}</text>')
    if step.duration is not None:
        phrase = duration_phrase(step.duration.value, step.duration.unit.value, language)
        parts.append(
            f'<text class="duration" x="{x + node.width - 6}" y="{y + node.height - 6}" font-size="10.5" '
            f'text-anchor="end" fill="#b03a2e">{escape(phrase)}</text>'
        )
    parts.append("</g>")
    return parts


def _event(node: Node, language: str) -> list[str]:
    cx, cy, r = node.x + node.width // 2, node.y + node.height // 2, node.width // 2
    stroke = 4 if node.kind == "end" else 1.5
    label = name(START_END, node.kind, language)
    return [
        f'<g class="{node.kind}" id="{escape(node.id)}">',
        f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="#fff" stroke="#1b2430" stroke-width="{stroke}"/>',
        f'<text x="{cx}" y="{cy + r + 13}" font-size="10" text-anchor="middle">{escape(label)}</text>',
        "</g>",
    ]


def _lane_title(key: tuple[str, str], language: str) -> list[str]:
    organization, role = key
    if organization == "applicant":
        return [name(ROLES, "applicant", language)]
    if role == "system" and organization in {"provider", "state_corporation", "rural_akim", "district_akimat"}:
        return [name(ORGANIZATIONS, organization, language)]
    if role == "system":
        return [name(ORGANIZATIONS, organization, language)]
    return [name(ORGANIZATIONS, organization, language), name(ROLES, role, language)]


def render_layout(layout: Layout, *, title: str, language: str, original: str) -> str:
    """The SVG document of a laid-out procedure."""
    top = 46
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width}" height="{layout.height + top}" '
        f'viewBox="0 0 {layout.width} {layout.height + top}" font-family="{FONT}" role="img">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#41566b"/></marker></defs>',
        f'<rect width="{layout.width}" height="{layout.height + top}" fill="#ffffff"/>',
    ]
    for index, line in enumerate(_lines(title, 150, 2)):
        out.append(f'<text x="{MARGIN}" y="{22 + index * 16}" font-size="14" font-weight="bold">{escape(line)}</text>')
    out.append(f'<g transform="translate(0,{top})">')
    for lane in layout.lanes:
        fill = COLOURS.get(lane.key[0], SYSTEM_COLOUR)
        out.append(
            f'<g class="lane"><rect x="{MARGIN}" y="{lane.y}" width="{layout.width - 2 * MARGIN}" '
            f'height="{LANE_HEIGHT}" fill="none" stroke="#b8c4d0"/>'
            f'<rect x="{MARGIN}" y="{lane.y}" width="{LANE_HEADER}" height="{LANE_HEIGHT}" fill="{fill}" '
            f'stroke="#b8c4d0"/>'
        )
        title_lines = [ln for part in _lane_title(lane.key, language) for ln in _lines(part, 20, 3)]
        for index, line in enumerate(title_lines[:6]):
            out.append(
                f'<text x="{MARGIN + 8}" y="{lane.y + 22 + index * 14}" font-size="11" '
                f'font-weight="{"bold" if index == 0 else "normal"}">{escape(line)}</text>'
            )
        out.append("</g>")
    for edge in layout.edges:
        points = " ".join(f"{x},{y}" for x, y in edge.points)
        out.append(
            f'<polyline class="flow" points="{points}" fill="none" stroke="#41566b" stroke-width="1.3" '
            f'marker-end="url(#arrow)"/>'
        )
        if edge.label:
            x, y = edge.points[0]
            out.append(f'<text x="{x + 4}" y="{y - 4}" font-size="9.5" fill="#1f6f8b">{escape(edge.label)}</text>')
    for node in layout.nodes:
        if node.step is not None:
            out.extend(_step_box(node, node.step, language, original))
        else:
            out.extend(_event(node, language))
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def diagram_svg(definition: ServiceDefinition, channel: str, language: str) -> str:
    """The business-process reference of one channel of a service, as an SVG document."""
    original = definition.source.language.value
    title = f"{text_in(definition.title, language, original)} — {name(CHANNELS, channel, language)}"
    return render_layout(layout_channel(definition, channel), title=title, language=language, original=original)


INTERACTION_TITLE = pgettext_lazy("diagram", "Functional interaction of information systems")


def interaction_svg(definition: ServiceDefinition, channel: str, language: str) -> str:
    """The information-systems interaction diagram of a portal or State Corporation channel.

    Only the intake and delivery processes ("process N / condition N") are drawn, one lane
    per information system; the provider's internal procedure is one box per step in its lane.
    """
    original = definition.source.language.value
    chosen = definition.channel(channel)
    if not chosen.intake and not chosen.delivery:
        raise ValueError(f"channel '{channel}' of '{definition.id}' has no information-system processes")
    title = f"{in_language(INTERACTION_TITLE, language)}: {text_in(definition.title, language, original)} — " + name(
        CHANNELS, channel, language
    )
    layout = layout_steps(definition.channel_steps(channel), key_of=system_lane_key)
    return render_layout(layout, title=title, language=language, original=original)


__all__ = ["BOX_WIDTH", "diagram_svg", "interaction_svg", "render_layout", "text_in"]
