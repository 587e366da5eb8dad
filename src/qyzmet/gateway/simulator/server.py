"""The simulator as an HTTP service on the standard library's ThreadingHTTPServer.

Gateway endpoints:
  POST /sync                        a request envelope; the signed answer
  POST /async/send                  a request envelope; {"messageId", "status": "ON_DELIVERY"}
  GET  /async/status/<messageId>    {"messageId", "status"}: ON_DELIVERY / DELIVERED / NOT_DELIVERED
  GET  /async/messages/<messageId>  the signed answer once DELIVERED
Control endpoints (answer even when the registry is "down"):
  GET  /admin/health                the fault mode and the data's size
  POST /admin/fault                 {"mode": "none|slow|fail|down|unsigned|forged|tampered|wrong_person", "delay": 2.0}
  GET  /admin/stats                 requests, repeats, and how often each message id was acted on
  POST /admin/reset                 forget messages and statistics, clear the fault
  GET  /admin/certificates          each registry's signing certificate (PEM)
Listens on 127.0.0.1 by default: the control endpoints have no authentication.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from qyzmet.gateway.simulator.registry import RegistrySimulator, Reply, certificate_pems

ASYNC_STATUS_PREFIX: Final = "/async/status/"
ASYNC_MESSAGE_PREFIX: Final = "/async/messages/"
NO_ROUTE: Final = "no endpoint {method} {path}"
BAD_CONTROL: Final = "bad control request: {error}"
MAX_BODY: Final = 1_000_000


def _handler_for(simulator: RegistrySimulator, *, verbose: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "QyzmetRegistrySimulator/1.0"

        def do_POST(self) -> None:
            body = self._body()
            path = self.path.split("?")[0].rstrip("/")
            if path == "/sync":
                self._reply(simulator.sync(body))
            elif path == "/async/send":
                self._reply(simulator.async_send(body))
            elif path == "/admin/fault":
                self._control_fault(body)
            elif path == "/admin/reset":
                simulator.reset()
                self._json(200, simulator.state())
            else:
                self._json(404, {"error": NO_ROUTE.format(method="POST", path=path)})

        def do_GET(self) -> None:
            path = self.path.split("?")[0].rstrip("/")
            if path.startswith(ASYNC_STATUS_PREFIX):
                self._reply(simulator.async_status(path.removeprefix(ASYNC_STATUS_PREFIX)))
            elif path.startswith(ASYNC_MESSAGE_PREFIX):
                self._reply(simulator.async_message(path.removeprefix(ASYNC_MESSAGE_PREFIX)))
            elif path == "/admin/health":
                self._json(200, simulator.state())
            elif path == "/admin/stats":
                self._json(200, simulator.stats())
            elif path == "/admin/certificates":
                self._json(200, certificate_pems(simulator.credentials))
            else:
                self._json(404, {"error": NO_ROUTE.format(method="GET", path=path)})

        def _body(self) -> bytes:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
            return self.rfile.read(length) if length else b""

        def _control_fault(self, body: bytes) -> None:
            try:
                data = json.loads(body or b"{}")
                delay = data.get("delay")
                self._json(200, simulator.fault_set(str(data.get("mode", "none")),
                                                    float(delay) if delay is not None else None))
            except (ValueError, TypeError, AttributeError) as error:
                self._json(400, {"error": BAD_CONTROL.format(error=error)})

        def _reply(self, reply: Reply) -> None:
            if reply.drop:
                self.close_connection = True  # no answer at all: the caller sees a dropped connection
                return
            if reply.delay:
                time.sleep(reply.delay)
            self._send(reply.status, reply.content())

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))

        def _send(self, status: int, content: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the caller gave up waiting (a slow answer after its timeout)

        def log_message(self, format: str, *args: Any) -> None:
            if verbose:
                sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    return Handler


class SimulatorServer:
    """The simulator listening on host:port (port 0: any free port), in the foreground or a thread."""

    def __init__(self, simulator: RegistrySimulator, *, host: str = "127.0.0.1", port: int = 0,
                 verbose: bool = False) -> None:
        self.simulator = simulator
        self.httpd = ThreadingHTTPServer((host, port), _handler_for(simulator, verbose=verbose))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.httpd.server_address[0]!s}:{self.port}"

    def start(self) -> SimulatorServer:
        """Serve in a background thread (tests); returns self."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="registry-simulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the foreground until interrupted (the CLI)."""
        try:
            self.httpd.serve_forever()
        finally:
            self.httpd.server_close()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
