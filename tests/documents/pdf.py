"""Reading back what a PDF prints: its text (pypdf) and the QR codes of its images (zxing-cpp)."""

from __future__ import annotations

import io

import pypdf
import zxingcpp


def pdf_text(content: bytes) -> str:
    """Every page's text, with runs of whitespace (line breaks included) made one space."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_qr_codes(content: bytes) -> list[str]:
    """The text of every QR code in the PDF's images, decoded from the pixels."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [code.text for page in reader.pages for image in page.images
            for code in zxingcpp.read_barcodes(image.image)]
