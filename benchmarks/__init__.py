"""Benchmarks: runnable modules that print measured speeds (`python -m benchmarks.<name>`)."""
