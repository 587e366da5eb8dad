"""The canonical byte form of a JSON application, the exact bytes a citizen signs."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(data: Any) -> bytes:
    """Encode `data` as the canonical JSON bytes that are signed and verified.

    The form: UTF-8; object keys sorted by Unicode code point; no whitespace between tokens
    (separators "," and ":"); non-ASCII text written as itself, not as \\u escapes; strings
    escaped as Python's json does (", \\, control characters); NaN and Infinity refused
    (ValueError). Numbers are written as Python writes them, so amounts of money and other
    exact decimals belong in strings ("12500.00"), not floats. Text is not Unicode-normalised:
    the signature covers the characters exactly as the application holds them.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")
