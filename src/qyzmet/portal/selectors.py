"""Reads for the personal cabinet: my cases, my State Corporation applications, who looked up my data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from qyzmet.cases.access import cases_of_applicant
from qyzmet.cases.models import Case
from qyzmet.cases.selectors import queue_position
from qyzmet.catalog.models import Service
from qyzmet.gateway.selectors import SubjectLookup, lookups_of_subject
from qyzmet.hall.selectors import intakes_of_applicant
from qyzmet.hall.services.intake import intake_message
from qyzmet.identity.models import User


@dataclass(frozen=True)
class CaseRow:
    id: int
    number: str
    service: str
    channel: str
    status: str
    filed_at: datetime
    queue_position: int | None


@dataclass(frozen=True)
class IntakeRow:
    number: str
    service: str
    status: str
    message: str
    case_id: int | None


@dataclass(frozen=True)
class Cabinet:
    cases: list[CaseRow]
    intakes: list[IntakeRow]
    lookups: list[SubjectLookup]


def _titles(language: str) -> dict[str, str]:
    return {s.slug: s.title(language) for s in Service.objects.all()}


def cabinet_for(user: User, language: str) -> Cabinet:
    """Everything a citizen's cabinet shows, for `user` only."""
    titles = _titles(language)
    cases = []
    for case in cases_of_applicant(user).select_related("queue_entry").order_by("-filed_at", "-pk"):
        entry = getattr(case, "queue_entry", None)
        cases.append(CaseRow(case.pk, case.number, titles.get(case.service_slug, case.service_slug), case.channel,
                             case.status, case.filed_at, queue_position(entry) if entry else None))
    intakes = []
    for intake in intakes_of_applicant(user.iin).order_by("-pk")[:50]:
        message = intake_message(intake)
        intakes.append(IntakeRow(intake.number, titles.get(intake.service_slug, intake.service_slug),
                                 intake.status, message.get(language, "") if message else "", intake.case_id))
    return Cabinet(cases, intakes, lookups_of_subject(user.iin)[:100])


def case_documents(case: Case) -> list[dict[str, object]]:
    """The case's issued result documents, as the applicant may download them."""
    return [
        {"id": d.pk, "title": d.title, "kind": d.kind, "signed": d.signature is not None, "issued_at": d.issued_at}
        for d in case.documents.filter(intermediate=False).exclude(issued_at=None).order_by("pk")
    ]
