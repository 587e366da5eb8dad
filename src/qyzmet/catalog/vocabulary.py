"""Names of the schema's codes in Kazakh, Russian and English, in the regulations' own terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from django.utils import translation
from django.utils.translation import ngettext, pgettext_lazy

from qyzmet.core.i18n import Message, in_language

Names = dict[str, Message]

ROLES: Final[Names] = {
    "applicant": pgettext_lazy("regulation role", "Applicant"),
    "office_clerk": pgettext_lazy("regulation role", "Office clerk"),
    "head": pgettext_lazy("regulation role", "Head"),
    "executor": pgettext_lazy("regulation role", "Responsible executor"),
    "sc_operator": pgettext_lazy("regulation role", "State Corporation operator"),
    "akim_office_specialist": pgettext_lazy("regulation role", "Akim's office specialist"),
    "akim": pgettext_lazy("regulation role", "Rural okrug akim"),
    "akimat": pgettext_lazy("regulation role", "Akimat"),
    "system": pgettext_lazy("regulation role", "Information system"),
}

ORGANIZATIONS: Final[Names] = {
    "applicant": pgettext_lazy("regulation organization", "Applicant"),
    "provider": pgettext_lazy("regulation organization", "Service provider"),
    "state_corporation": pgettext_lazy("regulation organization", "State Corporation"),
    "rural_akim": pgettext_lazy("regulation organization", "Rural okrug akim's office"),
    "district_akimat": pgettext_lazy("regulation organization", "District (city) akimat"),
    "e_gov_portal": pgettext_lazy("regulation organization", "e-gov portal"),
    "e_gov_gateway": pgettext_lazy("regulation organization", "e-gov gateway"),
    "regional_gateway": pgettext_lazy("regulation organization", "Regional gateway workstation"),
    "sc_information_system": pgettext_lazy("regulation organization", "State Corporation workstation"),
    "state_registries": pgettext_lazy("regulation organization", "State registries"),
}

CHANNELS: Final[Names] = {
    "provider_office": pgettext_lazy("regulation channel", "Provider's office"),
    "state_corporation": pgettext_lazy("regulation channel", "State Corporation"),
    "portal": pgettext_lazy("regulation channel", "e-gov portal"),
    "rural_akim": pgettext_lazy("regulation channel", "Rural okrug akim"),
}

VERBS: Final[Names] = {
    "accept": pgettext_lazy("regulation verb", "Accept"),
    "register": pgettext_lazy("regulation verb", "Register"),
    "resolve": pgettext_lazy("regulation verb", "Resolution"),
    "prepare": pgettext_lazy("regulation verb", "Prepare result"),
    "inspect": pgettext_lazy("regulation verb", "Inspection act"),
    "sign": pgettext_lazy("regulation verb", "Sign"),
    "forward": pgettext_lazy("regulation verb", "Forward"),
    "adopt": pgettext_lazy("regulation verb", "Adopt resolution"),
    "issue": pgettext_lazy("regulation verb", "Issue result"),
    "enqueue": pgettext_lazy("regulation verb", "Put in queue"),
    "authenticate": pgettext_lazy("regulation verb", "Authenticate"),
    "fill_request": pgettext_lazy("regulation verb", "Fill request"),
    "sign_request": pgettext_lazy("regulation verb", "Sign request"),
    "query_registry": pgettext_lazy("regulation verb", "Query registry"),
    "check": pgettext_lazy("regulation verb", "Check"),
    "notify_refusal": pgettext_lazy("regulation verb", "Refusal message"),
    "send": pgettext_lazy("regulation verb", "Send via gateway"),
    "receive_result": pgettext_lazy("regulation verb", "Receive result"),
}

UNITS: Final[dict[str, Callable[[int], str]]] = {
    # "{count} <unit>" in the active language, in its plural form for `count`.
    "minutes": lambda count: ngettext("{count} minute", "{count} minutes", count),
    "hours": lambda count: ngettext("{count} hour", "{count} hours", count),
    "working_days": lambda count: ngettext("{count} working day", "{count} working days", count),
    "calendar_days": lambda count: ngettext("{count} calendar day", "{count} calendar days", count),
}

START_END: Final[Names] = {
    "start": pgettext_lazy("diagram", "Start"),
    "end": pgettext_lazy("diagram", "End"),
}


def name(table: Names, code: str, language: str) -> str:
    """The name of `code` in `language`; the code itself when the table does not know it."""
    entry = table.get(code)
    return in_language(entry, language) if entry is not None else code


def duration_phrase(value: int, unit: str, language: str) -> str:
    """'3 рабочих дня', '15 минут', '1 жұмыс күні', '2 working days'."""
    with translation.override(language):
        return UNITS[unit](value).format(count=value)
