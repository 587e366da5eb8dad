"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def signing(request: HttpRequest) -> dict[str, object]:
    """Where the pages' signing code finds NCALayer (or the development stand-in), and the languages
    each named in itself (Қазақша, Русский, English) for the language switch."""
    return {"NCALAYER_URL": settings.QYZMET_NCALAYER_URL, "SITE_LANGUAGES": settings.LANGUAGES}


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which staff pages the header links to: the reports only for those who may read them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"SHOW_REPORTS": False}
    from qyzmet.reports.access import report_roots_for_user

    return {"SHOW_REPORTS": bool(report_roots_for_user(user))}
