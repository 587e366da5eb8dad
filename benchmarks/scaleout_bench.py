"""Scale-out on one machine: 1 web process and 1 task worker, then 2 web processes and 2 task workers on Redis.

Both runs are the signed intake over HTTP (`intake_bench`, without its pgbench part) on one
PostgreSQL, the task workers on Redis (django-tasks-rq; REDIS_URL, by default database 11 of the
local Redis, so other users of the server are not touched). For each: applications/s, latency,
the web processes' CPU per application (what carries over when the machine is shared), the load
average while it ran, and the integrity check after it (no case filed twice, no draft linked to
another case, no task left queued or failed). Prints the comparison; writes bench/results/scaleout-*.json.

    python -m benchmarks.scaleout_bench              # 32 clients, 20 s each
    python -m benchmarks.scaleout_bench --quick --run-in-quick   # 16 clients, 6 s each

The quick run of `python -m benchmarks --quick` leaves it out (two more server start-ups do not fit
its 5 minutes here); `--run-in-quick` runs the short variant anyway.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks import environment as env
from benchmarks import intake_bench
from benchmarks.stats import ratio, results_write, table

DEFAULT_REDIS = "redis://127.0.0.1:6379/11"
SHAPES = ((1, 1), (2, 2))  # (web processes, task workers)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scaleout_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", type=int, help="clients (default 32; quick 16)")
    parser.add_argument("--seconds", type=float, help="measured seconds per shape (default 20; quick 8)")
    parser.add_argument("--run-in-quick", action="store_true", help="run even when --quick")
    args, _ = parser.parse_known_args(argv)
    if args.quick and not args.run_in_quick:
        print("scale-out: left out of the quick run (python -m benchmarks.scaleout_bench --quick --run-in-quick)")
        return 0
    clients = args.clients or (16 if args.quick else 32)
    seconds = args.seconds or (6.0 if args.quick else 20.0)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    rows: list[dict[str, Any]] = []
    integrity: dict[str, dict[str, int]] = {}
    code = 0
    for web, workers in SHAPES:
        label = f"scaleout-{web}web-{workers}workers"
        print(f"scale-out: {web} web process(es), {workers} task worker(s) on Redis …", flush=True)
        code = max(code, intake_bench.main([
            "--clients", str(clients), "--seconds", str(seconds), "--workers", str(web), "--threads", "4",
            "--task-workers", str(workers), "--tasks-backend", "redis", "--no-pgbench", "--keep-database",
            "--label", label, *(["--quick", "--server-warmup", "3"] if args.quick else []),
        ]))
        result = json.loads((env.RESULTS_DIR / f"{label}-latest.json").read_text(encoding="utf-8"))
        level = result["levels"][0]
        integrity[label] = result["integrity"]
        rows.append({"web": web, "task_workers": workers, "clients": clients, "per_second": level["per_second"],
                     "p50_ms": level["p50_ms"], "p99_ms": level["p99_ms"], "errors": level["errors"],
                     "cpu_ms_per_app": level["cpu_ms_per_app"], "load_1min": level.get("load_average_1min"),
                     **{key: value for key, value in result["integrity"].items()}})
    growth = ratio(rows[1]["per_second"], rows[0]["per_second"])
    print(f"\nScale-out: signed intake at {clients} clients, 1 vs 2 web processes (task workers on Redis), "
          f"{os.cpu_count()} cores shared with whatever else runs")
    print(table(rows, ["web", "task_workers", "per_second", "p50_ms", "p99_ms", "errors", "cpu_ms_per_app",
                       "load_1min", "duplicated_cases", "tasks_still_queued", "tasks_failed"]))
    broken = any(value for checks in integrity.values() for value in checks.values())
    verdict = "BROKEN" if broken else "nothing duplicated or lost"
    print(f"throughput 2 web / 1 web: × {growth:.2f}; integrity: {verdict}")
    path = results_write(env.RESULTS_DIR, "scaleout", {"clients": clients, "seconds": seconds, "shapes": rows,
                                                       "growth": growth, "integrity": integrity,
                                                       "cpu_count": os.cpu_count(),
                                                       "redis_url": os.environ["REDIS_URL"]})
    print(f"written {path.relative_to(env.PROJECT_DIR)}")
    return 1 if broken else code


if __name__ == "__main__":
    sys.exit(main())
