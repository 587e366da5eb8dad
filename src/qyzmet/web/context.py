"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def signing(request: HttpRequest) -> dict[str, str]:
    """Where the pages' signing code finds NCALayer (or the development stand-in)."""
    return {"NCALAYER_URL": settings.QYZMET_NCALAYER_URL}
