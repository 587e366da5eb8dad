"""Run every benchmark module (`benchmarks/*_bench.py`); each has `main(argv) -> int`.

    python -m benchmarks                      # all of them (the full run: under 30 minutes)
    python -m benchmarks --quick              # the short run (under 5 minutes): fewer cases, clients, seconds
    python -m benchmarks --only calendar      # the modules whose name starts with "calendar"
    python -m benchmarks --starts 10000       # other options go to each module (unknown ones are ignored)

The quick run also gives some modules smaller sizes of their own (`QUICK_ARGS`; an option given
on the command line wins). Each module's wall time is printed at the end and written to
bench/results/run-*.json, so where the time goes is measured, not guessed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time
from collections.abc import Sequence
from typing import Final

import benchmarks
from benchmarks.stats import results_write, table

# The quick run's sizes per module, on top of its --quick (measured on 2 shared cores: see README "Performance").
QUICK_ARGS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "backoffice_bench": (("--clients", "16"),),
    "calendar_bench": (("--starts", "20000"), ("--workalendar-starts", "2000")),
    "document_bench": (("--documents", "3"),),
    "engine_bench": (("--cases", "5"),),
    "intake_bench": (("--clients", "32"), ("--seconds", "6"), ("--keep-database",)),
    "scale_bench": (("--cases", "5000"), ("--requests", "30")),
}


def bench_modules() -> list[str]:
    """Return the names of the benchmark modules, sorted."""
    return sorted(info.name for info in pkgutil.iter_modules(benchmarks.__path__) if info.name.endswith("_bench"))


def module_args(name: str, rest: Sequence[str], *, quick: bool) -> list[str]:
    """The arguments a module gets: the command line's, plus in a quick run its quick sizes not given there."""
    args = list(rest)
    if quick:
        args.append("--quick")
        for option, *values in QUICK_ARGS.get(name, ()):
            if option not in rest:
                args += [option, *values]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the modules whose name starts with this")
    parser.add_argument("--quick", action="store_true", help="the short run (under 5 minutes)")
    args, rest = parser.parse_known_args(argv)
    code = 0
    timings = []
    began = time.monotonic()
    for name in bench_modules():
        if args.only and not name.startswith(args.only):
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.monotonic()
        code = max(code, int(module.main(module_args(name, rest, quick=args.quick))))
        timings.append({"module": name, "seconds": time.monotonic() - started, "load_1min": os.getloadavg()[0]})
    total = time.monotonic() - began
    print(f"\nWall time per benchmark ({'quick' if args.quick else 'full'} run)")
    print(table([*timings, {"module": "total", "seconds": total, "load_1min": os.getloadavg()[0]}],
                ["module", "seconds", "load_1min"]))
    from benchmarks.environment import PROJECT_DIR, RESULTS_DIR

    path = results_write(RESULTS_DIR, "run-quick" if args.quick else "run", {
        "modules": timings, "total_seconds": total, "cpu_count": os.cpu_count(), "exit_code": code,
    })
    print(f"written {path.relative_to(PROJECT_DIR)}")
    return code


if __name__ == "__main__":
    sys.exit(main())
