"""Charts drawn on the server as SVG: no JavaScript, scale with the page (viewBox), text escaped.

Each chart has role="img", a <title> and a description, and its numbers are also in the table
next to it, so the chart adds nothing a screen-reader user misses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

ON_TIME_COLOUR = "#1b7f3b"
LATE_COLOUR = "#b3261e"
BAR_COLOUR = "#1f5fa8"


def on_time_late_bars(rows: Sequence[tuple[str, int, int]], *, title: str, on_time: str, late: str) -> SafeString:
    """Horizontal stacked bars, one per label: on-time cases, then late cases, with the counts written."""
    width, label_width, bar_height, gap = 640, 260, 18, 10
    top = 30
    height = top + len(rows) * (bar_height + gap) + 10
    largest = max([a + b for _label, a, b in rows] + [1])
    scale = (width - label_width - 60) / largest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-sla-title">',
        f'<title id="chart-sla-title">{escape(title)}</title>',
        f'<rect x="0" y="4" width="12" height="12" fill="{ON_TIME_COLOUR}"/>',
        f'<text x="18" y="15" font-size="13">{escape(on_time)}</text>',
        f'<rect x="160" y="4" width="12" height="12" fill="{LATE_COLOUR}"/>',
        f'<text x="178" y="15" font-size="13">{escape(late)}</text>',
    ]
    for index, (label, good, bad) in enumerate(rows):
        y = top + index * (bar_height + gap)
        shown = label if len(label) <= 40 else label[:39] + "…"
        good_width, bad_width = good * scale, bad * scale
        parts += [
            f'<text x="0" y="{y + 13}" font-size="12"><title>{escape(label)}</title>{escape(shown)}</text>',
            f'<rect x="{label_width}" y="{y}" width="{good_width:.1f}" height="{bar_height}" fill="{ON_TIME_COLOUR}"/>',
            f'<rect x="{label_width + good_width:.1f}" y="{y}" width="{bad_width:.1f}" height="{bar_height}" '
            f'fill="{LATE_COLOUR}"/>',
            f'<text x="{label_width + good_width + bad_width + 6:.1f}" y="{y + 13}" font-size="12">'
            f"{good} / {bad}</text>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def arrivals_columns(days: Sequence[tuple[date, int]], *, title: str) -> SafeString:
    """One column per date with the count above it; the date under every 7th column (and the last)."""
    width, height, bottom, top = 640, 220, 30, 20
    count = max(len(days), 1)
    step = width / count
    largest = max([n for _day, n in days] + [1])
    scale = (height - bottom - top) / largest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-arrivals-title">',
        f'<title id="chart-arrivals-title">{escape(title)}</title>',
        f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#666"/>',
    ]
    for index, (day, number) in enumerate(days):
        x = index * step
        bar = number * scale
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{height - bottom - bar:.1f}" width="{step * 0.7:.1f}" '
            f'height="{bar:.1f}" fill="{BAR_COLOUR}"><title>{day.isoformat()}: {number}</title></rect>'
        )
        if number and count <= 31:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - bottom - bar - 4:.1f}" font-size="11" '
                f'text-anchor="middle">{number}</text>'
            )
        if index % 7 == 0 or (index == count - 1 and index % 7 >= 4):
            anchor = "start" if index == 0 else "end" if index == count - 1 else "middle"
            label_x = x if index == 0 else x + step if index == count - 1 else x + step / 2
            parts.append(
                f'<text x="{label_x:.1f}" y="{height - 10}" font-size="11" text-anchor="{anchor}">'
                f"{day.strftime('%d.%m')}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
