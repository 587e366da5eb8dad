"""The load generator: a separate process of client threads, each filing signed portal applications over HTTP.

Each client acts as one of the demo citizens (logged in beforehand), then loops: create a draft (POST
/api/v1/applications), sign the bytes the server returned with the citizen's key (detached
CMS), submit (POST …/submit). An application's latency is the two requests' time at the client;
the client's own signing is left out (a signature of bytes already signed is reused). The
applications that end inside the measured window (after the warm-up, before the stop) count: on a
loaded machine one application can take longer than a short window.

    python -m benchmarks.loadgen --base http://127.0.0.1:8000 --plan plan.json --clients 32 --seconds 20
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.stats import latency_summary


class Signer:
    """The citizens' keys and the signatures already made, shared by the client threads."""

    def __init__(self, plan: dict[str, Any]) -> None:
        from qyzmet.signatures import pki

        password = plan["key_password"]
        self._keys = {c["iin"]: pki.pkcs12_load(Path(c["key_file"]).read_bytes(), password=password)
                      for c in plan["citizens"]}
        self._made: dict[bytes, str] = {}
        self._lock = threading.Lock()

    def sign(self, iin: str, content: bytes) -> str:
        made = self._made.get(content)
        if made is not None:
            return made
        from qyzmet.signatures import cms

        key = self._keys[iin]
        signature = cms.cms_sign(content, key=key.key, certificate=key.certificate, chain=key.chain,
                                 signing_time=datetime.now(UTC))
        text = base64.b64encode(signature).decode("ascii")
        with self._lock:
            self._made[content] = text
        return text


class Client(threading.Thread):
    def __init__(self, number: int, *, base: str, plan: dict[str, Any], signer: Signer,
                 measure_from: float, stop_at: float) -> None:
        super().__init__(daemon=True)
        self.citizen = plan["citizens"][number % len(plan["citizens"])]
        self.base, self.plan, self.signer = base, plan, signer
        self.measure_from, self.stop_at = measure_from, stop_at
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.cases: list[int] = []
        self.random = random.Random(number)

    def run(self) -> None:
        token = self.plan["tokens"][self.citizen["iin"]]
        with httpx.Client(base_url=self.base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
            while time.monotonic() < self.stop_at:
                self._one(http)

    def _one(self, http: httpx.Client) -> None:
        provider = self.random.choice(self.plan["providers"])
        body = {"service": self.plan["service"], "provider": provider["id"], "form": self.plan["form"],
                "attachments": []}
        started = time.monotonic()
        try:
            draft = http.post("/api/v1/applications", json=body)
            if draft.status_code != 201:
                self.errors.append(f"draft {draft.status_code}: {draft.text[:200]}")
                return
            spent = time.monotonic() - started
            payload = draft.json()
            signature = self.signer.sign(self.citizen["iin"], base64.b64decode(payload["content"]))
            submitted_from = time.monotonic()
            case = http.post(f"/api/v1/applications/{payload['id']}/submit", json={"signature": signature})
            ended = time.monotonic()
        except httpx.HTTPError as error:
            self.errors.append(f"{type(error).__name__}: {error}")
            return
        if case.status_code != 201:
            self.errors.append(f"submit {case.status_code}: {case.text[:200]}")
            return
        self.cases.append(int(case.json()["id"]))
        if self.measure_from <= ended <= self.stop_at:
            self.latencies.append(spent + (ended - submitted_from))


def tokens(base: str, plan: dict[str, Any]) -> dict[str, str]:
    """One API token per citizen, logging in with the demo password."""
    found = {}
    with httpx.Client(base_url=base, timeout=60) as http:
        for citizen in plan["citizens"]:
            login = http.post("/api/v1/auth/token", json={"iin": citizen["iin"], "password": plan["password"]})
            login.raise_for_status()
            found[citizen["iin"]] = str(login.json()["token"])
    return found


def load(base: str, plan: dict[str, Any], *, clients: int, seconds: float, warmup: float) -> dict[str, Any]:
    """Run `clients` clients for warm-up + `seconds`; the figures of the measured window."""
    signer = Signer(plan)
    if "tokens" not in plan:  # logging in (argon2) is not what is measured
        plan = {**plan, "tokens": tokens(base, plan)}
    begin = time.monotonic()
    measure_from, stop_at = begin + warmup, begin + warmup + seconds
    threads = [Client(n, base=base, plan=plan, signer=signer, measure_from=measure_from, stop_at=stop_at)
               for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = [value for thread in threads for value in thread.latencies]
    errors = [error for thread in threads for error in thread.errors]
    cases = [case for thread in threads for case in thread.cases]
    return {"clients": clients, "seconds": seconds, **latency_summary(latencies, elapsed=seconds),
            "errors": len(errors), "first_errors": errors[:5], "cases_filed": len(cases),
            "duplicate_case_ids": len(cases) - len(set(cases))}


def loadgen_main(prog: str, description: str, load_run: Callable[..., dict[str, Any]],
                 argv: Sequence[str] | None = None) -> int:
    """The command line both load generators share: run `load_run(base, plan, …)`, print its JSON."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--base", required=True)
    parser.add_argument("--plan", required=True, type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text(encoding="utf-8"))
    print(json.dumps(load_run(args.base, plan, clients=args.clients, seconds=args.seconds, warmup=args.warmup)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return loadgen_main("python -m benchmarks.loadgen", __doc__.splitlines()[0], load, argv)


if __name__ == "__main__":
    sys.exit(main())
