"""`qyzmet audit verify`: one streaming pass over the chains and checkpoints, naming every change.

Each `Finding` names a kind (see KINDS), the case number or log, the event or row position when
there is one, and what was seen. Cases, events and documents are read once each, ordered by
case, and merged; only the case checkpoints (a few fields per case) are held in memory.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Final

from django.db.models import BinaryField
from django.db.models.functions import Cast

from qyzmet.audit.chain import GATEWAY_MESSAGES, GENESIS, PD_ACCESS, STANDARD_LISTS, chain_digest, sha256_hex
from qyzmet.audit.checkpoints import (
    DECISIVE_FIELDS,
    case_checkpoint_content,
    case_fields,
    case_fields_hash,
    heads_checkpoint_hash,
    heads_content,
    heads_root,
)
from qyzmet.audit.models import CaseCheckpoint, HeadsCheckpoint, LogHead
from qyzmet.audit.signing import CheckpointTrust

EVENT_EDITED: Final = "event_edited"
EVENT_DELETED: Final = "event_deleted"
EVENT_REORDERED: Final = "event_reordered"
EVENTS_TRUNCATED: Final = "events_truncated"
EVENTS_UNCHECKPOINTED: Final = "events_not_in_checkpoint"
CASE_CHANGED: Final = "case_row_changed"
CASE_DELETED: Final = "case_deleted"
DOCUMENT_CHANGED: Final = "document_bytes_changed"
DOCUMENT_DELETED: Final = "document_deleted"
CHECKPOINT_MISSING: Final = "checkpoint_missing"
CHECKPOINT_SIGNATURE: Final = "checkpoint_signature_bad"
CHECKPOINT_BEHIND: Final = "checkpoint_rolled_back"
LOG_ROW_EDITED: Final = "log_row_edited"
LOG_ROW_DELETED: Final = "log_row_deleted"
LOG_TRUNCATED: Final = "log_truncated"
MESSAGE_CHANGED: Final = "gateway_message_changed"
MESSAGE_DELETED: Final = "gateway_message_deleted"
LIST_CHANGED: Final = "standard_list_changed"
KINDS: Final = (
    EVENT_EDITED, EVENT_DELETED, EVENT_REORDERED, EVENTS_TRUNCATED, EVENTS_UNCHECKPOINTED, CASE_CHANGED,
    CASE_DELETED, DOCUMENT_CHANGED, DOCUMENT_DELETED, CHECKPOINT_MISSING, CHECKPOINT_SIGNATURE,
    CHECKPOINT_BEHIND, LOG_ROW_EDITED, LOG_ROW_DELETED, LOG_TRUNCATED, MESSAGE_CHANGED, MESSAGE_DELETED,
    LIST_CHANGED,
)


@dataclass(frozen=True)
class Finding:
    kind: str
    case: str = ""
    sequence: int | None = None
    log: str = ""
    detail: str = ""

    def __str__(self) -> str:
        where = f"case {self.case}" if self.case else f"log {self.log}" if self.log else "checkpoints"
        at = f" event {self.sequence}" if self.sequence is not None and self.case else (
            f" row {self.sequence}" if self.sequence is not None else "")
        return f"{where}{at}: {self.kind}: {self.detail}"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    findings: list[Finding]
    cases: int = 0
    events: int = 0
    log_rows: int = 0

    @property
    def intact(self) -> bool:
        return not self.findings


def _event_digest(row: dict[str, Any], case_number: str, sequence: int, previous_hash: str) -> str:
    from qyzmet.cases.events import event_digest

    return event_digest(
        case_number=case_number, sequence=sequence, kind=row["kind"], actor_iin=row["actor_iin"], role=row["role"],
        organization=row["organization__code"] or "", step_id=row["step_id"], state_before=row["state_before"],
        state_after=row["state_after"], data=row["data"], signature=row["signature"], at=row["at"],
        previous_hash=previous_hash,
    )


EVENT_FIELDS: Final = ("case_id", "sequence", "kind", "actor_iin", "role", "organization__code", "step_id",
                       "state_before", "state_after", "data", "signature", "at", "previous_hash", "hash")


def _grouped(rows: Iterator[dict[str, Any]], key: str) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    current: Any = None
    group: list[dict[str, Any]] = []
    for row in rows:
        if group and row[key] != current:
            yield current, group
            group = []
        current = row[key]
        group.append(row)
    if group:
        yield current, group


class _Merge:
    """Rows of an iterator grouped by key, taken in step with an ascending walk over the keys."""

    def __init__(self, rows: Iterator[dict[str, Any]], key: str) -> None:
        self._groups = _grouped(rows, key)
        self._next: tuple[Any, list[dict[str, Any]]] | None = next(self._groups, None)
        self.orphans: list[tuple[Any, list[dict[str, Any]]]] = []

    def take(self, key: Any) -> list[dict[str, Any]]:
        while self._next is not None and self._next[0] < key:
            self.orphans.append(self._next)
            self._next = next(self._groups, None)
        if self._next is not None and self._next[0] == key:
            found = self._next[1]
            self._next = next(self._groups, None)
            return found
        return []

    def rest(self) -> list[tuple[Any, list[dict[str, Any]]]]:
        while self._next is not None:
            self.orphans.append(self._next)
            self._next = next(self._groups, None)
        return self.orphans


def case_events_check(case_number: str, events: list[dict[str, Any]]) -> tuple[list[Finding], str]:
    """Findings in one case's events (ordered by sequence) and the head hash they end on."""
    findings: list[Finding] = []
    by_hash = {row["hash"]: row for row in events}
    previous, expected = GENESIS, 1
    for row in events:
        sequence = row["sequence"]
        if sequence != expected:
            missing = f"{expected}" if sequence == expected + 1 else f"{expected}–{sequence - 1}"
            findings.append(Finding(EVENT_DELETED, case_number, expected, detail=f"event(s) {missing} missing"))
        if _event_digest(row, case_number, sequence, row["previous_hash"]) == row["hash"]:
            if row["previous_hash"] != previous and sequence == expected:
                findings.append(Finding(EVENT_REORDERED if row["previous_hash"] in by_hash else EVENT_EDITED,
                                        case_number, sequence, detail="does not follow the event before it"))
        else:
            original = _original_position(row, case_number, by_hash)
            if original is not None and original != sequence:
                findings.append(Finding(EVENT_REORDERED, case_number, sequence,
                                        detail=f"this is event {original}, moved to position {sequence}"))
            else:
                findings.append(Finding(EVENT_EDITED, case_number, sequence,
                                        detail=f"{row['kind']}: content changed after it was written"))
        previous, expected = row["hash"], sequence + 1
    return findings, previous


def _original_position(row: dict[str, Any], case_number: str, by_hash: dict[str, dict[str, Any]]) -> int | None:
    """The sequence the row was written with, when only its position changed."""
    before = by_hash.get(row["previous_hash"])
    candidates = [1] if row["previous_hash"] == GENESIS else []
    if before is not None:
        candidates += [before["sequence"] + 1, before["sequence"] - 1, before["sequence"]]
    candidates += [row["sequence"] - 1, row["sequence"] + 1]
    for sequence in candidates:
        if sequence > 0 and _event_digest(row, case_number, sequence, row["previous_hash"]) == row["hash"]:
            return sequence
    return None


def _documents_check(case_number: str, events: list[dict[str, Any]],
                     documents: list[dict[str, Any]]) -> list[Finding]:
    findings = []
    stored = {row["document_id"]: row for row in documents}
    for row in events:
        data = row["data"] if isinstance(row["data"], dict) else {}
        document_id = str(data.get("document") or "")
        if row["kind"] == "document_created" and data.get("sha256"):
            document = stored.get(document_id)
            if document is None:
                findings.append(Finding(DOCUMENT_DELETED, case_number, row["sequence"], detail=document_id))
            elif sha256_hex(document["content_bytes"]) != data["sha256"]:
                findings.append(Finding(DOCUMENT_CHANGED, case_number, row["sequence"],
                                        detail=f"{document_id}: its bytes are not the ones issued"))
        elif row["kind"] == "document_signed" and row["signature"]:
            document = stored.get(document_id)
            signature = bytes(document["signature_bytes"] or b"") if document else b""
            if document is not None and base64.b64encode(signature).decode("ascii") != row["signature"]:
                findings.append(Finding(DOCUMENT_CHANGED, case_number, row["sequence"],
                                        detail=f"{document_id}: its signature is not the one given"))
    return findings


def _fields_changed(fields: dict[str, Any], events: list[dict[str, Any]]) -> str:
    """Which decisive fields differ from what the events say, as far as the events say it."""
    said: dict[str, Any] = {}
    for row in events:
        if row["state_after"] and row["kind"] in {"case_closed", "queue_directed"}:
            said["status"] = row["state_after"]
        data = row["data"] if isinstance(row["data"], dict) else {}
        if row["kind"] == "case_closed" and "outcome" in data:
            said["outcome"] = data["outcome"] or ""
    named = [f"{name} is {fields[name]!r}, the log says {value!r}" for name, value in said.items()
             if fields.get(name) != value]
    return "; ".join(named) or "a decisive field (" + ", ".join(DECISIVE_FIELDS) + ") differs from the checkpoint"


def audit_verify(*, logs: bool = True) -> Report:
    """Check every case chain against its signed checkpoint, the heads checkpoints and the logs."""
    from qyzmet.cases.models import Case, CaseEvent, ResultDocument

    trust = CheckpointTrust()
    report = Report(findings=[])
    findings = report.findings
    checkpoints: dict[str, dict[str, Any]] = {row["case_number"]: dict(row) for row in CaseCheckpoint.objects.values(
        "case_number", "events", "head_hash", "case_hash", "certificate", "signature").iterator(chunk_size=5000)}
    latest = _heads_checkpoints_check(trust, findings)
    events = _Merge(CaseEvent.objects.order_by("case_id", "sequence").values(*EVENT_FIELDS).iterator(
        chunk_size=2000), "case_id")
    # Read as bytes whatever a hand edit left in the column (SQLite turns `content || x'20'` into text).
    documents = _Merge((dict(row) for row in ResultDocument.objects.order_by("case_id", "pk").values(
        "case_id", "document_id", content_bytes=Cast("content", BinaryField()),
        signature_bytes=Cast("signature", BinaryField())).iterator(chunk_size=200)), "case_id")
    seen: set[str] = set()
    for values in Case.objects.order_by("pk").values("pk", *DECISIVE_FIELDS).iterator(chunk_size=2000):
        number = values["number"]
        seen.add(number)
        report.cases += 1
        case_events = events.take(values["pk"])
        report.events += len(case_events)
        found, head = case_events_check(number, case_events)
        findings += found
        findings += _documents_check(number, case_events, documents.take(values["pk"]))
        fields = case_fields(values)
        checkpoint = checkpoints.get(number)
        if checkpoint is None:
            findings.append(Finding(CHECKPOINT_MISSING, number, detail="the case has no signed checkpoint"))
            continue
        problem = trust.check(case_checkpoint_content(
            case_number=number, events=checkpoint["events"], head_hash=checkpoint["head_hash"],
            case_hash=checkpoint["case_hash"]), checkpoint["certificate"], checkpoint["signature"])
        if problem:
            findings.append(Finding(CHECKPOINT_SIGNATURE, number, detail=problem))
        findings += _against_checkpoint(number, case_events, head, checkpoint)
        if case_fields_hash(fields) != checkpoint["case_hash"]:
            findings.append(Finding(CASE_CHANGED, number,
                                    detail=_fields_changed(fields, case_events)))
        if latest is not None and number in latest and latest[number][0] > checkpoint["events"]:
            findings.append(Finding(CHECKPOINT_BEHIND, number, detail=(
                f"the checkpoint says {checkpoint['events']} event(s), the signed heads checkpoint "
                f"{latest[number][0]}")))
    for case_id, rows in events.rest():
        findings.append(Finding(CASE_DELETED, f"id {case_id}", detail=(
            f"the case row is gone; {len(rows)} of its event(s) remain")))
    for number in sorted(set(checkpoints) - seen):
        findings.append(Finding(CASE_DELETED, number, detail=(
            f"the case and its {checkpoints[number]['events']} event(s) are gone; its signed checkpoint remains")))
    for number in sorted(set(latest or {}) - seen - set(checkpoints)):
        findings.append(Finding(CASE_DELETED, number, detail=(
            "the case and its checkpoint are gone; the signed heads checkpoint names it")))
    if logs:
        report.log_rows += _pd_access_check(findings)
        report.log_rows += _gateway_log_check(findings)
        report.log_rows += _standard_lists_check(findings)
    return report


def _against_checkpoint(number: str, events: list[dict[str, Any]], head: str,
                        checkpoint: dict[str, Any]) -> list[Finding]:
    count = events[-1]["sequence"] if events else 0
    if count < checkpoint["events"]:
        return [Finding(EVENTS_TRUNCATED, number, count + 1, detail=(
            f"the chain ends at event {count}; the signed checkpoint says {checkpoint['events']}"))]
    if count > checkpoint["events"]:
        return [Finding(EVENTS_UNCHECKPOINTED, number, checkpoint["events"] + 1, detail=(
            f"{count - checkpoint['events']} event(s) after the signed checkpoint"))]
    if head != checkpoint["head_hash"] and events:
        return [Finding(EVENT_EDITED, number, count, detail="the last event is not the one the checkpoint signed")]
    return []


def _heads_checkpoints_check(trust: CheckpointTrust, findings: list[Finding]) -> dict[str, tuple[int, str]] | None:
    """Check the chain and signatures of the heads checkpoints; the latest one's heads by case."""
    previous: HeadsCheckpoint | None = None
    latest: HeadsCheckpoint | None = None
    for checkpoint in HeadsCheckpoint.objects.order_by("sequence").iterator(chunk_size=10):
        expected = heads_checkpoint_hash(previous) if previous else GENESIS
        where = f"heads checkpoint {checkpoint.sequence}"
        if checkpoint.previous_hash != expected or (previous and checkpoint.sequence != previous.sequence + 1):
            findings.append(Finding(LOG_ROW_DELETED, log="heads", sequence=checkpoint.sequence,
                                    detail=f"{where} does not follow the one before it"))
        if heads_root(checkpoint.heads, checkpoint.logs) != checkpoint.root_hash:
            findings.append(Finding(CHECKPOINT_SIGNATURE, log="heads", sequence=checkpoint.sequence,
                                    detail=f"{where}: its heads do not hash to its root"))
        problem = trust.check(heads_content(sequence=checkpoint.sequence, at=checkpoint.at,
                                            root_hash=checkpoint.root_hash, previous_hash=checkpoint.previous_hash),
                              checkpoint.certificate, checkpoint.signature)
        if problem:
            findings.append(Finding(CHECKPOINT_SIGNATURE, log="heads", sequence=checkpoint.sequence,
                                    detail=f"{where}: {problem}"))
        previous = latest = checkpoint
    if latest is None:
        return None
    for name, (rows, _head) in latest.logs.items():
        head = LogHead.objects.filter(name=name).values_list("rows", flat=True).first() or 0
        if head < rows:
            findings.append(Finding(LOG_TRUNCATED, log=name, sequence=head + 1, detail=(
                f"the log has {head} row(s); the signed heads checkpoint {latest.sequence} says {rows}")))
    return {str(row[0]): (int(row[1]), str(row[2])) for row in latest.heads}


def _chain_check(name: str, rows: Iterator[tuple[int | None, str, str, dict[str, Any]]],
                 findings: list[Finding]) -> int:
    """Walk a log's rows in position order: (position, previous hash, hash, payload)."""
    previous, expected, count = GENESIS, 1, 0
    for position, previous_hash, digest, payload in rows:
        count += 1
        if position is None:
            findings.append(Finding(LOG_ROW_EDITED, log=name, detail="a row has no chain position"))
            continue
        if position != expected:
            findings.append(Finding(LOG_ROW_DELETED, log=name, sequence=expected,
                                    detail=f"row(s) {expected}–{position - 1} missing"))
        if chain_digest(payload, previous_hash) != digest:
            findings.append(Finding(LOG_ROW_EDITED, log=name, sequence=position,
                                    detail="content changed after it was written"))
        elif previous_hash != previous and position == expected:
            findings.append(Finding(LOG_ROW_EDITED, log=name, sequence=position,
                                    detail="does not follow the row before it"))
        previous, expected = digest, position + 1
    head = LogHead.objects.filter(name=name).values_list("rows", "head_hash").first()
    if head is not None and (expected - 1 < head[0]):
        findings.append(Finding(LOG_TRUNCATED, log=name, sequence=expected, detail=(
            f"the log ends at row {expected - 1}; its head says {head[0]}")))
    elif head is not None and expected - 1 == head[0] and head[0] and previous != head[1]:
        findings.append(Finding(LOG_ROW_EDITED, log=name, sequence=head[0],
                                detail="the last row is not the one the head names"))
    return count


def _pd_access_check(findings: list[Finding]) -> int:
    from qyzmet.identity.models import PersonalDataAccess
    from qyzmet.identity.services import personal_data_access_payload

    rows = (
        (row.chain_position, row.previous_hash, row.hash, personal_data_access_payload(row))
        for row in PersonalDataAccess.objects.order_by("chain_position").iterator(chunk_size=2000)
    )
    return _chain_check(PD_ACCESS, rows, findings)


def _gateway_log_check(findings: list[Finding]) -> int:
    from qyzmet.gateway.log import message_log_payload, message_outcome_content, message_request_content
    from qyzmet.gateway.models import GatewayMessage, MessageLogEntry

    expected: dict[str, dict[str, Any]] = {}

    def rows() -> Iterator[tuple[int | None, str, str, dict[str, Any]]]:
        for entry in MessageLogEntry.objects.order_by("chain_position").iterator(chunk_size=2000):
            state = expected.setdefault(entry.message_id, {})
            if entry.kind == MessageLogEntry.Kind.CASE_LINK:
                state["case_number"] = entry.content.get("case_number", "")
            else:
                state[entry.kind] = entry.content
            yield entry.chain_position, entry.previous_hash, entry.hash, message_log_payload(entry)

    count = _chain_check(GATEWAY_MESSAGES, rows(), findings)
    for message in GatewayMessage.objects.order_by("pk").iterator(chunk_size=500):
        state = expected.pop(message.message_id, None)
        if state is None:
            findings.append(Finding(MESSAGE_CHANGED, log=GATEWAY_MESSAGES, detail=(
                f"message {message.message_id} is not in the log")))
            continue
        differs = []
        if state.get("request") != message_request_content(message):
            differs.append("request")
        if message.status != "sent" and state.get("outcome") != message_outcome_content(message):
            differs.append("outcome")
        if state.get("case_number", "") != message.case_number:
            differs.append("case number")
        if differs:
            findings.append(Finding(MESSAGE_CHANGED, log=GATEWAY_MESSAGES, detail=(
                f"message {message.message_id}: {', '.join(differs)} not as logged")))
    for message_id in sorted(expected):
        findings.append(Finding(MESSAGE_DELETED, log=GATEWAY_MESSAGES, detail=f"message {message_id} is gone"))
    return count


def _standard_lists_check(findings: list[Finding]) -> int:
    """The revision chain, and every Standard list as its last revision says (one edited outside the log shows)."""
    from qyzmet.catalog.models import StandardList, StandardListRevision
    from qyzmet.catalog.services import standard_list_revision_payload

    last: dict[tuple[str, str], StandardListRevision] = {}

    def rows() -> Iterator[tuple[int | None, str, str, dict[str, Any]]]:
        for revision in StandardListRevision.objects.order_by("chain_position").iterator(chunk_size=500):
            last[(revision.service_slug, revision.kind)] = revision
            yield (revision.chain_position, revision.previous_hash, revision.hash,
                   standard_list_revision_payload(revision))

    count = _chain_check(STANDARD_LISTS, rows(), findings)
    for row in StandardList.objects.select_related("service").order_by("service__slug", "kind"):
        logged = last.pop((row.service.slug, row.kind), None)
        name = f"{row.service.slug} {row.kind}"
        if logged is None:
            findings.append(Finding(LIST_CHANGED, log=STANDARD_LISTS, detail=f"{name} is not in the log"))
        elif (row.items_kk, row.items_ru, row.items_en, row.source) != (
                logged.items_kk, logged.items_ru, logged.items_en, logged.source):
            findings.append(Finding(LIST_CHANGED, log=STANDARD_LISTS, detail=(
                f"{name} differs from its revision {logged.chain_position}")))
    for service, kind in sorted(last):
        findings.append(Finding(LIST_CHANGED, log=STANDARD_LISTS, detail=f"{service} {kind} is gone"))
    return count
