"""The case event log: append-only rows, hash-chained per case, the head signed outside them (qyzmet.audit)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from qyzmet.audit.checkpoints import (
    case_chain_tail_deferred,
    case_checkpoint_event_appended,
    case_event_append_deferred,
)
from qyzmet.cases.models import Case, CaseEvent
from qyzmet.identity.models import Organization, User

GENESIS: Final = "0" * 64


def event_digest(
    *,
    case_number: str,
    sequence: int,
    kind: str,
    actor_iin: str,
    role: str,
    organization: str,
    step_id: str,
    state_before: str,
    state_after: str,
    data: dict[str, Any],
    signature: str,
    at: datetime,
    previous_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of everything an event says, and the previous event's hash."""
    payload = {
        "case": case_number,
        "sequence": sequence,
        "kind": kind,
        "actor": actor_iin,
        "role": role,
        "organization": organization,
        "step": step_id,
        "before": state_before,
        "after": state_after,
        "data": data,
        "signature": signature,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "previous": previous_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest_of(event: CaseEvent, case_number: str) -> str:
    return event_digest(
        case_number=case_number,
        sequence=event.sequence,
        kind=event.kind,
        actor_iin=event.actor_iin,
        role=event.role,
        organization=event.organization.code if event.organization else "",
        step_id=event.step_id,
        state_before=event.state_before,
        state_after=event.state_after,
        data=event.data,
        signature=event.signature,
        at=event.at,
        previous_hash=event.previous_hash,
    )


def case_event_record(
    *,
    case: Case,
    kind: str,
    at: datetime,
    actor: User | None = None,
    role: str = "",
    organization: Organization | None = None,
    step_id: str = "",
    state_before: str = "",
    state_after: str = "",
    data: dict[str, Any] | None = None,
    signature: str = "",
) -> CaseEvent:
    """Append one event to the case's chain. Call inside the transaction that locked the case.

    The case's signed checkpoint (head, count, decisive fields) moves with it, so a deleted last
    event or a changed case row shows: at once, or inside `case_checkpoints_deferred` once at the
    end of the operation, which also inserts the event then (its `pk` is None until the block's end:
    `case_events_written_then` runs what needs the row). Side effects: writes a CaseEvent and the
    CaseCheckpoint.
    """
    previous_sequence, previous_hash = _chain_end(case)
    sequence = previous_sequence + 1
    # JSON round trip so the stored data and the hashed data are the same (dates become strings).
    data = json.loads(json.dumps(data or {}, default=str))
    event = CaseEvent(
        case=case,
        sequence=sequence,
        kind=kind,
        actor=actor,
        actor_iin=actor.iin if actor else "",
        role=role,
        organization=organization,
        step_id=step_id,
        state_before=state_before,
        state_after=state_after,
        data=data,
        signature=signature,
        at=at,
        previous_hash=previous_hash,
    )
    event.hash = _digest_of(event, case.number)
    if case_event_append_deferred(event, case=case):
        return event
    event.save()
    if hasattr(case, _TAIL):
        setattr(case, _TAIL, (sequence, event.hash))
    case_checkpoint_event_appended(case_pk=case.pk, events=sequence, head_hash=event.hash, at=at)
    return event


def _chain_end(case: Case) -> tuple[int, str]:
    """(sequence, hash) of the case's last event: known to the running deferred block or carried by
    the case, else read back."""
    deferred = case_chain_tail_deferred(case.pk)
    if deferred is None:
        carried: tuple[int, str] | None = getattr(case, _TAIL, None)
        return carried if carried is not None else _chain_end_read(case, after=None)
    known, kept = deferred
    return known if known is not None else _chain_end_read(case, after=kept)


def _chain_end_read(case: Case, *, after: tuple[int, str] | None) -> tuple[int, str]:
    """The last event in the database, or `after` (kept pending, not in it yet) when none follows it."""
    events = CaseEvent.objects.filter(case=case)
    if after is not None:
        events = events.filter(sequence__gt=after[0])
    last = events.order_by("-sequence").only("sequence", "hash").first()
    if last is not None:
        return last.sequence, last.hash
    return after if after is not None else (0, GENESIS)


# A case created in the running transaction carries the end of its chain (sequence, hash) while
# it is being filed, so each event does not read the previous one back: no other transaction can
# see the case yet, and the filing holds the only instance. Completing a task carries the end it
# read under the case lock, with the last task's number, in one query. A stale tail could only repeat a
# sequence number, which the (case, sequence) unique constraint refuses.
_TAIL = "_qyzmet_event_tail"


def case_event_chain_started(case: Case) -> None:
    """Mark `case`, created in this transaction with no events yet, as carrying its chain's end."""
    case_event_chain_carried(case, (0, GENESIS))


def case_event_chain_carried(case: Case, end: tuple[int, str]) -> None:
    """Mark `case` as carrying its chain's end (sequence, hash), read under the case lock in this transaction."""
    setattr(case, _TAIL, end)


def case_event_chain_released(case: Case) -> None:
    """Stop carrying the chain's end: later events read it from the database again."""
    if hasattr(case, _TAIL):
        delattr(case, _TAIL)


@dataclass(frozen=True)
class ChainBreak:
    case_number: str
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"case {self.case_number}: event {self.sequence}: {self.reason}"


def case_chain_verify(case: Case) -> ChainBreak | None:
    """The first broken link of the case's chain, or None when it is intact.

    Only the chain itself; `qyzmet.audit.verify` also checks it against the case's signed
    checkpoint (a deleted last event, a changed case row) and names every change.
    """
    previous = GENESIS
    expected_sequence = 1
    for event in CaseEvent.objects.filter(case=case).select_related("organization").order_by("sequence"):
        if event.sequence != expected_sequence:
            return ChainBreak(case.number, expected_sequence, "missing (deleted or renumbered)")
        if event.previous_hash != previous:
            return ChainBreak(case.number, event.sequence, "does not point at the previous event's hash")
        if _digest_of(event, case.number) != event.hash:
            return ChainBreak(case.number, event.sequence, "content changed after it was written")
        previous = event.hash
        expected_sequence += 1
    return None
