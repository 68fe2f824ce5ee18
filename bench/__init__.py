"""Benchmarks (`make bench`, `make bench-indicators`) and the data they generate (`bench.data`)."""
