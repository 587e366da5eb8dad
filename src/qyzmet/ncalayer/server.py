"""The stand-in's WebSocket server: one thread per connection, one request answered at a time."""

from __future__ import annotations

import json
import logging
from typing import Final

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from qyzmet.ncalayer.protocol import StandIn

# Result documents are signed whole (PDF bytes in base64), so frames may be large.
MAX_MESSAGE_BYTES: Final = 64 * 1024 * 1024
NOT_JSON: Final = "the request is not JSON"

logger = logging.getLogger(__name__)


def standin_server(stand_in: StandIn, *, host: str, port: int) -> Server:
    """A listening server (not yet serving); call `serve_forever()` and, from another thread, `shutdown()`."""

    def handle(connection: ServerConnection) -> None:
        connection.send(json.dumps(stand_in.greeting()))
        try:
            for message in connection:
                connection.send(json.dumps(_answer(stand_in, message), ensure_ascii=False))
        except ConnectionClosed:
            return

    return serve(handle, host, port, max_size=MAX_MESSAGE_BYTES, compression=None, logger=logger)


def _answer(stand_in: StandIn, message: str | bytes) -> dict[str, object]:
    try:
        request = json.loads(message)
        # "\ud800" is valid JSON but no text: echoed back in an error, it could not be sent
        json.dumps(request, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # not JSON, a lone surrogate, or nested past Python's recursion limit
        return {"status": False, "code": "BAD_REQUEST", "message": NOT_JSON, "details": ""}
    return stand_in.answer(request)
