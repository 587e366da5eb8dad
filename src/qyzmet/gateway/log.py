"""What the chained gateway message log records about a message (pure functions over the models).

An entry names hashes, not copies: the request envelope's and the answer envelope's SHA-256
over their canonical JSON, with the fields that say who asked whom about whom and why.
`qyzmet audit verify` recomputes the same contents from the GatewayMessage rows.
"""

from __future__ import annotations

import hashlib
from typing import Any

from qyzmet.audit.chain import canonical_bytes
from qyzmet.gateway.models import GatewayMessage, MessageLogEntry


def envelope_hash(envelope: Any) -> str:
    """SHA-256 of an envelope's canonical JSON; empty for none."""
    return hashlib.sha256(canonical_bytes(envelope)).hexdigest() if envelope is not None else ""


def message_request_content(message: GatewayMessage) -> dict[str, Any]:
    return {
        "request": envelope_hash(message.request), "registry": message.registry, "service": message.service_id,
        "sender": message.sender_id, "channel": message.channel, "subject_iin": message.subject_iin,
        "subject_bin": message.subject_bin, "actor": message.actor_iin,
        "organization": message.organization_id, "purpose": message.purpose, "reference": message.reference,
        "created_at": canonical_bytes(message.created_at).decode("utf-8").strip('"'),
    }


def message_outcome_content(message: GatewayMessage) -> dict[str, Any]:
    return {"status": message.status, "outcome": message.outcome, "answer": envelope_hash(message.answer),
            "error": message.error}


def message_log_payload(entry: MessageLogEntry) -> dict[str, Any]:
    """What an entry's chain hash covers."""
    return {"message": entry.message_id, "kind": entry.kind, "content": entry.content, "at": entry.at}
