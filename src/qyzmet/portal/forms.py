"""Parsing of the portal's forms: what the person typed, checked field by field, with messages to show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import active_language
from qyzmet.identity.identifiers import iin_validate
from qyzmet.portal.selectors import ApplyPage, FieldView

TEXT_MAX_LENGTH = 500


@dataclass
class Parsed:
    """The values that passed and a message per field that did not."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _field_value(spec: FieldView, raw: str) -> str:
    """The stored value of one field (ValueError with the message to show)."""
    if spec.kind == "iin":
        try:
            return iin_validate(raw)
        except LocalizedError as error:
            raise ValueError(error.message(active_language())) from None
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if spec.kind == "number":
        if not raw.isascii() or not raw.isdigit():
            raise ValueError(_("Enter a whole number."))
        return str(int(raw))
    if spec.kind == "choice":
        if raw not in {value for value, _label in spec.choices}:
            raise ValueError(_("Choose one of the listed values."))
        return raw
    if len(raw) > TEXT_MAX_LENGTH:
        raise ValueError(_("The text is too long."))
    return raw


def application_fields_parse(page: ApplyPage, data: Mapping[str, str]) -> Parsed:
    """The service-specific fields of the apply form, checked by their kind and whether they are required."""
    parsed = Parsed()
    for spec in page.fields:
        raw = str(data.get(f"field-{spec.id}", "")).strip()
        if not raw:
            if spec.required:
                parsed.errors[spec.id] = _("This field is required.")
            continue
        try:
            parsed.values[spec.id] = _field_value(spec, raw)
        except ValueError as error:
            parsed.errors[spec.id] = str(error)
    return parsed
