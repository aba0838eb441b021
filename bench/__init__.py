"""Benchmarks of Rapport's cost model on an embedded moto endpoint; run `python -m bench`."""
