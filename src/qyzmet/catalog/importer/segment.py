"""Cut a published act into its regulations, and a regulation into numbered points and items.

An act holds one or more regulations, each opened by its approval stamp ("Утвержден постановлением
…", "… қаулысымен бекітілген"), its heading ("Регламент государственной услуги «…»", "«…»
мемлекеттік көрсетілетін қызмет регламенті") and a first section "1. Общие положения" /
"1. Жалпы ережелер". The appendices (business-process handbook, diagrams) follow the body and are
not part of it. Points are "5. …", items "1) …" (the texts sometimes print "б)" for "6)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_GENERAL = re.compile(r"^\s*1\s*\.\s*(Общие положения|Жалпы ережелер)\s*$")
_APPENDIX = re.compile(
    r"^\s*(Приложение\s+\d|Справочник\s*$)|регламент\w*\s+\d+\s*[-–]\s*қосымша(?!\w)|^\s*\d+\s*[-–]\s*қосымша\s*$",
    re.IGNORECASE,
)
_STAMP = re.compile(r"^\s*(Утвержден\w*|бекітілген)\s*$|бекітілген\s*$", re.IGNORECASE)
_QUOTED = re.compile(r"[«\"“](.+?)[»\"”]\s*(?:мемлекеттік|мемлекеттiк|$)", re.DOTALL)
POINT = re.compile(r"^\s*(\d{1,2})\s*\.\s+(.*)$")
ITEM = re.compile(r"^\s*(?:-\s*)?(\d{1,2}|б)\s*\)\s*(.*)$")
SECTION_TITLES = re.compile(
    r"^(Общие положения|Описание порядка|Жалпы ережелер|Мемлекеттік қызметт?і? көрсету процесінде|Мемлекеттік корпорациямен"
    r"|Көрсетілетін қызметті берушілермен|ХҚО-мен|Халыққа қызмет)",
)


@dataclass
class Regulation:
    """One regulation of an act: its heading and the lines of its body (appendices cut off)."""

    heading: str
    title: str
    language: str
    lines: list[str]
    first_line: int  # 1-based line number of the body's first line in the act


@dataclass
class Item:
    number: str
    text: str
    context: str  # the last line ending with ':' before the item inside its point ("при обращении …:")
    results: list[str] = field(default_factory=list)  # "Нәтижесі – …" lines that follow it


@dataclass
class Point:
    number: int
    text: str
    items: list[Item]
    line: int


def language_of(text: str) -> str:
    """'kk' when Kazakh letters are common, else 'ru'."""
    kazakh = sum(text.count(letter) for letter in "әіңғүұқөһӘІҢҒҮҰҚӨҺ")
    return "kk" if kazakh > len(text) / 400 else "ru"


def _heading_before(lines: list[str], index: int) -> str:
    """The heading lines between the approval stamp (or a blank gap) and "1. Общие положения"."""
    collected: list[str] = []
    cursor = index - 1
    while cursor >= 0 and index - cursor <= 14:
        line = lines[cursor].strip()
        if _STAMP.search(line) or re.match(r"^(от|№|\d{4}\s*жылғы)", line):
            break
        if line and not line.startswith(("Сноска", "Ескерту")):
            collected.insert(0, line)
        cursor -= 1
    return " ".join(" ".join(collected).split())


def _title_of(heading: str, body: list[str]) -> str:
    """The service's name: the quoted part of the body's first point, else of the heading."""
    candidates = [" ".join(line.strip() for line in body[:4])]
    if len(heading) < 400:
        candidates.insert(0, heading)
    for text in candidates:
        match = _QUOTED.search(text)
        if match:
            return " ".join(match.group(1).split()).strip(" «»\"")
    return heading


def regulations_in(text: str) -> list[Regulation]:
    lines = text.splitlines()
    starts = [index for index, line in enumerate(lines) if _GENERAL.match(line)]
    found: list[Regulation] = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        body = lines[start + 1 : end]
        for offset, line in enumerate(body):
            if _APPENDIX.search(line) or _STAMP.search(line.strip()):
                body = body[:offset]
                break
        heading = _heading_before(lines, start)
        found.append(
            Regulation(
                heading=heading,
                title=_title_of(heading, body),
                language=language_of("\n".join(body)),
                lines=body,
                first_line=start + 2,
            )
        )
    return found


def _is_heading_line(line: str) -> bool:
    """A section heading ("2. Описание порядка …"), not a point."""
    if not re.match(r"^\s*\d\s*\.\s+[А-ЯЁӘІҢҒҮҰҚӨҺ]", line) or len(line) > 400:
        return False
    return not line.rstrip().endswith((";", ":", ".")) and bool(SECTION_TITLES.match(re.sub(r"^\s*\d\s*\.\s+", "", line)))


def points_of(regulation: Regulation) -> list[Point]:
    """The numbered points of a regulation's body, each with its items and their context lines."""
    points: list[Point] = []
    current: Point | None = None
    context = ""
    last_item: Item | None = None
    expected = 1
    for offset, raw in enumerate(regulation.lines):
        line = raw.strip()
        if not line:
            continue
        point = POINT.match(line)
        if point and expected <= int(point.group(1)) <= expected + 2 and not _is_heading_line(line):
            expected = int(point.group(1))
            current = Point(number=int(point.group(1)), text=point.group(2), items=[], line=regulation.first_line + offset)
            points.append(current)
            expected += 1
            context, last_item = "", None
            continue
        if current is None or _is_heading_line(line):
            continue
        item = ITEM.match(line)
        if item:
            number = "6" if item.group(1) == "б" else item.group(1)
            last_item = Item(number=number, text=item.group(2), context=context)
            current.items.append(last_item)
            continue
        if re.match(r"^(Нәтижесі|Результат)\s*[-–—:]", line):
            if last_item is not None:
                last_item.results.append(re.sub(r"^(Нәтижесі|Результат)\s*[-–—:]\s*", "", line))
            continue
        if line.endswith(":") and len(line) < 300:
            context = line
            last_item = None
            continue
        if last_item is not None and not last_item.text.rstrip().endswith((";", ".")):
            last_item.text = f"{last_item.text} {line}"
        elif last_item is None and not current.items:
            current.text = f"{current.text} {line}"
        elif last_item is None:
            # A free sentence after the items (a note or an unnumbered step): kept as an item
            # without a number only when it reads like a step (Pavlodar's single step).
            last_item = Item(number="", text=line, context=context)
            current.items.append(last_item)
    return points
