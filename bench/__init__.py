"""Benchmarks on realistic data sizes: `python -m bench <name> [--quick]` (see __main__)."""
