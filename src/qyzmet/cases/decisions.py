"""The deciding step: the decision, its ground and the documents it makes (and their preview to sign).

Part of the case engine; `qyzmet.cases.services` re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qyzmet.cases import errors
from qyzmet.cases.documents import _document_create, document_content
from qyzmet.cases.models import Case
from qyzmet.cases.queue import _queue_enter
from qyzmet.cases.selectors import route_of
from qyzmet.cases.workflow import (
    PlacedStep,
    Route,
)


@dataclass(frozen=True)
class TaskAction:
    """What the person completing a task says: the branch, the decision and its ground, signatures."""

    branch: str | None = None
    decision: str | None = None
    ground: str = ""
    documents: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)


def _decision_rules(route: Route, action: TaskAction) -> list[Any]:
    choices = route.allowed_outcomes()
    if action.decision not in choices:
        raise errors.TransitionNotAllowed("decision_required", choices=", ".join(choices))
    if action.decision == "refused" and not action.ground.strip():
        raise errors.TransitionNotAllowed("ground_required")
    rules = route.outcome_rules(action.decision)
    if action.documents:
        rules = [r for r in rules if set(action.documents) <= set(r.documents)]
        if not rules:
            raise errors.TransitionNotAllowed(
                "decision_required",
                choices=", ".join(d for r in route.outcome_rules(action.decision) for d in r.documents),
            )
    return rules


def _apply_decision(case: Case, route: Route, placed: PlacedStep, action: TaskAction, *, now: datetime) -> None:
    if route.definition.kind == "appeal" and action.details.get("original") != case.form.get("original"):
        # What an appeal's decision does to the original case is the appeals' (appeals.services.appeal_decide).
        raise errors.TransitionNotAllowed("appeal_decision")
    rules = _decision_rules(route, action)
    case.outcome = action.decision or ""
    case.refusal_ground = action.ground.strip() if action.decision == "refused" else ""
    case.save(update_fields=["outcome", "refusal_ground"])
    for document_id in rules[0].documents:
        _document_create(case, route.definition, document_id, now=now, details=action.details)
    for document_id in placed.step.produces:
        if route.definition.document(document_id).intermediate:
            _document_create(case, route.definition, document_id, now=now, details=action.details)
    if action.decision == "queued":
        _queue_enter(case, route.definition, now=now)


def decision_documents_preview(case: Case, step_id: str, action: TaskAction) -> dict[str, bytes]:
    """The result documents a decision at `step_id` would make, with their exact bytes (to sign first)."""
    route = route_of(case)
    rules = _decision_rules(route, action)
    ground = action.ground.strip() if action.decision == "refused" else ""
    return {
        document_id: document_content(
            case, route.definition, document_id, outcome=action.decision or "", ground=ground, details=action.details
        )
        for document_id in rules[0].documents
    }
