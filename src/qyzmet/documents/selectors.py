"""Reads of the documents app: the public verification of a number, and receipt PDFs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist

from qyzmet.cases.models import Receipt, ResultDocument
from qyzmet.cases.services import definition_of, definition_of_version
from qyzmet.core.errors import NotFound
from qyzmet.core.i18n import active_language
from qyzmet.documents.content import receipt_pdf
from qyzmet.signatures.backends import get_verifier
from qyzmet.signatures.verify import Verdict


def iin_masked(iin: str) -> str:
    """An IIN with its middle hidden, e.g. 8803******19: enough to recognise one's own, not to learn anyone's."""
    if len(iin) < 8:
        return "*" * len(iin)
    return iin[:4] + "*" * (len(iin) - 6) + iin[-2:]


@dataclass(frozen=True)
class DocumentVerification:
    """What the public verification page says about a result document, and its signature's verdict now."""

    document: ResultDocument
    title: str
    issuer: str
    applicant_iin_masked: str
    sha256: str
    verdict: Verdict | None  # None: not signed
    verdict_message: str  # why the signature is not valid now, in the page's language; empty when it is


@dataclass(frozen=True)
class ReceiptVerification:
    """What the public verification page says about a receipt."""

    receipt: Receipt
    issuer: str


def _document_title(document: ResultDocument, language: str) -> str:
    try:
        spec = definition_of(document.case).document(document.document_id)
    except KeyError:
        return document.title
    return spec.title.get(language) or document.title


def document_verify(document: ResultDocument, *, language: str, now: datetime) -> DocumentVerification:
    """Verify a document's stored detached CMS over its stored bytes at `now` (revocation included)."""
    content = bytes(document.content)
    verdict = None
    if document.signature is not None:
        signer = document.signed_by
        verdict = get_verifier().verify(
            content, bytes(document.signature), expected_iin=signer.iin if signer else None, now=now
        )
    return DocumentVerification(
        document=document,
        title=_document_title(document, language),
        issuer=document.case.provider.name(language),
        applicant_iin_masked=iin_masked(document.case.applicant_iin),
        sha256=hashlib.sha256(content).hexdigest(),
        verdict=verdict,
        verdict_message=(verdict.message(language) or "") if verdict is not None else "",
    )


def verification_for_number(*, number: str, now: datetime) -> DocumentVerification | ReceiptVerification:
    """The public verification of a document or receipt number, in the active language.

    Only documents that were signed or issued are public; a draft, like an unknown number, raises NotFound.
    """
    language = active_language()
    document = (
        ResultDocument.objects.select_related("case__provider", "case__service_version", "signed_by")
        .filter(number=number)
        .first()
    )
    if document is not None and (document.signature is not None or document.issued_at is not None):
        return document_verify(document, language=language, now=now)
    receipt = Receipt.objects.select_related("organization").filter(number=number).first()
    if receipt is not None:
        return ReceiptVerification(receipt=receipt, issuer=receipt.organization.name(language))
    raise NotFound(f"document {number}")


def receipt_language(receipt: Receipt) -> str:
    """The language a receipt is printed in: its case's, or the State Corporation intake's; else the active one."""
    if receipt.case is not None:
        return receipt.case.language
    try:
        intake = receipt.sc_intake
    except ObjectDoesNotExist:
        return active_language()
    return str(intake.language)


def receipt_pdf_for(receipt: Receipt) -> bytes:
    """The receipt's PDF in its applicant's language (see `receipt_language`)."""
    return receipt_pdf(receipt, definition_of_version(receipt.service_version), receipt_language(receipt))
