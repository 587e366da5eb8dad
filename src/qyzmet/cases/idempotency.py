"""Idempotency of the case engine's writes: one key, one result, even for twin requests racing each other.

Each write that takes an idempotency key (filing a case, a receipt of refusal to accept, directing a
child from the queue) stores the key on what it made, under a unique constraint; these functions are
the one place that looks a key up and the one place that turns a lost race into the winner's result.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError

from qyzmet.cases.models import Case, QueueEntry, Receipt


def case_by_key(key: str | None) -> Case | None:
    """The case a filing with this key made, if any."""
    return Case.objects.filter(idempotency_key=key).first() if key else None


def receipt_by_key(key: str | None) -> Receipt | None:
    """The receipt of refusal to accept issued with this key, if any."""
    return Receipt.objects.filter(idempotency_key=key).first() if key else None


def case_directed_by(key: str | None) -> Case | None:
    """The case a queue direction with this key directed, if any."""
    if not key:
        return None
    entry = QueueEntry.objects.select_related("case").filter(direction_key=key).first()
    return entry.case if entry is not None else None


def once[T](key: str | None, lookup: Callable[[str], T | None], create: Callable[[], T]) -> T:
    """`create()` unless `key` already made something; a concurrent twin that loses the race gets the winner's.

    `create` must be its own transaction (the unique key's IntegrityError rolls it back whole).
    """
    if key:
        found = lookup(key)
        if found is not None:
            return found
    return race_settled(key, lookup, create)


def race_settled[T](key: str | None, lookup: Callable[[str], T | None], create: Callable[[], T]) -> T:
    """`create()`; a concurrent twin that loses the race on the unique `key` gets the winner's result.

    For a `create` that looks its key up itself (`case_file` does), where `once`'s look-up would be a
    second query for the same answer. `create` must be its own transaction, as for `once`.
    """
    try:
        return create()
    except IntegrityError:
        found = lookup(key) if key else None
        if found is None:
            raise
        return found
