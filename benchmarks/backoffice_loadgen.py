"""The back-office load generator: a separate process of client threads, each staff driving cases through the API.

Each client takes the next prepared case (filed at the provider's office, its first task open) and
does what the person holding each task's role does through the REST API, with that person's
bearer token: read the task (GET /api/v1/tasks/{id}), where the step signs preview the documents
(POST …/preview) and sign their bytes with the person's demo key (detached CMS), then complete it
(POST …/complete, the decision `issued` where the step decides, the first branch where it
branches). The completion answers with the next task; when there is none the case is done and
the client takes another. A transition's latency is its requests' time at the client; the
client's own signing is left out. The transitions that end inside the measured window (after the
warm-up, before the stop) count.

    python -m benchmarks.backoffice_loadgen --base http://127.0.0.1:8000 --plan plan.json --clients 32 --seconds 20
"""

from __future__ import annotations

import base64
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.loadgen import loadgen_main
from benchmarks.stats import latency_summary


class Staff:
    """The staff's tokens and keys, by (organization, role); shared by the client threads."""

    def __init__(self, base: str, plan: dict[str, Any]) -> None:
        from qyzmet.signatures import pki

        self.tokens: dict[tuple[int, str], str] = {}
        self.keys: dict[tuple[int, str], Any] = {}
        with httpx.Client(base_url=base, timeout=60) as http:
            for person in plan["staff"]:
                index = (int(person["organization"]), person["role"])
                if index in self.tokens:
                    continue
                login = http.post("/api/v1/auth/token", json={"iin": person["iin"], "password": plan["password"]})
                login.raise_for_status()
                self.tokens[index] = str(login.json()["token"])
                self.keys[index] = pki.pkcs12_load(Path(person["key_file"]).read_bytes(),
                                                   password=plan["key_password"])

    def sign(self, index: tuple[int, str], content: bytes) -> str:
        from qyzmet.signatures import cms

        key = self.keys[index]
        signature = cms.cms_sign(content, key=key.key, certificate=key.certificate, chain=key.chain,
                                 signing_time=datetime.now(UTC))
        return base64.b64encode(signature).decode("ascii")


class Client(threading.Thread):
    def __init__(self, *, base: str, staff: Staff, cases: deque[dict[str, Any]], measure_from: float,
                 stop_at: float) -> None:
        super().__init__(daemon=True)
        self.base, self.staff, self.cases = base, staff, cases
        self.measure_from, self.stop_at = measure_from, stop_at
        self.latencies: list[float] = []
        self.steps: Counter[str] = Counter()
        self.errors: list[str] = []
        self.transitions = 0
        self.cases_done = 0
        self.ran_out = False

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as http:
            while time.monotonic() < self.stop_at:
                try:
                    case = self.cases.popleft()
                except IndexError:
                    self.ran_out = True
                    return
                task: dict[str, Any] | None = {"id": case["task"], "role": case["role"],
                                               "organization": {"id": case["organization"]}}
                while task is not None and time.monotonic() < self.stop_at:
                    task = self._one(http, task)
                if task is None:
                    self.cases_done += 1

    def _one(self, http: httpx.Client, task: dict[str, Any]) -> dict[str, Any] | None:
        """Act on one task; the next task of the case (None when the case is done or on an error)."""
        index = (int(task["organization"]["id"]), task["role"])
        headers = {"Authorization": f"Bearer {self.staff.tokens[index]}"}
        started = time.monotonic()
        spent = 0.0
        try:
            detail = http.get(f"/api/v1/tasks/{task['id']}", headers=headers)
            if detail.status_code != 200:
                self.errors.append(f"task {detail.status_code}: {detail.text[:200]}")
                return None
            body_in = detail.json()
            body: dict[str, Any] = {}
            if body_in["branches"]:
                body["branch"] = body_in["branches"][0]["when"]
            if body_in["decides"]:
                body["decision"] = "issued"
            if body_in["signs"]:
                preview = http.post(f"/api/v1/tasks/{task['id']}/preview", json=body, headers=headers)
                if preview.status_code != 200:
                    self.errors.append(f"preview {preview.status_code}: {preview.text[:200]}")
                    return None
                spent += time.monotonic() - started
                documents = preview.json()["documents"]
                body["signatures"] = {d["document_id"]: self.staff.sign(index, base64.b64decode(d["content"]))
                                      for d in documents}
                started = time.monotonic()
            done = http.post(f"/api/v1/tasks/{task['id']}/complete", json=body, headers=headers)
            ended = time.monotonic()
        except httpx.HTTPError as error:
            self.errors.append(f"{type(error).__name__}: {error}")
            return None
        if done.status_code != 200:
            self.errors.append(f"complete {done.status_code}: {done.text[:200]}")
            return None
        spent += ended - started
        self.transitions += 1
        if self.measure_from <= ended <= self.stop_at:
            self.latencies.append(spent)
            self.steps[body_in["step"]] += 1
        answer = done.json()
        next_task: dict[str, Any] | None = answer["next_task"]
        return next_task


def load(base: str, plan: dict[str, Any], *, clients: int, seconds: float, warmup: float) -> dict[str, Any]:
    """Run `clients` clients for warm-up + `seconds` over the plan's cases; the figures of the measured window."""
    staff = Staff(base, plan)  # logging in (argon2) is not what is measured
    cases: deque[dict[str, Any]] = deque(plan["cases"])
    begin = time.monotonic()
    measure_from, stop_at = begin + warmup, begin + warmup + seconds
    threads = [Client(base=base, staff=staff, cases=cases, measure_from=measure_from, stop_at=stop_at)
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = [value for thread in threads for value in thread.latencies]
    errors = [error for thread in threads for error in thread.errors]
    steps: Counter[str] = Counter()
    for thread in threads:
        steps.update(thread.steps)
    return {"clients": clients, "seconds": seconds, **latency_summary(latencies, elapsed=seconds),
            "errors": len(errors), "first_errors": errors[:5], "steps": dict(steps),
            "transitions_total": sum(t.transitions for t in threads),
            "cases_done": sum(t.cases_done for t in threads),
            "ran_out_of_cases": any(t.ran_out for t in threads)}


def main(argv: Sequence[str] | None = None) -> int:
    return loadgen_main("python -m benchmarks.backoffice_loadgen", __doc__.splitlines()[0], load, argv)


if __name__ == "__main__":
    sys.exit(main())
