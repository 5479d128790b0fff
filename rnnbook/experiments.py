"""Experiments that more than one chapter runs, so that they run the same way.

:func:`latching_success` trains many networks on the information latching
task (:func:`rnnbook.sequences.latching_task`) for several lags at once, as
one block-diagonal stack per lag (:mod:`rnnbook.ensemble`), and reports the
fraction of networks that learned it.

Introduced in chapter 4, *Information latching and vanishing gradients*;
chapter 5 runs it for the LSTM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from rnnbook.ensemble import project, stack
from rnnbook.optim import Adam, train
from rnnbook.sequences import latching_task
from rnnbook.validation import check_positive_int


@dataclass
class LatchingResult:
    """Outcome of :func:`latching_success`.

    Attributes
    ----------
    success : dict of int to float
        For each lag ``T``, the fraction of networks whose test accuracy
        reached ``threshold``.
    accuracy : dict of int to numpy.ndarray
        For each lag, every network's test accuracy (one per seed).
    """

    success: dict[int, float]
    accuracy: dict[int, np.ndarray]


def latching_success(make_network: Callable[[int], object], lags, *, n_seeds: int = 10,
                     seed: int = 0, noise: float = 0.5, n_train: int = 128,
                     n_test: int = 500, epochs: int = 40, learning_rate: float = 0.01,
                     batch_size: int = 32, threshold: float = 0.9) -> LatchingResult:
    """Train ``n_seeds`` networks per lag on the latching task; report how many learned it.

    For each lag ``T`` in ``lags``: draw ``n_train`` training and ``n_test``
    test sequences (3 signal steps, then ``T`` steps of noise with standard
    deviation ``noise``; seeds derived from ``seed`` and ``T``); build networks
    ``make_network(seed + s)`` for ``s = 0 .. n_seeds - 1`` (one sigmoid output
    each); train them together as one stack with Adam and cross-entropy on the
    last step; and count a network as successful when its test accuracy is at
    least ``threshold``.

    Parameters
    ----------
    make_network : callable
        ``make_network(seed)`` returns a fresh :class:`rnnbook.RNN` or
        :class:`rnnbook.lstm.LSTM` with one input and one sigmoid output.
    lags : iterable of int
        The numbers of noise steps ``T``.

    Returns
    -------
    LatchingResult
    """
    n_seeds = check_positive_int("n_seeds", n_seeds)
    success, accuracy = {}, {}
    for lag in lags:
        lag = int(lag)
        u, targets, mask, _ = latching_task(n_train, lag, noise=noise, seed=seed + 7919 * lag)
        u_test, _, _, labels = latching_task(n_test, lag, noise=noise,
                                             seed=seed + 7919 * lag + 1)
        network, masks = stack([make_network(seed + s) for s in range(n_seeds)])
        project(network, masks)
        train(network, u, np.tile(targets, (1, 1, n_seeds)), mask,
              optimizer=Adam(learning_rate), epochs=epochs, batch_size=batch_size,
              loss="cross_entropy", seed=seed, after_update=lambda m: project(m, masks))
        final = network.run(u_test).outputs[:, -1, :]            # (n_test, n_seeds)
        accuracy[lag] = np.mean((final >= 0.5) == labels[:, None].astype(bool), axis=0)
        success[lag] = float(np.mean(accuracy[lag] >= threshold))
    return LatchingResult(success, accuracy)
