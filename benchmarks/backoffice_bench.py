"""Back-office throughput: task transitions per second through the REST API on PostgreSQL.

The benchmark database (`qyzmet_bench`, set up with the demo unless an earlier benchmark of the
run did) gets cases of the foster-care payment filed at the provider's office (its 5-step office
process: resolution, preparing the decision, signing it, issuing the result; the engine
benchmark's process), one batch per client count. `qyzmet serve --workers N` (gunicorn) and one
task worker run beside it; a separate load-generator process (`benchmarks.backoffice_loadgen`)
acts as the staff: each client drives cases through their tasks with the staff's own tokens,
signing where a step signs. Prints a table; writes bench/results/backoffice-*.json.

    python -m benchmarks.backoffice_bench              # 8, 32 and 64 clients, 20 s each
    python -m benchmarks.backoffice_bench --quick      # 8 and 16 clients, 6 s each
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks import environment as env
from benchmarks.intake_bench import server_start, worker_start
from benchmarks.stats import ratio, results_write, table

STEPS_PER_CASE = 5
WARM_CASES = 2  # driven before the first level, unmeasured: each web worker's first requests import and fill caches


def cases_needed(clients: int, seconds: float, warmup: float) -> int:
    """Cases to file for one level: every client busy until the end at 12 transitions/s (several times what
    this machine does; a level that runs out says so in `ran_out_of_cases`)."""
    return max(2 * clients, int(12 * (seconds + warmup) / STEPS_PER_CASE) + clients)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.backoffice_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", help="comma-separated client counts (default 8,32,64; quick: 8,16)")
    parser.add_argument("--seconds", type=float, help="measured seconds per client count (default 20; quick 6)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    args, _ = parser.parse_known_args(argv)
    levels = [int(n) for n in (args.clients or ("8,16" if args.quick else "8,32,64")).split(",")]
    seconds = args.seconds or (6.0 if args.quick else 20.0)
    warmup = 3.0 if args.quick else 6.0

    database_url = env.bench_database_url(os.environ.get("DATABASE_URL"))
    print(f"backoffice: preparing {env.database_name(database_url)} …", flush=True)
    env.database_ensure(database_url)
    environ = env.bench_env(database_url)
    total = WARM_CASES + sum(cases_needed(clients, seconds, warmup) for clients in levels)
    plan: dict[str, Any] = json.loads(env.run(env.python("-m", "benchmarks.prepare", "backoffice", str(total)),
                                              environ, capture=True).strip().splitlines()[-1])
    port = env.free_port()
    base = f"http://127.0.0.1:{port}"
    server = server_start(database_url, port=port, server="gunicorn", workers=args.workers, threads=args.threads,
                          QYZMET_LOG_LEVEL="WARNING")
    worker = worker_start(database_url)
    rows: list[dict[str, Any]] = []
    offset = 0
    try:
        for clients in [0, *levels]:
            warming = clients == 0
            count = WARM_CASES if warming else cases_needed(clients, seconds, warmup)
            level_plan = {**plan, "cases": plan["cases"][offset:offset + count]}
            offset += count
            plan_file = env.VAR_DIR / "backoffice-plan.json"
            plan_file.write_text(json.dumps(level_plan, ensure_ascii=False), encoding="utf-8")
            print(f"backoffice: {'warming the server' if warming else f'{clients} clients for {seconds:.0f} s'} …",
                  flush=True)
            cpu_before = env.tree_cpu_seconds(server.pid)
            output = env.run(env.python("-m", "benchmarks.backoffice_loadgen", "--base", base, "--plan", str(plan_file),
                                        "--clients", str(clients or WARM_CASES), "--seconds", str(seconds),
                                        "--warmup", str(0 if warming else warmup)),
                             env.bench_env(""), capture=True)
            row: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
            if warming:
                continue
            # Server CPU per transition, warm-up included on both sides (as the intake benchmark counts it).
            row["cpu_ms_per_transition"] = ratio((env.tree_cpu_seconds(server.pid) - cpu_before) * 1000,
                                                 row["transitions_total"])
            rows.append(row)
    finally:
        env.stop(server)
        env.stop(worker)
    load = os.getloadavg()
    print(f"\nBack-office task transitions through the API (gunicorn, {args.workers} workers × {args.threads} threads; "
          f"{plan['service']}, {plan['channel']}): transitions/s and latency")
    columns = ["clients", "per_second", "p50_ms", "p95_ms", "p99_ms", "errors", "cpu_ms_per_transition",
               "cases_done", "ran_out_of_cases"]
    print(table(rows, columns))
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    path = results_write(env.RESULTS_DIR, "backoffice", {
        "service": plan["service"], "channel": plan["channel"], "workers": args.workers, "threads": args.threads,
        "seconds": seconds, "cpu_count": os.cpu_count(), "load_average": load, "levels": rows,
    })
    print(f"written {path.relative_to(env.PROJECT_DIR)}")
    return 0 if all(row["errors"] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
