"""IIN and BIN check digits (kz-egov.md 1.3). Pure Python, no Django.

A deliberately minimal copy: `qyzmet.identity.identifiers` owns the full rules and the
user-facing messages; this module only answers "may this number appear in a certificate?"
so that the PKI does not depend on the identity app.
"""

from __future__ import annotations

from typing import Final

WEIGHTS_FIRST: Final = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_SECOND: Final = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
LENGTH: Final = 12


def check_digit(prefix: str) -> int | None:
    """Return the check digit for an 11-digit prefix, or None when no number may start with it."""
    digits = [int(character) for character in prefix]
    for weights in (WEIGHTS_FIRST, WEIGHTS_SECOND):
        remainder = sum(digit * weight for digit, weight in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def identifier_is_valid(value: str) -> bool:
    """True when `value` is a 12-digit IIN or BIN whose last digit is its check digit."""
    if len(value) != LENGTH or not value.isascii() or not value.isdigit():
        return False
    return check_digit(value[:-1]) == int(value[-1])
