"""The log context that follows one piece of work: its request id and, where known, the case number.

A web request gets its id from the `X-Request-ID` header (or a new one) in
`core.middleware.RequestIdMiddleware`; the gateway sends it on to the registries in the same
header; a task enqueued while it is set carries it as its `request_id` argument and binds it
again when it runs (`task_context`). The case number is bound where a case is filed or acted
on. `core.logs.ContextFilter` adds both to every log record.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Final

REQUEST_ID_HEADER: Final = "X-Request-ID"
# What is accepted from a client or a proxy: printable, no spaces, bounded (it goes into logs).
_ACCEPTED: Final = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")

_request_id: ContextVar[str] = ContextVar("qyzmet_request_id", default="")
_case_number: ContextVar[str] = ContextVar("qyzmet_case_number", default="")


def request_id_new() -> str:
    """A fresh random request id (32 hex digits)."""
    return secrets.token_hex(16)


def request_id_accept(value: str | None) -> str:
    """The id a client sent when it is acceptable, else a fresh one."""
    value = (value or "").strip()
    return value if _ACCEPTED.match(value) else request_id_new()


def request_id() -> str:
    """The request id of the work in progress ("" outside any)."""
    return _request_id.get()


def case_number() -> str:
    return _case_number.get()


def case_number_bind(number: str) -> None:
    """Name the case the current work concerns (until the work's context ends)."""
    _case_number.set(number)


@contextlib.contextmanager
def work_context(*, request_id: str | None = None, case_number: str = "") -> Iterator[str]:
    """Bind a request id (a new one when none is given) and a case number for the block; yields the id."""
    bound = request_id_accept(request_id) if request_id else request_id_new()
    tokens = (_request_id.set(bound), _case_number.set(case_number))
    try:
        yield bound
    finally:
        _case_number.reset(tokens[1])
        _request_id.reset(tokens[0])
