"""Plain reference implementations shared by several test files.

Written from the definitions, independently of the package, so that the
vectorised code is checked against them.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np


def reference_ngram(train, n_symbols, order, alpha):
    """An order-``order`` Markov model by counting.

    Counts every context of length <= order from the positions >= order;
    predicts with the longest suffix of the history that was counted, with
    additive smoothing ``alpha``. Returns ``(counts, predict)``.
    """
    counts = defaultdict(Counter)
    train = [int(s) for s in train]
    for t in range(order, len(train)):
        for k in range(order + 1):
            counts[tuple(train[t - k:t])][train[t]] += 1

    def predict(history):
        history = [int(s) for s in history]
        for k in range(min(order, len(history)), -1, -1):
            context = tuple(history[len(history) - k:])
            if context in counts:
                c = counts[context]
                total = sum(c.values())
                return np.array([(c[x] + alpha) / (total + n_symbols * alpha)
                                 for x in range(n_symbols)])
        raise AssertionError("the empty context is always counted")

    return counts, predict


def ref_step_losses(loss, output, y, d):
    """Per-step losses, shape (B, T), written out from their definitions."""
    if loss == "squared_error":
        return 0.5 * np.sum((y - d) ** 2, axis=-1)
    if output == "sigmoid":
        return -np.sum(d * np.log(y) + (1 - d) * np.log(1 - y), axis=-1)
    assert output == "softmax"
    return -np.sum(d * np.log(y), axis=-1)
