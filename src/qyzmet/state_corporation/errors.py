"""Errors of the operational hall, each with a stable code and kk/ru/en messages (module constants)."""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext_lazy as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import Message, render_messages

MESSAGES: Final[dict[str, Message]] = {
    "not_operator_here": _("You are not a State Corporation operator at '{branch}'"),
    "not_a_branch": _("'{branch}' is not a State Corporation branch serving this service"),
    "no_sc_channel": _("The service '{service}' is not offered through the State Corporation"),
    "catalogue_not_loaded": _("Version {version} of '{service}' is not in the database (run qyzmet setup)"),
    "provider_unknown": _("'{provider}' does not provide this service"),
    "power_of_attorney_required": _("A representative needs a power of attorney"),
    "entity_not_in_regulation": _("The regulation names no ГБД ЮЛ query for this service"),
    "signature_invalid": _("The operator's EDS is not confirmed: {detail}"),
    "sc_may_not_refuse": _("The regulation does not let the State Corporation refuse to accept"),
    "ground_not_in_regulation": _("The regulation gives no ground '{ground}'"),
    "nothing_missing": _("Name a missing or expired document"),
    "window_not_open": _("Window {window} is not open, or not yours"),
    "window_busy": _("Window {window} is still serving ticket {ticket}"),
    "ticket_not_called": _("Ticket {ticket} has not been called to your window"),
}


class HallError(LocalizedError):
    """A hall or intake action that cannot be done as asked; nothing was written."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code, render_messages(MESSAGES[code], **values))
