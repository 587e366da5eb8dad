from __future__ import annotations

import math

import pytest

from qyzmet.signatures import canonical_json


def test_canonical_json_sorts_keys_and_drops_whitespace() -> None:
    # given
    data = {"b": [1, 2, {"z": None, "a": True}], "a": "x"}

    # when
    encoded = canonical_json(data)

    # then
    assert encoded == b'{"a":"x","b":[1,2,{"a":true,"z":null}]}'


def test_canonical_json_writes_kazakh_text_as_utf8_not_escapes() -> None:
    assert canonical_json({"аты": "Әлия"}) == '{"аты":"Әлия"}'.encode()


def test_canonical_json_is_the_same_whatever_the_key_order() -> None:
    assert canonical_json({"x": 1, "y": {"b": 2, "a": 1}}) == canonical_json({"y": {"a": 1, "b": 2}, "x": 1})


@pytest.mark.parametrize("number", [math.nan, math.inf])
def test_canonical_json_refuses_nan_and_infinity(number: float) -> None:
    with pytest.raises(ValueError):
        canonical_json({"amount": number})
