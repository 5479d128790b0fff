"""Benchmark: coding a million symbols with the lecture's contraction.

    python benchmarks/bench_contractive.py [n_symbols]

Times :meth:`rnnbook.contractive.ContractiveCoder.code` (a first-order
recursive filter along time, :func:`scipy.signal.lfilter`) on an i.i.d.
sequence of a million symbols over four letters with ``k = 1/2``, beside the
same states computed step by step: by the generic state-space loop
(:meth:`~rnnbook.core.StateSpaceModel.run` on one-hot inputs) and by a plain
Python loop, both on a tenth of the sequence and scaled up. Also times the
codes of every 10-block (:meth:`~ContractiveCoder.block_codes`). Checks that
all methods agree before reporting. Not run as a test (timings are not
reproducible); chapter 6 quotes the result.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from rnnbook.contractive import ContractiveCoder
from rnnbook.sequences import random_symbols


def best_of(function, repeats: int) -> float:
    """The shortest wall time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


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


def main(n_symbols: int = 1_000_000) -> None:
    coder = ContractiveCoder(4, 0.5)
    symbols = random_symbols(n_symbols, 4, seed=0)
    part = symbols[: n_symbols // 10]
    fast = coder.code(symbols)
    assert np.allclose(fast[: part.size], coder.run(np.eye(4)[part]).states, atol=1e-13)
    assert np.allclose(fast[: part.size], python_loop(coder, part), atol=1e-13)

    t_code = best_of(lambda: coder.code(symbols), 5)
    t_blocks = best_of(lambda: coder.block_codes(symbols, 10), 3)
    t_run = best_of(lambda: coder.run(np.eye(4)[part]), 1) * n_symbols / part.size
    t_loop = best_of(lambda: python_loop(coder, part), 1) * n_symbols / part.size

    print(f"coding {n_symbols:,} symbols (4 letters, k = 1/2), best wall time:")
    print(f"  ContractiveCoder.code (lfilter)          {t_code:8.3f} s")
    print(f"  ContractiveCoder.block_codes, n = 10     {t_blocks:8.3f} s")
    print(f"  StateSpaceModel.run, step by step        {t_run:8.3f} s  (scaled from "
          f"{part.size:,})")
    print(f"  plain Python loop                        {t_loop:8.3f} s  (scaled from "
          f"{part.size:,})")
    print(f"  speed-up of code over run: {t_run / t_code:.0f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
