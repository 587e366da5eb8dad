"""Signed checkpoints: each case's chain head, and periodically every head at once.

`case_checkpoint_write` signs (case number, event count, head hash, the case row's decisive
fields), in the event append's transaction and under the case lock the append already holds: at
once for an append of its own, or once per case at the end of an engine operation that runs
inside `case_checkpoints_deferred` (filing, completing a task: one signature, not one per event).
`heads_checkpoint_make` signs the ordered list of every case's (number, events, head) and every
log's (rows, head), chained to the previous heads checkpoint; it refuses to sign when a case's
checkpoint is not validly signed or went backwards since the previous heads checkpoint (a deleted
or truncated case), so a change is never signed over.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from qyzmet.audit.chain import GENESIS, canonical_bytes
from qyzmet.audit.models import CaseCheckpoint, HeadsCheckpoint, LogHead
from qyzmet.audit.signing import CheckpointTrust, checkpoint_sign

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
class _Appended:
    """What the running deferred block appended to one case's chain: its last event, and when."""

    at: datetime
    events: int
    head_hash: str
    savepoints: tuple[str, ...]  # the savepoints open when it was appended


# The cases whose checkpoint waits for the end of the running `case_checkpoints_deferred` block
# (case pk → its last appended event), or None outside one.
_DEFERRED: ContextVar[dict[int, _Appended] | None] = ContextVar("qyzmet_checkpoints_deferred", default=None)


@contextmanager
def case_checkpoints_deferred() -> Iterator[None]:
    """Within it, event appends leave their case's checkpoint to its end: signed once per case, from
    what the database then holds, before the transaction commits.

    Use it inside the operation's `transaction.atomic()` (`@transaction.atomic` above it as a
    decorator). Outside a transaction it defers nothing, so an autocommitted event is never left
    without its checkpoint; nested, the outermost block writes. When the block raises, nothing is
    written: the transaction it is in rolls the events back. Side effects: at its end, what
    `case_checkpoint_write` writes, for every case that had events appended in it.
    """
    if _DEFERRED.get() is not None or not connection.in_atomic_block:
        yield
        return
    pending: dict[int, _Appended] = {}
    token = _DEFERRED.set(pending)
    try:
        yield
        for case_pk, appended in pending.items():
            head = (appended.events, appended.head_hash) if _still_open(appended) else None
            _case_checkpoint_write_current(case_pk=case_pk, at=appended.at, head=head)
    finally:
        _DEFERRED.reset(token)


def case_checkpoint_event_appended(*, case_pk: int, events: int, head_hash: str, at: datetime) -> None:
    """An event was appended to the case's chain: write its checkpoint now, or at the end of the
    `case_checkpoints_deferred` block this runs in. Call in the append's transaction, under the case lock."""
    pending = _DEFERRED.get()
    if pending is None:
        case_checkpoint_write(case_pk=case_pk, events=events, head_hash=head_hash, at=at)
        return
    earlier = pending.get(case_pk)
    pending[case_pk] = _Appended(max(at, earlier.at) if earlier else at, events, head_hash,
                                 tuple(connection.savepoint_ids))


def case_chain_tail_deferred(case_pk: int) -> tuple[int, str] | None:
    """(sequence, hash) of the last event the running deferred block appended to the case, or None.

    The block runs in one transaction under the case's lock, so it is the chain's end: the next
    append need not read it back. Not when a savepoint open at that append has since ended: rolled
    back, it took the event away (released, the event stays, but which of the two is not known).
    """
    pending = _DEFERRED.get()
    appended = pending.get(case_pk) if pending is not None else None
    if appended is None or not _still_open(appended):
        return None
    return appended.events, appended.head_hash


def _still_open(appended: _Appended) -> bool:
    """Whether every savepoint open at the append is open still (none rolled the event back)."""
    return tuple(connection.savepoint_ids[:len(appended.savepoints)]) == appended.savepoints


def _case_checkpoint_write_current(*, case_pk: int, at: datetime, head: tuple[int, str] | None) -> None:
    """The checkpoint of the case's chain as the database holds it now: `head` (events, hash) when
    the block's last append is known to stand, else the last event read back (so an event a
    rolled-back savepoint took away is not signed)."""
    from qyzmet.cases.models import Case, CaseEvent

    if head is not None:
        _checkpoint_store(Case.objects.filter(pk=case_pk).values(*DECISIVE_FIELDS).get(),
                          events=head[0], head_hash=head[1], at=at)
        return
    last = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-sequence")
    values = (Case.objects.filter(pk=case_pk)
              .values(*DECISIVE_FIELDS, last_sequence=Subquery(last.values("sequence")[:1]),
                      last_hash=Subquery(last.values("hash")[:1]))
              .first())
    if values is None or values["last_sequence"] is None:
        return
    _checkpoint_store(values, events=values["last_sequence"], head_hash=values["last_hash"], at=at)


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
    certificate, signature = checkpoint_sign(
        case_checkpoint_content(case_number=number, events=events, head_hash=head_hash, case_hash=case_hash))
    fields = {"events": events, "head_hash": head_hash, "case_hash": case_hash, "at": at,
              "certificate": certificate, "signature": signature}
    # One UPDATE for a case that has its checkpoint (every append but the first), under the case lock.
    if CaseCheckpoint.objects.filter(case_number=number).update(**fields):
        return CaseCheckpoint(case_number=number, **fields)
    return CaseCheckpoint.objects.create(case_number=number, **fields)


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
