from __future__ import annotations

import pytest

from qyzmet.signatures.identifiers import check_digit, identifier_is_valid

VALID = [
    "871008401427", "760212350620", "800416300257", "680503450037", "800416100254", "680503250034",
    "830717350867", "061211600012", "791028302728", "921029350851", "880515300120", "950101400012",
    "940140000385", "950341000052", "961141000023", "070941024691", "990140004654",
]
INVALID = ["000813159890", "821214240092", "123456789011", "123456789021", "871008401428"]


@pytest.mark.parametrize("number", VALID)
def test_identifier_is_valid_accepts_the_published_vectors(number: str) -> None:
    assert identifier_is_valid(number)


@pytest.mark.parametrize("number", INVALID)
def test_identifier_is_valid_rejects_wrong_check_digits_and_unassignable_prefixes(number: str) -> None:
    assert not identifier_is_valid(number)


@pytest.mark.parametrize("value", ["", "87100840142", "8710084014270", "87100840142x", "８７１００８４０１４２７"])
def test_identifier_is_valid_rejects_wrong_shapes(value: str) -> None:
    assert not identifier_is_valid(value)


def test_check_digit_uses_the_second_weights_when_the_first_give_ten() -> None:
    # given a prefix whose first pass gives 10 (kz-egov.md 1.4: 830717350867 uses pass 2)
    prefix = "83071735086"

    # when / then
    assert check_digit(prefix) == 7


def test_check_digit_is_none_for_a_prefix_no_number_may_have() -> None:
    assert check_digit("00081315989") is None
