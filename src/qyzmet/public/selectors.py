"""Reads shaped for the public pages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext

from qyzmet.catalog.diagrams.svg import number_label, text_in
from qyzmet.catalog.models import Service
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import StandardListShown, standard_lists_for
from qyzmet.catalog.vocabulary import CHANNELS, ORGANIZATIONS, ROLES, duration_phrase, name

FIELD_ORDER = ("family_children", "social_labour", "preschool")


@dataclass(frozen=True)
class ServiceRow:
    slug: str
    title_kk: str
    title_ru: str
    title_en: str
    seed: str
    channels: tuple[str, ...]
    version: int


def service_rows_by_field() -> dict[str, list[ServiceRow]]:
    """Every stored service with its latest version's channels, grouped by field."""
    grouped: dict[str, list[ServiceRow]] = {field: [] for field in FIELD_ORDER}
    for service in Service.objects.exclude(field="appeals").prefetch_related("versions"):
        latest = max(service.versions.all(), key=lambda v: v.version, default=None)
        if latest is None:
            continue
        channels = tuple(c["code"] for c in latest.definition.get("channels", []))
        row = ServiceRow(
            service.slug, service.title_kk, service.title_ru, service.title_en, service.seed, channels, latest.version
        )
        grouped.setdefault(service.field, []).append(row)
    return grouped


@dataclass(frozen=True)
class StepRow:
    number: str
    role: str
    organization: str
    action: str
    duration: str


@dataclass(frozen=True)
class ChannelBlock:
    code: str
    name: str
    has_processes: bool
    steps: tuple[StepRow, ...]
    condition: str


@dataclass(frozen=True)
class BasisRow:
    outcome: str
    documents: str
    kind: str  # regulation / standard / law
    reference: str
    quote: str


@dataclass(frozen=True)
class PeriodInForce:
    effective_from: dt.date
    effective_to: dt.date | None
    approximate: bool
    rule: str


def _reference(reference: str) -> str:
    """'Regulation p.3' / 'Standard p.10' (the data's notation) in the page's language."""
    match = re.fullmatch(r"(Regulation|Standard) p\.(\d+)", reference)
    if match is None:
        return reference
    if match.group(1) == "Regulation":
        return gettext("the regulation, paragraph %(number)s") % {"number": match.group(2)}
    return gettext("the Standard, paragraph %(number)s") % {"number": match.group(2)}


def _bases(definition: ServiceDefinition, language: str) -> tuple[BasisRow, ...]:
    original = definition.source.language.value
    rows = []
    for rule in definition.outcomes:
        documents = " + ".join(text_in(definition.document(d).title, language, original) for d in rule.documents)
        if rule.basis is not None:
            basis = rule.basis
            rows.append(BasisRow(rule.outcome.value, documents, basis.kind.value, _reference(basis.reference),
                                 basis.quote or ""))
    return tuple(rows)


def _period(definition: ServiceDefinition) -> PeriodInForce | None:
    force = (definition.source.wording or definition.source.act).entry_into_force
    if force is None:
        return None
    return PeriodInForce(definition.effective_from, definition.effective_to, force.approximate, force.rule or "")


@dataclass(frozen=True)
class ServicePage:
    id: str
    version: int
    title: str
    original_title: str
    seed: str
    act: str
    channels: tuple[ChannelBlock, ...]
    results: tuple[tuple[str, str], ...]  # (outcome, documents)
    # faithful (issue 14): each outcome's basis, the period in force, the Standard's p.9/p.10 lists
    bases: tuple[BasisRow, ...] = ()
    period: PeriodInForce | None = None
    standard_lists: tuple[StandardListShown, ...] = ()
    source_language: str = ""


def service_page(definition: ServiceDefinition, language: str) -> ServicePage:
    """What a citizen (or a clerk) reads about one service: channels, steps with durations, results."""
    original = definition.source.language.value
    channels = []
    for channel in definition.channels:
        steps = tuple(
            StepRow(
                number=number_label(step.number, language) if step.number else "",
                role=name(ROLES, step.role.value, language),
                organization=name(ORGANIZATIONS, step.organization.value, language),
                action=text_in(step.action, language, original),
                duration=duration_phrase(step.duration.value, step.duration.unit.value, language)
                if step.duration
                else "—",
            )
            for step in definition.channel_steps(channel.code)
        )
        condition = text_in(channel.condition.text, language, original) if channel.condition else ""
        channels.append(
            ChannelBlock(
                channel.code.value,
                name(CHANNELS, channel.code.value, language),
                bool(channel.intake or channel.delivery),
                steps,
                condition,
            )
        )
    results = []
    for rule in definition.outcomes:
        row = (rule.outcome.value, " + ".join(text_in(definition.document(d).title, language, original)
                                               for d in rule.documents))
        if row not in results:
            results.append(row)
    act = definition.source.act
    return ServicePage(
        id=definition.id,
        version=definition.version,
        title=text_in(definition.title, language, original),
        original_title=definition.source.title,
        seed=definition.source.seed,
        act=f"{act.body}, {act.kind} № {act.number}" + (f", {act.date.isoformat()}" if act.date else ""),
        channels=tuple(channels),
        results=tuple(results),
        bases=_bases(definition, language),
        period=_period(definition),
        standard_lists=tuple(standard_lists_for(definition, language).values()),
        source_language=original,
    )
