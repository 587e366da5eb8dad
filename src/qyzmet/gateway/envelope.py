"""Gateway messages as JSON envelopes, shaped after ШЭП's SyncChannel / AsyncChannel (kz-egov.md 3).

A request:

    {"messageInfo": {"messageId", "correlationId", "serviceId", "messageType", "messageDate", "senderId"},
     "messageData": {"data": <payload>},
     "signature": <base64 detached CMS over canonical_json({"messageInfo": …, "data": payload})>}

The request's signature covers its message id, date, sender and service with the payload
(`request_signed_content`); a re-send is dated and signed again (`request_resign`).

An answer carries `responseInfo` {messageId, correlationId (= the request's messageId),
responseDate, senderId, status {code, message}} and `responseData` {data}, signed the same way by
the registry. A refused request gets `errorInfo` {errorCode, errorMessage, errorDate}.

The payload of an answer repeats the request's id in `header.requestId`, so a signed answer
cannot be replayed as the answer to another request. Pure Python, no Django.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from qyzmet.signatures.canonical import canonical_json

REQUEST: Final = "REQUEST"
RESPONSE: Final = "RESPONSE"

# Async delivery states (MessageState of the AsyncChannel).
ON_DELIVERY: Final = "ON_DELIVERY"
DELIVERED: Final = "DELIVERED"
NOT_DELIVERED: Final = "NOT_DELIVERED"
DELIVERY_STOPPED: Final = "DELIVERY_STOPPED"
DELIVERY_STATES: Final = frozenset({ON_DELIVERY, DELIVERED, NOT_DELIVERED, DELIVERY_STOPPED})

# messageResult codes in an answer's header. "00000" is the real gateway's success code; the
# not-found code is the simulator's convention (no public source shows the real one).
RESULT_OK: Final = "00000"
RESULT_NOT_FOUND: Final = "00001"
RESULT_TEXTS: Final = {
    RESULT_OK: "Сообщение успешно обработано",
    RESULT_NOT_FOUND: "Данные не найдены",
}

# Envelope status codes and error codes.
STATUS_OK: Final = "OK"
ERROR_BAD_REQUEST: Final = "BAD_REQUEST"
ERROR_SIGNATURE: Final = "SIGNATURE_INVALID"
ERROR_UNKNOWN_SERVICE: Final = "UNKNOWN_SERVICE"
ERROR_UNAVAILABLE: Final = "SERVICE_UNAVAILABLE"
ERROR_NOT_FOUND: Final = "MESSAGE_NOT_FOUND"
ERROR_STALE: Final = "STALE_REQUEST"
ERROR_REPLAYED: Final = "REPLAYED_REQUEST"

NOT_AN_OBJECT: Final = "the envelope is not a JSON object"
MISSING_PART: Final = "the envelope has no {part}"
MISSING_FIELD: Final = "{part} has no {field}"
BAD_SIGNATURE_ENCODING: Final = "the signature is not base64"
NOT_SIGNABLE: Final = "{part}.data cannot be signed as canonical JSON: {error}"

Signer = Callable[[bytes, datetime], bytes]


class EnvelopeError(ValueError):
    """The JSON is not a well-formed gateway envelope."""


@dataclass(frozen=True)
class Request:
    """A request read from its envelope."""

    message_id: str
    correlation_id: str | None
    service_id: str
    message_type: str
    message_date: str
    sender_id: str
    data: dict[str, Any]
    signature: bytes | None

    @property
    def signed_content(self) -> bytes:
        return request_signed_content(
            message_id=self.message_id, correlation_id=self.correlation_id, service_id=self.service_id,
            message_type=self.message_type, message_date=self.message_date, sender_id=self.sender_id, data=self.data,
        )


def request_signed_content(
    *, message_id: str, correlation_id: str | None, service_id: str, message_type: str, message_date: str,
    sender_id: str, data: dict[str, Any],
) -> bytes:
    """What a request's signature covers: its id, date, sender and service as well as the payload.

    So a captured signature cannot be moved to another message id, date, sender or service.
    """
    return canonical_json({
        "messageInfo": {"messageId": message_id, "correlationId": correlation_id, "serviceId": service_id,
                        "messageType": message_type, "messageDate": message_date, "senderId": sender_id},
        "data": data,
    })


@dataclass(frozen=True)
class Answer:
    """An answer read from its envelope."""

    message_id: str
    correlation_id: str | None
    response_date: str
    sender_id: str
    status_code: str
    status_message: str
    data: dict[str, Any]
    signature: bytes | None

    @property
    def signed_content(self) -> bytes:
        return canonical_json(self.data)

    @property
    def request_id(self) -> str | None:
        """The request id the signed payload names (header.requestId)."""
        header = self.data.get("header")
        return str(header.get("requestId")) if isinstance(header, dict) and header.get("requestId") else None

    @property
    def result_code(self) -> str | None:
        header = self.data.get("header")
        result = header.get("messageResult") if isinstance(header, dict) else None
        return str(result.get("code")) if isinstance(result, dict) and result.get("code") else None


def message_id_new() -> str:
    """A fresh message id (a UUID, as the gateway uses)."""
    return str(uuid.uuid4())


def request_build(
    *, service_id: str, data: dict[str, Any], sender_id: str, message_date: datetime, sign: Signer,
    message_id: str | None = None, correlation_id: str | None = None, message_type: str = REQUEST,
) -> dict[str, Any]:
    """A signed request envelope; the signature covers the message info and the payload."""
    info = {
        "messageId": message_id or message_id_new(),
        "correlationId": correlation_id,
        "serviceId": service_id,
        "messageType": message_type,
        "messageDate": message_date.isoformat(),
        "senderId": sender_id,
    }
    signature = sign(_info_signed_content(info, data), message_date)
    return {"messageInfo": info, "messageData": {"data": data},
            "signature": base64.b64encode(signature).decode("ascii")}


def _info_signed_content(info: dict[str, Any], data: dict[str, Any]) -> bytes:
    return request_signed_content(
        message_id=info["messageId"], correlation_id=info.get("correlationId"), service_id=info["serviceId"],
        message_type=info["messageType"], message_date=info["messageDate"], sender_id=info["senderId"], data=data,
    )


def request_resign(request: dict[str, Any], *, sign: Signer, message_date: datetime) -> dict[str, Any]:
    """The same request (same message id) dated `message_date` and signed again: how a re-send goes out.

    A gateway that refuses a replayed envelope still takes a re-send, and one that remembers the
    message id answers it once.
    """
    info = {**request["messageInfo"], "messageDate": message_date.isoformat()}
    data = request["messageData"]["data"]
    signature = sign(_info_signed_content(info, data), message_date)
    return {"messageInfo": info, "messageData": {"data": data},
            "signature": base64.b64encode(signature).decode("ascii")}


def answer_build(
    *, request: Request, data: dict[str, Any], sender_id: str, response_date: datetime, sign: Signer | None,
    status_code: str = STATUS_OK, status_message: str = "",
) -> dict[str, Any]:
    """An answer envelope to `request`; unsigned when `sign` is None (only a forger sends those)."""
    signature = sign(canonical_json(data), response_date) if sign is not None else None
    envelope: dict[str, Any] = {
        "responseInfo": {
            "messageId": message_id_new(),
            "correlationId": request.message_id,
            "responseDate": response_date.isoformat(),
            "senderId": sender_id,
            "status": {"code": status_code, "message": status_message[:250]},
        },
        "responseData": {"data": data},
    }
    if signature is not None:
        envelope["signature"] = base64.b64encode(signature).decode("ascii")
    return envelope


def error_build(*, code: str, message: str, at: datetime) -> dict[str, Any]:
    """The errorInfo body of a refused request."""
    return {"errorInfo": {"errorCode": code, "errorMessage": message[:250], "errorDate": at.isoformat()}}


def request_parse(envelope: Any) -> Request:
    """Read a request envelope; EnvelopeError when a part or field is missing or the data has no canonical form."""
    info = _part(envelope, "messageInfo")
    data = _signable(_part(_part(envelope, "messageData"), "data", where="messageData"), "messageData")
    return Request(
        message_id=_field(info, "messageId", "messageInfo"),
        correlation_id=info.get("correlationId") or None,
        service_id=_field(info, "serviceId", "messageInfo"),
        message_type=str(info.get("messageType") or REQUEST),
        message_date=_field(info, "messageDate", "messageInfo"),
        sender_id=_field(info, "senderId", "messageInfo"),
        data=data,
        signature=_signature(envelope),
    )


def answer_parse(envelope: Any) -> Answer:
    """Read an answer envelope; EnvelopeError when a part or field is missing or the data has no canonical form."""
    info = _part(envelope, "responseInfo")
    status = _part(info, "status", where="responseInfo")
    data = _signable(_part(_part(envelope, "responseData"), "data", where="responseData"), "responseData")
    return Answer(
        message_id=_field(info, "messageId", "responseInfo"),
        correlation_id=info.get("correlationId") or None,
        response_date=_field(info, "responseDate", "responseInfo"),
        sender_id=_field(info, "senderId", "responseInfo"),
        status_code=_field(status, "code", "status"),
        status_message=str(status.get("message") or ""),
        data=data,
        signature=_signature(envelope),
    )


def _part(container: Any, name: str, *, where: str = "") -> dict[str, Any]:
    if not isinstance(container, dict):
        raise EnvelopeError(NOT_AN_OBJECT)
    part = container.get(name)
    if not isinstance(part, dict):
        raise EnvelopeError(MISSING_FIELD.format(part=where, field=name) if where else MISSING_PART.format(part=name))
    return part


def _signable(data: dict[str, Any], where: str) -> dict[str, Any]:
    """The data, once it is known to have a canonical form: JSON allows NaN and lone surrogates, a signature not."""
    try:
        canonical_json(data)
    except ValueError as error:  # NaN or Infinity; UnicodeEncodeError (a lone surrogate) is a ValueError too
        raise EnvelopeError(NOT_SIGNABLE.format(part=where, error=error)) from error
    return data


def _field(part: dict[str, Any], name: str, where: str) -> str:
    value = part.get(name)
    if not isinstance(value, str) or not value:
        raise EnvelopeError(MISSING_FIELD.format(part=where, field=name))
    return value


def _signature(envelope: dict[str, Any]) -> bytes | None:
    encoded = envelope.get("signature")
    if not encoded:
        return None
    try:
        return base64.b64decode(str(encoded), validate=True)
    except (binascii.Error, ValueError) as error:
        raise EnvelopeError(BAD_SIGNATURE_ENCODING) from error
