"""End-to-end signed intake over HTTP on PostgreSQL, against raw pgbench doing the same writes; memory per process.

A fresh `qyzmet_bench` database on DATABASE_URL's server is set up with the demo; `qyzmet serve
--workers N` (gunicorn) and one task worker run beside it; a separate load-generator process
(`benchmarks.loadgen`) files signed portal applications at each client count. Then pgbench
runs the same writes with as many connections. Prints a table; writes bench/results/intake-*.json.

    python -m benchmarks.intake_bench                     # 8, 32 and 64 clients, 20 s each
    python -m benchmarks.intake_bench --quick             # 8 and 32 clients, 8 s each
    python -m benchmarks.intake_bench --server waitress   # the embedded single-process server instead
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import environment as env
from benchmarks import loadgen, pgbench_intake
from benchmarks.stats import ratio, results_write, table


def database_prepare(database_url: str, *, keep: bool = False) -> dict[str, Any]:
    """A fresh benchmark database with the catalogue and the demo (with `keep`: the one already there, if set up);
    the intake plan (citizens, providers)."""
    environ = env.bench_env(database_url)
    if keep:
        env.database_ensure(database_url)
    else:
        env.database_recreate(database_url)
        env.run(env.python("-m", "qyzmet.cli", "setup", "--demo", "--quiet"), environ)
    plan: dict[str, Any] = json.loads(env.run(env.python("-m", "benchmarks.prepare", "intake"), environ, capture=True))
    return plan


def server_start(database_url: str, *, port: int, server: str, workers: int, threads: int,
                 source: Path | None = None, **extra: str) -> subprocess.Popen[bytes]:
    """`qyzmet serve` on `port` (gunicorn with `workers` processes, or waitress), from `source`'s code if given."""
    environ = env.bench_env(database_url, **extra)
    if source is not None:
        environ["PYTHONPATH"] = os.pathsep.join([str(source), str(env.PROJECT_DIR)])
    command = env.python("-m", "qyzmet.cli", "serve", "--port", str(port), "--threads", str(threads))
    if server == "gunicorn":
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL)
    env.wait_until_up(f"http://127.0.0.1:{port}/api/v1/services")
    return process


def worker_start(database_url: str, **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(env.python("-m", "qyzmet.cli", "worker"), env=env.bench_env(database_url, **extra),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def loadgen_run(base: str, plan_file: Path, *, clients: int, seconds: float, warmup: float) -> dict[str, Any]:
    output = env.run(env.python("-m", "benchmarks.loadgen", "--base", base, "--plan", str(plan_file),
                                "--clients", str(clients), "--seconds", str(seconds), "--warmup", str(warmup)),
                     env.bench_env(""), capture=True)
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def pgbench_run(database_url: str, plan: dict[str, Any], *, clients: int, seconds: float) -> dict[str, Any]:
    """pgbench with the intake's writes: transactions (= applications) per second."""
    pgbench = shutil.which("pgbench")
    if pgbench is None:
        missing = "pgbench not installed (apt-get install postgresql-client)"
        return {"clients": clients, "tps": float("nan"), "error": missing}
    import psycopg

    providers = [p["id"] for p in plan["providers"]]
    with psycopg.connect(database_url, autocommit=True) as connection:
        ids = [row[0] for row in connection.execute(pgbench_intake.sequence_rows_sql(providers)).fetchall()]
    if ids != list(range(ids[0], ids[0] + len(ids))):
        raise RuntimeError(f"the pgbench sequence rows are not consecutive: {ids}")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as script:
        script.write(pgbench_intake.pgbench_script())
    try:
        variables = {"providers": len(ids), "seq_base": ids[0], "version": plan["service_version_id"],
                     "applicant": plan["citizens"][0]["id"]}
        command = [pgbench, "-n", "-f", script.name, "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)),
                   "-T", str(int(seconds)), *(f"-D{key}={value}" for key, value in variables.items()), database_url]
        done = subprocess.run(command, check=True, text=True, capture_output=True)
    finally:
        os.unlink(script.name)
    return {"clients": clients, "tps": pgbench_intake.pgbench_tps(done.stdout)}


def integrity_check(database_url: str, backend: str, *, wait: float) -> dict[str, int]:
    """No case filed twice for one draft; every queued task run (waiting up to `wait` s for the workers)."""
    import time

    import psycopg

    deadline = time.monotonic() + wait
    with psycopg.connect(database_url) as connection:
        duplicated = connection.execute(
            "SELECT count(*) - count(DISTINCT idempotency_key) FROM cases_case WHERE idempotency_key LIKE 'api-draft:%'"
        ).fetchone()[0]
        drafts_without_one = connection.execute(
            "SELECT count(*) FROM api_applicationdraft d JOIN cases_case c ON c.idempotency_key = 'api-draft:' || d.id "
            "WHERE d.case_id IS DISTINCT FROM c.id").fetchone()[0]
        waiting = failed = 0
        while True:
            if backend == "redis":
                import redis

                client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
                waiting = sum(int(client.llen(f"rq:queue:{name}")) for name in ("default", "notifications"))
                failed = sum(int(client.zcard(f"rq:failed:{name}")) for name in ("default", "notifications"))
            else:
                waiting = connection.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                                             "WHERE status IN ('READY', 'RUNNING')").fetchone()[0]
                failed = connection.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                                            "WHERE status = 'FAILED'").fetchone()[0]
            if waiting == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
    return {"duplicated_cases": int(duplicated), "drafts_linked_to_another_case": int(drafts_without_one),
            "tasks_still_queued": int(waiting), "tasks_failed": int(failed)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", help="comma-separated client counts (default 8,32,64; quick: 8,32)")
    parser.add_argument("--seconds", type=float, help="measured seconds per client count (default 20; quick 8)")
    parser.add_argument("--server", choices=["gunicorn", "waitress"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)  # the app is CPU-bound
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--source", type=Path, help="serve another checkout's src/ (a before/after comparison)")
    parser.add_argument("--label", default="intake")
    parser.add_argument("--task-workers", type=int, default=1, help="task worker processes beside the server")
    parser.add_argument("--tasks-backend", choices=["database", "redis"], default="database",
                        help="where queued tasks wait (redis: RQ on REDIS_URL)")
    parser.add_argument("--no-pgbench", action="store_true", help="leave out the pgbench comparison")
    parser.add_argument("--keep-database", action="store_true",
                        help="use the benchmark database as an earlier benchmark left it (set up if it is not)")
    parser.add_argument("--server-warmup", type=float,
                        help="seconds of unmeasured load before the first level, so every web worker has "
                             "imported and filled its caches (default 10; quick 5)")
    args, _ = parser.parse_known_args(argv)
    levels = [int(n) for n in (args.clients or ("8,32" if args.quick else "8,32,64")).split(",")]
    seconds = args.seconds or (8.0 if args.quick else 20.0)
    warmup = 5.0 if args.quick else 8.0  # cold workers import and fill their caches on first requests

    database_url = env.bench_database_url(os.environ.get("DATABASE_URL"))
    print(f"intake: preparing {env.database_name(database_url)} …", flush=True)
    plan = database_prepare(database_url, keep=args.keep_database)
    plan_file = env.VAR_DIR / "intake-plan.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    port = env.free_port()
    base = f"http://127.0.0.1:{port}"
    backend = {"QYZMET_TASKS_BACKEND": args.tasks_backend}
    server = server_start(database_url, port=port, server=args.server, workers=args.workers, threads=args.threads,
                          source=args.source, QYZMET_LOG_LEVEL="WARNING", **backend)
    plan["tokens"] = loadgen.tokens(base, plan)
    plan_file.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    task_workers = [worker_start(database_url, **backend) for _ in range(args.task_workers)]
    rows: list[dict[str, Any]] = []
    try:
        server_warmup = args.server_warmup if args.server_warmup is not None else (5.0 if args.quick else 10.0)
        if server_warmup > 0:
            print(f"intake: warming the server for {server_warmup:.0f} s …", flush=True)
            loadgen_run(base, plan_file, clients=2 * args.workers, seconds=server_warmup, warmup=0)
        for clients in levels:
            print(f"intake: {clients} clients for {seconds:.0f} s …", flush=True)
            cpu_before = env.tree_cpu_seconds(server.pid)
            row = loadgen_run(base, plan_file, clients=clients, seconds=seconds, warmup=warmup)
            # Server CPU per application, warm-up included on both sides: the figure the machine's load moves least.
            row["cpu_ms_per_app"] = ratio(
                (env.tree_cpu_seconds(server.pid) - cpu_before) * 1000, row["cases_filed"])
            row["load_average_1min"] = os.getloadavg()[0]
            rows.append(row)
        workers_rss = [env.peak_rss_mb(pid) for pid in env.children(server.pid)] or [env.peak_rss_mb(server.pid)]
        memory = {"web_worker_peak_rss_mb": max(workers_rss), "web_workers_peak_rss_mb": workers_rss,
                  "web_parent_peak_rss_mb": env.peak_rss_mb(server.pid),
                  "task_worker_peak_rss_mb": max((env.peak_rss_mb(w.pid) for w in task_workers), default=0.0)}
        integrity = integrity_check(database_url, args.tasks_backend, wait=60 if task_workers else 0)
    finally:
        env.stop(server)
        for worker in task_workers:
            env.stop(worker)
    for row in [] if args.no_pgbench else rows:
        print(f"pgbench: {row['clients']} clients …", flush=True)
        row["pgbench_tps"] = pgbench_run(database_url, plan, clients=row["clients"], seconds=min(seconds, 10))["tps"]
        row["ratio_to_pgbench"] = ratio(row["per_second"], row["pgbench_tps"])
    columns = ["clients", "per_second", "p50_ms", "p95_ms", "p99_ms", "errors", "cpu_ms_per_app",
               "pgbench_tps", "ratio_to_pgbench"]
    print(f"\nSigned portal intake over HTTP ({args.server}"
          f"{f', {args.workers} workers × {args.threads} threads' if args.server == 'gunicorn' else ''}), "
          f"applications/s and latency; pgbench with the same writes")
    print(table(rows, columns))
    print(f"peak RSS: web worker {memory['web_worker_peak_rss_mb']:.0f} MiB, "
          f"task worker {memory['task_worker_peak_rss_mb']:.0f} MiB")
    print(f"integrity: {integrity}")
    path = results_write(env.RESULTS_DIR, args.label, {"integrity": integrity, "tasks_backend": args.tasks_backend,
        "server": args.server, "workers": args.workers, "threads": args.threads, "seconds": seconds,
        "cpu_count": os.cpu_count(), "source": str(args.source or env.PROJECT_DIR / "src"),
        "levels": rows, "memory": memory,
    })
    print(f"written {path.relative_to(env.PROJECT_DIR)}")
    return 0 if all(row["errors"] == 0 for row in rows) else 1


if __name__ == "__main__":
    import sys

    sys.exit(main())
