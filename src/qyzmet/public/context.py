"""Template context shared by every page."""

from __future__ import annotations

from typing import Final

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# What the pages' signing code (web/eds.js) tells the person, by its name there.
EDS_MESSAGES: Final = {
    "notRunning": _("NCALayer is not running or cannot be reached. Start NCALayer and try again."),
    "cancelled": _("Signing was cancelled in the NCALayer window."),
    "failed": _("Signing failed: {detail}"),
    "noKey": _("No suitable key was found: {detail}"),
}


def signing(request: HttpRequest) -> dict[str, object]:
    """Where the pages' signing code finds NCALayer (or the development stand-in) and what it says, and the
    languages each named in itself (Қазақша, Русский, English) for the language switch."""
    return {
        "NCALAYER_URL": settings.QYZMET_NCALAYER_URL,
        "EDS_MESSAGES": EDS_MESSAGES,
        "SITE_LANGUAGES": settings.LANGUAGES,
    }


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which staff pages the header links to: the work queue for staff, the reports only for those who may
    read them (from the roles the request has read once)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"SHOW_WORK_QUEUE": False, "SHOW_REPORTS": False}
    from qyzmet.identity.access import held_roles
    from qyzmet.reports.access import may_read_reports

    return {"SHOW_WORK_QUEUE": bool(held_roles(user)), "SHOW_REPORTS": may_read_reports(user)}
