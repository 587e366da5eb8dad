"""CPU time and queries of one page on the scale benchmark's database, optionally with cProfile.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/qyzmet_bench_scale DJANGO_SETTINGS_MODULE=qyzmet.settings \\
        PYTHONPATH=src:. python -m benchmarks.scale_profile work_queue --requests 30 [--profile]

The page is requested as `benchmarks.scale_pages` chooses its person (the busiest role's staff
member, the demo citizen with the most cases, random cases of that organization). Prints the
queries of one request (the slowest four), the CPU time per request (`time.process_time`: on a
shared machine it carries over where wall clock does not) and, with --profile, cProfile's listing
with process time as its clock. ADR 0027 used it for its before/after table.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_profile", description=__doc__.splitlines()[0])
    parser.add_argument("page", choices=("work_queue", "cabinet", "case_page"))
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qyzmet.cases.models import Case, Task
    from qyzmet.identity.demo import CITIZENS
    from qyzmet.identity.models import StaffRole, User

    busiest = (Task.objects.open().exclude(organization=None).values("organization_id", "role")
               .annotate(n=Count("pk")).order_by("-n").first())
    assert busiest is not None, "no open task: generate cases first"
    role = StaffRole.objects.filter(organization_id=busiest["organization_id"], role=busiest["role"]).first()
    assert role is not None
    most = (Case.objects.filter(applicant_iin__in=[c.iin for c in CITIZENS]).values("applicant_iin")
            .annotate(n=Count("pk")).order_by("-n").first())
    assert most is not None
    ids = list(Case.objects.filter(provider_id=busiest["organization_id"]).order_by("-pk")
               .values_list("pk", flat=True)[:5000])
    rng = random.Random(7)
    staff, citizen = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    staff.force_login(role.user)
    citizen.force_login(User.objects.get(iin=most["applicant_iin"]))

    def get() -> None:
        if args.page == "work_queue":
            response = staff.get("/backoffice/tasks/")
        elif args.page == "cabinet":
            response = citizen.get("/cabinet/")
        else:
            response = staff.get(f"/backoffice/cases/{rng.choice(ids)}/")
        assert response.status_code == 200, response.status_code

    for _ in range(3):
        get()
    with CaptureQueriesContext(connection) as captured:
        get()
    database = sum(float(query["time"]) for query in captured.captured_queries)
    print(f"{args.page}: {len(captured)} queries, {database * 1000:.1f} ms in the database")
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:4]:
        print(f"  {float(query['time']) * 1000:.1f} ms  {query['sql'][:200]}")
    cpu = []
    for _ in range(args.requests):
        began = time.process_time()
        get()
        cpu.append(time.process_time() - began)
    cpu.sort()
    print(f"CPU per request: p50 {cpu[len(cpu) // 2] * 1000:.1f} ms, p90 {cpu[int(len(cpu) * 0.9)] * 1000:.1f} ms "
          f"over {args.requests}")
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        for _ in range(args.requests):
            profiler.enable()
            get()
            profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats("qyzmet", 30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
