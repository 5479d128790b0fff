"""Shared pytest configuration.

Hypothesis runs derandomised (the same examples on every run, so a failure
reproduces), with no example database written into the tree and no per-example
deadline (timings are the benchmarks' business, not the tests').
"""

from hypothesis import settings

settings.register_profile("rnnbook", derandomize=True, database=None, deadline=None,
                          max_examples=60)
settings.load_profile("rnnbook")
