"""`qyzmet setup` is idempotent and `qyzmet serve` serves the landing page over real HTTP."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

QYZMET = [sys.executable, "-m", "qyzmet"]


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["QYZMET_VAR_DIR"] = str(var_dir)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.mark.slow
def test_setup_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    # given
    subprocess.run([*QYZMET, "setup", "--demo", "--quiet"], env=_env(tmp_path), check=True, timeout=300)
    before = _counts(tmp_path / "qyzmet.sqlite3")

    # when
    subprocess.run([*QYZMET, "setup", "--demo", "--quiet"], env=_env(tmp_path), check=True, timeout=300)

    # then
    after = _counts(tmp_path / "qyzmet.sqlite3")
    assert after == before
    assert before["catalog_service"] == 26 + 1  # the seed services and the complaint definition (ADR 0012)
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_serve_answers_with_the_landing_page(tmp_path: Path) -> None:
    # given
    subprocess.run([*QYZMET, "setup", "--demo", "--quiet"], env=_env(tmp_path), check=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen(
        [*QYZMET, "serve", "--port", str(port)], env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        # when
        response = None
        for _ in range(100):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/ru/", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)

        # then
        assert response is not None and response.status_code == 200
        assert "Выдача справок по опеке и попечительству" in response.text
        css = httpx.get(f"http://127.0.0.1:{port}/static/web/site.css", timeout=5)
        assert css.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
