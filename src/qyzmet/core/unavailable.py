"""The answer while the database is down: 503 with Retry-After, in kk, ru and en, as a page or as JSON.

Built without the database and without templates that might read it (the pages' context processors do).
"""

from __future__ import annotations

import json
from typing import Final

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from qyzmet.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, in_language, render_messages

RETRY_AFTER_SECONDS: Final = 30
UNAVAILABLE_CODE: Final = "service_unavailable"
UNAVAILABLE: Final = _(
    "The service is temporarily unavailable: the database does not answer. Please try again in a little while; "
    "nothing you sent is lost."
)
TITLE: Final = _("Service temporarily unavailable")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in str(request.headers.get("Accept") or "")


def _language(request: HttpRequest) -> str:
    first = request.path.strip("/").split("/", 1)[0]
    return first if first in LANGUAGES else DEFAULT_LANGUAGE


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: `{code, message: {kk, ru, en}}` for the API, otherwise a small page."""
    if _wants_json(request):
        body = json.dumps({"code": UNAVAILABLE_CODE, "message": dict(render_messages(UNAVAILABLE))}, ensure_ascii=False)
        response = HttpResponse(body, status=503, content_type="application/json; charset=utf-8")
    else:
        first = _language(request)
        order = [first, *[code for code in LANGUAGES if code != first]]
        sections = "".join(
            f'<section lang="{code}"><h1>{escape(in_language(TITLE, code))}</h1>'
            f"<p>{escape(in_language(UNAVAILABLE, code))}</p></section>"
            for code in order
        )
        page = (f'<!doctype html><html lang="{first}"><head><meta charset="utf-8">'
                f"<title>{escape(in_language(TITLE, first))}</title></head><body>{sections}</body></html>")
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
