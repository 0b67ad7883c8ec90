"""Benchmarks, run as `python -m bench <name>`; each writes its section of BENCHMARKS.md."""
