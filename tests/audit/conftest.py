"""A kept demo database (`qyzmet demo --database …`), edited by hand with sqlite3 or psql, then verified.

Everything goes through the real command line in subprocesses: the demo, `qyzmet audit checkpoint`,
the editing tool and `qyzmet audit verify --json`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

QYZMET = [sys.executable, "-m", "qyzmet"]
# One service whose channels include the State Corporation (registry look-ups through the
# gateway, so personal-data and message log rows) and end with issued, refused and open cases.
SERVICE = "karaganda-2015-unemployed-certificate"


@dataclass(frozen=True)
class Demo:
    url: str
    var: Path

    def env(self, url: str | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "QYZMET_VAR_DIR"}}
        return {**env, "DATABASE_URL": url or self.url, "QYZMET_VAR_DIR": str(self.var)}

    def qyzmet(self, *arguments: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*QYZMET, *arguments], env=self.env(url), capture_output=True, text=True, timeout=600)

    def verify(self, url: str | None = None) -> tuple[int, dict[str, Any]]:
        done = self.qyzmet("audit", "verify", "--json", url=url)
        assert done.returncode in (0, 1), done.stderr
        return done.returncode, json.loads(done.stdout)


def demo_build(url: str, var: Path) -> Demo:
    demo = Demo(url=url, var=var)
    built = demo.qyzmet("demo", "--service", SERVICE, "--database", url)
    assert built.returncode == 0, built.stderr[-2000:]
    signed = demo.qyzmet("audit", "checkpoint")
    assert signed.returncode == 0, signed.stderr
    return demo


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("audit-demo")
    return demo_build(f"sqlite:///{folder / 'demo.sqlite3'}", folder / "var")


@pytest.fixture
def sqlite_copy(sqlite_demo: Demo, tmp_path: Path) -> tuple[Demo, Path]:
    """A fresh copy of the kept demo database for one test to edit."""
    source = Path(sqlite_demo.url.removeprefix("sqlite:///"))
    copy = tmp_path / "edited.sqlite3"
    shutil.copy(source, copy)
    return Demo(url=f"sqlite:///{copy}", var=sqlite_demo.var), copy


def sqlite3_run(path: Path, sql: str) -> str:
    """Run `sql` with the sqlite3 command-line tool, as a person editing the file would."""
    done = subprocess.run(["sqlite3", "-batch", str(path)], input=sql, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()
