"""Shared settings and strategies of the fuzz tests: reproducible (derandomized), bounded, no deadline.

`derandomize=True` makes hypothesis draw the same examples on every run and machine, so CI is
reproducible and a failure seen once is seen again. The example counts keep the whole
tests/security fuzz run within about two minutes on the 2-core machine.
"""

from __future__ import annotations

from typing import Any, Final

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ: Final = settings(
    derandomize=True, max_examples=150, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
FUZZ_SLOW: Final = settings(FUZZ, max_examples=30)

# Text that includes what breaks naive code: lone surrogates, NUL and other controls, RTL marks, huge runs.
HOSTILE_TEXT: Final = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=50),
    st.sampled_from([
        "\ud800", "a\udfffb", "\x00", "../../etc/passwd", "<script>alert(1)</script>", "\u202e", "١٢٣٤٥٦٧٨٩٠١٢",
        "８７１００８４０１４２７", "NaN", "Infinity", "-1", "9" * 5000, "' OR 1=1 --", "{{ 7*7 }}", "%s%n",
    ]),
)

JSON_SCALARS: Final = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), HOSTILE_TEXT,
)


def json_values(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Any JSON-like value (as `json.loads` can give, NaN included), nested a few levels."""
    return st.recursive(
        JSON_SCALARS,
        lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(HOSTILE_TEXT, children, max_size=4)),
        max_leaves=max_leaves,
    )


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """`original` with a few bytes changed, cut short, or with bytes inserted: malformed but close to valid."""
    content = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["set", "cut", "insert", "delete"]))
        index = draw(st.integers(0, max(len(content) - 1, 0)))
        if operation == "set" and content:
            content[index] = draw(st.integers(0, 255))
        elif operation == "cut":
            del content[index:]
        elif operation == "insert":
            content[index:index] = draw(st.binary(min_size=1, max_size=8))
        elif content:
            del content[index:index + draw(st.integers(1, 16))]
    return bytes(content)
