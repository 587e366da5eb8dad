"""Refusals of the catalogue's writes, with a stable code and kk/ru/en messages; nothing is changed."""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext_lazy as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import render_messages


class VersionRefused(LocalizedError):
    """A definition that cannot become the next version of its service."""


UNCHANGED: Final = _("The draft is the same as the current version: there is nothing to publish.")


def unchanged() -> VersionRefused:
    return VersionRefused("unchanged", render_messages(UNCHANGED))
