"""What to resume once a pending request is answered (or given up), by name.

The gateway must not import the modules that use it, so they register a handler under a
name in their AppConfig.ready() (the State Corporation intake registers "sc_intake"), and
a pending request stores that name and a key. The sweeper calls the handler with the key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

Handler = Callable[..., None]  # handler(key: str, *, now: datetime, client: RegistryClient | None)

_HANDLERS: dict[str, Handler] = {}

UNKNOWN_CONTINUATION: Final = "no continuation is registered under {name!r}"


def continuation_register(name: str, handler: Handler) -> None:
    """Make `handler` the continuation called `name` (registering again replaces it)."""
    _HANDLERS[name] = handler


def continuation_run(name: str, key: str, *, now: datetime, client: Any = None) -> None:
    """Call the continuation `name` with `key`; LookupError when none is registered."""
    if not name:
        return
    handler = _HANDLERS.get(name)
    if handler is None:
        raise LookupError(UNKNOWN_CONTINUATION.format(name=name))
    handler(key, now=now, client=client)
