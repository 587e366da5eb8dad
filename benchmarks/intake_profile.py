"""Profile signed portal applications in-process (no HTTP): query count of one, then pyinstrument over N.

It prints the queries of one draft and one submission, and the CPU time per application
(`time.process_time`, the views' and the engine's work without the applicant's signing, which
is timed and taken away) over N applications before profiling them.

Run in the benchmark environment after `python -m benchmarks.intake_bench` has set the database up:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/qyzmet_bench QYZMET_VAR_DIR=var/bench \\
      PYTHONPATH=src .venv/bin/python -m benchmarks.intake_profile [--sql] [--flat] [--cprofile] [--applications 20]
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence

SERVICE = "wko-2019-school-transport"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake_profile")
    parser.add_argument("--applications", type=int, default=20)
    parser.add_argument("--sql", action="store_true", help="print the queries of one application")
    parser.add_argument("--flat", action="store_true", help="functions by their own time instead of the call tree")
    parser.add_argument("--cprofile", action="store_true",
                        help="cProfile with process time (CPU, not wall clock) instead of pyinstrument")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qyzmet.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from pyinstrument import Profiler

    from qyzmet.demo.keys import demo_key_for, demo_sign
    from qyzmet.identity.demo import CITIZENS, DEMO_PASSWORD
    from qyzmet.identity.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    person = User.objects.get(iin=CITIZENS[0].iin)
    key = demo_key_for(person, now=timezone.now())
    login = client.post("/api/v1/auth/token", {"iin": person.iin, "password": DEMO_PASSWORD},
                        content_type="application/json")
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    provider = client.get(f"/api/v1/services/{SERVICE}/providers").json()[0]["id"]

    signing = [0.0]
    logging.getLogger("qyzmet.request").setLevel(logging.WARNING)

    def one(counted: list[int] | None = None) -> None:
        body = {"service": SERVICE, "provider": provider, "form": {"school": "№ 7", "grade": 3}, "attachments": []}
        with CaptureQueriesContext(connection) as drafting:
            draft = client.post("/api/v1/applications", json.dumps(body), content_type="application/json",
                                headers=headers)
        assert draft.status_code == 201, draft.content
        content = base64.b64decode(draft.json()["content"])
        began = time.process_time()
        signature = base64.b64encode(demo_sign(key, content, at=timezone.now())).decode()
        signing[0] += time.process_time() - began
        with CaptureQueriesContext(connection) as submitting:
            case = client.post(f"/api/v1/applications/{draft.json()['id']}/submit",
                               json.dumps({"signature": signature}), content_type="application/json", headers=headers)
        assert case.status_code == 201, case.content
        if counted is not None:
            counted[:] = [len(drafting.captured_queries), len(submitting.captured_queries)]
            if args.sql:
                for query in [*drafting.captured_queries, *submitting.captured_queries]:
                    print(query["time"], query["sql"][:200])

    one()  # warm
    counted: list[int] = []
    one(counted)
    print(f"queries of one application: {counted[0]} (draft) + {counted[1]} (submit) = {sum(counted)}")
    signing[0] = 0.0
    began = time.process_time()
    for _ in range(args.applications):
        one()
    cpu = (time.process_time() - began - signing[0]) / args.applications * 1000
    print(f"CPU per application (draft + submit, without the applicant's signing): {cpu:.1f} ms "
          f"over {args.applications}")
    if args.cprofile:
        cpu_profile(one, args.applications)
        return 0
    profiler = Profiler(interval=0.001)
    profiler.start()
    for _ in range(args.applications):
        one()
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, flat=args.flat))
    return 0


def cpu_profile(one: Callable[[], None], applications: int) -> None:
    """cProfile timed with `time.process_time`: where the CPU goes, waits on the database left out."""
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(applications):
        one()
    profiler.disable()
    if os.environ.get("INTAKE_PROFILE_DUMP"):
        profiler.dump_stats(os.environ["INTAKE_PROFILE_DUMP"])
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    sys.exit(main())
