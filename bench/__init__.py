"""Benchmarks of the SLA Bot: run each with `python -m bench.<name>` (see bench/README.md)."""
