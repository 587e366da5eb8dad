"""Qyzmet's engine against SpiffWorkflow: the foster-care payment's 5-step office process, both on PostgreSQL.

Each engine runs in its own child process on the benchmark database (see `engine_run`); the
figures are cases per second (wall) and CPU microseconds per step of that process, so the
database server's CPU is left out of both. Qyzmet's figure is also given without the CPU the
demo people spend making their signatures (a client's work), and once more with the result
documents' PDF rendering (WeasyPrint) replaced by a stand-in: the engine alone. "Engine CPU
outside the database" takes away, besides the client's work, the CPU the process spent inside
database calls (psycopg sending a query and reading its answer; see `engine_run`), for both
engines alike; queries per step are counted too.

    python -m benchmarks.engine_bench                 # 200 cases each (--cases 2000: the issue's count, ~3 h here)
    python -m benchmarks.engine_bench --quick         # 20 cases each
    python -m benchmarks.engine_bench --database qyzmet_bench_mine   # a database of one's own (qyzmet_bench*)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks import environment as env
from benchmarks.stats import ratio, results_write, table


def engine_figures(result: dict[str, Any]) -> dict[str, Any]:
    """Cases/s and CPU µs per step (all of it; without the client's signing; and that outside database calls)."""
    steps = max(1, int(result["steps"]))
    engine_cpu = float(result["cpu_seconds"]) - float(result.get("client_signing_cpu_seconds", 0.0))
    outside_db = engine_cpu - float(result.get("db_cpu_seconds", 0.0))
    return {
        **result,
        "cases_per_second": ratio(float(result["cases"]), float(result["wall_seconds"])),
        "cpu_us_per_step": float(result["cpu_seconds"]) / steps * 1e6,
        "engine_cpu_us_per_step": engine_cpu / steps * 1e6,
        "outside_db_us_per_step": outside_db / steps * 1e6,
        "queries_per_step": float(result.get("queries", 0)) / steps,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cases", type=int)
    parser.add_argument("--database", default=env.BENCH_DATABASE,
                        help=f"the benchmark database's name (it must start with {env.BENCH_DATABASE})")
    args, _ = parser.parse_known_args(argv)
    cases = args.cases or (20 if args.quick else 200)
    database_url = env.bench_database_url(os.environ.get("DATABASE_URL"), args.database)
    env.database_ensure(database_url)
    environ = env.bench_env(database_url)
    rows = []
    for engine in ("spiff", "qyzmet-no-pdf", "qyzmet"):
        print(f"engine: {engine}, {cases} cases …", flush=True)
        command = env.python("-m", "benchmarks.engine_run", engine, "--cases", str(cases))
        output = env.run(command, environ, capture=True)
        rows.append(engine_figures(json.loads(output.strip().splitlines()[-1])))
    spiff, engine_only, qyzmet = rows
    ratios = {"cases_per_second_ratio": ratio(qyzmet["cases_per_second"], spiff["cases_per_second"]),
              "cpu_per_step_ratio": ratio(qyzmet["engine_cpu_us_per_step"], spiff["cpu_us_per_step"]),
              "no_pdf_cases_per_second_ratio": ratio(engine_only["cases_per_second"], spiff["cases_per_second"]),
              "no_pdf_cpu_per_step_ratio": ratio(engine_only["engine_cpu_us_per_step"], spiff["cpu_us_per_step"]),
              "no_pdf_outside_db_per_step_ratio": ratio(engine_only["outside_db_us_per_step"],
                                                        spiff["outside_db_us_per_step"])}
    print("\nThe foster-care payment's office process, every step persisted to PostgreSQL")
    print(table(rows, ["engine", "cases", "steps", "cases_per_second", "cpu_us_per_step", "engine_cpu_us_per_step",
                       "outside_db_us_per_step", "queries_per_step"]))
    print(f"Qyzmet / Spiff: cases/s × {ratios['cases_per_second_ratio']:.2f}, "
          f"CPU per step × {ratios['cpu_per_step_ratio']:.2f}; without PDF rendering: cases/s × "
          f"{ratios['no_pdf_cases_per_second_ratio']:.2f}, CPU per step × {ratios['no_pdf_cpu_per_step_ratio']:.2f}")
    path = results_write(env.RESULTS_DIR, "engine", {"cases": cases, "cpu_count": os.cpu_count(),
                                                      "engines": rows, **ratios})
    print(f"written {path.relative_to(env.PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
