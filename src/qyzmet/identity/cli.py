"""Sub-commands of this module (being written)."""

from typing import Any


def register(subparsers: Any) -> None:
    return None
