"""Hash-chained, append-only logs: each row carries its position, the previous row's hash and its own.

A log is named (`PD_ACCESS`, `GATEWAY_MESSAGES`) and has one `LogHead` row. `log_append` locks
the head (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers itself), gives the new
row the next position and the head's hash, hashes the row's canonical content and moves the
head, all in the caller's transaction. `chain_digest` is the one hash function of every chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from django.db import IntegrityError, models, transaction

from qyzmet.audit.models import LogHead

GENESIS: Final = "0" * 64
PD_ACCESS: Final = "pd_access"
GATEWAY_MESSAGES: Final = "gateway_messages"
STANDARD_LISTS: Final = "standard_lists"
LOGS: Final = (PD_ACCESS, GATEWAY_MESSAGES, STANDARD_LISTS)


def canonical_bytes(payload: Any) -> bytes:
    """Sorted-key compact JSON in UTF-8; datetimes in UTC with microseconds."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_plain).encode("utf-8")


def _plain(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, bytes | memoryview):
        return hashlib.sha256(bytes(value)).hexdigest()
    return str(value)


def chain_digest(payload: dict[str, Any], previous_hash: str) -> str:
    """SHA-256 of the canonical JSON of `payload` together with the previous row's hash."""
    return hashlib.sha256(canonical_bytes({"row": payload, "previous": previous_hash})).hexdigest()


def sha256_hex(content: bytes | memoryview | None) -> str:
    return hashlib.sha256(bytes(content or b"")).hexdigest()


def _head_locked(name: str) -> LogHead:
    head = LogHead.objects.select_for_update().filter(name=name).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            LogHead.objects.create(name=name, rows=0, head_hash=GENESIS)
    except IntegrityError:  # another writer created it first
        pass
    return LogHead.objects.select_for_update().get(name=name)


def log_append[Row: models.Model](name: str, row: Row, payload: Callable[[Row], dict[str, Any]]) -> Row:
    """Save `row` as the next row of log `name`; `payload(row)` is what its hash covers.

    The row model has `chain_position`, `previous_hash` and `hash` fields.
    Side effects: inserts the row and updates the log's LogHead, in one transaction.
    """
    with transaction.atomic():
        head = _head_locked(name)
        position = head.rows + 1
        row.chain_position = position  # type: ignore[attr-defined]
        row.previous_hash = head.head_hash  # type: ignore[attr-defined]
        row.hash = chain_digest(payload(row), head.head_hash)  # type: ignore[attr-defined]
        row.save(force_insert=True)
        LogHead.objects.filter(pk=head.pk).update(rows=position, head_hash=row.hash)  # type: ignore[attr-defined]
    return row
