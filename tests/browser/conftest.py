"""Browser tests: the whole platform served over real HTTP, and headless Chromium driven by Playwright.

`server` is the platform on a fresh embedded database (module scope), with the registry simulator
on a free port (QYZMET_REGISTRY_URL) and the pages pointed at an NCALayer stand-in port
(QYZMET_NCALAYER_URL). `ncalayer` starts the stand-in there with a person's keys, issued by the
same test CA the server trusts:

    ncalayer("880314412019", usage="auth")                        # a demo citizen's login key
    ncalayer("791111432251", organization="wko-terekti")          # a clerk's signing key as staff
    ncalayer("871008401427", name="ТЕСТОВА АЙГЕРИМ", usage=("sign", "auth"))  # anyone, by name
    ncalayer("880314412019", cancel=True)                         # a person who presses Cancel

Each call replaces the stand-in's keys; the stand-in stops at the end of the test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
KEY_PASSWORD: Final = "stand-in-key-password"
QYZMET: Final = [sys.executable, "-m", "qyzmet"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    # Up to a minute: starting Django takes seconds on a busy machine (CI shares its cores).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass(frozen=True)
class Platform:
    """The running platform: its address, environment (temp var dir) and its neighbours' ports."""

    base_url: str
    env: dict[str, str]
    var: Path
    ncalayer_port: int
    registry_url: str


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The whole platform, set up on a fresh embedded database and served over real HTTP."""
    var = tmp_path_factory.mktemp("browser-var")
    registry_port, ncalayer_port, port = _free_port(), _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "QYZMET_VAR_DIR": str(var),
        "QYZMET_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
        "QYZMET_NCALAYER_URL": f"ws://127.0.0.1:{ncalayer_port}",
    }
    subprocess.run([*QYZMET, "setup", "--demo", "--quiet"], env=env, check=True, timeout=300)
    registries = subprocess.Popen([*QYZMET, "registries", "serve", "--port", str(registry_port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process = subprocess.Popen([*QYZMET, "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_port(registry_port, registries, "the registry simulator")
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield Platform(base, env, var, ncalayer_port, env["QYZMET_REGISTRY_URL"])
    finally:
        _stop(process)
        _stop(registries)


@pytest.fixture(scope="module")
def server(platform: Platform) -> str:
    """The platform's base URL (http://127.0.0.1:PORT)."""
    return platform.base_url


class NCALayerStandIn:
    """`qyzmet ncalayer serve` on the port the pages use, holding the keys of the person last asked for."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.url = platform.env["QYZMET_NCALAYER_URL"]
        self.folder = platform.var / "ncalayer-keys"
        self.folder.mkdir(exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None

    def __call__(self, iin: str, *, usage: str | Sequence[str] = "sign", organization: str = "",
                 name: str | None = None, cancel: bool = False) -> NCALayerStandIn:
        usages = (usage,) if isinstance(usage, str) else tuple(usage)
        files = [self.key_file(iin, purpose, organization=organization, name=name) for purpose in usages]
        self.stop()
        command = [*QYZMET, "ncalayer", "serve", "--password", KEY_PASSWORD,
                   "--port", str(self.platform.ncalayer_port)]
        for path in files:
            command += ["--p12", str(path)]
        if cancel:
            command.append("--cancel")
        self.process = subprocess.Popen(command, env=self.platform.env, stdout=subprocess.DEVNULL)
        _wait_for_port(self.platform.ncalayer_port, self.process, "the NCALayer stand-in")
        return self

    def key_file(self, iin: str, purpose: str, *, organization: str = "", name: str | None = None) -> Path:
        """The person's key file (issued by the server's test CA once per module, then reused)."""
        path = self.folder / f"{iin}-{organization or 'person'}-{purpose}{'-named' if name else ''}.p12"
        if path.exists():
            return path
        if name is not None:
            command = [*QYZMET, "pki", "issue", "--iin", iin, "--name", name, "--usage", purpose]
        else:
            command = [*QYZMET, "ncalayer", "demo-key", "--iin", iin, "--usage", purpose]
            if organization:
                command += ["--organization", organization]
        command += ["--out", str(path), "--password", KEY_PASSWORD]
        subprocess.run(command, env=self.platform.env, check=True, timeout=120, stdout=subprocess.DEVNULL)
        return path

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


@pytest.fixture
def ncalayer(platform: Platform) -> Iterator[NCALayerStandIn]:
    """Start the NCALayer stand-in for the pages: `ncalayer(iin, usage=..., organization=..., name=...)`."""
    stand_in = NCALayerStandIn(platform)
    yield stand_in
    stand_in.stop()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `make browser` (scripts/ensure-chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(locale="kk-KZ")
        yield context.new_page()
        context.close()
        browser.close()
