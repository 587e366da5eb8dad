"""The pure parts of the scale benchmarks: COPY text, timestamps, the quick run's arguments, the extrapolation."""

from __future__ import annotations

import pytest
from benchmarks.__main__ import module_args
from benchmarks.backoffice_bench import cases_needed
from benchmarks.scale_bench import extrapolation
from benchmarks.scale_data import BENCH_HASH, Stamps, copy_text


def test_copy_text_escapes_what_copy_reads_as_special() -> None:
    assert copy_text(None) == r"\N"
    assert copy_text(True) == "t"
    assert copy_text("a\tb\nc\\d") == "a\\tb\\nc\\\\d"
    assert copy_text({"k": "ә"}) == '{"k": "ә"}'
    # bytea in the text format: the hex form, its backslash doubled for COPY
    assert copy_text(b"\x00\xff") == "\\\\x00ff"


def test_stamps_are_utc_text_to_the_second() -> None:
    stamp = Stamps()
    # 2026-01-01 00:00:00 UTC is 1767225600 seconds after the epoch (56 years, 14 leap days: 20454 days × 86400)
    assert stamp(1767225600) == "2026-01-01 00:00:00+00"
    assert stamp(1767225600 + 3661.9) == "2026-01-01 01:01:01+00"
    assert stamp(None) == r"\N"


def test_bench_hash_marker_fills_the_hash_column() -> None:
    assert len(BENCH_HASH) == 64
    assert BENCH_HASH.startswith("bench-generated")


def test_quick_run_adds_its_sizes_unless_given() -> None:
    assert module_args("engine_bench", [], quick=True) == ["--quick", "--cases", "5"]
    given = ["--seconds", "9"]
    assert module_args("intake_bench", given, quick=True) == [
        "--seconds", "9", "--quick", "--clients", "32", "--keep-database"]
    assert module_args("engine_bench", ["--cases", "9"], quick=True) == ["--cases", "9", "--quick"]
    assert module_args("engine_bench", ["--cases", "9"], quick=False) == ["--cases", "9"]
    assert module_args("calendar_bench", [], quick=False) == []


def test_cases_needed_keep_every_client_busy() -> None:
    # 8 clients, 20 + 6 s at 12 transitions/s of 5 steps: 62 cases, plus one in hand per client
    assert cases_needed(8, 20, 6) == 70
    # 64 clients: at least two cases each
    assert cases_needed(64, 6, 3) == 128


def test_extrapolation_is_linear_in_cases() -> None:
    generated = {"cases": 100_000, "seconds": {"copy": 200.0, "constraints": 30.0, "analyze": 30.0}}
    pages = {"cases": 100_000, "database_megabytes": 2_000.0}
    ahead = extrapolation(generated, pages)
    assert ahead["factor"] == 100
    assert ahead["copy_minutes_for_10m"] == pytest.approx(200.0 * 100 / 60)
    assert ahead["index_rebuild_minutes_for_10m"] == pytest.approx(60.0 * 100 / 60)
    assert ahead["database_gigabytes_for_10m"] == pytest.approx(200.0)
