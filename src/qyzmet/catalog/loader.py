"""Reading definition files: YAML with line numbers, then the schema, then the lint.

Every problem is reported as `Problem(path, line, message)`; nothing here raises for a
bad file, so `qyzmet catalog validate` can list every problem of every file at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from qyzmet.catalog import lint
from qyzmet.catalog.schema import ServiceDefinition

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Loaded:
    path: Path
    definition: ServiceDefinition | None
    problems: tuple[Problem, ...]
    lines: dict[Loc, int]


class _Composer:
    """Turns a composed YAML node tree into plain Python data, remembering each node's line."""

    def __init__(self) -> None:
        self._scalars = yaml.SafeLoader("")
        self.lines: dict[Loc, int] = {}
        self.duplicates: list[tuple[Loc, int]] = []

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._scalars.construct_object(key_node)
                key = str(key) if not isinstance(key, str) else key
                if key in result:
                    self.duplicates.append(((*loc, key), key_node.start_mark.line + 1))
                self.lines[(*loc, key)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, (*loc, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]
        return self._scalars.construct_object(node)


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), 1)


def _describe(error: Any) -> str:
    loc = tuple(str(part) for part in error["loc"])
    where = ".".join(loc) or "definition"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown field '{loc[-1]}' at {'.'.join(loc[:-1]) or 'top level'}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}' at {'.'.join(loc[:-1]) or 'top level'}"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        field = loc[-1]
        return f"unknown {field} '{error['input']}' at {where} (expected {expected})"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"unknown value '{error['input']}' at {where} (expected {expected})"
    if kind == "greater_than" and loc and loc[-1] == "value":
        return f"duration must be a positive number, got {error['input']} at {where}"
    return f"{where}: {error['msg']}"


def load_text(text: str, path: str) -> Loaded:
    """Parse and validate one definition given as text."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return Loaded(Path(path), None, (Problem(path, line, f"bad YAML: {problem}"),), {})
    if node is None:
        return Loaded(Path(path), None, (Problem(path, 1, "empty file: a definition is required"),), {})
    composer = _Composer()
    try:
        data = composer.build(node, ())
    except yaml.YAMLError as exc:
        return Loaded(Path(path), None, (Problem(path, 1, f"bad YAML: {exc}"),), {})
    lines = composer.lines
    problems = [Problem(path, line, f"duplicate key '{loc[-1]}'") for loc, line in composer.duplicates]
    if not isinstance(data, dict):
        return Loaded(Path(path), None, (Problem(path, 1, "a definition must be a YAML mapping"),), lines)
    try:
        definition = ServiceDefinition.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(Problem(path, _line_for(tuple(error["loc"]), lines), _describe(error)))
        return Loaded(Path(path), None, tuple(problems), lines)
    for issue in lint.lint_definition(definition):
        problems.append(Problem(path, _line_for(issue.loc, lines), issue.message))
    return Loaded(Path(path), definition if not problems else None, tuple(problems), lines)


def load_file(path: Path) -> Loaded:
    """Parse and validate one definition file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Loaded(path, None, (Problem(str(path), 1, f"cannot read file: {exc}"),), {})
    return load_text(text, str(path))


def definition_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their `*.yaml` / `*.yml` files, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files
