"""kill -9 of the web server, again and again, during a stream of signed portal submissions.

Each application is prepared with an Idempotency-Key and submitted with the applicant's EDS
signature; the client sends the same request again after every lost connection, as the API asks
clients to. In the end every key has exactly one case, and no case exists twice.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from qyzmet.identity.demo import CITIZENS, DEMO_PASSWORD
from tests.faults.support import QYZMET, Process, demo_key, environment, free_port, retried, run, sign_b64

pytestmark = [pytest.mark.slow, pytest.mark.fault]

SERVICE = "wko-2019-school-transport"
SUBMISSIONS = 24
KILLS = 5


def _rows(database: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(sql, params).fetchall()


def test_every_submission_answered_with_success_exists_exactly_once_after_repeated_kill_9(tmp_path: Path) -> None:
    # given: a demo platform on a SQLite file, served by `qyzmet serve` on a free port
    database = tmp_path / "qyzmet.sqlite3"
    env = environment(tmp_path, f"sqlite:///{database}")
    run([*QYZMET, "setup", "--demo", "--quiet"], env)
    applicant = CITIZENS[0]
    key = demo_key(env, applicant.iin)
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    server = Process([*QYZMET, "serve", "--port", str(port), "--threads", "4"], env,
                     ready_url=f"{base}/services", log=tmp_path / "serve.log").start()
    http = httpx.Client(timeout=20)
    stop = threading.Event()

    def killer() -> None:
        chance = random.Random(20261201)
        while server.kills < KILLS and not stop.wait(chance.uniform(0.4, 1.6)):
            server.kill()
            server.start()

    try:
        token = retried(lambda: http.post(f"{base}/auth/token", json={"iin": applicant.iin,
                                                                        "password": DEMO_PASSWORD})).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        provider = retried(lambda: http.get(f"{base}/services/{SERVICE}/providers")).json()[0]["id"]
        answered: dict[str, str] = {}
        chaos = threading.Thread(target=killer, daemon=True)
        chaos.start()

        # when: the stream of submissions, each retried until the server answers
        started = time.monotonic()
        for number in range(SUBMISSIONS):
            idempotency_key = f"stream-{number:03d}"
            body = {"service": SERVICE, "provider": provider, "form": {"school": "№ 7", "grade": 1 + number % 9},
                    "attachments": [{"name": "birth.pdf", "sha256": f"{number:064x}"}]}
            draft = retried(lambda b=body, k=idempotency_key: http.post(
                f"{base}/applications", json=b, headers={**auth, "Idempotency-Key": k}))
            assert draft.status_code == 201, draft.text
            signed, draft_id = {"signature": sign_b64(key, draft.json()["content"])}, draft.json()["id"]
            submitted = retried(lambda d=draft_id, s=signed: http.post(
                f"{base}/applications/{d}/submit", json=s, headers=auth))
            assert submitted.status_code == 201, submitted.text
            answered[idempotency_key] = submitted.json()["number"]
        # let the killer finish its round, so the server was cut at least KILLS times
        chaos.join(timeout=120)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        server.stop()
        http.close()

    # then: the server was really killed, and every answered key has exactly one draft and one case
    assert server.kills == KILLS, server.kills
    assert len(answered) == SUBMISSIONS and len(set(answered.values())) == SUBMISSIONS
    [(user_id,)] = _rows(database, "select id from identity_user where iin = ?", applicant.iin)
    for idempotency_key, case_number in answered.items():
        scoped = "api:" + hashlib.sha256(f"{user_id}\napplication\n{idempotency_key}".encode()).hexdigest()
        drafts = _rows(database, "select d.id, c.number from api_applicationdraft d join cases_case c "
                                 "on c.id = d.case_id where d.idempotency_key = ?", scoped)
        assert [number for _, number in drafts] == [case_number], (idempotency_key, drafts)
        assert _rows(database, "select count(*) from cases_case where idempotency_key = ?",
                     f"api-draft:{drafts[0][0]}") == [(1,)]
    # no case beyond the answered ones, and no draft left without its case
    assert _rows(database, "select count(*) from cases_case where applicant_iin = ? and channel = 'portal'",
                 applicant.iin) == [(SUBMISSIONS,)]
    assert _rows(database, "select count(*) from api_applicationdraft where case_id is null") == [(0,)]
    print(f"{SUBMISSIONS} submissions, {server.kills} kill -9, {elapsed:.1f} s")
