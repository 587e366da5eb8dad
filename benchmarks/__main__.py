"""Run every benchmark module (`benchmarks/*_bench.py`); each has `main(argv) -> int`.

    python -m benchmarks                      # all of them
    python -m benchmarks --only calendar      # the modules whose name starts with "calendar"
    python -m benchmarks --starts 10000       # other options go to each module (unknown ones are ignored)
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import benchmarks


def bench_modules() -> list[str]:
    """Return the names of the benchmark modules, sorted."""
    return sorted(info.name for info in pkgutil.iter_modules(benchmarks.__path__) if info.name.endswith("_bench"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the modules whose name starts with this")
    args, rest = parser.parse_known_args(argv)
    code = 0
    for name in bench_modules():
        if args.only and not name.startswith(args.only):
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        code = max(code, int(module.main(rest)))
    return code


if __name__ == "__main__":
    sys.exit(main())
