"""PostgreSQL crashed and started again under load: 503 with Retry-After while it is down, and the
server recovers by itself (no restart of `qyzmet serve`) when it is back."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.faults.private_postgres import PrivatePostgres, binaries_missing
from tests.faults.support import QYZMET, Process, environment, free_port, run

pytestmark = [pytest.mark.slow, pytest.mark.fault, pytest.mark.postgres]

SERVICE = "wko-2019-school-transport"
PATHS = ("/ru/", f"/api/v1/services/{SERVICE}/providers")  # both read the database


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    if problem := binaries_missing():
        pytest.skip(problem)
    server = PrivatePostgres(free_port()).init()
    server.start()
    try:
        yield server
    finally:
        server.close()


def test_database_down_answers_503_with_retry_after_and_recovers_alone(postgres: PrivatePostgres,
                                                                       tmp_path: Path) -> None:
    # given: the platform on the private PostgreSQL, keeping connections between requests
    postgres.createdb("qyzmet")
    env = environment(tmp_path, postgres.url("qyzmet"), DATABASE_CONN_MAX_AGE="60")
    run([*QYZMET, "setup", "--quiet"], env)
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    server = Process([*QYZMET, "serve", "--port", str(port), "--threads", "4"], env, ready_url=f"{site}{PATHS[1]}",
                     log=tmp_path / "serve.log").start()
    assert server.process is not None
    pid = server.process.pid
    answers: list[tuple[float, str, int, str | None]] = []  # (when, phase, status, Retry-After)
    phase = ["up"]
    stop = threading.Event()

    def load(index: int) -> None:
        with httpx.Client(timeout=10) as client:
            while not stop.is_set():
                path = PATHS[index % len(PATHS)]
                before = phase[0]
                try:
                    response = client.get(f"{site}{path}")
                    status, retry = response.status_code, response.headers.get("Retry-After")
                except httpx.TransportError as error:
                    status, retry = -1, type(error).__name__
                # A request counts for a phase only when it started and ended in it.
                seen = before if phase[0] == before else "between"
                answers.append((time.monotonic(), seen, status, retry))
                time.sleep(0.02)

    threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(4)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2)
        # when: PostgreSQL crashes and stays down for a while
        phase[0] = "going-down"
        postgres.crash()
        phase[0] = "down"
        time.sleep(3)
        down_health = httpx.get(f"{site}/health/", timeout=10)
        # and comes back
        phase[0] = "coming-back"
        postgres.start()
        back_at = time.monotonic()
        phase[0] = "back"
        recovered_in = None
        while time.monotonic() - back_at < 30:
            if all(httpx.get(f"{site}{path}", timeout=10).status_code == 200 for path in PATHS):
                recovered_in = time.monotonic() - back_at
                break
            time.sleep(0.1)
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        alive = server.process.poll() is None
        server.stop()

    # then: the same server process answered throughout, never with a 500 or a dropped connection
    assert alive and server.process.pid == pid
    statuses = {status for _, _, status, _ in answers}
    assert statuses <= {200, 503}, sorted(statuses)
    up = [a for a in answers if a[1] == "up"]
    down = [a for a in answers if a[1] == "down"]
    assert up and all(status == 200 for _, _, status, _ in up)
    # while it was down: 503 with Retry-After, every time
    assert len(down) >= 10 and all(status == 503 and retry == "30" for _, _, status, retry in down), down[:5]
    assert down_health.status_code == 503 and down_health.json()["checks"]["database"]["status"] == "fail"
    # it recovered by itself, and the last two seconds were all 200
    assert recovered_in is not None and recovered_in < 30
    last = [a for a in answers if a[0] > answers[-1][0] - 1.5]
    assert last and all(status == 200 for _, _, status, _ in last)
    print(f"{len(answers)} requests; {len(down)} answered 503 while down; recovered in {recovered_in:.2f} s")
