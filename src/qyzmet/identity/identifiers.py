"""IIN (ЖСН/ИИН) and BIN (БСН/БИН) validation, and mobile numbers. Pure Python, no Django.

An IIN and a BIN share one layout rule: 12 digits, the last a check digit over the first
eleven (kz-egov.md 1.3). The check digit is the weighted sum with weights 1..11 mod 11;
when that gives 10, weights 3..11,1,2 are used instead; when that gives 10 too, no number
with that prefix is valid, ever (there is no "use 0" fallback as in the Russian ОКПО).

Birth date, century and sex in an IIN, and registration month, type and attribute in a
BIN, are hints only: since Decree No. 853 of 26.08.2013 an IIN is no longer bound to the
person's data, so those fields are never grounds to reject a number.

A consequence of the weights worth knowing: the 11th weight of the first pass is 11 ≡ 0
(mod 11), so a typo in the 11th digit goes unnoticed whenever the first pass applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from django.utils.translation import gettext_lazy as _

from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import Message, render_messages

WEIGHTS_FIRST: Final = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_SECOND: Final = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
LENGTH: Final = 12

CODE_LENGTH: Final = "length"
CODE_NOT_DIGITS: Final = "not_digits"
CODE_CHECK_DIGIT: Final = "check_digit"
CODE_NEVER_VALID: Final = "never_valid"
CODE_MOBILE_FORMAT: Final = "mobile_format"

# The name of the number, the `{number}` of the message templates below.
IIN_NAME: Final = _("IIN")
BIN_NAME: Final = _("BIN")

MESSAGE_TEMPLATES: Final[dict[str, Message]] = {
    CODE_LENGTH: _("The {number} must be 12 characters long (got {length})."),
    CODE_NOT_DIGITS: _("The {number} must contain digits only."),
    CODE_CHECK_DIGIT: _("The {number} check digit is wrong: check the number for a typo."),
    CODE_NEVER_VALID: _("No {number} can ever have these first 11 digits: they admit no check digit."),
}

MOBILE_FORMAT_MESSAGES: Final = _("A mobile number must have the form +7XXXXXXXXXX.")

Kind = Literal["IIN", "BIN"]


class InvalidIdentifier(LocalizedError):
    """An IIN or BIN that fails a layout rule; `code` says which one."""


class InvalidMobile(LocalizedError):
    """A mobile number that cannot be normalised to +7XXXXXXXXXX."""


def _messages(code: str, kind: Kind, **values: object) -> dict[str, str]:
    number = IIN_NAME if kind == "IIN" else BIN_NAME
    return dict(render_messages(MESSAGE_TEMPLATES[code], number=number, **values))


def check_digit(prefix: str) -> int | None:
    """The check digit for an 11-digit prefix, or None when the prefix admits none (both passes give 10)."""
    if len(prefix) != LENGTH - 1 or not _is_ascii_digits(prefix):
        raise ValueError(f"expected 11 digits, got {prefix!r}")
    digits = [int(c) for c in prefix]
    for weights in (WEIGHTS_FIRST, WEIGHTS_SECOND):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def with_check_digit(prefix: str) -> str:
    """Append the check digit to an 11-digit prefix; ValueError when the prefix admits none."""
    digit = check_digit(prefix)
    if digit is None:
        raise ValueError(f"prefix {prefix} admits no check digit")
    return f"{prefix}{digit}"


def _is_ascii_digits(value: str) -> bool:
    # str.isdigit() alone accepts "١٢٣" and superscripts; an IIN is ASCII digits only.
    return value.isascii() and value.isdigit()


def _validate(value: str, kind: Kind) -> str:
    number = value.strip()
    if len(number) != LENGTH:
        raise InvalidIdentifier(CODE_LENGTH, _messages(CODE_LENGTH, kind, length=len(number)))
    if not _is_ascii_digits(number):
        raise InvalidIdentifier(CODE_NOT_DIGITS, _messages(CODE_NOT_DIGITS, kind))
    expected = check_digit(number[:-1])
    if expected is None:
        raise InvalidIdentifier(CODE_NEVER_VALID, _messages(CODE_NEVER_VALID, kind))
    if expected != int(number[-1]):
        raise InvalidIdentifier(CODE_CHECK_DIGIT, _messages(CODE_CHECK_DIGIT, kind))
    return number


def iin_validate(value: str) -> str:
    """Return the IIN (surrounding blanks removed) or raise InvalidIdentifier with the reason."""
    return _validate(value, "IIN")


def bin_validate(value: str) -> str:
    """Return the BIN (surrounding blanks removed) or raise InvalidIdentifier with the reason."""
    return _validate(value, "BIN")


def iin_is_valid(value: str) -> bool:
    try:
        iin_validate(value)
    except InvalidIdentifier:
        return False
    return True


def bin_is_valid(value: str) -> bool:
    try:
        bin_validate(value)
    except InvalidIdentifier:
        return False
    return True


@dataclass(frozen=True)
class IinHints:
    """What an IIN's digits suggest. Hints only: since 2013 they need not match the person."""

    birth_date: date | None
    sex: Literal["M", "F"] | None


_CENTURY_BY_DIGIT: Final = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def iin_hints(iin: str) -> IinHints:
    """Birth date and sex suggested by a valid IIN; None where the digits suggest nothing sensible."""
    number = iin_validate(iin)
    century_digit = int(number[6])
    century = _CENTURY_BY_DIGIT.get(century_digit)
    if century is None:
        return IinHints(birth_date=None, sex=None)
    try:
        birth_date: date | None = date(century + int(number[0:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        birth_date = None
    return IinHints(birth_date=birth_date, sex="M" if century_digit % 2 == 1 else "F")


@dataclass(frozen=True)
class BinHints:
    """What a BIN's digits suggest: registration year/month, entity type and attribute (hints only)."""

    registered_year: int | None
    registered_month: int | None
    entity_type: str | None
    attribute: str | None


BIN_ENTITY_TYPES: Final = {
    "4": "resident legal entity", "5": "non-resident legal entity", "6": "joint entrepreneurship",
}
BIN_ATTRIBUTES: Final = {"0": "head unit", "1": "branch", "2": "representative office", "3": "peasant/farm enterprise"}


def bin_hints(bin_: str) -> BinHints:
    """Registration month, entity type and attribute suggested by a valid BIN (kz-egov.md 1.2)."""
    number = bin_validate(bin_)
    year, month = int(number[0:2]), int(number[2:4])
    plausible = 1 <= month <= 12
    return BinHints(
        # A two-digit year: 00–69 read as 20xx, the rest as 19xx (BINs exist since the 1990s).
        registered_year=(2000 + year if year < 70 else 1900 + year) if plausible else None,
        registered_month=month if plausible else None,
        entity_type=BIN_ENTITY_TYPES.get(number[4]),
        attribute=BIN_ATTRIBUTES.get(number[5]),
    )


_MOBILE_SEPARATORS = re.compile(r"[\s\-().]")


def mobile_normalise(value: str) -> str:
    """Return a Kazakhstan mobile number as +7XXXXXXXXXX, or raise InvalidMobile.

    Accepts the usual spellings: "+7 701 234 56 78", "8 (701) 234-56-78", "77012345678", "7012345678".
    """
    digits = _MOBILE_SEPARATORS.sub("", value.strip())
    if digits.startswith("+7"):
        national = digits[2:]
    elif len(digits) == 11 and digits[0] in "78":
        national = digits[1:]
    else:
        national = digits
    if len(national) != 10 or not _is_ascii_digits(national):
        raise InvalidMobile(CODE_MOBILE_FORMAT, MOBILE_FORMAT_MESSAGES)
    return f"+7{national}"
