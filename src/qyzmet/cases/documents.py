"""Result documents of a case: their exact bytes, making, signing (the EDS check) and issuing them.

Part of the case engine; `qyzmet.cases.services` re-exports every name.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime
from typing import Any

from qyzmet.cases import errors
from qyzmet.cases.events import case_event_record
from qyzmet.cases.models import Case, ResultDocument
from qyzmet.cases.numbers import document_number
from qyzmet.cases.selectors import documents_unsigned, route_of
from qyzmet.cases.telling import _applicant_tell
from qyzmet.cases.workflow import (
    PlacedStep,
    Route,
    document_title,
    is_delivering,
    is_signing,
)
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.documents.content import result_pdf
from qyzmet.documents.rendering import PDF_CONTENT_TYPE
from qyzmet.identity.models import Organization, User
from qyzmet.signatures.acts import official_act_verify
from qyzmet.signatures.backends import Verifier, get_verifier


def document_content(
    case: Case, definition: ServiceDefinition, document_id: str, *, outcome: str, ground: str, details: dict[str, Any]
) -> bytes:
    """The exact bytes of a result document: its PDF in the case's language, the same whenever it is computed.

    Every preview a signer signs and the document made afterwards get their bytes here. They carry
    no creation time and the document number is derived from the case, so a signer can sign them
    before the step that makes them completes; when it was signed is in the signature
    (signingTime) and in the event log.
    """
    return result_pdf(case, definition, document_id, outcome=outcome, ground=ground, details=details)


def _document_create(
    case: Case, definition: ServiceDefinition, document_id: str, *, now: datetime, details: dict[str, Any]
) -> ResultDocument:
    existing = ResultDocument.objects.filter(case=case, document_id=document_id).defer("content", "signature").first()
    if existing is not None:
        return existing
    spec = definition.document(document_id)
    title = document_title(definition, document_id)
    content = document_content(
        case, definition, document_id, outcome=case.outcome, ground=case.refusal_ground, details=details
    )
    document = ResultDocument.objects.create(
        case=case,
        number=document_number(case_number=case.number, definition=definition, document_id=document_id),
        document_id=document_id,
        kind=spec.kind.value,
        title=title,
        intermediate=spec.intermediate,
        content=content,
        content_type=PDF_CONTENT_TYPE,
        verification_code=secrets.token_hex(8),
        created_at=now,
    )
    # The bytes' hash in the chain: `qyzmet audit verify` recomputes it from the stored document.
    case_event_record(case=case, kind="document_created", at=now,
                      data={"document": document_id, "sha256": hashlib.sha256(content).hexdigest()})
    return document


def decision_needs_signature(case: Case, step_id: str, branch: str | None) -> bool:
    """Whether the person deciding must sign the result: no signing step lies ahead on the path taken."""
    return not route_of(case).signing_ahead(step_id, branch)


def _after_step(
    case: Case,
    route: Route,
    placed: PlacedStep,
    *,
    now: datetime,
    actor: User | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Documents a step makes (intermediate acts, cover letters) and delivery of the result."""
    definition = route.definition
    step = placed.step
    decided = case.outcome != ""
    for document_id in step.produces:
        makes_it = definition.document(document_id).intermediate or (
            decided and _document_in_outcome(route, case, document_id)
        )
        if makes_it:
            _document_create(case, definition, document_id, now=now, details=details or {})
    if is_delivering(step) and decided:
        _documents_issue(case, now=now, actor=actor)


def _signing_documents_prepare(case: Case, route: Route, placed: PlacedStep, *, now: datetime) -> None:
    """A signing step that makes its own result (the akimat's resolution) drafts it when it opens,
    so the signer signs bytes that already exist."""
    if not is_signing(placed.step) or not case.outcome:
        return
    for document_id in placed.step.produces:
        if _document_in_outcome(route, case, document_id):
            _document_create(case, route.definition, document_id, now=now, details={})


def _document_in_outcome(route: Route, case: Case, document_id: str) -> bool:
    return any(document_id in rule.documents for rule in route.outcome_rules(case.outcome))


def _documents_issue(case: Case, *, now: datetime, actor: User | None) -> None:
    """Issue every final document not issued yet, each to the place the channel's data gives it
    (`result_delivery`, `result_delivery_documents`: the cabinet, a State Corporation hand-over, the provider)."""
    pending = list(ResultDocument.objects.filter(case=case, intermediate=False, issued_at=None).only("document_id"))
    if not pending:
        return
    route = route_of(case)
    for document in pending:
        delivered_to = route.delivery_place(document.document_id).value
        document.issued_at = now
        document.delivered_to = delivered_to
        document.save(update_fields=["issued_at", "delivered_to"])
        issued = case_event_record(
            case=case,
            kind="document_issued",
            at=now,
            actor=actor,
            data={"document": document.document_id, "to": delivered_to},
        )
        _applicant_tell(issued, now=now)


def _signature_checked(
    document_id: str, content: bytes, encoded: str | None, *, actor: User, organization: Organization | None,
    verifier: Verifier, now: datetime,
) -> bytes:
    """The actor's detached CMS signature of `content` with `organization`'s key, decoded.

    TransitionNotAllowed if missing or not valid, including a personal key or another organization's
    key (`official_act_verify`). `organization` is None only for a task of no organization (the
    applicant's own), signed with a personal key.
    """
    if not encoded:
        raise errors.TransitionNotAllowed("signature_required", document=document_id)
    try:
        signature = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise errors.TransitionNotAllowed("signature_invalid", document=document_id, detail="base64") from exc
    verdict = official_act_verify(
        verifier, content, signature, signer_iin=actor.iin,
        organization_bin=organization.bin if organization is not None else None, now=now,
    )
    if not verdict.is_valid:
        raise errors.TransitionNotAllowed("signature_invalid", document=document_id, detail=verdict.code or "")
    return signature


def _document_signature_store(
    case: Case, document: ResultDocument, signature: bytes, encoded: str, *, actor: User,
    organization: Organization | None, now: datetime,
) -> None:
    document.signature = signature
    document.signed_by = actor
    document.signed_at = now
    document.save(update_fields=["signature", "signed_by", "signed_at"])
    case_event_record(
        case=case,
        kind="document_signed",
        at=now,
        actor=actor,
        organization=organization,
        data={"document": document.document_id},
        signature=encoded,
    )


def _documents_sign(
    case: Case, *, actor: User, organization: Organization | None, signatures: dict[str, str], now: datetime
) -> list[str]:
    """Verify and store the actor's signature on every unsigned result document; return what was signed."""
    unsigned = documents_unsigned(case)
    verifier = get_verifier()
    signed = []
    for document in unsigned:
        encoded = signatures.get(document.document_id)
        signature = _signature_checked(
            document.document_id, bytes(document.content), encoded, actor=actor, organization=organization,
            verifier=verifier, now=now,
        )
        _document_signature_store(
            case, document, signature, encoded or "", actor=actor, organization=organization, now=now
        )
        signed.append(document.document_id)
    return signed
