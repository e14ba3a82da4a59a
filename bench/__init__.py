"""Benchmarks, run by hand (`make bench`); a package so that one benchmark can reuse another's parts."""
