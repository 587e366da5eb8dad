"""Run inside the benchmark's environment (a child process): time pages and the oblast report on the big database.

    python -m benchmarks.scale_pages --requests 200 --reports 5

Each page is requested through Django's request handling in this process (the test client: URL
routing, middleware, the view, its queries, the template), logged in as the person who would
open it: the work queue (/backoffice/tasks/) of the staff member whose role has the most open
tasks, the cabinet (/cabinet/) of the demo citizen with the most cases, and the back-office case
page of random cases of that staff member's organization. The oblast SLA report is the selector
behind /reports/ and `qyzmet reports sla` (`reports.selectors.sla_compliance`) for the oblast with
the most cases, over the whole year. Server time only: no network, no load generator. Also the
database's size and the four big tables' sizes. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from benchmarks.stats import latency_summary, percentile

PAGES = ("work_queue", "cabinet", "case_page")


def timed(action: Callable[[], Any], times: int, *, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        action()
    seconds = []
    for _ in range(times):
        began = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - began)
    return seconds


def summary(seconds: list[float]) -> dict[str, float]:
    figures = latency_summary(seconds, elapsed=max(sum(seconds), 1e-9))
    return {"count": figures["count"], "p50_ms": figures["p50_ms"], "p99_ms": figures["p99_ms"],
            "max_ms": max(seconds) * 1000}


def measure(requests: int, reports: int) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from qyzmet.cases.models import Case, Task
    from qyzmet.identity.demo import CITIZENS
    from qyzmet.identity.models import Organization, StaffRole, User
    from qyzmet.reports.scope import ReportPeriod, ReportScope
    from qyzmet.reports.selectors import sla_compliance

    busiest = (Task.objects.open().exclude(organization=None).values("organization_id", "role")
               .annotate(n=Count("pk")).order_by("-n").first())
    assert busiest is not None, "no open task: generate cases first"
    staff_role = StaffRole.objects.filter(organization_id=busiest["organization_id"], role=busiest["role"]).first()
    assert staff_role is not None
    officer = staff_role.user
    citizen_row = (Case.objects.filter(applicant_iin__in=[c.iin for c in CITIZENS]).values("applicant_iin")
                   .annotate(n=Count("pk")).order_by("-n").first())
    assert citizen_row is not None
    citizen = User.objects.get(iin=citizen_row["applicant_iin"])
    rng = random.Random(7)
    last_id = Case.objects.filter(provider_id=busiest["organization_id"]).order_by("-pk").values_list("pk", flat=True)
    case_ids = list(last_id[:5000])
    picks = [rng.choice(case_ids) for _ in range(requests)]

    staff_client, citizen_client = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    staff_client.force_login(officer)
    citizen_client.force_login(citizen)

    def get(client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")

    queries: dict[str, int] = {}
    sql_ms: dict[str, dict[str, float]] = {}

    def count_queries(name: str, action: Callable[[], Any]) -> None:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            action()
            total = time.perf_counter() - began
        queries[name] = len(captured)
        sql = sum(float(query.get("time") or 0) for query in captured.captured_queries)
        sql_ms[name] = {"sql_ms": sql * 1000, "total_ms": total * 1000}

    results: dict[str, Any] = {}
    count_queries("work_queue", lambda: get(staff_client, "/backoffice/tasks/"))
    results["work_queue"] = summary(timed(lambda: get(staff_client, "/backoffice/tasks/"), requests))
    count_queries("cabinet", lambda: get(citizen_client, "/cabinet/"))
    results["cabinet"] = summary(timed(lambda: get(citizen_client, "/cabinet/"), requests))
    iterator = iter(picks * 2)
    count_queries("case_page", lambda: get(staff_client, f"/backoffice/cases/{picks[0]}/"))
    results["case_page"] = summary(timed(lambda: get(staff_client, f"/backoffice/cases/{next(iterator)}/"),
                                         requests, warmup=0))

    oblast_row = (Case.objects.values("provider__path").annotate(n=Count("pk")).order_by("-n").first())
    assert oblast_row is not None
    oblast = next(o for o in Organization.objects.filter(parent=None)
                  if str(oblast_row["provider__path"]).startswith(o.path))
    now = timezone.now()
    today = timezone.localdate()
    period = ReportPeriod(today - timedelta(days=365), today)
    scope = ReportScope(paths=(oblast.path,))
    report_rows: list[Any] = []

    def report() -> None:
        report_rows[:] = sla_compliance(period=period, scope=scope, now=now)

    report_seconds = timed(report, reports, warmup=1)
    results["oblast_sla_report"] = {"count": len(report_seconds), "p50_ms": percentile(report_seconds, 50) * 1000,
                                    "p99_ms": percentile(report_seconds, 99) * 1000,
                                    "max_ms": max(report_seconds) * 1000}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = int(cursor.fetchone()[0])
        sizes = {}
        for table in ("cases_case", "cases_task", "cases_caseevent", "cases_resultdocument"):
            cursor.execute("SELECT pg_total_relation_size(%s::regclass), "
                           "(SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass)", [table, table])
            size, indexes = cursor.fetchone()
            sizes[table] = {"megabytes": int(size) / 1e6, "indexes": int(indexes)}
        cursor.execute("SELECT count(*) FROM cases_case")
        cases = int(cursor.fetchone()[0])
    open_tasks = Task.objects.open().filter(organization_id=busiest["organization_id"], role=busiest["role"]).count()
    return {
        "pages": results, "queries": queries, "one_request_sql_time": sql_ms, "cases": cases,
        "work_queue_of": {"organization": busiest["organization_id"], "role": busiest["role"],
                          "open_tasks": open_tasks, "user": officer.iin},
        "cabinet_of": {"iin": citizen.iin, "cases": citizen_row["n"]},
        "report": {"oblast": oblast.code, "cases": Case.objects.filter(provider__path__startswith=oblast.path).count(),
                   "rows": len(report_rows), "period": [str(period.date_from), str(period.date_to)]},
        "database_megabytes": database_bytes / 1e6, "tables": sizes,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_pages", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reports", type=int, default=5)
    args = parser.parse_args(argv)
    import django

    django.setup()
    print(json.dumps(measure(args.requests, args.reports)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
