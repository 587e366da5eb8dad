"""Data at national scale: a year of cases generated into PostgreSQL by COPY, then pages and the oblast report timed.

Its own database, `qyzmet_bench_scale` on DATABASE_URL's server, made fresh with the catalogue and
the demo; `benchmarks.scale_data` fills it (templates driven through the real services, then
copies of them by COPY, see its docstring), `benchmarks.scale_pages` times the work queue, the
cabinet, a case page (p50/p99 each) and the oblast SLA report for the year, and reads the
database's size. Prints a table; writes bench/results/scale-data-*.json.

The issue asks for 10 million cases. On a machine where that does not fit the benchmark's time,
`--cases` is smaller (the default: 100,000; quick: 10,000) and the output says so, with the
COPY rate and the size per case measured here and what they extrapolate to for 10 million.

    python -m benchmarks.scale_bench --cases 10000000    # the issue's year (hours and ~200 GB here)
    python -m benchmarks.scale_bench                     # 100,000 cases (~10 min here, in the full make bench)
    python -m benchmarks.scale_bench --cases 300000      # ~25 min here
    python -m benchmarks.scale_bench --quick             # 10,000 cases, first channel of each service
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks import environment as env
from benchmarks.stats import results_write, table

DATABASE = "qyzmet_bench_scale"
NATIONAL_CASES = 10_000_000
PAGE_GOAL_MS = 20.0
REPORT_GOAL_MS = 1000.0


def extrapolation(generated: dict[str, Any], pages: dict[str, Any]) -> dict[str, float]:
    """What the measured rate and size per case make of the issue's 10 million (linear: a lower bound for time)."""
    cases = max(1, int(pages["cases"]))
    copy_seconds = float(generated["seconds"]["copy"])
    rebuild = float(generated["seconds"].get("constraints", 0.0)) + float(generated["seconds"].get("analyze", 0.0))
    factor = NATIONAL_CASES / cases
    return {
        "factor": factor,
        "copy_minutes_for_10m": copy_seconds * NATIONAL_CASES / max(1, int(generated["cases"])) / 60,
        "index_rebuild_minutes_for_10m": rebuild * factor / 60,
        "database_gigabytes_for_10m": float(pages["database_megabytes"]) * factor / 1000,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cases", type=int, help="cases to generate (default 100,000; quick 10,000)")
    parser.add_argument("--requests", type=int, help="requests per page (default 200; quick 50)")
    args, _ = parser.parse_known_args(argv)
    cases = args.cases or (10_000 if args.quick else 100_000)
    requests = args.requests or (50 if args.quick else 200)
    database_url = env.bench_database_url(os.environ.get("DATABASE_URL"), DATABASE)
    environ = env.bench_env(database_url, QYZMET_LOG_LEVEL="WARNING")
    print(f"scale: preparing {DATABASE} …", flush=True)
    env.database_recreate(database_url)
    env.run(env.python("-m", "qyzmet.cli", "setup", "--demo", "--quiet"), environ)
    print(f"scale: generating {cases:,} cases (the issue's year: {NATIONAL_CASES:,}) …", flush=True)
    command = env.python("-m", "benchmarks.scale_data", "--cases", str(cases),
                         *(["--first-channel-only"] if args.quick else []))
    generated: dict[str, Any] = json.loads(env.run(command, environ, capture=True).strip().splitlines()[-1])
    print("scale: timing pages and the oblast report …", flush=True)
    reports = "3" if args.quick else "5"
    pages: dict[str, Any] = json.loads(env.run(
        env.python("-m", "benchmarks.scale_pages", "--requests", str(requests), "--reports", reports),
        environ, capture=True).strip().splitlines()[-1])
    rows = [{"measure": name, **figures,
             "goal_ms": REPORT_GOAL_MS if name == "oblast_sla_report" else PAGE_GOAL_MS,
             "queries": pages["queries"].get(name, "")}
            for name, figures in pages["pages"].items()]
    for row in rows:
        row["met"] = "yes" if row["p99_ms"] <= row["goal_ms"] else "no"
    ahead = extrapolation(generated, pages)
    print(f"\nA year of cases on PostgreSQL: {pages['cases']:,} cases ({generated['open_cases']:,} generated ones "
          f"still open), {generated['tasks']:,} tasks, {generated['events']:,} events, {generated['documents']:,} "
          f"documents; database {pages['database_megabytes']:,.0f} MB")
    if pages["cases"] < NATIONAL_CASES:
        print(f"NOT the issue's 10 million: {pages['cases']:,} cases ({NATIONAL_CASES / pages['cases']:.0f}× fewer), "
              "what fits this machine's time budget. Extrapolated linearly to 10 million: COPY "
              f"{ahead['copy_minutes_for_10m']:,.0f} min, index rebuild {ahead['index_rebuild_minutes_for_10m']:,.0f} "
              f"min, database {ahead['database_gigabytes_for_10m']:,.0f} GB.")
    print(f"COPY: {generated['cases_per_second']:,.0f} cases/s, {generated['rows_per_second']:,.0f} rows/s "
          f"({generated['copy_megabytes']:,.0f} MB of COPY text); seconds: "
          + ", ".join(f"{key} {value:.0f}" for key, value in generated["seconds"].items()))
    print(table(rows, ["measure", "count", "p50_ms", "p99_ms", "max_ms", "goal_ms", "met", "queries"]))
    print(f"work queue of {pages['work_queue_of']['role']} ({pages['work_queue_of']['open_tasks']} open tasks), "
          f"cabinet of {pages['cabinet_of']['cases']} cases, oblast {pages['report']['oblast']} "
          f"({pages['report']['cases']:,} cases, {pages['report']['rows']} report rows)")
    load = os.getloadavg()
    path = results_write(env.RESULTS_DIR, "scale-data", {
        "cases_requested": cases, "national_cases": NATIONAL_CASES, "generated": generated, "measured": pages,
        "extrapolation": ahead, "cpu_count": os.cpu_count(), "load_average": load, "quick": args.quick,
    })
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; written {path.relative_to(env.PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
