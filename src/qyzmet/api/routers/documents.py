"""Result documents (metadata, the signed bytes, the detached signature) and receipts."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from qyzmet.api.auth import request_user
from qyzmet.api.errors import DocumentNotSigned
from qyzmet.api.schemas import DocumentOut, ErrorOut, ReceiptOut
from qyzmet.api.selectors import receipt_get_for_user
from qyzmet.cases.access import document_get_for_user
from qyzmet.cases.models import Receipt, ResultDocument

router = Router(tags=["documents"])
receipts_router = Router(tags=["documents"])
CONTENT_EXTENSIONS = {"application/json": "json", "application/pdf": "pdf"}


@router.get("/{document_id}", response={200: DocumentOut, 401: ErrorOut, 404: ErrorOut})
def document_get_api(request: HttpRequest, document_id: int) -> ResultDocument:
    return document_get_for_user(document_id=document_id, user=request_user(request))


@router.get("/{document_id}/content", response={200: bytes, 401: ErrorOut, 404: ErrorOut})
def document_content_api(request: HttpRequest, document_id: int) -> HttpResponse:
    """The exact bytes that were (or are to be) signed."""
    document = document_get_for_user(document_id=document_id, user=request_user(request))
    extension = CONTENT_EXTENSIONS.get(document.content_type, "bin")
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.verification_code}.{extension}"'
    return response


@router.get("/{document_id}/signature", response={200: bytes, 401: ErrorOut, 404: ErrorOut})
def document_signature_api(request: HttpRequest, document_id: int) -> HttpResponse:
    """The detached CMS signature (DER) of the content; 404 `document_not_signed` before it is signed."""
    document = document_get_for_user(document_id=document_id, user=request_user(request))
    if document.signature is None:
        raise DocumentNotSigned()
    response = HttpResponse(bytes(document.signature), content_type="application/pkcs7-signature")
    response["Content-Disposition"] = f'attachment; filename="{document.verification_code}.p7s"'
    return response


@receipts_router.get("/{number}", response={200: ReceiptOut, 401: ErrorOut, 404: ErrorOut})
def receipt_get_api(request: HttpRequest, number: str) -> Receipt:
    """A receipt (of acceptance or of refusal to accept), for its applicant or the issuing organization's staff."""
    return receipt_get_for_user(number=number, user=request_user(request))
