"""What may happen next in a case, read from its regulation definition (no service-specific code).

A channel's steps run in order unless a step names `next`, `branches` or `end`. Steps of the
applicant and of information systems complete by themselves when reached (their checks were
made at intake); every other step waits for a person holding the step's role. What a verb or a
role means (signing, delivering, ending with a refusal message, completing by itself) is the
catalogue's vocabulary (`catalog.vocabulary`), and which branch a step takes when its check
passes is the branch the definition marks `taken: success` (ADR 0024).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from qyzmet.cases import errors
from qyzmet.catalog.lint import END, successors
from qyzmet.catalog.schema import Branch, BranchOn, Delivery, Duration, OutcomeRule, ServiceDefinition, Step
from qyzmet.catalog.vocabulary import ROLE_MEANINGS, role_is_automatic, verb_meaning, verbs_where

AUTOMATIC_ROLES: Final = frozenset(role for role, meaning in ROLE_MEANINGS.items() if meaning.automatic)
SIGNING_VERBS: Final = verbs_where(signs=True)
DELIVERING_VERBS: Final = verbs_where(delivers=True)


@dataclass(frozen=True)
class PlacedStep:
    """A step with where it sits: its phase and, for a procedure step, the procedure's shared budget."""

    step: Step
    phase: str
    procedure: str | None
    budget: Duration | None


class Route:
    """The steps of one channel of one definition, with lookups the engine needs."""

    def __init__(self, definition: ServiceDefinition, channel: str) -> None:
        self.definition = definition
        self.channel = definition.channel(channel)
        placed: list[PlacedStep] = [PlacedStep(s, "intake", None, None) for s in self.channel.intake]
        if self.channel.procedure:
            procedure = definition.procedures[self.channel.procedure]
            placed += [PlacedStep(s, "procedure", self.channel.procedure, procedure.budget) for s in procedure.steps]
        placed += [PlacedStep(s, "delivery", None, None) for s in self.channel.delivery]
        self.placed = placed
        self.steps = [p.step for p in placed]
        self._index = {p.step.id: i for i, p in enumerate(placed)}

    def first(self) -> PlacedStep:
        return self.placed[0]

    def get(self, step_id: str) -> PlacedStep:
        return self.placed[self._index[step_id]]

    def next_of(self, step_id: str, branch: str | None) -> PlacedStep | None:
        """The step after `step_id` (taking `branch` where it branches), or None at the end."""
        position = self._index[step_id]
        step = self.steps[position]
        if step.branches:
            chosen = next((b for b in step.branches if b.when == branch), None)
            if chosen is None:
                raise ValueError(f"step '{step_id}' has no branch '{branch}'")
            target = chosen.next
        else:
            target = successors(self.steps, position)[0]
        return None if target == END else self.get(target)

    def signing_ahead(self, step_id: str, branch: str | None) -> bool:
        """Whether a signing step lies on the path after `step_id` (taking `branch`, then first branches)."""
        placed = self.next_of(step_id, branch)
        while placed is not None:
            if is_signing(placed.step):
                return True
            placed = self.next_of(placed.step.id, self.success_branch(placed.step))
        return False

    def signs_at(self, step_id: str, branch: str | None) -> bool:
        """The signing rule: whoever completes `step_id` signs every unsigned result document if the step
        signs (`sign`, the akimat's `adopt`), or if it decides and no signing step lies ahead on the path taken."""
        step = self.get(step_id).step
        return is_signing(step) or (step.decides and not self.signing_ahead(step_id, branch))

    def success_branch(self, step: Step) -> str | None:
        """The branch the definition marks `taken: success` (the one taken when the step's check passes)."""
        return branch_taken(step, BranchOn.SUCCESS)

    def branch_for(self, step: Step, decision: str | None) -> str | None:
        """The branch a deciding step takes for `decision` (the branch naming that outcome), else the success one."""
        fitting = next((b.when for b in step.branches or [] if b.outcome is not None and b.outcome.value == decision),
                       None)
        return fitting or self.success_branch(step)

    def default_branch(self, step: Step) -> str | None:
        """The old name of `success_branch`, kept importable."""
        return self.success_branch(step)

    def delivery_place(self, document_id: str) -> Delivery:
        """Where the channel delivers a result document: the place whose `result_delivery_documents` names it,
        else the first place of `result_delivery`."""
        for place, documents in self.channel.result_delivery_documents.items():
            if document_id in documents:
                return place
        return self.channel.result_delivery[0]

    def gives_acceptance_receipt(self) -> bool:
        return self.channel.gives_acceptance_receipt and self.definition.acceptance_receipt is not None

    def outcome_rules(self, outcome: str) -> list[OutcomeRule]:
        code = self.channel.code
        return [
            r for r in self.definition.outcomes if r.outcome == outcome and (r.channels is None or code in r.channels)
        ]

    def allowed_outcomes(self) -> list[str]:
        return sorted(
            {r.outcome.value for r in self.definition.outcomes if r.channels is None or self.channel.code in r.channels}
        )


def is_automatic(step: Step) -> bool:
    return role_is_automatic(step.role.value)


def ends_with_refusal_message(step: Step) -> bool:
    return verb_meaning(step.does.value).ends_with_refusal


def is_signing(step: Step) -> bool:
    """A step whose person signs the result documents (a verb that signs: `sign`, the akimat's `adopt`)."""
    return verb_meaning(step.does.value).signs


def is_delivering(step: Step) -> bool:
    """A step that hands the result over (`issue`, `receive_result`)."""
    return verb_meaning(step.does.value).delivers


def branch_taken(step: Step, taken: BranchOn) -> str | None:
    """The first branch of `step` taken on `taken` (success / failure), or None for a step without branches."""
    chosen: Branch | None = next((b for b in step.branches or [] if b.taken == taken), None)
    return chosen.when if chosen is not None else None


def decision_branch_ensure(step: Step, branch: str | None, decision: str | None) -> None:
    """A deciding step's branch that names an outcome is taken for that decision only.

    Raises TransitionNotAllowed (branch_required, naming the branch of the decision).
    """
    chosen = next((b for b in step.branches or [] if b.when == branch), None)
    if chosen is None or chosen.outcome is None or chosen.outcome.value == decision:
        return
    fitting = [b.when for b in step.branches or [] if b.outcome is not None and b.outcome.value == decision]
    raise errors.TransitionNotAllowed("branch_required", choices=", ".join(fitting) or "-")


def branch_ensure(step: Step, branch: str | None) -> None:
    """The branch check: a branching step needs one of its branches, any other step takes none.

    Raises TransitionNotAllowed (branch_required / unexpected_input).
    """
    if step.branches:
        names = [b.when for b in step.branches]
        if branch not in names:
            raise errors.TransitionNotAllowed("branch_required", choices=", ".join(names))
    elif branch:
        raise errors.TransitionNotAllowed("unexpected_input", field="branch")


def document_title(definition: ServiceDefinition, document_id: str) -> str:
    """A result document's title as stored and shown: the seed's language, else Russian, else its id."""
    title = definition.document(document_id).title
    return title.get(definition.source.language.value) or title.get("ru") or document_id
