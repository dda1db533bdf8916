"""Benchmarks: timings printed as ratios against a baseline measured in the same run (never in tests)."""
