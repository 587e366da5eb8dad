"""Refusals of the regulation authoring, each with a stable code and kk/ru/en messages; nothing is changed."""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext_lazy as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import render_messages


class AuthoringRefused(LocalizedError):
    """A drafting or publication step refused as asked."""


NOT_ADMINISTRATOR: Final = _(
    "You cannot edit the regulations of the '{jurisdiction}' oblast: that takes an administrator of its akimat."
)
NO_REGULATION: Final = _("No regulation was found in the text: it has no '1. General provisions' section.")
NOT_A_DRAFT: Final = _("This draft has already been published or withdrawn; it cannot be changed.")
FOUR_EYES: Final = _(
    "A draft cannot be published by the person who wrote or last changed it: a second administrator must sign."
)
NOT_PUBLISHABLE: Final = _(
    "The draft cannot be published: {problems} problem(s) and {review} point(s) to review remain."
)
SIGNATURE_INVALID: Final = _(
    "The signature was not accepted ({detail}): sign exactly this text of the draft with your own EDS."
)
TOO_LARGE: Final = _("The text is too large (over 1 MB).")
JURISDICTION_CHANGED: Final = _(
    "The draft's oblast cannot be changed (it is '{jurisdiction}'): start a new draft for another oblast."
)



def not_administrator(jurisdiction: str) -> AuthoringRefused:
    return AuthoringRefused("not_administrator", render_messages(NOT_ADMINISTRATOR, jurisdiction=jurisdiction))


def no_regulation_found() -> AuthoringRefused:
    return AuthoringRefused("no_regulation_found", render_messages(NO_REGULATION))


def not_a_draft() -> AuthoringRefused:
    return AuthoringRefused("not_a_draft", render_messages(NOT_A_DRAFT))


def four_eyes() -> AuthoringRefused:
    return AuthoringRefused("four_eyes", render_messages(FOUR_EYES))


def not_publishable(problems: int, review: int) -> AuthoringRefused:
    return AuthoringRefused("not_publishable", render_messages(NOT_PUBLISHABLE, problems=problems, review=review))


def signature_invalid(detail: str) -> AuthoringRefused:
    return AuthoringRefused("signature_invalid", render_messages(SIGNATURE_INVALID, detail=detail))


def content_too_large() -> AuthoringRefused:
    return AuthoringRefused("content_too_large", render_messages(TOO_LARGE))


def jurisdiction_changed(jurisdiction: str) -> AuthoringRefused:
    return AuthoringRefused("jurisdiction_changed", render_messages(JURISDICTION_CHANGED, jurisdiction=jurisdiction))
