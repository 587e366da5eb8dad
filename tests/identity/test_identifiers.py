"""IIN and BIN layout rules (kz-egov.md 1.3), the public test vectors (1.4), hints, mobile numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qyzmet.core.i18n import render_messages
from qyzmet.identity.identifiers import (
    CODE_CHECK_DIGIT,
    CODE_LENGTH,
    CODE_MOBILE_FORMAT,
    CODE_NEVER_VALID,
    CODE_NOT_DIGITS,
    MOBILE_FORMAT_MESSAGES,
    BinHints,
    IinHints,
    InvalidIdentifier,
    InvalidMobile,
    bin_hints,
    bin_is_valid,
    bin_validate,
    check_digit,
    iin_hints,
    iin_is_valid,
    iin_validate,
    mobile_normalise,
    with_check_digit,
)


def first_pass_remainder(number: str) -> int:
    """The weights-1..11 sum mod 11, computed independently of the code under test."""
    return sum((position + 1) * int(digit) for position, digit in enumerate(number[:11])) % 11


# (number, pass the check digit comes from), kz-egov.md 1.4
VALID_IINS = [
    ("871008401427", 1), ("760212350620", 1), ("800416300257", 1), ("680503450037", 1),
    ("800416100254", 1), ("680503250034", 1), ("830717350867", 2), ("061211600012", 2),
    ("791028302728", 1), ("921029350851", 1), ("880515300120", 1), ("950101400012", 1),
]
VALID_BINS = [
    ("940140000385", 1), ("950341000052", 1), ("961141000023", 2), ("070941024691", 1), ("990140004654", 1),
]
INVALID_NUMBERS = [
    ("000813159890", CODE_NEVER_VALID),
    ("821214240092", CODE_NEVER_VALID),
    ("949940000385", CODE_CHECK_DIGIT),
    ("123456789011", CODE_CHECK_DIGIT),  # the "IIN" of the NCA test certificates
    ("123456789021", CODE_CHECK_DIGIT),  # the "BIN" of the NCA test certificates
]


@pytest.mark.parametrize(("number", "check_pass"), VALID_IINS)
def test_public_iin_vectors_are_valid_from_the_documented_pass(number: str, check_pass: int) -> None:
    # when
    validated = iin_validate(number)

    # then
    assert validated == number
    assert (2 if first_pass_remainder(number) == 10 else 1) == check_pass


@pytest.mark.parametrize(("number", "check_pass"), VALID_BINS)
def test_public_bin_vectors_are_valid_from_the_documented_pass(number: str, check_pass: int) -> None:
    # when
    validated = bin_validate(number)

    # then
    assert validated == number
    assert (2 if first_pass_remainder(number) == 10 else 1) == check_pass


@pytest.mark.parametrize(("number", "code"), INVALID_NUMBERS)
def test_public_invalid_vectors_are_refused_with_their_reason(number: str, code: str) -> None:
    # when
    with pytest.raises(InvalidIdentifier) as as_iin:
        iin_validate(number)
    with pytest.raises(InvalidIdentifier) as as_bin:
        bin_validate(number)

    # then
    assert as_iin.value.code == code
    assert as_bin.value.code == code


def test_a_never_valid_number_says_so_in_every_language() -> None:
    # when
    with pytest.raises(InvalidIdentifier) as raised:
        iin_validate("000813159890")

    # then
    assert raised.value.messages == {
        "kk": "Мұндай ЖСН ешқашан берілмейді: алғашқы 11 цифрға бақылау цифры есептелмейді.",
        "ru": "Такой ИИН не может быть присвоен: для первых 11 цифр контрольный разряд не вычисляется.",
        "en": "No IIN can ever have these first 11 digits: they admit no check digit.",
    }
    assert raised.value.message("ru") == raised.value.messages["ru"]
    assert str(raised.value) == raised.value.messages["en"]


def test_a_wrong_check_digit_names_the_kind_of_number() -> None:
    # when
    with pytest.raises(InvalidIdentifier) as raised:
        bin_validate("940140000386")

    # then
    assert raised.value.code == CODE_CHECK_DIGIT
    assert raised.value.messages == {
        "kk": "БСН бақылау цифры қате: нөмірді қайта тексеріңіз.",
        "ru": "Неверный контрольный разряд БИН: проверьте номер на опечатки.",
        "en": "The BIN check digit is wrong: check the number for a typo.",
    }


@pytest.mark.parametrize("number", ["", "87100840142", "8710084014270", "871008 401427"])
def test_a_number_not_12_characters_long_is_refused(number: str) -> None:
    # when
    with pytest.raises(InvalidIdentifier) as raised:
        iin_validate(number)

    # then
    assert raised.value.code == CODE_LENGTH
    assert raised.value.messages["en"] == f"The IIN must be 12 characters long (got {len(number)})."
    assert raised.value.messages["ru"] == f"ИИН должен состоять из 12 символов (введено: {len(number)})."
    assert raised.value.messages["kk"] == f"ЖСН 12 таңбадан тұруы керек (енгізілгені: {len(number)})."


@pytest.mark.parametrize(
    "number",
    ["87100840142a", "8710-0840142", "８７１００８４０１４２７", "٨٧١٠٠٨٤٠١٤٢٧", "87100840142²"],
    ids=["letter", "dash", "fullwidth digits", "arabic-indic digits", "superscript"],
)
def test_a_number_with_anything_but_ascii_digits_is_refused(number: str) -> None:
    # when
    with pytest.raises(InvalidIdentifier) as raised:
        iin_validate(number)

    # then
    assert raised.value.code == CODE_NOT_DIGITS
    assert raised.value.messages == {
        "kk": "ЖСН тек цифрлардан тұруы керек.",
        "ru": "ИИН должен состоять только из цифр.",
        "en": "The IIN must contain digits only.",
    }


def test_surrounding_blanks_are_removed() -> None:
    assert iin_validate("  871008401427\n") == "871008401427"


def test_birth_date_and_sex_never_make_an_iin_invalid() -> None:
    # given: month 13 and day 45; century digit 0, unassigned in the original scheme; both with a correct check digit
    impossible_date = with_check_digit("871345" + "4" + "0142")
    unknown_century = with_check_digit("871008" + "0" + "1427")

    # then
    assert iin_is_valid(impossible_date)
    assert iin_is_valid(unknown_century)
    assert iin_hints(impossible_date) == IinHints(birth_date=None, sex="F")
    assert iin_hints(unknown_century) == IinHints(birth_date=None, sex=None)


def test_hints_read_birth_date_and_sex_from_the_digits() -> None:
    assert iin_hints("871008401427") == IinHints(birth_date=date(1987, 10, 8), sex="F")
    assert iin_hints("800416100254") == IinHints(birth_date=date(1880, 4, 16), sex="M")
    assert iin_hints("061211600012") == IinHints(birth_date=date(2006, 12, 11), sex="F")


def test_bin_hints_read_registration_month_type_and_attribute() -> None:
    assert bin_hints("961141000023") == BinHints(
        registered_year=1996, registered_month=11, entity_type="resident legal entity", attribute="branch",
    )
    assert bin_hints("070941024691").registered_year == 2007


def test_the_eleventh_digit_is_invisible_to_the_first_pass() -> None:
    """Weight 11 ≡ 0 (mod 11): a typo in the 11th digit of a first-pass number is not caught."""
    assert iin_is_valid("871008401427")
    assert iin_is_valid("871008401437")


def test_a_single_digit_change_can_pass_when_it_switches_passes() -> None:
    # given: 291417776310 uses the first pass; 291437776310 differs in one digit and uses the second
    assert first_pass_remainder("291417776310") != 10
    assert first_pass_remainder("291437776310") == 10

    # then
    assert iin_is_valid("291417776310")
    assert iin_is_valid("291437776310")


prefixes = st.text(alphabet="0123456789", min_size=11, max_size=11)


@given(prefixes)
def test_every_prefix_has_exactly_one_valid_completion_or_none(prefix: str) -> None:
    # when
    valid_completions = [d for d in "0123456789" if iin_is_valid(prefix + d)]

    # then
    digit = check_digit(prefix)
    if digit is None:
        assert valid_completions == []
        with pytest.raises(InvalidIdentifier) as raised:
            iin_validate(prefix + "0")
        assert raised.value.code == CODE_NEVER_VALID
    else:
        assert valid_completions == [str(digit)]
        assert bin_is_valid(prefix + str(digit))


@given(prefixes, st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_always_breaks_a_number(prefix: str, shift: int) -> None:
    # given
    digit = check_digit(prefix)
    if digit is None:
        return

    # when
    changed = prefix + str((digit + shift) % 10)

    # then
    assert not iin_is_valid(changed)


@given(prefixes, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_one_of_the_first_ten_digits_breaks_a_number_unless_it_switches_passes(
    prefix: str, position: int, shift: int,
) -> None:
    # given
    digit = check_digit(prefix)
    if digit is None:
        return
    number = prefix + str(digit)

    # when
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]

    # then
    switched = (first_pass_remainder(number) == 10) != (first_pass_remainder(changed) == 10)
    assert not iin_is_valid(changed) or switched


@given(prefixes, st.integers(min_value=1, max_value=9))
def test_changing_the_eleventh_digit_breaks_only_second_pass_numbers(prefix: str, shift: int) -> None:
    # given
    digit = check_digit(prefix)
    if digit is None:
        return
    number = prefix + str(digit)

    # when
    changed = number[:10] + str((int(number[10]) + shift) % 10) + number[11]

    # then
    assert iin_is_valid(changed) == (first_pass_remainder(number) != 10)


@pytest.mark.parametrize(
    "typed",
    ["+77012345678", "+7 701 234 56 78", "8 (701) 234-56-78", "87012345678", "77012345678", "7012345678"],
)
def test_mobile_numbers_are_normalised(typed: str) -> None:
    assert mobile_normalise(typed) == "+77012345678"


@pytest.mark.parametrize("typed", ["", "+7701234567", "+770123456789", "+87012345678", "+7701234567a", "12345"])
def test_malformed_mobile_numbers_are_refused(typed: str) -> None:
    # when
    with pytest.raises(InvalidMobile) as raised:
        mobile_normalise(typed)

    # then
    assert raised.value.code == CODE_MOBILE_FORMAT
    assert raised.value.messages == render_messages(MOBILE_FORMAT_MESSAGES)
