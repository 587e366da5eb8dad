"""Benchmarks: `python -m benchmarks` (or `make bench`) runs every `*_bench` module in this package."""
