"""What a result document and a receipt say (their canonical data), and their PDFs.

The canonical data of a result document come from the case, its pinned definition and the
decision alone (no clock, no database row of the document itself), in the case's language, so
the PDF a signer previews is byte for byte the document made afterwards.
"""

from __future__ import annotations

from typing import Any

from qyzmet.calendar import local_time
from qyzmet.cases.models import Case, Receipt
from qyzmet.cases.numbers import document_number
from qyzmet.catalog.schema import ServiceDefinition, Text
from qyzmet.catalog.vocabulary import standard_appendix
from qyzmet.core.i18n import LANGUAGES
from qyzmet.documents.rendering import RECEIPT_TEMPLATE, RESULT_TEMPLATE, pdf_render, verify_url

DATE_FORMAT = "%d.%m.%Y"
def _text(text: Text | None, language: str, original: str, fallback: str = "") -> str:
    if text is None:
        return fallback
    return text.get(language) or text.get(original) or text.get("ru") or fallback


def _language(language: str) -> str:
    return language if language in LANGUAGES else "kk"


def result_data(
    case: Case, definition: ServiceDefinition, document_id: str, *, outcome: str, ground: str, details: dict[str, Any]
) -> dict[str, Any]:
    """What the result document `document_id` of `case` says, in the case's language (canonical data)."""
    language = _language(case.language)
    original = definition.source.language.value
    spec = definition.document(document_id)
    number = document_number(case_number=case.number, definition=definition, document_id=document_id)
    return {
        "language": language,
        "number": number,
        "verify_url": verify_url(number),
        "document": document_id,
        "kind": spec.kind.value,
        "form": spec.form,
        "form_appendix": standard_appendix(spec.form),
        "title": _text(spec.title, language, original, document_id),
        "case": case.number,
        "filed": local_time(case.filed_at).strftime(DATE_FORMAT),
        "service": {"id": definition.id, "version": definition.version,
                    "title": _text(definition.title, language, original, definition.id)},
        "provider": {"bin": case.provider.bin, "name": case.provider.name(language)},
        "applicant": {"iin": case.applicant_iin, "name": case.applicant_name},
        "outcome": outcome,
        "ground": ground or None,
        "details": details,
    }


def result_pdf(
    case: Case, definition: ServiceDefinition, document_id: str, *, outcome: str, ground: str, details: dict[str, Any]
) -> bytes:
    """The PDF of a result document: the same bytes whenever it is computed for the same case and decision."""
    data = result_data(case, definition, document_id, outcome=outcome, ground=ground, details=details)
    return pdf_render(RESULT_TEMPLATE, data)


def _receipt_form(receipt: Receipt, definition: ServiceDefinition, language: str) -> str:
    original = definition.source.language.value
    if receipt.kind == Receipt.Kind.ACCEPTANCE:
        rule = definition.acceptance_receipt
        return _text(rule.title if rule else None, language, original)
    refusal = definition.refusal_to_accept
    return _text(refusal.receipt.title if refusal and refusal.receipt else None, language, original)


def receipt_data(receipt: Receipt, definition: ServiceDefinition, language: str) -> dict[str, Any]:
    """What a receipt says, in `language` (canonical data)."""
    language = _language(language)
    original = definition.source.language.value
    return {
        "language": language,
        "number": receipt.number,
        "verify_url": verify_url(receipt.number),
        "kind": receipt.kind,
        "title": _receipt_form(receipt, definition, language),
        "form": receipt.form or None,
        "form_appendix": standard_appendix(receipt.form),
        "issued": local_time(receipt.issued_at).strftime(DATE_FORMAT + " %H:%M"),
        "case": receipt.case.number if receipt.case_id is not None and receipt.case is not None else None,
        "service": {"id": definition.id, "title": _text(definition.title, language, original, definition.id)},
        "organization": {"bin": receipt.organization.bin, "name": receipt.organization.name(language)},
        "applicant": {"iin": receipt.applicant_iin, "name": receipt.applicant_name},
        "grounds": list(receipt.grounds),
        "missing": list(receipt.missing),
    }


def receipt_pdf(receipt: Receipt, definition: ServiceDefinition, language: str) -> bytes:
    """The PDF of a receipt (of acceptance or of refusal to accept) in `language`."""
    return pdf_render(RECEIPT_TEMPLATE, receipt_data(receipt, definition, language))
