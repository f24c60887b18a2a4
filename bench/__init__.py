"""Benchmarks of the running system (`make bench`)."""
