"""The catalogue's public interface: load the definitions, find the version in force, shape them as JSON.

Other apps import from here only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from qyzmet.catalog.loader import Loaded, Problem, definition_files, load_file
from qyzmet.catalog.schema import ServiceDefinition

REGULATIONS_DIR = Path(__file__).resolve().parent / "regulations"
# Definitions of `kind: appeal` (complaints about a case): loaded and stored like services, never
# listed among the services one applies for.
APPEALS_DIR = Path(__file__).resolve().parent / "appeals"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "regulation.schema.json"


class ServiceNotFound(LookupError):
    MESSAGE = "no service with id '{service_id}' in the catalogue"

    def __init__(self, service_id: str) -> None:
        super().__init__(self.MESSAGE.format(service_id=service_id))
        self.service_id = service_id


class CatalogInvalid(ValueError):
    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Catalog:
    definitions: tuple[ServiceDefinition, ...]
    files: dict[tuple[str, int], Path] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return sorted({d.id for d in self.definitions})

    def versions(self, service_id: str) -> list[ServiceDefinition]:
        found = sorted((d for d in self.definitions if d.id == service_id), key=lambda d: d.version)
        if not found:
            raise ServiceNotFound(service_id)
        return found

    def latest(self, service_id: str) -> ServiceDefinition:
        return self.versions(service_id)[-1]

    def in_force(self, service_id: str, on: dt.date) -> ServiceDefinition:
        """The file version in force on `on` (the rule of `in_force_among`)."""
        return in_force_among(self.versions(service_id), on)

    def latest_all(self) -> list[ServiceDefinition]:
        return [self.latest(service_id) for service_id in self.ids()]


class Dated(Protocol):
    """A version with its period: a definition file or a stored catalogue version."""

    @property
    def version(self) -> int: ...

    @property
    def effective_from(self) -> dt.date: ...

    @property
    def effective_to(self) -> dt.date | None: ...


def in_force_among[V: Dated](versions: Sequence[V], on: dt.date) -> V:
    """The version in force on `on`: of those already in effect, the highest-numbered one whose period holds `on`.

    Periods are never edited, so which version is in force is derived from them alone: a newer
    version with the same `effective_from` supersedes the older one from its loading on; one dated
    later takes over on its date. The seed acts are repealed, so when every started period has
    ended, the latest started version keeps serving the service (the catalogue serves it until a
    newer definition is added); before any version starts, the first one applies.
    """
    if not versions:
        raise ValueError("no versions to choose from")
    started = [v for v in versions if v.effective_from <= on]
    if not started:
        return min(versions, key=lambda v: v.version)
    current = [v for v in started if v.effective_to is None or on <= v.effective_to]
    return max(current or started, key=lambda v: v.version)


def _cross_file_problems(loaded: list[Loaded]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, int], Loaded] = {}
    for item in loaded:
        if item.definition is None:
            continue
        key = (item.definition.id, item.definition.version)
        if key in seen:
            problems.append(
                Problem(
                    str(item.path),
                    item.lines.get(("version",), 1),
                    f"service '{key[0]}' version {key[1]} is also defined in {seen[key].path}",
                )
            )
        seen[key] = item
    return problems


def catalog_check(paths: Iterable[Path] | None = None) -> tuple[list[Loaded], list[Problem]]:
    """Load every definition under `paths` (the built-in catalogue by default) and list all problems."""
    files = definition_files(list(paths) if paths else [REGULATIONS_DIR])
    loaded = [load_file(path) for path in files]
    problems = [problem for item in loaded for problem in item.problems]
    problems += _cross_file_problems(loaded)
    return loaded, problems


def catalog_load(paths: Iterable[Path] | None = None) -> Catalog:
    """Load a catalogue, raising `CatalogInvalid` with every problem when any file is invalid."""
    loaded, problems = catalog_check(paths)
    if problems:
        raise CatalogInvalid(problems)
    definitions = tuple(item.definition for item in loaded if item.definition is not None)
    files = {(d.id, d.version): item.path for item in loaded if (d := item.definition) is not None}
    return Catalog(definitions, files)


@lru_cache(maxsize=1)
def catalog_default() -> Catalog:
    """The built-in catalogue (the seed regulations), loaded once per process."""
    return catalog_load()


@lru_cache(maxsize=1)
def catalog_appeals() -> Catalog:
    """The built-in appeal definitions (`kind: appeal`), loaded once per process."""
    catalog = catalog_load([APPEALS_DIR])
    wrong = [d.id for d in catalog.definitions if d.kind != "appeal"]
    if wrong:
        raise CatalogInvalid(Problem(str(catalog.files[(d.id, d.version)]), 1, "not of kind 'appeal'")
                             for d in catalog.definitions if d.id in wrong)
    return catalog


def definition_summary(definition: ServiceDefinition) -> dict[str, Any]:
    """The fields `qyzmet catalog list --json` promises."""
    return {
        "id": definition.id,
        "kind": definition.kind,
        "version": definition.version,
        "title": definition.title.as_dict(),
        "field": definition.field.value,
        "source": {"seed": definition.source.seed, "title": definition.source.title},
        "channels": [c.code.value for c in definition.channels],
        "effective_from": definition.effective_from.isoformat(),
        "effective_to": definition.effective_to.isoformat() if definition.effective_to else None,
    }


def definition_normalised(definition: ServiceDefinition) -> dict[str, Any]:
    """The whole definition as JSON data, each channel with its flattened `steps` (phase marked)."""
    data: dict[str, Any] = definition.model_dump(mode="json", by_alias=True)
    for channel_data, channel in zip(data["channels"], definition.channels, strict=True):
        phases = [("intake", channel.intake)]
        if channel.procedure:
            phases.append(("procedure", definition.procedures[channel.procedure].steps))
        phases.append(("delivery", channel.delivery))
        steps = []
        for phase, phase_steps in phases:
            for step in phase_steps:
                step_data = step.model_dump(mode="json")
                step_data["phase"] = phase
                steps.append(step_data)
        channel_data["steps"] = steps
        budget = definition.procedures[channel.procedure].budget if channel.procedure else None
        channel_data["shared_budget"] = budget.model_dump(mode="json") if budget else None
    return data


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a definition file, for editors."""
    schema = ServiceDefinition.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://qyzmet.kz/schema/regulation/v1.json"
    schema["title"] = "Qyzmet regulation definition"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
