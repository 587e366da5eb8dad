"""Reading a stored version written before the rules-as-data fields (ADR 0024) as the engine read it then.

Stored versions are immutable (ADR 0019), and cases in flight stay on the version they were filed
under, so a version stored before ADR 0024 has no `taken` on its branches, no receipt or delivery
fields on its channels, no `waiting_list` and no `provider_unit`. Each is supplied here exactly as the
engine of that time read the definition, and only where the key is absent: a definition stored
since always carries every key (the schema dumps its defaults), so nothing of it changes. Files are
never upgraded: a definition file must say all of it (the lint proves it).
"""

from __future__ import annotations

import copy
from typing import Any, Final

# The rules of the engine before ADR 0024, kept only to read what was stored under them.
LEGACY_RECEIPT_CHANNELS: Final = frozenset({"provider_office", "rural_akim"})
LEGACY_PROVIDER_UNITS: Final = {
    "family_children": "education_department",
    "preschool": "education_department",
    "social_labour": "employment_social_department",
}
LEGACY_QUEUE_FIELDS: Final = ("age_group", "child_iin")  # what the old queue read from the application


def _steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    steps = [s for c in data.get("channels", []) for s in [*c.get("intake", []), *c.get("delivery", [])]]
    steps += [s for p in data.get("procedures", {}).values() for s in p.get("steps", [])]
    return steps


def stored_definition_upgraded(stored: dict[str, Any]) -> dict[str, Any]:
    """The stored JSON with the rules-as-data fields it lacks filled in as the engine then read it (a copy)."""
    data = copy.deepcopy(stored)
    for step in _steps(data):
        for position, branch in enumerate(step.get("branches") or []):
            # "The first branch is the one taken when every check passes (the convention of the definitions)."
            branch.setdefault("taken", "success" if position == 0 else "failure")
    has_receipt = data.get("acceptance_receipt") is not None
    for channel in data.get("channels", []):
        channel.setdefault("gives_acceptance_receipt", has_receipt and channel.get("code") in LEGACY_RECEIPT_CHANNELS)
    if "provider_unit" not in data:
        data["provider_unit"] = LEGACY_PROVIDER_UNITS.get(str(data.get("field")))
    outcomes = data.get("outcomes", [])
    if "waiting_list" not in data and any(o.get("outcome") == "queued" for o in outcomes):
        fields = {f.get("id") for f in (data.get("application") or {}).get("fields", [])}
        group, person = (name if name in fields else None for name in LEGACY_QUEUE_FIELDS)
        issued = next((o for o in outcomes if o.get("outcome") == "issued"), None)
        data["waiting_list"] = {
            "group_by": group, "person": person,
            "direction": {"outcome": "issued", "documents": list(issued["documents"]) if issued else [],
                          "by": "office_clerk"},
        } if issued else None
    return data
