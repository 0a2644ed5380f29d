"""Benchmarks the repo keeps: run them as modules (`python -m bench.hot_thread`) or through make."""
