"""Hostile uploads to the portal: disguised types, oversized files, names with paths, NUL or HTML.

What the bytes are decides the type (PDF, JPEG or PNG by their first bytes), never the name or the
browser's content type; a file is stored under its SHA-256 only, its name kept for display and
escaped wherever shown; an oversized file is cut at the limit + 1 byte as it streams in.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any, Final

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory

from qyzmet.api.models import ApplicationDraft
from qyzmet.core.uploads import TruncatingUploadHandler
from qyzmet.portal.services import AttachmentRefused, Upload, attachment_check
from tests.cases.conftest import _pki_settings, pki_directory, platform  # noqa: F401  (fixtures)
from tests.portal.conftest import _portal_settings  # noqa: F401  (fixture)
from tests.portal.test_apply import EDS_SERVICE, PDF, PNG, apply, login, stored_files

FILE_TYPE_REFUSED: Final = "можно прикладывать только файлы PDF, JPEG или PNG"
MZ_EXECUTABLE: Final = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48


def _upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- disguised types -------------------------------------------------------------------------------------------

DISGUISED: Final = [
    ("setup.pdf", MZ_EXECUTABLE, "application/pdf"),  # an .exe renamed .pdf
    ("справка.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "application/pdf"),
    ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/jpeg"),
    ("scan.png", b"GIF89a\x01\x00\x01\x00", "image/png"),
    ("doc.pdf", b" %PDF-1.4 (a blank before the magic)", "application/pdf"),
    ("doc.pdf", b"%PD", "application/pdf"),  # too short to be any accepted type
    ("archive.pdf", b"PK\x03\x04" + b"\x00" * 26, "application/pdf"),  # a zip (docx, jar)
]


@pytest.mark.parametrize(("name", "content", "content_type"), DISGUISED, ids=[d[0] + str(i) for i, d in
                                                                              enumerate(DISGUISED)])
def test_a_disguised_file_is_refused_by_its_bytes(name: str, content: bytes, content_type: str) -> None:
    with pytest.raises(AttachmentRefused) as refused:
        attachment_check(Upload(name=name, content=content), max_bytes=1024)
    assert refused.value.code == "file_type"


def test_a_polyglot_is_taken_for_what_its_first_bytes_say() -> None:
    # PDF readers look for %PDF- anywhere in the first kilobyte; an HTML page behind it stays a PDF here,
    # and attachments are never served back to a browser (only listed by name, size and SHA-256).
    polyglot = b"%PDF-1.4\n<html><script>alert(1)</script></html>"
    assert attachment_check(Upload(name="x.html", content=polyglot), max_bytes=1024) == "application/pdf"


@pytest.mark.django_db
@pytest.mark.usefixtures("platform")
def test_an_html_page_named_pdf_is_refused_by_the_portal_and_nothing_is_stored(client: Client) -> None:
    login(client)
    drafts = ApplicationDraft.objects.count()  # other tests of the package may have left theirs in its data
    response = apply(client, EDS_SERVICE, files={"file-other": _upload("заявление.pdf", DISGUISED[1][1])})
    assert response.status_code == 422
    assert FILE_TYPE_REFUSED in response.content.decode()
    assert stored_files() == [] and ApplicationDraft.objects.count() == drafts


# --- oversized files -----------------------------------------------------------------------------------------


def _parse(body: bytes, boundary: str) -> Any:
    request = RequestFactory().post("/", data=b"", content_type=f"multipart/form-data; boundary={boundary}")
    meta = {**request.META, "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}"}
    handlers = [TruncatingUploadHandler(), *(h for h in request.upload_handlers[1:])]
    return MultiPartParser(meta, io.BytesIO(body), handlers).parse()


def test_an_oversized_file_is_cut_at_the_limit_plus_one_byte_as_it_streams_in(settings: Any) -> None:
    settings.QYZMET_UPLOAD_MAX_BYTES = 1000
    boundary = "fuzzboundary"
    content = PNG + b"\x01" * 300_000  # 300 times the limit, in many chunks
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file-other\"; filename=\"big.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    _, files = _parse(body, boundary)
    kept = files["file-other"].read()
    assert kept == content[:1001]  # the first limit + 1 bytes, the rest never stored
    with pytest.raises(AttachmentRefused) as refused:
        attachment_check(Upload(name="big.png", content=kept), max_bytes=1000)
    assert refused.value.code == "file_too_large"


def test_the_portal_uses_the_truncating_handler_first() -> None:
    assert settings.FILE_UPLOAD_HANDLERS[0] == "qyzmet.core.uploads.TruncatingUploadHandler"


@pytest.mark.django_db
@pytest.mark.usefixtures("platform")
def test_an_oversized_upload_is_refused_with_the_limit_and_nothing_is_stored(client: Client, settings: Any) -> None:
    settings.QYZMET_UPLOAD_MAX_BYTES = 64 * 1024
    login(client)
    drafts = ApplicationDraft.objects.count()
    response = apply(client, EDS_SERVICE, files={"file-other": _upload("big.pdf", PDF + b"0" * (3 * 1024 * 1024))})
    assert response.status_code == 422
    assert "размер не должен превышать 0.0625 МБ" in response.content.decode()
    assert stored_files() == [] and ApplicationDraft.objects.count() == drafts


# --- hostile names ---------------------------------------------------------------------------------------------

HOSTILE_NAMES: Final = [
    "../../../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\evil.pdf",
    "/etc/cron.d/evil.pdf",
    "C:\\Users\\x\\evil.pdf",
    "evil\x00.pdf",
    "<script>alert('x')</script>.pdf",
    "<img src=x onerror=alert(1)>.pdf",
    "\u202egnp.pdf",
    "a" * 5000 + ".pdf",
]


@pytest.mark.django_db
@pytest.mark.usefixtures("platform")
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_a_hostile_name_never_reaches_a_path_and_is_escaped_where_shown(client: Client, name: str) -> None:
    # given
    login(client)
    content = PDF + name.encode("utf-8", "replace")  # distinct bytes per name

    # when
    response = apply(client, EDS_SERVICE, action="upload", files={"file-other": _upload(name, content)})

    # then: stored only under its SHA-256, inside the upload folder
    assert response.status_code == 200, response.content[:500]
    sha256 = hashlib.sha256(content).hexdigest()
    root = Path(settings.QYZMET_UPLOAD_DIR).resolve()
    assert stored_files() == [root / sha256[:2] / sha256]
    # and the name shown is the base name only, without control characters, escaped
    page = response.content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "\x00" not in page and "etc/passwd" not in page and "system32" not in page
    shown = client.session[f"portal-apply:{EDS_SERVICE}"][0]["name"]
    assert "/" not in shown and "\\" not in shown and "\x00" not in shown and len(shown) <= 200
    if "<" in shown:
        assert shown.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;") in page
