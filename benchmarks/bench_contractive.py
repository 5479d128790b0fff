"""Benchmark: coding symbol sequences with the lecture's contraction.

No peer library: it compares three ways of computing the same states. Run,
from the repository root, with the book's own environment (or the peer
environment of the other benchmarks, which has the same numpy and scipy)::

    .venv/bin/python benchmarks/bench_contractive.py [n_symbols]

Times :meth:`rnnbook.contractive.ContractiveCoder.code` (a first-order
recursive filter along time, :func:`scipy.signal.lfilter`) on an i.i.d.
sequence over four letters with ``k = 1/2`` beside the same states computed
step by step: by the generic state-space loop
(:meth:`~rnnbook.core.StateSpaceModel.run` on one-hot inputs) and by a plain
Python loop. Equal work: all three code the same ``n_symbols`` symbols
(100,000 by default), and the script checks that they agree to 1e-13 before
timing. Also times the codes of every 10-block
(:meth:`~ContractiveCoder.block_codes`) on the same symbols.

Timing: one thread (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and
MKL_NUM_THREADS are set to 1 below, before numpy is imported); one warm-up
call of each method; then ROUNDS rounds, each timing one call of every
method in a rotated order (interleaved, so a slow spell of a shared machine
hits all of them). Printed: minimum and median per method, and the medians
over rounds of the per-round ratios. The last line is machine-readable:
``RATIOS {json}`` (``code_vs_run`` is the time of ``code`` divided by that of
``run``: lower is faster for the coder). Not a test: it prints.
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from rnnbook.contractive import ContractiveCoder  # noqa: E402
from rnnbook.sequences import random_symbols  # noqa: E402

ROUNDS = 5


def python_loop(coder: ContractiveCoder, symbols: np.ndarray) -> np.ndarray:
    """The lecture's equation, one symbol at a time, in plain Python."""
    k = coder.k
    corners = coder.corners.tolist()
    x = coder.x0.tolist()
    out = []
    for s in symbols.tolist():
        c = corners[s]
        x = [k * x[d] + (1 - k) * c[d] for d in range(len(x))]
        out.append(x)
    return np.array(out)


def main(n_symbols: int = 100_000) -> int:
    coder = ContractiveCoder(4, 0.5)
    symbols = random_symbols(n_symbols, 4, seed=0)
    one_hot = np.eye(4)[symbols]
    methods = {
        "code": lambda: coder.code(symbols),
        "run": lambda: coder.run(one_hot).states,
        "python_loop": lambda: python_loop(coder, symbols),
        "block_codes": lambda: coder.block_codes(symbols, 10),
    }
    fast = methods["code"]()
    worst = max(np.abs(fast - methods["run"]()).max(),
                np.abs(fast - methods["python_loop"]()).max())
    if not worst < 1e-13:
        print(f"the methods disagree by {worst:.1e}; nothing timed")
        return 1
    names = list(methods)
    times = {name: [] for name in names}
    for name in names:                                   # warm-up
        methods[name]()
    for r in range(ROUNDS):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.perf_counter()
            methods[name]()
            times[name].append(time.perf_counter() - start)
    print(f"coding {n_symbols:,} symbols (4 letters, k = 1/2), states agree to {worst:.1e}; "
          f"{ROUNDS} interleaved rounds, one thread")
    for name in names:
        print(f"  {name:<12} min {min(times[name]):8.4f} s   median "
              f"{statistics.median(times[name]):8.4f} s")

    def ratio(a, b):
        return statistics.median(x / y for x, y in zip(times[a], times[b]))

    ratios = {"contractive_code_vs_run": round(ratio("code", "run"), 5),
              "contractive_code_vs_python_loop": round(ratio("code", "python_loop"), 5),
              "contractive_block_codes_vs_code": round(ratio("block_codes", "code"), 3)}
    print(f"  code is {1 / ratios['contractive_code_vs_run']:.0f}x faster than run and "
          f"{1 / ratios['contractive_code_vs_python_loop']:.0f}x faster than the Python loop "
          "(medians of per-round ratios)")
    print("RATIOS " + json.dumps(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
