"""Where the benchmarks run: their own PostgreSQL database and var/ folder, and the processes they start.

The database is `qyzmet_bench` on the server `DATABASE_URL` names (never the tests' databases),
dropped and made again by each benchmark that needs a fresh one; the test CA and demo keys live
in var/bench/. Django is only ever set up in child processes, with this environment.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit, urlunsplit

import httpx

PROJECT_DIR: Final = Path(__file__).resolve().parent.parent
RESULTS_DIR: Final = PROJECT_DIR / "bench" / "results"
VAR_DIR: Final = PROJECT_DIR / "var" / "bench"
BENCH_DATABASE: Final = "qyzmet_bench"
DEFAULT_SERVER: Final = "postgresql://postgres@127.0.0.1:5432/postgres"


def bench_database_url(url: str | None, name: str = BENCH_DATABASE) -> str:
    """`url` (a PostgreSQL URL) with its database replaced by `name`; refuses anything but PostgreSQL."""
    parts = urlsplit(url or DEFAULT_SERVER)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"the benchmarks need PostgreSQL; DATABASE_URL is {parts.scheme}://…")
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def database_recreate(url: str) -> None:
    """Drop and create the database `url` names, connected to the server's `postgres` database."""
    import psycopg

    name = database_name(url)
    if not name.startswith(BENCH_DATABASE):
        raise ValueError(f"refusing to recreate {name!r}: only {BENCH_DATABASE}* databases are the benchmarks'")
    with psycopg.connect(bench_database_url(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def database_ensure(database_url: str) -> None:
    """Set the benchmark database up (catalogue and demo); a database an earlier run left is brought up to
    this code's migrations and catalogue (setup is idempotent), and recreated when that fails."""
    import psycopg

    setup = python("-m", "qyzmet.cli", "setup", "--demo", "--quiet")
    try:
        with psycopg.connect(database_url) as connection:
            ready = connection.execute("SELECT to_regclass('public.cases_case') IS NOT NULL").fetchone()
            kept = bool(ready and ready[0] and connection.execute("SELECT count(*) FROM identity_user").fetchone()[0])
    except psycopg.OperationalError:
        kept = False
    if kept:
        try:
            run(setup, bench_env(database_url))
            return
        except subprocess.CalledProcessError:
            print("benchmarks: the kept database could not be brought up to date; recreating it", file=sys.stderr)
    database_recreate(database_url)
    run(setup, bench_env(database_url))


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of the processes a benchmark starts."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "QYZMET_VAR_DIR": str(VAR_DIR),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR / "src"), str(PROJECT_DIR),
                                                    os.environ.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": "qyzmet.settings",
    })
    env.update(extra)
    return env


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def run(command: Sequence[str], env: Mapping[str, str], *, capture: bool = False) -> str:
    """Run a command to its end; its output when `capture`. Raises CalledProcessError on failure."""
    done = subprocess.run(list(command), env=dict(env), check=True, text=True,
                          stdout=subprocess.PIPE if capture else None)
    return done.stdout if capture else ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (from /proc)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(item) for item in text.split()]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (its finished children not counted); 0 when gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its direct children (a gunicorn parent and its workers)."""
    return cpu_seconds(pid) + sum(cpu_seconds(child) for child in children(pid))


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM) in MiB; NaN when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str], *, timeout: float = 20.0) -> None:
    """Ask a process we started to stop (SIGTERM), then kill it if it does not."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
