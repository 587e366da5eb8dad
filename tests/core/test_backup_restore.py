"""docs/operations.md's backup and restore, done as written: `pg_dump -Fc` of a demo database, `pg_restore`
into a fresh one, every case back and `qyzmet audit verify` passing on the restored copy."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.faults.support import QYZMET, environment, run

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SERVICE = "wko-2019-school-transport"  # every channel, and the cases in every state the demo adds
SNAPSHOT = ("select c.number, c.status, c.channel, count(e.id), max(e.hash) from cases_case c "
            "left join cases_caseevent e on e.case_id = c.id group by c.id order by c.number")


def _server() -> tuple[str, str]:
    """The host and port of DATABASE_URL's PostgreSQL, else the machine's at 127.0.0.1:5432; skip if none answers."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url) if url.startswith(("postgres://", "postgresql://")) else urlsplit("postgresql://127.0.0.1")
    host, port = parts.hostname or "127.0.0.1", str(parts.port or 5432)
    ready = subprocess.run([_tool("pg_isready"), "-h", host, "-p", port, "-q"], check=False, timeout=30)
    if ready.returncode != 0:
        pytest.skip(f"no PostgreSQL answers at {host}:{port}")
    return host, port


def _tool(name: str) -> str:
    found = shutil.which(name) or f"/usr/lib/postgresql/15/bin/{name}"
    if not Path(found).exists():
        pytest.skip(f"{name} is not installed")
    return found


def _psql(host: str, port: str, database: str, sql: str) -> list[str]:
    done = subprocess.run([_tool("psql"), "-h", host, "-p", port, "-U", "postgres", "-d", database, "-tA", "-c", sql],
                          capture_output=True, text=True, check=True, timeout=120)
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture
def databases() -> Iterator[tuple[str, str, str, str]]:
    host, port = _server()
    names = (f"qyzmet_ops_backup_{os.getpid()}", f"qyzmet_ops_restored_{os.getpid()}")
    for name in names:
        subprocess.run([_tool("dropdb"), "-h", host, "-p", port, "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run([_tool("createdb"), "-h", host, "-p", port, "-U", "postgres", name], check=True)
    yield host, port, *names
    for name in names:
        subprocess.run([_tool("dropdb"), "-h", host, "-p", port, "-U", "postgres", "--if-exists", name], check=False)


def test_a_restored_backup_gives_back_every_case_and_passes_the_audit(databases: tuple[str, str, str, str],
                                                                      tmp_path: Path) -> None:
    # given: a demo database with cases in every state
    host, port, source, restored = databases
    source_url = f"postgresql://postgres@{host}:{port}/{source}"
    restored_url = f"postgresql://postgres@{host}:{port}/{restored}"
    env = environment(tmp_path, source_url)
    run([*QYZMET, "demo", "--database", source_url, "--service", SERVICE], env, timeout=900)
    before = _psql(host, port, source, SNAPSHOT)
    assert len(before) >= 5

    # when: backed up and restored into a fresh database, as docs/operations.md says
    dump = tmp_path / "qyzmet.dump"
    subprocess.run([_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(dump), source_url], check=True, timeout=300)
    subprocess.run([_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", restored_url, str(dump)],
                   check=True, timeout=300)

    # then: every case is back with its whole event chain, and the audit passes on the copy
    assert _psql(host, port, restored, SNAPSHOT) == before
    verified = run([*QYZMET, "audit", "verify"], environment(tmp_path, restored_url))
    assert verified.strip().startswith(f"intact: {len(before)} case(s)")
    # and the audit would notice a broken chain in the copy (so its passing means something)
    _psql(host, port, restored, "update cases_caseevent set data = '{\"tampered\": true}' "
                                "where id = (select min(id) from cases_caseevent)")
    broken = subprocess.run([*QYZMET, "audit", "verify"], env=environment(tmp_path, restored_url),
                            capture_output=True, text=True, timeout=300, check=False)
    assert broken.returncode == 1 and "1 finding(s)" in broken.stderr and "content changed" in broken.stdout
