"""The registry simulator killed during State Corporation intakes: applications wait, visibly, and are filed
once it is back, by the worker's gateway retry; none is lost, none is filed twice."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from qyzmet.identity.demo import CITIZENS, DEMO_PASSWORD
from tests.faults.support import (
    QYZMET,
    Process,
    demo_key,
    environment,
    free_port,
    page_login,
    retried,
    run,
    sign_b64,
)

pytestmark = [pytest.mark.slow, pytest.mark.fault]

SERVICE = "wko-2019-school-transport"  # asks ГБД ФЛ; the State Corporation takes it
APPLICANT = CITIZENS[0]
INTAKES = 3
WAITING_RU = "Ожидается ответ"  # the start of hall's "waiting for a registry" message in Russian


def _rows(database: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(sql, params).fetchall()


def _time_passes(database: Path) -> None:
    """What the clock does in an hour: the kept requests and the gateway-retry job become due."""
    with sqlite3.connect(database, timeout=30) as db:
        db.execute("update gateway_pendingrequest set next_attempt_at = '2000-01-01 00:00:00' where status = 'waiting'")
        db.execute("update worker_scheduledjob set next_run_at = '2000-01-01 00:00:00' where name = 'gateway-retry'")


def test_intakes_wait_while_the_registry_is_down_and_are_filed_once_when_it_returns(tmp_path: Path) -> None:
    # given: the platform, the registry simulator and the web server as three processes
    database = tmp_path / "qyzmet.sqlite3"
    registry_port, port = free_port(), free_port()
    env = environment(tmp_path, f"sqlite:///{database}", QYZMET_REGISTRY_URL=f"http://127.0.0.1:{registry_port}",
                      QYZMET_GATEWAY_ATTEMPTS="2", QYZMET_GATEWAY_BACKOFF="0.05", QYZMET_GATEWAY_TIMEOUT="2")
    run([*QYZMET, "setup", "--demo", "--quiet"], env)
    registry = Process([*QYZMET, "registries", "serve", "--port", str(registry_port)], env,
                       ready_url=f"http://127.0.0.1:{registry_port}/admin/health", log=tmp_path / "registry.log")
    registry.start()
    site = f"http://127.0.0.1:{port}"
    base = f"{site}/api/v1"
    server = Process([*QYZMET, "serve", "--port", str(port)], env, ready_url=f"{base}/services",
                     log=tmp_path / "serve.log").start()
    http = httpx.Client(timeout=30)
    try:
        branch = retried(lambda: http.get(f"{base}/services/{SERVICE}/state-corporation-branches")).json()[0]
        provider = http.get(f"{base}/services/{SERVICE}/providers").json()[0]
        [(operator_iin,)] = _rows(database, "select u.iin from identity_staffrole r join identity_user u "
                                            "on u.id = r.user_id where r.role = 'sc_operator' and "
                                            "r.organization_id = ? order by u.iin limit 1", branch["id"])
        key = demo_key(env, operator_iin, branch["code"])
        token = http.post(f"{base}/auth/token", json={"iin": operator_iin, "password": DEMO_PASSWORD}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert http.get(f"{site}/health/").json()["checks"]["gateway"]["status"] == "ok"

        def intake(number: int) -> httpx.Response:
            request_key = f"sc-fault-{number}"
            body = {"service": SERVICE, "branch": branch["id"], "provider": provider["id"],
                    "applicant": {"iin": APPLICANT.iin}, "documents": ["application (Standard app. 1)"],
                    "form": {"school": f"Terekti school No. {number}"}}
            preview = http.post(f"{base}/intake/state-corporation/preview", json=body,
                                headers={**auth, "Idempotency-Key": request_key})
            assert preview.status_code == 200, preview.text
            signed = {**body, "signature": sign_b64(key, preview.json()["content"])}
            return http.post(f"{base}/intake/state-corporation", json=signed,
                             headers={**auth, "Idempotency-Key": request_key})

        # when: the registry process is killed, and the operator takes three applications
        registry.kill()
        taken = [intake(n) for n in range(INTAKES)]
        again = intake(0)  # the operator's workstation sends the first one again

        # then: each waits (202), with the reason in kk/ru/en; the repeat is the same intake
        assert [t.status_code for t in taken] == [202] * INTAKES, [t.text for t in taken]
        numbers = [t.json()["number"] for t in taken]
        assert len(set(numbers)) == INTAKES
        assert again.status_code == 202 and again.json()["number"] == numbers[0]
        for answer in taken:
            assert answer.json()["status"] == "waiting_registry" and answer.json()["case"] is None
            assert set(answer.json()["message"]) == {"kk", "ru", "en"}
        health = http.get(f"{site}/health/")
        assert health.status_code == 503 and health.json()["checks"]["gateway"]["status"] == "fail"
        # visible to the operator at the desk, and to the citizen in the cabinet
        desk = httpx.Client(timeout=30)
        page_login(desk, site, operator_iin, DEMO_PASSWORD)
        listed = desk.get(f"{site}/ru/hall/desk/intakes/{numbers[1]}/")
        assert listed.status_code == 200 and numbers[1] in listed.text
        assert "Ожидание ответа реестра" in listed.text or WAITING_RU in listed.text, listed.text[:3000]
        cabinet_client = httpx.Client(timeout=30)
        page_login(cabinet_client, site, APPLICANT.iin, DEMO_PASSWORD)
        cabinet = cabinet_client.get(f"{site}/ru/cabinet/").text
        assert all(number in cabinet for number in numbers)
        assert WAITING_RU in cabinet, cabinet[:3000]

        # when: a worker runs the gateway retry while the registry is still down
        _time_passes(database)
        run([*QYZMET, "worker", "--burst"], env)
        # then: still waiting, nothing filed
        assert _rows(database, "select count(*) from hall_intake where status = 'waiting_registry'") == [(INTAKES,)]
        assert _rows(database, "select count(*) from cases_case where channel = 'state_corporation'") == [(0,)]

        # when: the registry is back, and time passes, and a worker runs once more
        registry.start()
        _time_passes(database)
        out = run([*QYZMET, "worker", "--burst"], env)
        assert out.strip().endswith("task(s) run")

        # then: every intake is filed, each with exactly one case; the operator and the citizen see it
        filed = _rows(database, "select i.number, c.number from hall_intake i join cases_case c on c.id = i.case_id "
                                "where i.status = 'filed' order by i.number")
        assert sorted(number for number, _ in filed) == sorted(numbers)
        assert len({case for _, case in filed}) == INTAKES
        assert _rows(database, "select count(*) from cases_case where channel = 'state_corporation'") == [(INTAKES,)]
        assert _rows(database, "select count(*) from hall_intake") == [(INTAKES,)]
        assert _rows(database, "select count(*) from gateway_pendingrequest where status = 'waiting'") == [(0,)]
        now = http.get(f"{base}/intake/state-corporation/{numbers[2]}", headers=auth).json()
        assert now["status"] == "filed" and now["case"]["number"] == dict(filed)[numbers[2]]
        cabinet = cabinet_client.get(f"{site}/ru/cabinet/").text
        assert all(case in cabinet for _, case in filed)
        assert http.get(f"{site}/health/").status_code == 200
        desk.close()
        cabinet_client.close()
    finally:
        http.close()
        server.stop()
        registry.stop()
    print(f"{INTAKES} intakes waited through {registry.kills} registry kill and were filed once", file=sys.stderr)
