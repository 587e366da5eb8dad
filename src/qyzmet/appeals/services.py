"""Writes of the appeals: file an appeal as a case of its own, decide it, reopen the original when upheld.

An appeal is an ordinary case of the appeal definition (`catalog/appeals/`), filed through the
engine's `case_file`: its tasks, deadlines (5 working days, the Law on public services, art. 25),
events, the overdue sweep, escalation and notifications are the engine's. This module adds only
the link to the original case and what the decision does to it (`cases.services.case_reopen`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from django.db import transaction
from django.utils.translation import pgettext_lazy

from qyzmet.appeals.errors import refused
from qyzmet.appeals.models import OUTCOME_OF, Appeal, AppealDecision, AppealSubject
from qyzmet.cases.events import case_event_record
from qyzmet.cases.intake import Application, application_bytes, otp_purpose_of, portal_confirm
from qyzmet.cases.models import Case, CaseStatus, Task
from qyzmet.cases.services import (
    Filing,
    TaskAction,
    case_file,
    case_reopen,
    decision_documents_preview,
    definition_of_version,
    reopenable_steps,
    task_complete,
)
from qyzmet.catalog.models import ServiceVersion
from qyzmet.core.errors import NotFound
from qyzmet.core.i18n import Message, render_messages
from qyzmet.identity.access import user_has_role
from qyzmet.identity.models import User
from qyzmet.notifications.models import NotificationKind
from qyzmet.notifications.services import notify

# The definition appeals are filed under: the national complaint procedure (catalog/appeals/).
COMPLAINT_DEFINITION: Final = "national-complaint"
TEXT_LIMIT: Final = 5000
DECISION_TEXTS: Final[dict[str, Message]] = {
    AppealDecision.UPHELD: pgettext_lazy("appeal decision", "upheld, the case is reopened"),
    AppealDecision.REJECTED: pgettext_lazy("appeal decision", "rejected"),
}


def complaint_version(now: datetime) -> ServiceVersion:
    """The stored version of the complaint definition in force at `now` (stored on first use)."""
    from qyzmet.calendar import local_time
    from qyzmet.catalog.definitions import catalog_appeals
    from qyzmet.catalog.services import catalog_sync

    definition = catalog_appeals().in_force(COMPLAINT_DEFINITION, local_time(now).date())
    found = ServiceVersion.objects.filter(service__slug=definition.id, version=definition.version).first()
    if found is None:
        catalog_sync(catalog=catalog_appeals(), now=now)
        found = ServiceVersion.objects.get(service__slug=definition.id, version=definition.version)
    return found


def appealable(original: Case) -> bool:
    """Whether the case has something to appeal: a decision or refusal, or a step past its deadline."""
    if hasattr(original, "appeal"):
        return False  # an appeal is decided by the head; beyond that lies the authorized body (not modelled)
    if original.status in CaseStatus.closed():
        return True
    return original.tasks.open().exclude(overdue_at=None).exists()


def appeal_pending(original: Case, *, among: Iterable[Appeal] | None = None) -> Appeal | None:
    """The appeal of `original` still being decided; `among`: the case's appeals with their cases, when the
    caller has read them already."""
    if among is not None:
        return next((a for a in among if a.original_id == original.pk and a.case.status == CaseStatus.IN_PROGRESS),
                    None)
    return Appeal.objects.filter(original=original, case__status=CaseStatus.IN_PROGRESS).select_related("case").first()


@dataclass(frozen=True)
class AppealText:
    """What the appellant says: the subject (decision / action / inaction), the text, attached files."""

    subject: str
    text: str
    attachments: list[dict[str, Any]] = field(default_factory=list)
    language: str = ""

    def application(self, original: Case) -> Application:
        form = {"original": original.number, "subject": self.subject, "text": self.text.strip()}
        return Application(form=form, attachments=self.attachments, language=self.language or original.language)


def _ensure_fileable(original: Case, said: AppealText) -> None:
    if said.subject not in AppealSubject.values:
        raise refused("subject_unknown")
    if not said.text.strip() or len(said.text) > TEXT_LIMIT:
        raise refused("text_required")
    if not appealable(original):
        raise refused("not_appealable")
    pending = appeal_pending(original)
    if pending is not None:
        raise refused("appeal_pending", number=pending.case.number)


def appeal_bytes(*, original: Case, said: AppealText, now: datetime) -> bytes:
    """The exact bytes the appellant signs in the cabinet (the engine's application bytes of the appeal)."""
    return application_bytes(
        version=complaint_version(now), provider=original.provider, applicant_iin=original.applicant_iin,
        application=said.application(original),
    )


def appeal_otp_purpose(*, original: Case, said: AppealText, now: datetime) -> str:
    """What the one-time password confirming this appeal is bound to (send it with identity's otp_send)."""
    return otp_purpose_of(appeal_bytes(original=original, said=said, now=now))


def _file(
    original: Case, said: AppealText, *, channel: str, actor: User, confirmation: str, signature: str,
    idempotency_key: str | None, now: datetime,
) -> Appeal:
    version = complaint_version(now)
    application = said.application(original)
    filing = Filing(
        service_version=version, channel=channel, provider=original.provider, intake_office=None,
        applicant_iin=original.applicant_iin, applicant_name=original.applicant_name, applicant=original.applicant,
        representative_iin=original.representative_iin, form=application.form, attachments=application.attachments,
        language=application.case_language, confirmation=confirmation, idempotency_key=idempotency_key,
        signature=signature,
    )
    case = case_file(filing=filing, actor=actor, now=now)
    existing = Appeal.objects.filter(case=case).first()
    if existing is not None:  # a retry with the same idempotency key
        return existing
    appeal = Appeal.objects.create(case=case, original=original, subject=said.subject, text=said.text.strip(),
                                   filed_at=now)
    case_event_record(
        case=original, kind="appeal_filed", at=now, actor=actor,
        data={"appeal": case.number, "subject": said.subject, "channel": channel},
    )
    return appeal


@transaction.atomic
def appeal_file_portal(
    *, original_id: int, applicant: User, said: AppealText, now: datetime, signature: str | None = None,
    otp_code: str | None = None, idempotency_key: str | None = None,
) -> Appeal:
    """A citizen appeals one of their own cases from the cabinet, signed with EDS or confirmed by OTP.

    Another person's case is NotFound (as if it did not exist). Refusals (AppealRefused, IntakeRefused)
    write nothing. Side effects: the appeal's case (tasks, events, "accepted" notification), the
    Appeal link, an `appeal_filed` event on the original.
    """
    original = Case.objects.select_for_update().filter(pk=original_id, applicant_iin=applicant.iin).first()
    if original is None or not applicant.is_active:
        raise NotFound(f"case {original_id}")
    if idempotency_key and (done := Appeal.objects.filter(case__idempotency_key=idempotency_key).first()):
        return done
    _ensure_fileable(original, said)
    content = appeal_bytes(original=original, said=said, now=now)
    version = complaint_version(now)
    confirmation = portal_confirm(
        definition_of_version(version), content, applicant=applicant, signature=signature, otp_code=otp_code, now=now
    )
    return _file(original, said, channel="portal", actor=applicant, confirmation=confirmation,
                 signature=signature or "", idempotency_key=idempotency_key, now=now)


@transaction.atomic
def appeal_register_office(
    *, original_id: int, clerk: User, said: AppealText, now: datetime, idempotency_key: str | None = None
) -> Appeal:
    """The provider's office clerk registers a written appeal of a case of their organization.

    A case of another organization is NotFound. Side effects as `appeal_file_portal`, channel provider_office.
    """
    original = Case.objects.select_for_update().filter(pk=original_id).select_related("provider").first()
    if original is None or not user_has_role(clerk, "office_clerk", original.provider):
        raise NotFound(f"case {original_id}")
    if idempotency_key and (done := Appeal.objects.filter(case__idempotency_key=idempotency_key).first()):
        return done
    _ensure_fileable(original, said)
    return _file(original, said, channel="provider_office", actor=clerk, confirmation="paper", signature="",
                 idempotency_key=idempotency_key, now=now)


# --- deciding -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealVerdict:
    """The head's decision: upheld (with the original's step to reopen) or rejected (with the reason)."""

    decision: str
    reopen_step: str = ""
    reason: str = ""

    def action(self, appeal: Appeal, signatures: dict[str, str] | None = None) -> TaskAction:
        details = {"original": appeal.original.number}
        if self.decision == AppealDecision.UPHELD:
            details["reopen_step"] = self.reopen_step
        return TaskAction(
            decision=OUTCOME_OF[self.decision], ground=self.reason.strip() if self.decision == "rejected" else "",
            details=details, signatures=signatures or {},
        )


def _appeal_of_task(task: Task) -> Appeal:
    appeal = Appeal.objects.select_related("original", "case").filter(case_id=task.case_id).first()
    if appeal is None:
        raise refused("not_an_appeal")
    steps = definition_of_version(appeal.case.service_version).channel_steps(appeal.case.channel)
    if not any(s.id == task.step_id and s.decides for s in steps):
        raise refused("not_an_appeal")
    return appeal


def _verdict_check(appeal: Appeal, verdict: AppealVerdict) -> None:
    if verdict.decision not in AppealDecision.values:
        raise refused("decision_unknown")
    if verdict.decision == AppealDecision.UPHELD:
        choices = reopenable_steps(appeal.original)
        if verdict.reopen_step not in choices:
            raise refused("reopen_step_required", choices=", ".join(choices))
    elif not verdict.reason.strip():
        raise refused("reason_required")


def appeal_decision_preview(*, task: Task, verdict: AppealVerdict) -> dict[str, bytes]:
    """The decision documents the head signs for `verdict`, with their exact bytes. Nothing is written."""
    appeal = _appeal_of_task(task)
    _verdict_check(appeal, verdict)
    return decision_documents_preview(task.case, task.step_id, verdict.action(appeal))


@transaction.atomic
def appeal_decide(
    *, task: Task, actor: User, verdict: AppealVerdict, signatures: dict[str, str], now: datetime
) -> Appeal:
    """The head decides the appeal with a signed decision; an upheld one reopens the original case.

    Guards are the engine's (the task open, the actor its head, a valid EDS signature of the decision
    document) plus the verdict's: upheld names a staff step of the original, rejected gives a reason.
    A refusal raises and writes nothing. Side effects: the appeal case completes (decision document
    signed and issued, case closed); the Appeal records the decision; upheld: `case_reopen`; the
    applicant is told (`appeal_decided`).
    """
    appeal = _appeal_of_task(task)
    _verdict_check(appeal, verdict)
    task_complete(task=task, actor=actor, action=verdict.action(appeal, signatures), now=now)
    appeal.case.refresh_from_db()
    appeal.decision, appeal.decided_at = verdict.decision, now
    appeal.reopen_step = verdict.reopen_step if verdict.decision == AppealDecision.UPHELD else ""
    appeal.reason = verdict.reason.strip() if verdict.decision == AppealDecision.REJECTED else ""
    appeal.save(update_fields=["decision", "decided_at", "reopen_step", "reason"])
    if verdict.decision == AppealDecision.UPHELD:
        case_reopen(appeal.original, verdict.reopen_step, by_appeal=appeal.case, now=now)
    decision = dict(render_messages(DECISION_TEXTS[verdict.decision]))
    notify(
        kind=NotificationKind.APPEAL_DECIDED, key=appeal.case.number, case=appeal.case,
        recipient=appeal.case.applicant, recipient_iin=appeal.case.applicant_iin,
        params={"number": appeal.original.number, "decision": decision}, now=now,
    )
    return appeal
