"""Public verification of a document or receipt number; downloads of result documents and receipts.

Views parse, check access and call one selector. "Not yours" is a 404, like "no such".
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from qyzmet.cases.access import document_get_for_user, receipt_get_for_user
from qyzmet.core.errors import NotFound
from qyzmet.documents.rendering import PDF_CONTENT_TYPE
from qyzmet.documents.selectors import DocumentVerification, receipt_pdf_for, verification_for_number

EXTENSIONS = {PDF_CONTENT_TYPE: "pdf", "application/json": "json"}


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """The public page of a document or receipt number: what it is, who issued and signed it, valid now or not."""
    try:
        found = verification_for_number(number=number, now=timezone.now())
    except NotFound:
        return render(request, "documents/not_found.html", {"number": number}, status=404)
    if isinstance(found, DocumentVerification):
        return render(request, "documents/verify_document.html", {"found": found})
    return render(request, "documents/verify_receipt.html", {"found": found})


@require_GET
@login_required
def download(request: HttpRequest, document_id: int, part: str) -> HttpResponse:
    """A result document's signed file ("pdf") or its detached CMS signature ("p7s"), for whoever may see it."""
    try:
        document = document_get_for_user(document_id=document_id, user=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if part == "pdf":
        extension = EXTENSIONS.get(document.content_type, "bin")
        return _attachment(bytes(document.content), document.content_type, f"{document.number}.{extension}")
    if part == "p7s" and document.signature is not None:
        extension = EXTENSIONS.get(document.content_type, "bin")
        return _attachment(bytes(document.signature), "application/pkcs7-signature",
                           f"{document.number}.{extension}.p7s")
    raise Http404(part)


@require_GET
@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """A receipt as PDF in the applicant's language, for its applicant or the issuing organization's staff."""
    try:
        found = receipt_get_for_user(number=number, user=request.user)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return _attachment(receipt_pdf_for(found), PDF_CONTENT_TYPE, f"{found.number}.pdf")
