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

from rnnbook.ensemble import _epoch_batches, _RNNMembers, project, stack, unstack
from rnnbook.losses import check_training_data
from rnnbook.optim import Adam, train
from rnnbook.rnn import RNN
from rnnbook.sequences import latching_task, parity_prefix_data
from rnnbook.validation import (
    as_float_array,
    as_generator,
    check_callable,
    check_float_range,
    check_nonnegative_float,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
)


def _check_stack_training(make_network, seed, epochs, learning_rate, batch_size, *,
                          several: bool = False):
    """Check the arguments every stacked-training experiment shares (names as the caller's).

    With ``several``, ``make_network`` may also be a dict of makers.
    """
    if several and isinstance(make_network, dict):
        if not make_network:
            raise ValueError("make_network must hold at least one maker when it is a dict")
        for name, make in make_network.items():
            check_callable(f"make_network[{name!r}]", make)
    else:
        check_callable("make_network", make_network)
    check_nonnegative_int("seed", seed)
    check_positive_int("epochs", epochs)
    check_positive_float("learning_rate", learning_rate)
    check_positive_int("batch_size", batch_size)


def _train_stack(make_network, n_seeds: int, seed: int, u, targets, mask, *, epochs: int,
                 learning_rate: float, batch_size: int):
    """Train ``make_network(seed + s)``, ``s < n_seeds``, as one block-diagonal stack.

    Adam and cross-entropy, every member on the same ``targets``; the
    off-block weights are zeroed after every update, so each member trains
    exactly as it would alone. Returns the stacked network.
    """
    network, masks = stack([make_network(seed + s) for s in range(n_seeds)])
    project(network, masks)
    train(network, u, np.tile(targets, (1, 1, n_seeds)), mask,
          optimizer=Adam(learning_rate), epochs=epochs, batch_size=batch_size,
          loss="cross_entropy", seed=seed, after_update=lambda m: project(m, masks))
    return network


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
    _check_stack_training(make_network, seed, epochs, learning_rate, batch_size)
    n_train = check_positive_int("n_train", n_train)
    n_test = check_positive_int("n_test", n_test)
    noise = check_nonnegative_float("noise", noise)
    threshold = check_float_range("threshold", threshold, 0.0, 1.0)
    if isinstance(lags, (str, bytes)) or not hasattr(lags, "__iter__"):
        raise TypeError(f"lags must be a sequence of lags; got {lags!r}")
    lags = [check_nonnegative_int("lags", lag) for lag in lags]
    if not lags:
        raise ValueError("lags must hold at least one lag")
    success, accuracy = {}, {}
    for lag in lags:
        u, targets, mask, _ = latching_task(n_train, lag, noise=noise, seed=seed + 7919 * lag)
        u_test, _, _, labels = latching_task(n_test, lag, noise=noise,
                                             seed=seed + 7919 * lag + 1)
        network = _train_stack(make_network, n_seeds, seed, u, targets, mask,
                               epochs=epochs, learning_rate=learning_rate,
                               batch_size=batch_size)
        final = network.run(u_test).outputs[:, -1, :]            # (n_test, n_seeds)
        accuracy[lag] = np.mean((final >= 0.5) == labels[:, None].astype(bool), axis=0)
        success[lag] = float(np.mean(accuracy[lag] >= threshold))
    return LatchingResult(success, accuracy)


@dataclass
class MemoryTaskResult:
    """Outcome of :func:`parity_memory_accuracy`.

    Attributes
    ----------
    accuracy : dict of int to numpy.ndarray
        For each test length, every network's accuracy, shape ``(n_seeds,)``.
    networks : list
        The trained networks, one per seed, in seed order.
    """

    accuracy: dict[int, np.ndarray]
    networks: list


def parity_memory_accuracy(make_network: Callable[[int], object], *,
                           window: int | None = None, lengths=(10, 20, 50, 100, 200),
                           n_seeds: int = 10, seed: int = 0, n_train: int = 1000,
                           max_train_length: int = 20, n_test: int = 200,
                           epochs: int = 100, learning_rate: float = 0.05,
                           batch_size: int = 100) -> MemoryTaskResult:
    """Train networks on a prefix-parity task; test them on longer strings.

    With ``window = None`` the target at every step is the parity of the 1's
    in the whole prefix (unbounded memory); with ``window = k``, of the 1's
    among the last ``k`` symbols (finite memory): see
    :func:`rnnbook.sequences.parity_prefix_data`. ``n_seeds`` networks
    ``make_network(seed + s)`` are trained together as one stack
    (:mod:`rnnbook.ensemble`) with Adam and cross-entropy on every step of
    ``n_train`` random strings of lengths 1 to ``max_train_length``; each is
    then tested on ``n_test`` new strings of each length in ``lengths``, on
    the label of the last step.

    Parameters
    ----------
    make_network : callable
        ``make_network(seed)`` returns a fresh :class:`rnnbook.RNN` or
        :class:`rnnbook.lstm.LSTM` with two inputs and one sigmoid output.
    window : int, optional
        The memory the task needs; ``None`` for the whole prefix.
    lengths : iterable of int
        Test string lengths.

    Returns
    -------
    MemoryTaskResult

    Introduced in chapter 4, *Information latching and vanishing gradients*.
    """
    n_seeds = check_positive_int("n_seeds", n_seeds)
    _check_stack_training(make_network, seed, epochs, learning_rate, batch_size)
    n_train = check_positive_int("n_train", n_train)
    n_test = check_positive_int("n_test", n_test)
    max_train_length = check_positive_int("max_train_length", max_train_length)
    if window is not None:
        window = check_positive_int("window", window)
    lengths = [check_positive_int("lengths", length) for length in lengths]
    if not lengths:
        raise ValueError("lengths must hold at least one test length")
    rng = np.random.default_rng(seed)
    strings = [rng.integers(0, 2, n) for n in rng.integers(1, max_train_length + 1, n_train)]
    u, targets, mask = parity_prefix_data(strings, window)
    network = _train_stack(make_network, n_seeds, seed, u, targets, mask, epochs=epochs,
                           learning_rate=learning_rate, batch_size=batch_size)
    accuracy = {}
    for length in lengths:
        test = rng.integers(0, 2, (n_test, length))
        u_test, d_test, _ = parity_prefix_data(list(test), window)
        final = network.run(u_test).outputs[:, -1, :]            # (n_test, n_seeds)
        accuracy[length] = np.mean((final >= 0.5) == (d_test[:, -1, :] >= 0.5), axis=0)
    return MemoryTaskResult(accuracy, unstack(network, n_seeds))


@dataclass
class RegressionRunResult:
    """Outcome of :func:`train_regression_seeds`.

    Attributes
    ----------
    test_mse : numpy.ndarray, shape ``(n_seeds,)``
        Each network's test mean squared error on the last step after training.
    curves : numpy.ndarray, shape ``(n_evaluations, n_seeds)``
        The test errors after every ``eval_every`` passes (the last row is
        ``test_mse``).
    passes : numpy.ndarray of int
        The number of passes at each row of ``curves``.
    """

    test_mse: np.ndarray
    curves: np.ndarray
    passes: np.ndarray


def train_regression_seeds(make_network: Callable[[int], object], u, targets, mask,
                           u_test, target_test, *, n_seeds: int = 5, seed: int = 0,
                           epochs: int = 20, learning_rate: float = 0.01,
                           batch_size: int = 25, eval_every: int = 2) -> RegressionRunResult:
    """Train networks on a last-step regression task; report every one's test error.

    ``n_seeds`` networks ``make_network(seed + s)`` (one output each, identity
    or another elementwise output activation) are trained together with Adam
    and the squared error on the steps ``mask`` selects, every member on the
    same data and minibatches, one pass at a time (shuffled with seed
    ``seed + pass``): plain RNNs side by side with their own weights (one
    batched product per step, as :func:`rnnbook.ensemble.train_stack` does),
    LSTMs as one block-diagonal stack (:mod:`rnnbook.ensemble`). After
    every ``eval_every`` passes, and after the last, each member's mean
    squared error on the last step of ``u_test`` against ``target_test`` is
    recorded. Same budget for every member: no early stopping.

    Parameters
    ----------
    make_network : callable, or dict of callables
        ``make_network(seed)`` returns a fresh :class:`rnnbook.RNN` or
        :class:`rnnbook.lstm.LSTM` with one output. A dict of such makers
        (networks of one class, shape and activations, started differently)
        trains ``n_seeds`` networks of each in the same stack: the same data
        and minibatches, each network as it would train alone, in one pass.
        This saves Python overhead for small networks; a block-diagonal
        stack's recurrent product grows with the square of its size, so for
        LSTMs it does not pay for wide ones.
    u, targets, mask : array_like
        Training data, shapes ``(B, T, n_inputs)``, ``(B, T, 1)``, ``(B, T)``.
    u_test : array_like, shape ``(B', T', n_inputs)``
    target_test : array_like, shape ``(B',)``
        The desired output at the last step of each test sequence.

    Returns
    -------
    RegressionRunResult, or dict of RegressionRunResult
        One result per maker when ``make_network`` is a dict.

    Introduced in chapter 5, *LSTM* (the adding problem).
    """
    n_seeds = check_positive_int("n_seeds", n_seeds)
    epochs = check_positive_int("epochs", epochs)
    eval_every = check_positive_int("eval_every", eval_every)
    _check_stack_training(make_network, seed, epochs, learning_rate, batch_size, several=True)
    targets = as_float_array("targets", targets, shape=(None, None, 1))
    u_test = as_float_array("u_test", u_test, ndim=3)
    if u_test.shape[0] == 0 or u_test.shape[1] == 0:
        raise ValueError(f"u_test must hold at least one step of one sequence; "
                         f"got {u_test.shape}")
    target_test = as_float_array("target_test", target_test, shape=(u_test.shape[0],))
    if target_test.size == 0:
        raise ValueError("target_test is empty: there is nothing to test on")
    makers = make_network if isinstance(make_network, dict) else {None: make_network}
    models = [make(seed + s) for make in makers.values() for s in range(n_seeds)]
    network, masks = stack(models)                  # also checks that the shapes agree
    optimizer = Adam(learning_rate)
    tiled = np.tile(targets, (1, 1, len(models)))
    curves, passes = [], []
    if isinstance(network, RNN):
        # plain RNNs: one batched product per step with every member's own weights
        # (ensemble._RNNMembers), not the dense block-diagonal product, which does
        # len(models) times the work; the same updates, up to round-off
        u, tiled, mask = check_training_data(network, u, tiled, mask)
        members = _RNNMembers(models)
        member_targets = tiled.reshape(tiled.shape[:2] + (len(models), 1)).transpose(2, 0, 1, 3)
        for epoch in range(1, epochs + 1):
            for rows in _epoch_batches(mask, batch_size, as_generator(seed + epoch)):
                optimizer.step(members.params, members.gradients(
                    "squared_error", u[rows], member_targets[:, rows], mask[rows]))
            if epoch % eval_every == 0 or epoch == epochs:
                _, logits = members.forward(u_test)                       # (T', K, B', 1)
                final = members.output_activation(logits[-1])[..., 0].T   # (B', K)
                curves.append(np.mean((final - target_test[:, None]) ** 2, axis=0))
                passes.append(epoch)
    else:
        project(network, masks)
        for epoch in range(1, epochs + 1):
            train(network, u, tiled, mask, optimizer=optimizer, epochs=1,
                  batch_size=batch_size, loss="squared_error", seed=seed + epoch,
                  after_update=lambda m: project(m, masks))
            if epoch % eval_every == 0 or epoch == epochs:
                final = network.run(u_test).outputs[:, -1, :]           # (B', n_seeds)
                curves.append(np.mean((final - target_test[:, None]) ** 2, axis=0))
                passes.append(epoch)
    curves = np.array(curves)
    results = {name: RegressionRunResult(curves[-1, k * n_seeds:(k + 1) * n_seeds].copy(),
                                         curves[:, k * n_seeds:(k + 1) * n_seeds].copy(),
                                         np.array(passes))
               for k, name in enumerate(makers)}
    return results if isinstance(make_network, dict) else results[None]
