"""A definition's optional `application` (fields and attachments of the portal form) and its lint rules."""

from __future__ import annotations

from typing import Any

import yaml

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.loader import load_text
from tests.catalog.test_validate import minimal

LABEL = {"kk": "Баланың ЖСН", "ru": "ИИН ребёнка"}


def problems(application: dict[str, Any]) -> list[str]:
    data = minimal() | {"application": application}
    return [p.message for p in load_text(yaml.safe_dump(data, allow_unicode=True), "svc.yaml").problems]


def test_a_valid_application_spec_passes() -> None:
    assert problems({"source": "as the Standard lists", "fields": [
        {"id": "child_iin", "kind": "iin", "label": LABEL},
        {"id": "age_group", "kind": "choice", "label": LABEL, "choices": [{"value": "3-4", "label": LABEL}]},
    ], "attachments": [{"id": "birth_certificate", "title": LABEL}]}) == []


def test_a_choice_field_without_choices_and_a_text_field_with_choices_are_refused() -> None:
    found = problems({"source": "as the Standard lists", "fields": [
        {"id": "age_group", "kind": "choice", "label": LABEL},
        {"id": "note", "kind": "text", "label": LABEL, "choices": [{"value": "a", "label": LABEL}]},
    ]})
    assert len(found) == 2 and all("choices go with kind 'choice'" in message for message in found)


def test_duplicate_ids_and_a_label_without_russian_are_refused() -> None:
    found = problems({"source": "as the Standard lists", "fields": [
        {"id": "child_iin", "kind": "iin", "label": LABEL},
    ], "attachments": [{"id": "child_iin", "title": {"kk": "куәлік"}}]})
    assert any("duplicate application field or attachment id 'child_iin'" in m for m in found)
    assert any("application item 'child_iin' has no text in 'ru'" in m for m in found)


def test_an_unknown_field_kind_is_refused_by_the_schema() -> None:
    assert problems({"source": "x", "fields": [{"id": "a", "kind": "colour", "label": LABEL}]}) != []


def test_only_the_preschool_queue_carries_application_fields() -> None:
    with_fields = {d.id: [f.id for f in d.application.fields] for d in catalog_default().definitions
                   if d.application is not None}
    assert with_fields == {"pavlodar-2016-preschool-queue": ["child_iin", "age_group"]}
