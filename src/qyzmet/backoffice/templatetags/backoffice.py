"""Labels of the engine's codes (roles, step verbs, outcomes, units, statuses) in the active language."""

from __future__ import annotations

from typing import Any, Final

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ROLES: Final[dict[str, Any]] = {
    "office_clerk": _("office clerk"),
    "head": _("head"),
    "executor": _("responsible executor"),
    "sc_operator": _("State Corporation operator"),
    "akim_office_specialist": _("specialist of the rural akim's office"),
    "akim": _("akim"),
    "akimat": _("akimat"),
    "applicant": _("applicant"),
    "system": _("information system"),
}
# The button that completes a step, by what the step does (Verb of the regulation schema).
VERBS: Final[dict[str, Any]] = {
    "accept": _("Accept and register"),
    "register": _("Register"),
    "resolve": _("Put the resolution"),
    "prepare": _("Prepare the result"),
    "inspect": _("Record the inspection"),
    "sign": _("Sign with EDS"),
    "forward": _("Forward"),
    "adopt": _("Adopt and sign"),
    "issue": _("Issue the result"),
    "enqueue": _("Put in the queue"),
    "check": _("Confirm the check"),
    "send": _("Send"),
    "receive_result": _("Receive the result"),
}
OUTCOMES: Final[dict[str, Any]] = {
    "issued": _("the result (positive decision)"),
    "refused": _("motivated refusal"),
    "queued": _("put in the queue"),
}
UNITS: Final[dict[str, Any]] = {
    "minutes": _("minutes"),
    "hours": _("working hours"),
    "working_days": _("working days"),
    "calendar_days": _("calendar days"),
}
STATUSES: Final[dict[str, Any]] = {
    "open": _("open"),
    "done": _("done"),
    "cancelled": _("cancelled"),
    "in_progress": _("in progress"),
    "issued": _("result issued"),
    "refused": _("refused"),
    "queued": _("in the queue"),
    "ended": _("ended by a refusal message"),
    "sent": _("sent, no answer yet"),
    "answered": _("answered"),
    "unavailable": _("registry unavailable"),
    "rejected": _("answer rejected"),
    "found": _("found"),
    "not_found": _("no record"),
}
CHANNELS: Final[dict[str, Any]] = {
    "provider_office": _("provider's office"),
    "state_corporation": _("State Corporation"),
    "portal": _("e-government portal"),
    "rural_akim": _("rural okrug akim's office"),
}
GROUNDS: Final[dict[str, Any]] = {
    "incomplete_package": _("incomplete package of documents"),
    "expired_documents": _("documents with an expired validity"),
}
TABLES: Final[dict[str, dict[str, Any]]] = {
    "role": ROLES, "verb": VERBS, "outcome": OUTCOMES, "unit": UNITS, "status": STATUSES, "channel": CHANNELS,
    "ground": GROUNDS,
}


@register.filter
def label(code: object, table: str) -> Any:
    """`{{ task.role|label:"role" }}`: the code's label, or the code itself where none is known."""
    return TABLES[table].get(str(code), code)


@register.filter
def text_in(value: object, language: str) -> str:
    """A multilingual text (a dict of kk/ru/en) in `language`, falling back to Russian, then Kazakh."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    return str(value.get(language) or value.get("ru") or value.get("kk") or next(iter(value.values()), ""))


@register.filter
def organization_name(organization: object) -> str:
    """`{{ task.organization|organization_name }}`: the organization's name in the active language ("—" for none)."""
    from qyzmet.core.i18n import active_language
    from qyzmet.identity.models import Organization

    if not isinstance(organization, Organization):
        return "—"
    return organization.name(active_language())
