"""An application's form data as the back office reads it: the definition's labels, in the page's language."""

from __future__ import annotations

import pytest

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.vocabulary import form_facts

PRESCHOOL = "pavlodar-2016-preschool-queue"  # fields child_iin (iin) and age_group (choice), labels in its YAML


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", [("ИИН ребёнка", "170101500017"), ("Возрастная группа ребёнка", "от 1 до 2 лет"), ("sc_intake", "SC-7")]),
    ("kk", [("Баланың ЖСН", "170101500017"), ("Баланың жас тобы", "1-2 жас"), ("sc_intake", "SC-7")]),
])
def test_fields_read_by_their_labels_and_other_values_by_their_key(language: str,
                                                                  expected: list[tuple[str, str]]) -> None:
    application = catalog_default().latest(PRESCHOOL).application
    assert application is not None
    # the desk wrote its intake number; the applicant filled the two fields (in another order)
    form = {"age_group": "1-2", "sc_intake": "SC-7", "child_iin": "170101500017", "note": ""}

    assert form_facts(application.fields, form, language) == expected


def test_an_unknown_choice_is_shown_as_it_was_stored() -> None:
    application = catalog_default().latest(PRESCHOOL).application
    assert application is not None

    assert form_facts(application.fields, {"age_group": "9-10"}, "ru") == [("Возрастная группа ребёнка", "9-10")]
