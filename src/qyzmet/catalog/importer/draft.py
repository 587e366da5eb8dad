"""Draft a catalogue definition from one regulation's text.

The draft has the catalogue schema's shape. Whatever the text does not settle is left empty and
listed under `needs_review` with its path and the reason; the importer never fills a value it did
not read (a person reviews the draft before it becomes a version of the catalogue).
"""

from __future__ import annotations

import re
from typing import Any

from qyzmet.catalog.importer.actors import actor_of, process_step_of, verb_of
from qyzmet.catalog.importer.acts import legal_source
from qyzmet.catalog.importer.durations import step_duration
from qyzmet.catalog.importer.segment import Item, Point, Regulation, points_of

_PROCEDURE = re.compile(r"Содержание\s+каждой\s+процедуры|әрбір\s+рәсімнің", re.IGNORECASE)
_RESULTS = re.compile(r"Результат\s+процедуры|рәсімнің\s+\(іс-қимылдың\)\s+нәтижесі|орындауды\s+бастауға\s+негіздеме", re.I)
_SC = re.compile(r"Государственн\w+\s+корпораци|ХҚО|Мемлекеттік\s+корпорация|Халыққа\s+қызмет\s+көрсету\s+орталығ", re.I)
_PORTAL = re.compile(r"портал", re.IGNORECASE)
_LIST = re.compile(r"процесс|услови|процесі|шарт|порядка\s+обращения|жүгіну|получения\s+результата|нәтижесін", re.I)
_AKIM_CONTEXT = re.compile(r"әкім|аким", re.IGNORECASE)
_PROVIDER_CONTEXT = re.compile(r"беруші|услугодател", re.IGNORECASE)
# The point that lists the procedures again with who does each ("Әрбір рәсімнің … арасындағы …").
_SEQUENCE = re.compile(r"арасындағы\s+рәсімдердің|последовательност\w*\s+процедур\w*.{0,80}между", re.IGNORECASE)
_EITHER = re.compile(r"\s(?:немесе|или)\s")
_CHANNEL_WORDS: tuple[tuple[str, str], ...] = (
    (r"канцеляри\w+\s+услугодател|қызметті\s+беруші\s+арқылы|көрсетілетін\s+қызметті\s+беруші(?:нің\s+кеңсесі)?\s*;|^көрсетілетін\s+қызметті\s+беруші", "provider_office"),
    (r"Государственн\w+\s+корпораци|Мемлекеттік\s+корпорация|ХҚО|Халыққа\s+қызмет\s+көрсету\s+орталығ|шаруашылық\s+жүргізу", "state_corporation"),
    (r"портал", "portal"),
    (r"әкімі|акима?\s+(?:поселка|села|сельского)", "rural_akim"),
)
_JURISDICTIONS: tuple[tuple[str, str], ...] = (
    (r"Западно-Казахстанск|Батыс\s+Қазақстан", "wko"),
    (r"Жамбыл", "jambyl"),
    (r"Қарағанды|Карагандинск", "karaganda"),
    (r"Павлодар", "pavlodar"),
)
_VERB_ROLES = {
    "register": "office_clerk",
    "accept": "office_clerk",
    "resolve": "head",
    "prepare": "executor",
    "sign": "head",
    "issue": "office_clerk",
    "forward": "office_clerk",
    "enqueue": "office_clerk",
}


class Draft:
    """A definition being drafted, with the list of what a reviewer must settle."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.needs_review: list[dict[str, str]] = []

    def review(self, path: str, reason: str) -> None:
        self.needs_review.append({"path": path, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {**self.data, "needs_review": self.needs_review}


def _flat(text: str) -> str:
    return " ".join(text.split())


_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәіңғүұқөһ",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "-", "y", "-", "e", "yu", "ya", "a", "i", "n", "g", "u", "u", "q", "o", "h"],
        strict=True,
    )
)


def _slug(text: str) -> str:
    """A Latin identifier from a Kazakh or Russian title (the reviewer may choose a better one)."""
    latin = "".join(_LATIN.get(letter, letter) for letter in text.lower())
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")


def _point(points: list[Point], pattern: re.Pattern[str]) -> Point | None:
    return next((point for point in points if pattern.search(point.text)), None)


def _duration(text: str) -> dict[str, Any] | None:
    found = step_duration(text)
    return {"value": found.value, "unit": found.unit} if found else None


def _back_office_step(
    draft: Draft, path: str, item: Item, index: int, language: str, *, actor_text: str | None = None
) -> dict[str, Any]:
    text = _flat(item.text).rstrip(";. ")
    actor = actor_of(actor_text if actor_text is not None else text)
    does = verb_of(text)
    step: dict[str, Any] = {
        "id": f"step-{index}",
        "number": item.number or str(index),
        "role": actor.role if actor else None,
        "organization": actor.organization if actor else None,
        "does": does,
        "action": {language: text},
        "duration": _duration(text),
    }
    if actor is None:
        role = _VERB_ROLES.get(does or "")
        step["role"], step["organization"] = role, "provider" if role else None
        draft.review(f"{path}.role", "the step names no actor; the role is inferred from what it does")
    if does is None:
        draft.review(f"{path}.does", "no known verb in the step's text")
    if step["duration"] is None:
        draft.review(f"{path}.duration", "no duration in the step's text")
    if item.results:
        step["result"] = {language: _flat(" ".join(item.results)).rstrip(";. ")}
    return step


def _either_steps(draft: Draft, key: str, group: list[Item], language: str, *, first: bool) -> list[dict[str, Any]]:
    steps = []
    for index, item in enumerate(group, start=1):
        text = _flat(item.text)
        parts = _EITHER.split(text, maxsplit=1)
        actor_text = parts[0] if first or len(parts) == 1 else parts[1]
        steps.append(_back_office_step(draft, f"procedures.{key}.steps[{index - 1}]", item, index, language, actor_text=actor_text))
    return steps


def _procedure_groups(point: Point) -> list[tuple[str, list[Item]]]:
    """The point's items grouped by their context line ("при обращении к услугодателю:")."""
    groups: list[tuple[str, list[Item]]] = []
    for item in point.items:
        if not groups or groups[-1][0] != item.context:
            groups.append((item.context, []))
        groups[-1][1].append(item)
    return groups


def _procedures(draft: Draft, points: list[Point], language: str) -> dict[str, Any]:
    point = _point(points, _PROCEDURE)
    if point is None:
        draft.review("procedures", "no point describing the content of each procedure was found")
        return {}
    items = point.items
    if not items:
        # One unnumbered step written into the point itself (Pavlodar's single step).
        tail = point.text.split(":", 1)[-1]
        items = [Item(number="1", text=tail, context="")] if tail.strip() else []
    groups = _procedure_groups(Point(number=point.number, text=point.text, items=items, line=point.line))
    results = _point(points, _RESULTS)
    sequence = _point(points, _SEQUENCE)
    procedures: dict[str, Any] = {}
    for context, group in groups:
        key = "back_office"
        if context and _AKIM_CONTEXT.search(context):
            key = "akim_route"
        if context and _AKIM_CONTEXT.search(context) and _PROVIDER_CONTEXT.search(context):
            # One list for two routes: each step reads "the provider's X or the akim's office's Y".
            procedures["back_office"] = {"steps": _either_steps(draft, "back_office", group, language, first=True)}
            procedures["akim_office"] = {"steps": _either_steps(draft, "akim_office", group, language, first=False)}
            draft.review("procedures.akim_office", "read from steps that name the provider or the akim's office")
            continue
        steps = []
        for index, item in enumerate(group, start=1):
            path = f"procedures.{key}.steps[{index - 1}]"
            actor_text = None
            if actor_of(item.text) is None and sequence is not None and len(sequence.items) == len(group):
                actor_text = _flat(sequence.items[index - 1].text)
            step = _back_office_step(draft, path, item, index, language, actor_text=actor_text)
            if "result" not in step and results is not None and key == "back_office" and index <= len(results.items):
                step["result"] = {language: _flat(results.items[index - 1].text).rstrip(";. ")}
            steps.append(step)
        if key == "akim_route" and all(step["organization"] == "rural_akim" for step in steps):
            key = "akim_office"
        if key in procedures:
            draft.review(f"procedures.{key}", "two groups of steps read as the same procedure; the later one is kept")
        procedures[key] = {"steps": steps}
    return procedures


_INTAKE_SENTENCE = re.compile(
    r"(?:Прием\s+заявлени\w+|Өтініштерді\s+қабылдау)[^.]*?(?:через|арқылы)[^.]*", re.IGNORECASE
)


def _channels_listed(points: list[Point]) -> list[str]:
    """The channels of the list "Прием заявлений … осуществляются через: 1) … 2) …", or of its one sentence."""
    codes: list[str] = []
    first = points[0] if points else None
    if first is None:
        return codes
    texts = [_flat(item.text) for item in first.items]
    if not texts:
        sentence = _INTAKE_SENTENCE.search(_flat(first.text))
        texts = [sentence.group(0).split("через", 1)[-1]] if sentence else []
    for text in texts:
        for pattern, code in _CHANNEL_WORDS:
            if re.search(pattern, text, re.IGNORECASE) and code not in codes:
                codes.append(code)
                break
    return codes


def _process_list_steps(draft: Draft, path: str, items: list[Item], language: str) -> list[dict[str, Any]]:
    steps = []
    unique: list[Item] = []
    for item in items:
        if unique and _flat(unique[-1].text) == _flat(item.text):
            draft.review(path, f"item {item.number}) is printed twice in the text; read once")
            continue
        unique.append(item)
    for index, item in enumerate(unique):
        text = _flat(item.text).rstrip(";. ")
        reading = process_step_of(text)
        number = re.match(r"^((?:процесс|условие)\s+\d+|\d+\s*-\s*(?:процесс|шарт))", text, re.IGNORECASE)
        step: dict[str, Any] = {
            "id": f"{path.rsplit('.', 1)[-1]}-{index + 1}",
            "number": number.group(1) if number else f"{item.number})",
            "role": reading.role if reading else None,
            "organization": reading.organization if reading else None,
            "does": reading.does if reading else None,
            "action": {language: text},
            "duration": _duration(text),
        }
        if reading is None:
            draft.review(f"{path}[{index}]", "no rule reads this process-list step; role, organization and verb are empty")
        elif reading.ends:
            step["end"] = True
        steps.append(step)
    return steps


def _channel_lists(draft: Draft, points: list[Point], language: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Intake and delivery steps of the State Corporation and portal channels."""
    lists: dict[str, dict[str, list[dict[str, Any]]]] = {}
    procedure = _point(points, _PROCEDURE)
    for point in points:
        if point is procedure or not point.items:
            continue
        readable = sum(1 for item in point.items if process_step_of(_flat(item.text)) is not None)
        if readable * 2 < len(point.items) and not _LIST.search(point.text):
            continue
        sc, portal = bool(_SC.search(point.text)), bool(_PORTAL.search(point.text))
        if sc == portal:
            continue
        code = "state_corporation" if sc else "portal"
        parts = lists.setdefault(code, {"intake": [], "delivery": []})
        base = f"channels.{code}"
        steps = _process_list_steps(draft, f"{base}.intake", point.items, language)
        for step in steps:
            if step["does"] == "receive_result":
                if code == "state_corporation":
                    step["role"], step["organization"] = "sc_operator", "state_corporation"
                parts["delivery"].append(step)
            else:
                # After the request has left the State Corporation, a refusal comes back through the gateway.
                registered = any(earlier["does"] == "register" for earlier in parts["intake"])
                if code == "state_corporation" and step["does"] == "notify_refusal" and registered:
                    step["organization"] = "regional_gateway"
                if code == "state_corporation" and step["does"] == "send":
                    step["role"] = "sc_operator" if "работник" in str(step["action"]).lower() else step["role"]
                parts["intake"].append(step)
    return lists


def draft_of(regulation: Regulation, *, seed: str, act_text: str) -> dict[str, Any]:
    """The draft definition of one regulation, with its `needs_review` list."""
    draft = Draft()
    language = regulation.language
    points = points_of(regulation)
    jurisdiction = next((code for pattern, code in _JURISDICTIONS if re.search(pattern, act_text[:3000])), None)
    if jurisdiction is None:
        draft.review("jurisdiction", "the oblast is not named at the head of the act")
    channels_listed = _channels_listed(points)
    lists = _channel_lists(draft, points, language)
    procedures = _procedures(draft, points, language)
    codes = list(channels_listed)
    for code in sorted(lists):
        if code not in codes:
            codes.append(code)
            if channels_listed:
                draft.review(
                    f"channels.{code}",
                    "the text describes this channel's process list, but its list of channels does not name it",
                )
    channels: list[dict[str, Any]] = []
    for code in codes:
        channel: dict[str, Any] = {"code": code, "result_delivery": []}
        if code in ("provider_office", "state_corporation", "portal"):
            channel["procedure"] = "back_office" if "back_office" in procedures else None
        if code == "rural_akim":
            channel["procedure"] = next((key for key in ("akim_route", "akim_office") if key in procedures), None)
        if code in lists:
            channel["intake"] = lists[code]["intake"]
            channel["delivery"] = lists[code]["delivery"]
        channels.append(channel)
        draft.review(f"channels.{code}.result_delivery", "how the result reaches the applicant is not read yet")
    if not channels_listed:
        draft.review("channels", "the list of channels at the start of the regulation was not found")
    legal, legal_review = legal_source(act_text, "\n".join(regulation.lines[:40]))
    for entry in legal_review:
        draft.review(entry["path"], entry["reason"])
    draft.data = {
        "schema": "qyzmet/regulation/v1",
        "id": f"{jurisdiction or 'unknown'}-{_slug(regulation.title)[:48].strip('-') or 'service'}",
        "version": 1,
        "title": {language: regulation.title},
        "jurisdiction": jurisdiction,
        "source": {
            "seed": seed,
            "title": regulation.heading,
            "language": language,
            **{key: legal[key] for key in ("act", "standard") if key in legal},
        },
        **({"effective_from": legal["effective_from"]} if "effective_from" in legal else {}),
        "procedures": procedures,
        "channels": channels,
    }
    draft.review("id", "a transliteration of the title; choose the catalogue's identifier")
    for missing in ("field", "providers", "recipients", "cost", "forms", "documents", "outcomes"):
        draft.review(missing, "not read by the importer yet")
    return draft.as_dict()
