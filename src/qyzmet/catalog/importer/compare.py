"""Field-by-field differences between two definitions (or two folders of them), and a score.

Steps are compared in order within each procedure and each channel's intake and delivery lists.
A step is right when its role, organization, duration value and unit all agree; the score is
the share of the reference's steps that are right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

STEP_FIELDS = ("role", "organization", "duration.value", "duration.unit")
# Compared and reported, outside the steps' score.
LEGAL_FIELDS = (
    "source.act.number",
    "source.act.date",
    "source.act.registration.number",
    "source.act.registration.date",
    "source.act.repealed_by.number",
    "source.act.repealed_by.date",
    "source.standard.number",
    "source.standard.date",
    "effective_from",
)


@dataclass
class Difference:
    path: str
    expected: Any
    found: Any


@dataclass
class Comparison:
    reference: str
    draft: str
    steps: int = 0
    steps_right: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.steps_right / self.steps if self.steps else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "draft": self.draft,
            "steps": self.steps,
            "steps_right": self.steps_right,
            "score": round(self.score, 4),
            "differences": [{"path": d.path, "expected": d.expected, "found": d.found} for d in self.differences],
        }


def _field(step: dict[str, Any] | None, name: str) -> Any:
    value: Any = step
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _step_lists(definition: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    lists: dict[str, list[dict[str, Any]]] = {}
    for key, procedure in (definition.get("procedures") or {}).items():
        lists[f"procedures.{key}"] = list(procedure.get("steps") or [])
    for channel in definition.get("channels") or []:
        for part in ("intake", "delivery"):
            steps = channel.get(part) or []
            if steps:
                lists[f"channels.{channel['code']}.{part}"] = list(steps)
    return lists


def _normal(text: str | None) -> str:
    return re.sub(r"[^\wәіңғүұқөһ]+", " ", (text or "").lower()).strip()


def compare_definitions(reference: dict[str, Any], draft: dict[str, Any], *, names: tuple[str, str] = ("A", "B")) -> Comparison:
    comparison = Comparison(reference=names[0], draft=names[1])
    language = (reference.get("source") or {}).get("language") or "ru"
    expected_title = _normal((reference.get("title") or {}).get(language))
    found_title = _normal((draft.get("title") or {}).get(language))
    if expected_title != found_title:
        comparison.differences.append(Difference("title", expected_title, found_title))
    expected_channels = sorted(channel["code"] for channel in reference.get("channels") or [])
    found_channels = sorted(channel["code"] for channel in draft.get("channels") or [])
    if expected_channels != found_channels:
        comparison.differences.append(Difference("channels", expected_channels, found_channels))
    for path in LEGAL_FIELDS:
        expected, found = _field(reference, path), _field(draft, path)
        if str(expected) != str(found):
            comparison.differences.append(Difference(path, expected, found))
    found_lists = _step_lists(draft)
    for path, steps in _step_lists(reference).items():
        others = found_lists.get(path, [])
        if len(others) != len(steps):
            comparison.differences.append(Difference(f"{path}.length", len(steps), len(others)))
        for index, step in enumerate(steps):
            other = others[index] if index < len(others) else None
            comparison.steps += 1
            wrong = [name for name in STEP_FIELDS if _field(step, name) != _field(other, name)]
            for name in wrong:
                comparison.differences.append(
                    Difference(f"{path}[{index}].{name}", _field(step, name), _field(other, name))
                )
            if not wrong:
                comparison.steps_right += 1
    return comparison


def load_definitions(path: Path) -> dict[str, dict[str, Any]]:
    """Every definition in a file or a folder (recursively), by file name."""
    files = sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    loaded: dict[str, dict[str, Any]] = {}
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "channels" in data:
            loaded[str(file)] = data
    return loaded


def _match_key(definition: dict[str, Any]) -> str:
    language = (definition.get("source") or {}).get("language") or "ru"
    return _normal((definition.get("title") or {}).get(language))[:60]


def compare_paths(reference: Path, draft: Path) -> tuple[list[Comparison], list[str]]:
    """Compare every reference definition with the draft of the same service (matched by title).

    Returns the comparisons and the reference files with no draft at all.
    """
    references = load_definitions(reference)
    drafts = {_match_key(data): (name, data) for name, data in load_definitions(draft).items()}
    comparisons: list[Comparison] = []
    missing: list[str] = []
    for name, data in references.items():
        found = drafts.get(_match_key(data))
        if found is None:
            missing.append(name)
            continue
        comparisons.append(compare_definitions(data, found[1], names=(name, found[0])))
    return comparisons, missing
