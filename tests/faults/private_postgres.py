"""A private PostgreSQL server for the fault tests: its own data folder, port and socket, stopped and
started at will (`pg_ctl stop -m immediate` is a crash), never the machine's shared one.

Run as the `postgres` user when the tests run as root (initdb refuses root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Final

BIN_DIR: Final = Path(os.environ.get("QYZMET_PG_BIN", "/usr/lib/postgresql/15/bin"))


def binaries_missing() -> str | None:
    missing = [name for name in ("initdb", "pg_ctl", "postgres") if not (BIN_DIR / name).exists()]
    return f"PostgreSQL server binaries not found in {BIN_DIR}: {', '.join(missing)}" if missing else None


class PrivatePostgres:
    def __init__(self, port: int) -> None:
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="qyzmet-pg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"{command}: {done.stdout[-1500:]} {done.stderr[-1500:]}")
        return done

    def init(self) -> PrivatePostgres:
        self._run(str(BIN_DIR / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale", "C.UTF-8")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(BIN_DIR / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "start")

    def crash(self) -> None:
        """Stop at once, as a power cut would: no checkpoint, connections dropped."""
        self._run(str(BIN_DIR / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def createdb(self, name: str) -> None:
        self._run(str(BIN_DIR / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def close(self) -> None:
        self._run(str(BIN_DIR / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
