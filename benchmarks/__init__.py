"""Benchmarks measured against a raw baseline in the same run; each module has run()."""
