"""Structural rules of a definition that the schema alone cannot express.

Each finding carries the location (a path into the YAML document) so the loader can
turn it into a `file:line: message` line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from qyzmet.catalog.importer.acts import entry_into_force
from qyzmet.catalog.schema import (
    ActRef,
    ApplicationSpec,
    BasisKind,
    BranchOn,
    Channel,
    FieldKind,
    Outcome,
    ServiceDefinition,
    Step,
    Text,
)
from qyzmet.catalog.vocabulary import role_is_automatic, verb_meaning

END = "end"
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    loc: Loc
    message: str


@dataclass(frozen=True)
class _Placed:
    step: Step
    loc: Loc


def _placed_steps(definition: ServiceDefinition, index: int, channel: Channel) -> list[_Placed]:
    placed = [_Placed(step, ("channels", index, "intake", i)) for i, step in enumerate(channel.intake)]
    if channel.procedure and channel.procedure in definition.procedures:
        steps = definition.procedures[channel.procedure].steps
        placed += [_Placed(step, ("procedures", channel.procedure, "steps", i)) for i, step in enumerate(steps)]
    placed += [_Placed(step, ("channels", index, "delivery", i)) for i, step in enumerate(channel.delivery)]
    return placed


def successors(steps: list[Step], position: int) -> list[str]:
    """The ids a step can lead to ('end' included), following the default order."""
    step = steps[position]
    if step.branches:
        return [branch.next for branch in step.branches]
    if step.next:
        return [step.next]
    if step.end or position == len(steps) - 1:
        return [END]
    return [steps[position + 1].id]


def _texts_need(text: Text, language: str, loc: Loc, what: str) -> Iterator[Finding]:
    if text.get(language) is None:
        yield Finding(loc, f"{what} has no original text in '{language}' (the seed's language)")


def _check_channel(definition: ServiceDefinition, index: int, channel: Channel) -> Iterator[Finding]:
    loc: Loc = ("channels", index)
    if channel.procedure and channel.procedure not in definition.procedures:
        yield Finding((*loc, "procedure"), f"channel '{channel.code}' names unknown procedure '{channel.procedure}'")
    placed = _placed_steps(definition, index, channel)
    if not placed:
        yield Finding(loc, f"channel '{channel.code}' has no steps")
        return
    steps = [p.step for p in placed]
    positions: dict[str, int] = {}
    for position, item in enumerate(placed):
        if item.step.id == END:
            yield Finding((*item.loc, "id"), "'end' is reserved and cannot be a step id")
        if item.step.id in positions:
            yield Finding((*item.loc, "id"), f"duplicate step id '{item.step.id}' in channel '{channel.code}'")
        positions.setdefault(item.step.id, position)
    dangling = False
    for position, item in enumerate(placed):
        for target in successors(steps, position):
            if target != END and target not in positions:
                dangling = True
                yield Finding(
                    (*item.loc, "branches" if item.step.branches else "next"),
                    f"step '{item.step.id}' points to '{target}', which is no step of channel '{channel.code}'",
                )
    if dangling:
        return
    yield from _check_reachability(definition, placed, positions, channel)


def _check_reachability(
    definition: ServiceDefinition, placed: list[_Placed], positions: dict[str, int], channel: Channel
) -> Iterator[Finding]:
    steps = [p.step for p in placed]
    seen: set[int] = set()
    stack = [0]
    while stack:
        position = stack.pop()
        if position in seen:
            continue
        seen.add(position)
        stack.extend(positions[t] for t in successors(steps, position) if t != END)
    for position, item in enumerate(placed):
        if position not in seen:
            yield Finding((*item.loc, "id"), f"step '{item.step.id}' cannot be reached in channel '{channel.code}'")
    # Depth-first search for a back edge: a cycle would make a case run forever.
    state: dict[int, int] = {}

    def visit(position: int) -> int | None:
        state[position] = 1
        for target in successors(steps, position):
            if target == END:
                continue
            nxt = positions[target]
            if state.get(nxt) == 1:
                return position
            if nxt not in state:
                found = visit(nxt)
                if found is not None:
                    return found
        state[position] = 2
        return None

    culprit = visit(0)
    if culprit is not None:
        item = placed[culprit]
        yield Finding((*item.loc, "next"), f"step '{item.step.id}' closes a cycle in channel '{channel.code}'")
        return
    yield from _check_paths(definition, placed, positions, channel)


def _check_steps(definition: ServiceDefinition, language: str) -> Iterator[Finding]:
    document_ids = {d.id for d in definition.documents}
    located: list[tuple[Step, Loc]] = []
    for index, channel in enumerate(definition.channels):
        located += [(s, ("channels", index, "intake", i)) for i, s in enumerate(channel.intake)]
        located += [(s, ("channels", index, "delivery", i)) for i, s in enumerate(channel.delivery)]
    for name, procedure in definition.procedures.items():
        located += [(s, ("procedures", name, "steps", i)) for i, s in enumerate(procedure.steps)]
        if procedure.budget is not None:
            for i, step in enumerate(procedure.steps):
                if step.duration is not None:
                    yield Finding(
                        ("procedures", name, "steps", i, "duration"),
                        f"step '{step.id}' has its own duration inside procedure '{name}', which has one shared budget",
                    )
        if not any(c.procedure == name for c in definition.channels):
            yield Finding(("procedures", name), f"procedure '{name}' is used by no channel")
    for step, loc in located:
        yield from _texts_need(step.action, language, (*loc, "action"), f"step '{step.id}' action")
        yield from _check_step_rules(step, loc)
        if step.next and step.branches:
            yield Finding((*loc, "next"), f"step '{step.id}' has both 'next' and 'branches'")
        for document in step.produces:
            if document not in document_ids:
                yield Finding((*loc, "produces"), f"step '{step.id}' produces unknown document '{document}'")


# --- rules as data (ADR 0024): the proofs over paths, branches, verbs, delivery and the waiting list ------

MAX_PATHS = 10_000  # far above any definition (the largest channel has a few dozen paths)


def _paths(placed: list[_Placed], positions: dict[str, int]) -> Iterator[list[tuple[int, str | None]]]:
    """Every path from the first step to an end, as (position, branch taken) pairs; the graph is acyclic."""
    steps = [p.step for p in placed]
    stack: list[list[tuple[int, str | None]]] = [[(0, None)]]
    while stack:
        path = stack.pop()
        position = path[-1][0]
        step = steps[position]
        targets = [(b.next, b.when) for b in step.branches] if step.branches else [
            (t, None) for t in successors(steps, position)]
        for target, branch in targets:
            walked = [*path[:-1], (position, branch)]
            if target == END or step.end or verb_meaning(step.does.value).ends_with_refusal:
                yield walked
            else:
                stack.append([*walked, (positions[target], None)])


def _check_paths(
    definition: ServiceDefinition, placed: list[_Placed], positions: dict[str, int], channel: Channel
) -> Iterator[Finding]:
    """Every path from intake to an end passes one deciding step (unless it ends with a refusal message), and
    every document of the outcome(s) decided on it is produced by a step on it."""
    code = channel.code.value
    rules = [r for r in definition.outcomes if r.channels is None or code in r.channels]
    reported: set[str] = set()
    for count, path in enumerate(_paths(placed, positions)):
        if count >= MAX_PATHS:
            yield Finding(("channels",), f"channel '{code}' has more than {MAX_PATHS} paths")
            return
        last = placed[path[-1][0]]
        if verb_meaning(last.step.does.value).ends_with_refusal:
            continue
        deciding = [(placed[i], branch) for i, branch in path if placed[i].step.decides]
        route = " → ".join(placed[i].step.id for i, _ in path)
        if len(deciding) != 1:
            key = f"decide:{route}"
            if key not in reported:
                reported.add(key)
                what = "passes no deciding step" if not deciding else "passes more than one deciding step"
                yield Finding((*last.loc, "id"), f"channel '{code}': the path {route} {what}")
            continue
        decider, branch = deciding[0]
        chosen = next((b for b in decider.step.branches or [] if b.when == branch), None)
        outcomes = {chosen.outcome} if chosen is not None and chosen.outcome is not None else {r.outcome for r in rules}
        produced = {d for i, _ in path for d in placed[i].step.produces}
        for rule in rules:
            if rule.outcome not in outcomes:
                continue
            for document in rule.documents:
                key = f"doc:{rule.outcome}:{document}:{last.step.id}"
                if document not in produced and key not in reported:
                    reported.add(key)
                    yield Finding(
                        (*last.loc, "id"),
                        f"channel '{code}': outcome '{rule.outcome.value}' names document '{document}', which no "
                        f"step produces on the path {route}",
                    )


def _check_step_rules(step: Step, loc: Loc) -> Iterator[Finding]:
    """Branches named by when they are taken; deciding only by a person whose verb may decide."""
    meaning = verb_meaning(step.does.value)
    automatic = role_is_automatic(step.role.value)
    if step.decides and automatic:
        yield Finding((*loc, "decides"), f"step '{step.id}' is automatic ({step.role.value}) and cannot decide")
    if step.decides and not meaning.may_decide:
        yield Finding((*loc, "decides"), f"step '{step.id}': verb '{step.does.value}' cannot decide")
    if not step.branches:
        return
    names = [b.when for b in step.branches]
    for i, name in enumerate(names):
        if name in names[:i]:
            yield Finding((*loc, "branches", i, "when"), f"step '{step.id}' has two branches '{name}'")
    taken = [b.taken for b in step.branches]
    if taken.count(BranchOn.SUCCESS) != 1:
        yield Finding((*loc, "branches"), f"step '{step.id}' needs exactly one branch taken on success")
    if BranchOn.FAILURE not in taken:
        yield Finding((*loc, "branches"), f"step '{step.id}' has no branch taken on failure")
    if not (meaning.checks or step.decides):
        yield Finding((*loc, "branches"), f"step '{step.id}': verb '{step.does.value}' neither checks nor decides")
    for i, branch in enumerate(step.branches):
        if branch.outcome is not None and not step.decides:
            yield Finding((*loc, "branches", i, "outcome"),
                          f"step '{step.id}' does not decide; its branch '{branch.when}' cannot name an outcome")
        if branch.outcome is None and step.decides:
            yield Finding((*loc, "branches", i, "outcome"),
                          f"deciding step '{step.id}': branch '{branch.when}' names no outcome")


def _check_channel_delivery(definition: ServiceDefinition, index: int, channel: Channel) -> Iterator[Finding]:
    loc: Loc = ("channels", index)
    finals = {d.id for d in definition.documents if not d.intermediate}
    for place, documents in channel.result_delivery_documents.items():
        if place not in channel.result_delivery[1:]:
            yield Finding((*loc, "result_delivery_documents", place.value),
                          f"'{place.value}' is not one of the channel's further result_delivery places")
        for document in documents:
            if document not in finals:
                yield Finding((*loc, "result_delivery_documents", place.value),
                              f"'{document}' is no result document of the definition")
    if channel.gives_acceptance_receipt and definition.acceptance_receipt is None:
        yield Finding((*loc, "gives_acceptance_receipt"),
                      f"channel '{channel.code.value}' gives a receipt of acceptance the definition does not describe")


def _check_waiting_list(definition: ServiceDefinition) -> Iterator[Finding]:
    queued = any(r.outcome == Outcome.QUEUED for r in definition.outcomes)
    spec = definition.waiting_list
    if queued and spec is None:
        yield Finding(("outcomes",), "a 'queued' outcome needs a waiting_list")
    if spec is None:
        return
    if not queued:
        yield Finding(("waiting_list",), "waiting_list without a 'queued' outcome")
    fields = {f.id: f for f in (definition.application.fields if definition.application else [])}
    if spec.group_by is not None and spec.group_by not in fields:
        yield Finding(("waiting_list", "group_by"), f"'{spec.group_by}' is no application field")
    if spec.person is not None and (spec.person not in fields or fields[spec.person].kind != FieldKind.IIN):
        yield Finding(("waiting_list", "person"), f"'{spec.person}' is no application field of kind iin")
    if role_is_automatic(spec.direction.by.value):
        yield Finding(("waiting_list", "direction", "by"), "a person directs from the waiting list, not a system")
    named = {d for r in definition.outcomes if r.outcome == spec.direction.outcome for d in r.documents}
    for document in spec.direction.documents:
        if document not in named:
            yield Finding(("waiting_list", "direction", "documents"),
                          f"'{document}' is no document of outcome '{spec.direction.outcome.value}'")


# --- end of rules-as-data block ------------------------------------------------------------------------


def _check_application(spec: ApplicationSpec) -> Iterator[Finding]:
    """Field and attachment ids unique; choices exactly on 'choice' fields; labels in kk and ru."""
    items: list[tuple[Loc, str, Text]] = [
        (("application", "fields", i), f.id, f.label) for i, f in enumerate(spec.fields)
    ]
    items += [(("application", "attachments", i), a.id, a.title) for i, a in enumerate(spec.attachments)]
    seen: set[str] = set()
    for loc, item_id, text in items:
        if item_id in seen:
            yield Finding((*loc, "id"), f"duplicate application field or attachment id '{item_id}'")
        seen.add(item_id)
        for key in ("kk", "ru"):
            if text.get(key) is None:
                yield Finding(loc, f"application item '{item_id}' has no text in '{key}'")
    for i, field in enumerate(spec.fields):
        if (field.kind == FieldKind.CHOICE) != bool(field.choices):
            yield Finding(("application", "fields", i, "choices"),
                          f"field '{field.id}': choices go with kind 'choice', and a choice field needs them")


# --- faithful (issue 14): dates from the acts' own rules, outcome bases, Standard p.9/p.10 ---------------


def _check_entry_into_force(act: ActRef, loc: Loc) -> Iterator[Finding]:
    """The recorded day is the one the act's own rule gives (the importer's reading of it: one home)."""
    force = act.entry_into_force
    if force is None:
        return
    where = (*loc, "entry_into_force")
    counted = act.registration.date if force.counted_from == "registration" and act.registration else None
    if force.counted_from == "act_date":
        counted = act.date
    if counted is None:
        message = f"entry into force is counted from the {force.counted_from}, whose date the act does not give"
        yield Finding((*where, "counted_from"), message)
        return
    if force.rule is None:
        if force.date != counted or not force.approximate:
            message = f"the act states no rule: entry into force is its own date {counted}, approximate"
            yield Finding((*where, "date"), message)
        return
    computed, _ = entry_into_force(force.rule, earliest_publication=counted)
    if computed is None:
        yield Finding((*where, "rule"), "the rule is not one the catalogue reads (see catalog.importer.acts)")
    elif computed != force.date:
        yield Finding((*where, "date"), f"the rule counted from {counted} gives {computed}, not {force.date}")


def _check_legal_dates(definition: ServiceDefinition) -> Iterator[Finding]:
    source = definition.source
    yield from _check_entry_into_force(source.act, ("source", "act"))
    if source.act.repealed_by is not None:
        yield from _check_entry_into_force(source.act.repealed_by, ("source", "act", "repealed_by"))
    if source.wording is not None:
        yield from _check_entry_into_force(source.wording, ("source", "wording"))
    in_force = (source.wording or source.act).entry_into_force
    if in_force is None:
        yield Finding(("source", "wording" if source.wording else "act"), "the act's entry into force is not recorded")
    elif definition.effective_from < in_force.date:
        # A later version (a new wording loaded by an administrator) may start later, never earlier.
        yield Finding(("effective_from",), f"effective_from is before the wording entered into force, {in_force.date}")
    repeal = source.act.repealed_by.entry_into_force if source.act.repealed_by else None
    if repeal is not None:
        last_day = repeal.date - dt.timedelta(days=1)
        if definition.effective_to is not None and definition.effective_to > last_day:
            message = f"the act was repealed: effective_to is at the latest the day before it took effect, {last_day}"
            yield Finding(("effective_to",), message)


def _check_faithful(definition: ServiceDefinition) -> Iterator[Finding]:
    yield from _check_legal_dates(definition)
    for i, rule in enumerate(definition.outcomes):
        if rule.basis is None:
            yield Finding(("outcomes", i), f"outcome '{rule.outcome}' records no basis")
        elif rule.basis.kind == BasisKind.REGULATION and rule.basis.quote is None:
            yield Finding(("outcomes", i, "basis", "quote"), "a basis in the regulation quotes its words")
    for key in ("documents_required", "refusal_grounds"):
        if getattr(definition, key) is None:
            yield Finding((key,), f"'{key}' is missing (an empty list with its source says 'as the Standard lists')")


# --- end faithful ---------------------------------------------------------------------------------------


def lint_definition(definition: ServiceDefinition) -> Iterator[Finding]:
    """Yield every structural problem of one definition."""
    language = definition.source.language.value
    for key in ("kk", "ru"):
        if definition.title.get(key) is None:
            yield Finding(("title",), f"missing title in '{key}'")
    if definition.effective_to and definition.effective_to < definition.effective_from:
        yield Finding(("effective_to",), "effective_to is before effective_from")
    document_ids = [d.id for d in definition.documents]
    for i, document_id in enumerate(document_ids):
        if document_id in document_ids[:i]:
            yield Finding(("documents", i, "id"), f"duplicate document id '{document_id}'")
    for i, rule in enumerate(definition.outcomes):
        for document in rule.documents:
            if document not in document_ids:
                message = f"outcome '{rule.outcome}' names unknown document '{document}'"
                yield Finding(("outcomes", i, "documents"), message)
    codes = [c.code for c in definition.channels]
    for index, channel in enumerate(definition.channels):
        if channel.code in codes[:index]:
            yield Finding(("channels", index, "code"), f"duplicate channel '{channel.code}'")
        yield from _check_channel(definition, index, channel)
        yield from _check_channel_delivery(definition, index, channel)
    yield from _check_steps(definition, language)
    yield from _check_waiting_list(definition)
    if definition.application is not None:
        yield from _check_application(definition.application)
    if definition.kind == "service":
        yield from _check_faithful(definition)  # faithful (issue 14)
