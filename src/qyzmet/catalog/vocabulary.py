"""Names of the schema's codes in Kazakh, Russian and English, in the regulations' own terms."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext_lazy

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



# --- rules as data (ADR 0024): what the engine does for each code ----------------------------------------


@dataclass(frozen=True)
class VerbMeaning:
    """What a step's verb (`does`) means to the engine and the lint. Every verb of the schema has one."""

    signs: bool = False  # whoever completes the step signs every unsigned result document
    delivers: bool = False  # the step hands the result over (to the place the channel's result_delivery names)
    ends_with_refusal: bool = False  # a refusal message: the case ends with no result, no decision needed
    may_decide: bool = False  # a step with this verb may be the deciding step
    checks: bool = False  # a check: its branches are taken on success / failure


VERB_MEANINGS: Final[dict[str, VerbMeaning]] = {
    "accept": VerbMeaning(checks=True),  # the State Corporation's acceptance may branch on a complete package
    "register": VerbMeaning(),
    "resolve": VerbMeaning(),
    "prepare": VerbMeaning(may_decide=True),
    "inspect": VerbMeaning(),
    "sign": VerbMeaning(signs=True, may_decide=True),  # the appeal head decides by signing
    "forward": VerbMeaning(),
    "adopt": VerbMeaning(signs=True, may_decide=True),
    "issue": VerbMeaning(delivers=True),
    "enqueue": VerbMeaning(may_decide=True),
    "authenticate": VerbMeaning(),
    "fill_request": VerbMeaning(),
    "sign_request": VerbMeaning(),
    "query_registry": VerbMeaning(),
    "check": VerbMeaning(checks=True),
    "notify_refusal": VerbMeaning(ends_with_refusal=True),
    "send": VerbMeaning(),
    "receive_result": VerbMeaning(delivers=True),
}


@dataclass(frozen=True)
class RoleMeaning:
    """Whether a role's steps complete by themselves when reached (the applicant's and the systems')."""

    automatic: bool = False


ROLE_MEANINGS: Final[dict[str, RoleMeaning]] = {
    "applicant": RoleMeaning(automatic=True),
    "system": RoleMeaning(automatic=True),
    "office_clerk": RoleMeaning(),
    "head": RoleMeaning(),
    "executor": RoleMeaning(),
    "sc_operator": RoleMeaning(),
    "akim_office_specialist": RoleMeaning(),
    "akim": RoleMeaning(),
    "akimat": RoleMeaning(),
}


@dataclass(frozen=True)
class DeliveryMeaning:
    """Where a result delivered to a place is: online in the applicant's cabinet, or waiting to be handed over."""

    online: bool = False  # in the applicant's personal cabinet as soon as it is issued
    hands_over: str = ""  # the organization (a schema Organization code) that hands it over in person


DELIVERY_MEANINGS: Final[dict[str, DeliveryMeaning]] = {
    "personal_cabinet": DeliveryMeaning(online=True),
    "in_person_at_provider": DeliveryMeaning(hands_over="provider"),
    "state_corporation": DeliveryMeaning(hands_over="state_corporation"),
    "rural_akim": DeliveryMeaning(hands_over="rural_akim"),
}

DELIVERIES: Final[Names] = {
    "personal_cabinet": pgettext_lazy("result delivery", "Personal cabinet"),
    "in_person_at_provider": pgettext_lazy("result delivery", "In person at the provider"),
    "state_corporation": pgettext_lazy("result delivery", "At the State Corporation"),
    "rural_akim": pgettext_lazy("result delivery", "At the rural okrug akim's office"),
}


def verb_meaning(verb: str) -> VerbMeaning:
    return VERB_MEANINGS[verb]


def role_is_automatic(role: str) -> bool:
    return ROLE_MEANINGS[role].automatic


def verbs_where(**traits: bool) -> frozenset[str]:
    """The verbs whose meaning has every trait given, e.g. `verbs_where(signs=True)`."""
    return frozenset(v for v, m in VERB_MEANINGS.items() if all(getattr(m, k) == want for k, want in traits.items()))


# --- end of rules-as-data block ------------------------------------------------------------------------

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


# A form the definitions name by the part of the Standard holding it (schema `form`, `application_form`):
# "Standard app. 2" (its appendix 2) or "Standard p.9" (its point 9), as the regulation wrote it.
STANDARD_APPENDIX: Final = re.compile(r"^Standard app\. (?P<number>\d+)$")
STANDARD_POINT: Final = re.compile(r"^Standard p\. ?(?P<number>\d+)$")


def standard_appendix(form: str | None) -> str | None:
    """The appendix number of a form named 'Standard app. N', or None for any other name."""
    found = STANDARD_APPENDIX.match(form or "")
    return found.group("number") if found else None


def form_caption(form: str | None, language: str) -> str:
    """A form's name as people read it in `language`: 'Standard app. 2' is "Приложение 2 к стандарту …"."""
    with translation.override(language):
        if (number := standard_appendix(form)) is not None:
            return gettext("Appendix %(number)s to the Standard of the public service") % {"number": number}
        if found := STANDARD_POINT.match(form or ""):
            return gettext("Point %(number)s of the Standard of the public service") % {"number": found["number"]}
    return form or ""


def form_facts(fields: Sequence[Any], form: Mapping[str, Any], language: str) -> list[tuple[str, str]]:
    """An application's form data as (label, value) in `language`, in the order of the service's `fields`.

    A field's label and a choice's label come from the definition; a value of a field the definition
    does not name (written by a desk or the gateway, e.g. the State Corporation's intake number) keeps
    its key as its label; empty values are left out.
    """
    facts: list[tuple[str, str]] = []
    known = set()
    for spec in fields:
        known.add(spec.id)
        value = form.get(spec.id)
        if value in (None, ""):
            continue
        choices = {choice.value: choice.label for choice in spec.choices}
        shown = choices[value].shown(language) if value in choices else str(value)
        facts.append((spec.label.shown(language), shown))
    facts += [(key, str(value)) for key, value in form.items() if key not in known and value not in (None, "")]
    return facts
