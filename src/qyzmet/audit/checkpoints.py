"""Signed checkpoints: each case's chain head, and periodically every head at once.

`case_checkpoint_write` signs (case number, event count, head hash, the case row's decisive
fields), in the event append's transaction and under the case lock the append already holds: at
once for an append of its own, or once per case at the end of an engine operation that runs
inside `case_checkpoints_deferred` (filing, completing a task: one signature, not one per event;
the operation's events are also kept and inserted together at the block's end, ADR 0028).
`heads_checkpoint_make` signs the ordered list of every case's (number, events, head) and every
log's (rows, head), chained to the previous heads checkpoint; it refuses to sign when a case's
checkpoint is not validly signed or went backwards since the previous heads checkpoint (a deleted
or truncated case), so a change is never signed over.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Final

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from qyzmet.audit.chain import GENESIS, canonical_bytes
from qyzmet.audit.models import CaseCheckpoint, HeadsCheckpoint, LogHead, SigningCertificate
from qyzmet.audit.signing import (
    CheckpointTrust,
    checkpoint_sign,
    checkpoint_sign_unrecorded,
    signing_certificate_record,
)

# The case row's fields that decide what the case is and how it ended.
DECISIVE_FIELDS: Final = (
    "number", "service_version_id", "service_slug", "channel", "status", "outcome", "refusal_ground",
    "applicant_iin", "applicant_name", "representative_iin", "provider_id", "filed_at", "closed_at",
)


def case_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The decisive fields as plain JSON values (datetimes in UTC ISO form)."""
    return json_plain({name: values[name] for name in DECISIVE_FIELDS})


def json_plain(value: Any) -> Any:
    import json

    return json.loads(canonical_bytes(value))


def case_fields_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


def case_checkpoint_content(*, case_number: str, events: int, head_hash: str, case_hash: str) -> bytes:
    """The bytes a case checkpoint's signature covers."""
    return canonical_bytes({"kind": "case", "case": case_number, "events": events, "head": head_hash,
                            "fields": case_hash})


@dataclass
class _Chain:
    """One case's chain in the running deferred block: its last appended event, and what waits to be inserted."""

    at: datetime
    events: int
    head_hash: str
    savepoints: tuple[str, ...]  # the savepoints open when the last event was appended
    pending: list[Any] = field(default_factory=list)  # events appended at the block's own level, in order
    case: Any = None  # the one Case instance its events were recorded with (None: more than one was seen)


@dataclass
class _Block:
    """The running `case_checkpoints_deferred` block."""

    savepoints: tuple[str, ...]  # open when the block began: an append with just these open is kept pending
    chains: dict[int, _Chain] = field(default_factory=dict)  # by case pk
    after: list[Callable[[], None]] = field(default_factory=list)  # run once the pending events are inserted


# The running `case_checkpoints_deferred` block, or None outside one.
_DEFERRED: ContextVar[_Block | None] = ContextVar("qyzmet_checkpoints_deferred", default=None)


@contextmanager
def case_checkpoints_deferred() -> Iterator[None]:
    """Within it, event appends are kept and inserted together at its end, and each case's checkpoint is
    signed once over the chain's head, before the transaction commits.

    Use it inside the operation's `transaction.atomic()` (`@transaction.atomic` above it as a
    decorator). Outside a transaction it defers nothing, so an autocommitted event is never left
    without its checkpoint; nested, the outermost block writes. An event appended inside a savepoint
    opened within the block is inserted at once (its savepoint may roll it back). When the block
    raises, nothing is written: the kept events are dropped and the transaction rolls the rest back.
    Side effects: at its end, one INSERT of the kept events, what `case_events_written_then` was
    given, and what `case_checkpoint_write` writes, for every case that had events appended in it.
    """
    if _DEFERRED.get() is not None or not connection.in_atomic_block:
        yield
        return
    block = _Block(tuple(connection.savepoint_ids))
    token = _DEFERRED.set(block)
    try:
        yield
        _pending_insert(block)
        while block.after:  # what waited for the rows; an event it appends is inserted in turn
            waiting, block.after = block.after, []
            for after in waiting:
                after()
            _pending_insert(block)
        for case_pk, chain in block.chains.items():
            head = (chain.events, chain.head_hash) if _still_open(chain.savepoints) else None
            _case_checkpoint_write_current(case_pk=case_pk, at=chain.at, head=head, case=chain.case)
    finally:
        _DEFERRED.reset(token)


def _pending_insert(block: _Block) -> None:
    """One INSERT of every kept event, each given its row's id (what `bulk_create` does, written as SQL:
    the ORM spends ~0.5 ms more CPU building it, once per engine operation; ADR 0028)."""
    from qyzmet.cases.models import CaseEvent

    rows = [event for chain in block.chains.values() for event in chain.pending]
    if not rows:
        return
    if not connection.features.can_return_rows_from_bulk_insert:  # no INSERT … RETURNING here
        CaseEvent.objects.bulk_create(rows)
        _pending_clear(block)
        return
    meta = CaseEvent._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    params = [f.get_db_prep_save(f.pre_save(row, True), connection) for row in rows for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, len(rows)), params)
        ids = cursor.fetchall()
    for row, (row_id,) in zip(rows, ids, strict=True):
        row.pk = row_id
        row._state.adding, row._state.db = False, connection.alias
    _pending_clear(block)


def _pending_clear(block: _Block) -> None:
    for chain in block.chains.values():
        chain.pending.clear()


@lru_cache(maxsize=32)
def _insert_sql(vendor: str, rows: int) -> str:
    from qyzmet.cases.models import CaseEvent

    quote = connection.ops.quote_name
    meta = CaseEvent._meta
    columns = [quote(str(f.column)) for f in meta.concrete_fields if not f.primary_key]
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * rows)
    return (f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) VALUES {values} "
            f"RETURNING {quote(str(meta.pk.column))}")


def case_event_append_deferred(event: Any, *, case: Any) -> bool:
    """Note an event appended to the case's chain (its sequence and hash set); True when the running
    deferred block keeps it, to insert at its end; False when the caller must insert it now.

    Kept: an event appended at the block's own savepoint level. Inserted now: outside a block (the
    caller then writes its checkpoint at once), and inside a savepoint opened within the block.
    """
    block = _DEFERRED.get()
    if block is None:
        return False
    savepoints = tuple(connection.savepoint_ids)
    chain = block.chains.get(case.pk)
    if chain is None:
        chain = block.chains[case.pk] = _Chain(event.at, event.sequence, event.hash, savepoints, case=case)
    else:
        chain.at, chain.events, chain.head_hash, chain.savepoints = (
            max(event.at, chain.at), event.sequence, event.hash, savepoints)
        if chain.case is not case:
            chain.case = None
    if savepoints != block.savepoints:
        return False
    chain.pending.append(event)
    return True


def case_checkpoint_event_appended(*, case_pk: int, events: int, head_hash: str, at: datetime) -> None:
    """An event was inserted into the case's chain outside a deferred block: write its checkpoint now.
    Call in the append's transaction, under the case lock."""
    if _DEFERRED.get() is None:
        case_checkpoint_write(case_pk=case_pk, events=events, head_hash=head_hash, at=at)


def case_chain_tail_deferred(case_pk: int) -> tuple[tuple[int, str] | None, tuple[int, str] | None] | None:
    """What the running deferred block knows of the end of the case's chain, or None when it has no
    append to the case: (the end, or None when not known; the last event it keeps pending, or None).

    The block runs in one transaction under the case's lock, so its last append is the chain's end,
    and the next append need not read it back. Not when a savepoint open at that append has since
    ended: rolled back, it took the event away (released, the event stays, but which of the two is
    not known); the end is then the last event in the database after the pending one, else that one.
    """
    block = _DEFERRED.get()
    chain = block.chains.get(case_pk) if block is not None else None
    if chain is None:
        return None
    kept = (chain.pending[-1].sequence, chain.pending[-1].hash) if chain.pending else None
    if not _still_open(chain.savepoints):
        return None, kept
    return (chain.events, chain.head_hash), kept


def case_events_pending(case_pk: int) -> list[Any]:
    """The events of the case the running deferred block keeps, not yet in the database (oldest first)."""
    block = _DEFERRED.get()
    chain = block.chains.get(case_pk) if block is not None else None
    return list(chain.pending) if chain is not None else []


def case_events_written_then(action: Callable[[], None]) -> None:
    """Run `action` once the running deferred block has inserted its events (at once outside a block).

    For what needs the events' rows, such as a notification naming its source event.
    """
    block = _DEFERRED.get()
    if block is None:
        action()
    else:
        block.after.append(action)


def _still_open(savepoints: tuple[str, ...]) -> bool:
    """Whether every savepoint open at an append is open still (none rolled the event back)."""
    return tuple(connection.savepoint_ids[:len(savepoints)]) == savepoints


def _case_checkpoint_write_current(*, case_pk: int, at: datetime, head: tuple[int, str] | None,
                                   case: Any = None) -> None:
    """The checkpoint of the case's chain as the database holds it now: `head` (events, hash) when
    the block's last append is known to stand, else the last event read back (so an event a
    rolled-back savepoint took away is not signed). The decisive fields are those of `case`, the
    one instance the block's events were recorded with and every change to the row went through,
    else read."""
    from qyzmet.cases.models import Case, CaseEvent

    if head is not None:
        values = _decisive_values(case) if case is not None else None
        if values is None:
            values = Case.objects.filter(pk=case_pk).values(*DECISIVE_FIELDS).get()
        _checkpoint_store(values, events=head[0], head_hash=head[1], at=at)
        return
    last = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-sequence")
    values = (Case.objects.filter(pk=case_pk)
              .values(*DECISIVE_FIELDS, last_sequence=Subquery(last.values("sequence")[:1]),
                      last_hash=Subquery(last.values("hash")[:1]))
              .first())
    if values is None or values["last_sequence"] is None:
        return
    _checkpoint_store(values, events=values["last_sequence"], head_hash=values["last_hash"], at=at)


def _decisive_values(case: Any) -> dict[str, Any] | None:
    """The decisive fields of a loaded Case instance, or None when one of them was not loaded."""
    if case.get_deferred_fields() & set(DECISIVE_FIELDS):
        return None
    return {name: getattr(case, name) for name in DECISIVE_FIELDS}


def case_checkpoint_write(*, case_pk: int, events: int, head_hash: str, at: datetime) -> CaseCheckpoint:
    """Sign and store the case's new head. Call in the event append's transaction, under the case lock.

    Side effects: creates or updates the case's CaseCheckpoint row.
    """
    from qyzmet.cases.models import Case

    values = Case.objects.filter(pk=case_pk).values(*DECISIVE_FIELDS).get()
    return _checkpoint_store(values, events=events, head_hash=head_hash, at=at)


def _checkpoint_store(values: dict[str, Any], *, events: int, head_hash: str, at: datetime) -> CaseCheckpoint:
    case_hash = case_fields_hash(case_fields(values))
    number = values["number"]
    certificate, signature = checkpoint_sign_unrecorded(
        case_checkpoint_content(case_number=number, events=events, head_hash=head_hash, case_hash=case_hash))
    fields = {"events": events, "head_hash": head_hash, "case_hash": case_hash, "at": at,
              "certificate": certificate, "signature": signature}
    # One UPDATE for a case that has its checkpoint (every append but the first), under the case lock;
    # it moves only when the signing certificate is on record (else recorded first, and moved again).
    if certificate and _checkpoint_move(number, fields, certificate):
        return CaseCheckpoint(case_number=number, **fields)
    if certificate:
        signing_certificate_record()
    if CaseCheckpoint.objects.filter(case_number=number).update(**fields):
        return CaseCheckpoint(case_number=number, **fields)
    return CaseCheckpoint.objects.create(case_number=number, **fields)


_MOVED_FIELDS: Final = ("events", "head_hash", "case_hash", "at", "certificate", "signature")


def _checkpoint_move(number: str, fields: dict[str, Any], certificate: str) -> bool:
    """UPDATE the case's checkpoint if it exists and `certificate` is on record; whether a row moved.

    Written as SQL once per connection vendor: it runs once per engine operation, and the ORM spends
    ~1 ms of CPU building this UPDATE each time (ADR 0028).
    """
    moved = _moved_fields()
    params = [moved[name].get_db_prep_save(fields[name], connection) for name in _MOVED_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_checkpoint_move_sql(connection.vendor), [*params, number, certificate])
        return bool(cursor.rowcount)


def _moved_fields() -> dict[str, Any]:
    return {f.name: f for f in CaseCheckpoint._meta.concrete_fields if f.name in _MOVED_FIELDS}


@lru_cache(maxsize=4)
def _checkpoint_move_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    meta, certificates, moved = CaseCheckpoint._meta, SigningCertificate._meta, _moved_fields()
    assignments = ", ".join(f"{quote(str(moved[name].column))} = %s" for name in _MOVED_FIELDS)
    return (f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote('case_number')} = %s AND EXISTS "
            f"(SELECT 1 FROM {quote(certificates.db_table)} WHERE {quote('fingerprint')} = %s)")


def heads_content(*, sequence: int, at: datetime, root_hash: str, previous_hash: str) -> bytes:
    return canonical_bytes({"kind": "heads", "sequence": sequence, "at": at, "root": root_hash,
                            "previous": previous_hash})


def heads_root(heads: list[list[Any]], logs: dict[str, list[Any]]) -> str:
    return hashlib.sha256(canonical_bytes({"cases": heads, "logs": logs})).hexdigest()


def heads_checkpoint_hash(checkpoint: HeadsCheckpoint) -> str:
    """What the next heads checkpoint chains to."""
    return hashlib.sha256(heads_content(sequence=checkpoint.sequence, at=checkpoint.at,
                                        root_hash=checkpoint.root_hash,
                                        previous_hash=checkpoint.previous_hash)).hexdigest()


@dataclass(frozen=True)
class HeadsRefused:
    """Why no heads checkpoint was signed: the problems found in the case checkpoints."""

    problems: list[str]


def heads_checkpoint_make(*, now: datetime) -> HeadsCheckpoint | HeadsRefused:
    """Sign a checkpoint of every case's head and every log's head, chained to the previous one.

    Refused (nothing written) when a case checkpoint's signature does not check, a case row and
    its checkpoint do not both exist, or a case of the previous heads checkpoint is gone or has
    fewer events now.
    Side effects: writes one HeadsCheckpoint row.
    """
    from qyzmet.cases.models import Case

    trust = CheckpointTrust()
    with transaction.atomic():
        unchecked = set(Case.objects.values_list("number", flat=True).iterator(chunk_size=5000))
        previous = HeadsCheckpoint.objects.select_for_update().order_by("-sequence").first()
        before = {row[0]: row[1] for row in previous.heads} if previous else {}
        problems: list[str] = []
        heads: list[list[Any]] = []
        for number, events, head, case_hash, certificate, signature in CaseCheckpoint.objects.order_by(
                "case_number").values_list("case_number", "events", "head_hash", "case_hash", "certificate",
                                           "signature").iterator(chunk_size=2000):
            problem = trust.check(case_checkpoint_content(case_number=number, events=events, head_hash=head,
                                                          case_hash=case_hash), certificate, signature)
            if problem:
                problems.append(f"case {number}: checkpoint {problem}")
            if number not in unchecked:
                problems.append(f"case {number}: its case row is gone")
            unchecked.discard(number)
            if before.pop(number, 0) > events:
                problems.append(f"case {number}: fewer events than at the previous heads checkpoint")
            heads.append([number, events, head])
        problems += [f"case {number}: gone since the previous heads checkpoint" for number in before]
        problems += [f"case {number}: has no signed checkpoint" for number in sorted(unchecked)]
        if problems:
            return HeadsRefused(problems)
        logs = {name: [rows, head] for name, rows, head in LogHead.objects.order_by("name").values_list(
            "name", "rows", "head_hash")}
        sequence = previous.sequence + 1 if previous else 1
        previous_hash = heads_checkpoint_hash(previous) if previous else GENESIS
        root = heads_root(heads, logs)
        certificate, signature = checkpoint_sign(
            heads_content(sequence=sequence, at=now, root_hash=root, previous_hash=previous_hash))
        return HeadsCheckpoint.objects.create(
            sequence=sequence, at=now, cases=len(heads), heads=heads, logs=logs, root_hash=root,
            previous_hash=previous_hash, certificate=certificate, signature=signature,
        )
