"""Real processes on 127.0.0.1 for the fault tests: `qyzmet serve`, the registry simulator, a worker.

Everything runs as its own OS process with its own environment (a temporary var folder and a
database URL), so the tests can kill it with SIGKILL and start it again; the test process talks
to it over HTTP and reads the database directly (sqlite3 or psycopg).
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from qyzmet.signatures import cms, pki

ROOT = Path(__file__).resolve().parents[2]
QYZMET = [sys.executable, "-m", "qyzmet"]
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def environment(var_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The processes' environment: this checkout's code, a private var folder, the given database."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("QYZMET_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(QYZMET_VAR_DIR=str(var_dir), DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="qyzmet.settings",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]), QYZMET_TASKS_BACKEND="database",
               QYZMET_LOG_LEVEL="WARNING", **extra)
    return env


def run(command: list[str], env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-3000:])
    return done.stdout


def wait_until(probe: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=2)
    except httpx.TransportError:
        return False
    return True


class Process:
    """A child process that can be killed with SIGKILL and started again with the same command."""

    def __init__(self, command: list[str], env: dict[str, str], *, ready_url: str | None = None,
                 log: Path | None = None) -> None:
        self.command, self.env, self.ready_url, self.log = command, env, ready_url, log
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self, *, timeout: float = 90) -> Process:
        output: Any = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=output, stderr=output)
        if self.ready_url:
            url = self.ready_url

            def ready() -> bool:
                assert self.process is not None and self.process.poll() is None, f"{self.command} exited"
                return answers(url)

            wait_until(ready, timeout=timeout, what=f"{' '.join(self.command[2:4])} to answer")
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flush, as a crashed machine or the OOM killer would."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def retried(call: Callable[[], httpx.Response], *, timeout: float = 120, pause: float = 0.2) -> httpx.Response:
    """What a careful client does: the same request again after a lost connection or a 5xx, until 2xx–4xx."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = call()
            if response.status_code < 500:
                return response
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the server did not come back"
        time.sleep(pause)


def key_load(path: Path) -> pki.KeyBundle:
    return pki.pkcs12_load(path.read_bytes(), password="demo-key-password")


def sign_b64(bundle: pki.KeyBundle, content_b64: str) -> str:
    content = base64.b64decode(content_b64)
    signature = cms.cms_sign(content, key=bundle.key, certificate=bundle.certificate, chain=bundle.chain,
                             signing_time=datetime.now(UTC))
    return base64.b64encode(signature).decode("ascii")


def demo_key(env: dict[str, str], iin: str, organization_code: str = "") -> pki.KeyBundle:
    """The person's demo key, issued by the server's test CA (in its var folder) and registered in its database."""
    path = run([sys.executable, "-m", "tests.faults.make_key", iin, organization_code], env).strip().splitlines()[-1]
    return key_load(Path(path))


def page_login(http: httpx.Client, base: str, iin: str, password: str) -> None:
    """Log in on the pages with IIN and password (the form, its CSRF token and the session cookie)."""
    import re

    form = retried(lambda: http.get(f"{base}/ru/login/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token is not None, form.text[:500]
    done = http.post(f"{base}/ru/login/", data={"username": iin, "password": password,
                                                 "csrfmiddlewaretoken": token.group(1)},
                     headers={"Referer": f"{base}/ru/login/"}, follow_redirects=False)
    assert done.status_code == 302, (done.status_code, done.text[:500])
