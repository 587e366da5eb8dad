"""Pure helpers of the benchmarks: percentiles, a latency summary, a plain-text table, the results file."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) of `values`, interpolated linearly between the closest ranks.

    The same definition as numpy's default ("linear"): rank (n - 1) * q / 100, counted from 0.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(seconds: Sequence[float], *, elapsed: float) -> dict[str, float]:
    """Count, rate per second over `elapsed`, and p50/p95/p99 in milliseconds of the latencies `seconds`."""
    if elapsed <= 0:
        raise ValueError("elapsed must be positive")
    if not seconds:
        return {"count": 0, "per_second": 0.0, "p50_ms": math.nan, "p95_ms": math.nan, "p99_ms": math.nan}
    return {
        "count": len(seconds),
        "per_second": len(seconds) / elapsed,
        "p50_ms": percentile(seconds, 50) * 1000,
        "p95_ms": percentile(seconds, 95) * 1000,
        "p99_ms": percentile(seconds, 99) * 1000,
    }


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is not positive."""
    return numerator / denominator if denominator > 0 else math.nan


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """A plain-text table: a header line, a rule, one line per row; floats with up to one decimal."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            if math.isnan(value):
                return "–"
            return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value)

    cells = [[cell(row.get(column, "")) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    lines = ["  ".join(column.rjust(width) for column, width in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(text.rjust(width) for text, width in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(lines)


def results_write(directory: Path, name: str, data: Mapping[str, Any], *, now: datetime | None = None) -> Path:
    """Write `data` as bench/results/<name>-<UTC time>.json and <name>-latest.json; return the first path."""
    moment = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"benchmark": name, "at": moment, **data}, indent=2, ensure_ascii=False, default=str)
    path = directory / f"{name}-{moment}.json"
    path.write_text(text + "\n", encoding="utf-8")
    (directory / f"{name}-latest.json").write_text(text + "\n", encoding="utf-8")
    return path
