"""PDF rendering (WeasyPrint) of a template filled with canonical data, with a QR code of the verification page.

The PDF is a pure function of its canonical data: the same data give the same bytes, whenever
and wherever in one deployment they are rendered. That is what lets a signer sign the preview
of a document that is only created later. WeasyPrint writes no creation date and no random
document /ID of its own; the /ID is fixed from the data and the creation date is the filing date
the data carry. Fonts come from the system through fontconfig: DejaVu Sans (Debian package
`fonts-dejavu-core`) covers Cyrillic and the Kazakh letters.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from qyzmet.signatures.canonical import canonical_json

PDF_CONTENT_TYPE: Final = "application/pdf"
RESULT_TEMPLATE: Final = "documents/result.html"
RECEIPT_TEMPLATE: Final = "documents/receipt.html"


def verify_url(number: str) -> str:
    """The public address of a document's (or receipt's) verification page, as printed in its QR code."""
    with translation.override(settings.LANGUAGE_CODE):  # the unprefixed address, whatever language is active
        path = reverse("documents:verify", args=[number])
    return f"{settings.QYZMET_PUBLIC_BASE_URL}{path}"


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as a PNG data URI (error correction M)."""
    data_uri: str = segno.make(text, error="m", micro=False).png_data_uri(scale=4, border=2)
    return data_uri


def pdf_render(template: str, data: Mapping[str, Any]) -> bytes:
    """The PDF of `template` filled with `data`, in the language `data["language"]`, with the QR code of
    `data["verify_url"]`. Rendered once per process for the same template and data (a preview and the
    document made from it share one rendering)."""
    return _pdf_cached(template, canonical_json(data))


@lru_cache(maxsize=256)
def _pdf_cached(template: str, canonical: bytes) -> bytes:
    from weasyprint import HTML  # loads Pango and fontconfig; only where a PDF is made

    data = json.loads(canonical)
    with translation.override(data["language"]):
        html = render_to_string(template, {"data": data, "qr": qr_data_uri(data["verify_url"])})
    identifier = hashlib.sha256(template.encode() + b"\n" + canonical).hexdigest()[:32].encode("ascii")
    pdf: bytes = HTML(string=html).write_pdf(pdf_identifier=identifier)
    return pdf
