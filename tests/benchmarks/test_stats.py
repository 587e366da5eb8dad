"""The benchmark harness's pure parts: percentiles, summaries, the table, the bench database's URL, pgbench."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from benchmarks.engine_bench import engine_figures
from benchmarks.environment import bench_database_url
from benchmarks.pgbench_intake import pgbench_script, pgbench_tps
from benchmarks.stats import latency_summary, percentile, ratio, results_write, table


def test_percentile_interpolates_between_ranks() -> None:
    # ranks 0..3 of [10, 20, 30, 40]: p50 at rank 1.5 → 25; p95 at rank 2.85 → 30 + 0.85 * 10
    values = [40.0, 10.0, 30.0, 20.0]
    assert percentile(values, 50) == 25.0
    assert percentile(values, 95) == pytest.approx(38.5)
    assert (percentile(values, 0), percentile(values, 100)) == (10.0, 40.0)


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([7.0], 99) == 7.0


def test_percentile_refuses_nothing_and_out_of_range() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_latency_summary_in_milliseconds_and_per_second() -> None:
    # 101 latencies 0.000 … 0.100 s over 10 s: p50 50 ms, p95 95 ms, p99 99 ms, 10.1 per second
    summary = latency_summary([i / 1000 for i in range(101)], elapsed=10)
    assert summary["count"] == 101
    assert summary["per_second"] == pytest.approx(10.1)
    assert (summary["p50_ms"], summary["p95_ms"], summary["p99_ms"]) == pytest.approx((50, 95, 99))


def test_latency_summary_of_nothing_has_no_percentiles() -> None:
    summary = latency_summary([], elapsed=5)
    assert summary["per_second"] == 0.0
    assert math.isnan(summary["p99_ms"])


def test_ratio_without_a_denominator_is_nan() -> None:
    assert ratio(3, 4) == 0.75
    assert math.isnan(ratio(3, 0))


def test_table_aligns_columns_and_shows_missing_figures_as_a_dash() -> None:
    text = table([{"clients": 8, "rate": 12.345}, {"clients": 32, "rate": float("nan")}], ["clients", "rate"])
    assert text.splitlines() == [
        "clients  rate",
        "-------  ----",
        "      8  12.3",
        "     32     –",
    ]


def test_results_are_written_with_the_time_and_as_latest(tmp_path: Path) -> None:
    path = results_write(tmp_path, "intake", {"levels": []}, now=datetime(2026, 12, 1, 3, 4, 5, tzinfo=UTC))
    assert path.name == "intake-20261201T030405Z.json"
    assert (tmp_path / "intake-latest.json").read_text() == path.read_text()


def test_the_bench_database_sits_beside_the_one_named() -> None:
    assert bench_database_url("postgresql://postgres@127.0.0.1:5432/test_x") == (
        "postgresql://postgres@127.0.0.1:5432/qyzmet_bench")
    with pytest.raises(ValueError):
        bench_database_url("sqlite:///var/qyzmet.sqlite3")


def test_pgbench_script_writes_what_one_application_writes() -> None:
    script = pgbench_script()
    assert script.count("INSERT INTO cases_caseevent") == 7
    assert script.count("INSERT INTO cases_task") == 6
    assert script.count("INSERT INTO cases_case ") == 1
    assert script.index("BEGIN;") < script.index("UPDATE cases_numbersequence") < script.index("COMMIT;")


def test_pgbench_tps_is_read_from_its_report() -> None:
    report = ("number of transactions actually processed: 5300\nlatency average = 60.1 ms\n"
              "tps = 530.123456 (without initial connection time)\n")
    assert pgbench_tps(report) == 530.123456
    with pytest.raises(ValueError):
        pgbench_tps("no figures")


def test_engine_figures_leave_the_clients_signing_out() -> None:
    # 100 cases, 500 steps, 20 s wall, 2.0 s CPU of which 0.5 s signing: 5 cases/s, 4000 µs and 3000 µs per step
    figures = engine_figures({"cases": 100, "steps": 500, "wall_seconds": 20.0, "cpu_seconds": 2.0,
                              "client_signing_cpu_seconds": 0.5})
    assert figures["cases_per_second"] == 5.0
    assert figures["cpu_us_per_step"] == pytest.approx(4000)
    assert figures["engine_cpu_us_per_step"] == pytest.approx(3000)
