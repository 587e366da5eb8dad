"""Reading definition files: YAML with line numbers, then the schema, then the lint.

Every problem is reported as `Problem(path, line, message)`; nothing here raises for a
bad file, so `qyzmet catalog validate` can list every problem of every file at once. That
holds for hostile files too: an alias that refers to itself, aliases that would expand into
millions of nodes ("billion laughs"), nesting deeper than any definition needs, or a date
YAML reads but no calendar has are each one problem, found in bounded time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import ValidationError

from qyzmet.catalog import lint
from qyzmet.catalog.schema import ServiceDefinition

Loc = tuple[str | int, ...]

# Far above any real definition (the largest has a few thousand nodes, nested about ten deep).
MAX_NODES: Final = 100_000
MAX_DEPTH: Final = 64
TOO_MANY_NODES: Final = f"the file expands into more than {MAX_NODES} values (aliases repeated too often?)"
TOO_DEEP: Final = f"values are nested more than {MAX_DEPTH} levels deep"
RECURSIVE_ALIAS: Final = "an alias refers to a value that contains it"
COMPOUND_KEY: Final = "a key must be a plain value, not a list or a mapping"
BAD_VALUE: Final = "unreadable value: {error}"


class _Refused(Exception):
    """The YAML cannot become plain data; `line` says where."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


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
        self._count = 0
        self._open: set[int] = set()  # the nodes being built (an alias to one of them is a cycle)

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        line = node.start_mark.line + 1
        self._count += 1
        if self._count > MAX_NODES:
            raise _Refused(line, TOO_MANY_NODES)
        if len(loc) > MAX_DEPTH:
            raise _Refused(line, TOO_DEEP)
        if id(node) in self._open:
            raise _Refused(line, RECURSIVE_ALIAS)
        self.lines.setdefault(loc, line)
        if isinstance(node, yaml.MappingNode):
            self._open.add(id(node))
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Refused(key_node.start_mark.line + 1, COMPOUND_KEY)
                key = self._scalar(key_node)
                key = str(key) if not isinstance(key, str) else key
                if key in result:
                    self.duplicates.append(((*loc, key), key_node.start_mark.line + 1))
                self.lines[(*loc, key)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, (*loc, key))
            self._open.discard(id(node))
            return result
        if isinstance(node, yaml.SequenceNode):
            self._open.add(id(node))
            items = [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]
            self._open.discard(id(node))
            return items
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self._scalars.construct_object(node)
        except (ValueError, TypeError, OverflowError) as error:  # e.g. a timestamp on 2020-02-30
            raise _Refused(node.start_mark.line + 1, BAD_VALUE.format(error=error)) from error


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


def _nesting_check(text: str) -> None:
    """_Refused when collections nest deeper than MAX_DEPTH; reads events only up to that point."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(event.start_mark.line + 1 if event.start_mark is not None else 1, TOO_DEEP)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_text(text: str, path: str) -> Loaded:
    """Parse and validate one definition given as text."""
    try:
        _nesting_check(text)  # before composing: the composer recurses once per nesting level
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except _Refused as exc:
        return Loaded(Path(path), None, (Problem(path, exc.line, f"bad YAML: {exc}"),), {})
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
    except _Refused as exc:
        return Loaded(Path(path), None, (Problem(path, exc.line, f"bad YAML: {exc}"),), {})
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
