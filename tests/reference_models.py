"""Plain-Python reference models shared by the Markov-model and FPM tests.

Written with dictionaries and loops, independently of rnnbook.markov, so that
the vectorised models are checked against the definition.
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
