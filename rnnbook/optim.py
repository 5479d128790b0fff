"""Optimisers, gradient clipping and a small training loop.

Every optimiser updates a dictionary of parameter arrays in place from a
dictionary of gradients with the same keys (a model's ``parameters()`` and the
``gradients`` of its ``loss_and_gradients``):

* :class:`SGD`: :math:`\\theta \\leftarrow \\theta - \\eta\\, g`;
* :class:`Momentum`: :math:`v \\leftarrow \\mu v - \\eta g,\\ \\theta \\leftarrow \\theta + v`;
* :class:`Adam` (Kingma and Ba): running means of :math:`g` and :math:`g^2` with
  bias correction, :math:`\\theta \\leftarrow \\theta - \\eta\\, \\hat m / (\\sqrt{\\hat v} + \\epsilon)`.

:func:`clip_by_global_norm` rescales a gradient whose norm exceeds a limit, the
usual cure for exploding gradients. :func:`train` runs minibatch training of
any model with ``parameters()`` and ``loss_and_gradients()`` and records a
:class:`History`.

Introduced in chapter 2, *Elman networks*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rnnbook.validation import (
    SeedLike,
    as_float_array,
    as_generator,
    check_callable,
    check_finite_float,
    check_float_range,
    check_instance,
    check_methods,
    check_nonnegative_float,
    check_positive_float,
    check_positive_int,
)


def _check_grads(grads, name: str = "grads") -> dict:
    """Check a non-empty dict of parameter name to finite real arrays."""
    check_instance(name, grads, dict, "dict of parameter name to array")
    if not grads:
        raise ValueError(f"{name} must hold at least one array")
    return {key: as_float_array(f"{name}[{key!r}]", value) for key, value in grads.items()}


class Optimizer:
    """Base class: ``step(params, grads)`` updates ``params`` in place.

    ``grads`` must hold exactly the keys of ``params``, each a finite array of
    its parameter's shape. Every gradient is checked before any parameter is
    changed, so a refused step leaves the parameters and the optimiser's state
    as they were.
    """

    def __init__(self, learning_rate: float):
        self.learning_rate = check_finite_float("learning_rate", learning_rate)
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive; got {learning_rate}")
        self.state: dict[str, dict[str, np.ndarray]] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update ``params`` in place from ``grads`` (same keys, same shapes, finite).

        Raises
        ------
        ValueError
            If ``grads`` lacks a parameter, has a key that is no parameter (a
            misspelling, say), or holds a gradient of the wrong shape or with
            NaN or inf; nothing is updated then.
        TypeError
            If a gradient is not a real numeric array.
        """
        check_instance("params", params, dict, "dict of parameter name to array")
        check_instance("grads", grads, dict, "dict of parameter name to array")
        if not params:
            raise ValueError("params must hold at least one parameter")
        for name, value in params.items():
            if not (isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating)):
                raise TypeError(f"params[{name!r}] must be a float numpy array (updated in "
                                f"place); got {type(value).__name__}")
        missing = set(params) - set(grads)
        extra = set(grads) - set(params)      # a misspelt key would otherwise be ignored
        if missing or extra:
            problems = []
            if missing:
                problems.append(f"no entry for the parameters {sorted(missing)}")
            if extra:
                problems.append(f"entries {sorted(extra, key=str)} that are not parameters")
            raise ValueError(f"grads has {' and '.join(problems)}; the parameters are "
                             f"{list(params)}")
        checked = []
        for name, value in params.items():
            grad = np.asarray(grads[name])
            if grad.shape != value.shape:
                raise ValueError(f"grads[{name!r}] has shape {grad.shape}, the "
                                 f"parameter {value.shape}")
            if grad.dtype == bool or not (np.issubdtype(grad.dtype, np.integer)
                                          or np.issubdtype(grad.dtype, np.floating)):
                raise TypeError(f"grads[{name!r}] must be a real numeric array; got "
                                f"dtype {grad.dtype}")
            if not np.all(np.isfinite(grad)):
                raise ValueError(f"grads[{name!r}] contains NaN or inf, so no "
                                 f"parameter was updated (training has diverged: lower the "
                                 f"learning rate or clip the gradients before they overflow)")
            checked.append((value, name, grad))
        for value, name, grad in checked:
            value += self._update(name, grad)

    def _update(self, name: str, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class SGD(Optimizer):
    """Plain gradient descent: ``theta -= learning_rate * grad``."""

    def _update(self, name, grad):
        return -self.learning_rate * grad


class Momentum(Optimizer):
    """Gradient descent with (heavy-ball) momentum.

    Parameters
    ----------
    learning_rate : float
    momentum : float
        The fraction ``mu`` of the previous update that is kept, in ``[0, 1)``.
    """

    def __init__(self, learning_rate: float, momentum: float = 0.9):
        super().__init__(learning_rate)
        self.momentum = check_finite_float("momentum", momentum)
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); got {momentum}")

    def _update(self, name, grad):
        velocity = self.state.setdefault(name, {"v": np.zeros_like(grad)})["v"]
        velocity *= self.momentum
        velocity -= self.learning_rate * grad
        return velocity.copy()


class Adam(Optimizer):
    """Adam: per-parameter step sizes from running moments of the gradient.

    Parameters
    ----------
    learning_rate : float
    beta1, beta2 : float
        Decay rates of the running first and second moments.
    epsilon : float
        Added to the root of the second moment.
    """

    def __init__(self, learning_rate: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8):
        super().__init__(learning_rate)
        self.beta1 = check_float_range("beta1", beta1, 0.0, 1.0, high_open=True)
        self.beta2 = check_float_range("beta2", beta2, 0.0, 1.0, high_open=True)
        self.epsilon = check_positive_float("epsilon", epsilon)

    def _update(self, name, grad):
        st = self.state.setdefault(name, {"m": np.zeros_like(grad), "v": np.zeros_like(grad),
                                          "t": np.zeros(())})
        st["t"] += 1
        st["m"] = self.beta1 * st["m"] + (1 - self.beta1) * grad
        st["v"] = self.beta2 * st["v"] + (1 - self.beta2) * grad * grad
        m_hat = st["m"] / (1 - self.beta1 ** st["t"])
        v_hat = st["v"] / (1 - self.beta2 ** st["t"])
        return -self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """The Euclidean norm of all gradients together.

    The plain sum of squares where it is accurate; where it would underflow
    (entries below about 1e-150) or overflow (above about 1e154), the norm of
    the gradients divided by their largest entry, times that entry.
    """
    grads = _check_grads(grads)
    with np.errstate(over="ignore", under="ignore"):
        total = sum(np.sum(np.square(g)) for g in grads.values())
    if 1e-280 <= total < np.inf:
        return float(np.sqrt(total))
    largest = max(float(np.max(np.abs(g), initial=0.0)) for g in grads.values())
    if largest == 0.0:
        return 0.0
    scaled = sum(np.sum(np.square(g / largest)) for g in grads.values())
    return float(largest * np.sqrt(scaled))


def clip_by_global_norm(grads: dict[str, np.ndarray], max_norm: float):
    """Rescale the gradients so that their global norm is at most ``max_norm``.

    Returns
    -------
    clipped : dict of numpy.ndarray
        New arrays; the input is not changed.
    norm : float
        The global norm before clipping.
    """
    max_norm = check_positive_float("max_norm", max_norm)
    grads = _check_grads(grads)
    norm = global_norm(grads)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {name: g * scale for name, g in grads.items()}, norm


@dataclass
class History:
    """What :func:`train` recorded, one entry per epoch.

    Attributes
    ----------
    loss : list of float
        Mean training loss over the epoch's minibatches (before each update).
    grad_norm : list of float
        Mean global gradient norm over the epoch (before clipping).
    """

    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.loss)


def train(model, u, targets, mask=None, *, optimizer: Optimizer, epochs: int,
          batch_size: int | None = None, loss: str = "squared_error",
          truncate: int | None = None, clip: float | None = None, seed: SeedLike = None,
          report_every: int | None = None, stop_below: float | None = None,
          after_update=None) -> History:
    """Minibatch training by backpropagation through time.

    Parameters
    ----------
    model
        Anything with ``parameters()`` (a dict of arrays, updated in place) and
        ``loss_and_gradients(u, targets, mask, loss=..., truncate=...)``, such as
        :class:`rnnbook.RNN`.
    u, targets, mask
        A batch of sequences, ``(B, T, n_inputs)``, ``(B, T, n_outputs)`` and
        ``(B, T)`` (see :meth:`rnnbook.RNN.loss_and_gradients`); a single
        sequence ``(T, ...)`` is trained as a batch of one.
    optimizer : Optimizer
    epochs : int
        Passes over the batch.
    batch_size : int, optional
        Sequences per update; all of them by default. The order is shuffled
        every epoch with a generator made from ``seed``.
    loss, truncate
        Passed to ``loss_and_gradients``.
    clip : float, optional
        Clip the global gradient norm to this value before each update.
    seed : int, numpy.random.Generator or None
        For the minibatch shuffling.
    report_every : int, optional
        Print the epoch's loss every this many epochs. The printed values
        depend only on the seeds, so notebook outputs are the same on every run.
    stop_below : float, optional
        Stop early once an epoch's mean loss falls below this value.
    after_update : callable, optional
        Called as ``after_update(model)`` after every update, for example to
        project the weights back onto a constraint set.

    Returns
    -------
    History
    """
    check_methods("model", model, ("parameters", "loss_and_gradients"))
    check_instance("optimizer", optimizer, Optimizer,
                   "rnnbook.optim.Optimizer instance (SGD(0.1), Adam(), ...)")
    epochs = check_positive_int("epochs", epochs, maximum=10 ** 7)
    u = as_float_array("u", u, ndim=(2, 3))
    targets = as_float_array("targets", targets, ndim=u.ndim)
    if mask is not None:
        mask = as_float_array("mask", mask, ndim=u.ndim - 1)
    if clip is not None:
        clip = check_positive_float("clip", clip)
    if report_every is not None:
        report_every = check_positive_int("report_every", report_every)
    if stop_below is not None:
        stop_below = check_nonnegative_float("stop_below", stop_below)
    if truncate is not None:
        truncate = check_positive_int("truncate", truncate)
    if after_update is not None:
        check_callable("after_update", after_update)
    if u.ndim == 2:
        u, targets = u[None], targets[None]
        mask = None if mask is None else mask[None]
    n_sequences = u.shape[0]
    if targets.shape[:1] != (n_sequences,):
        raise ValueError(f"targets must hold {n_sequences} sequences like u; got shape "
                         f"{targets.shape}")
    if mask is not None:
        if mask.shape[:1] != (n_sequences,):
            raise ValueError(f"mask must hold {n_sequences} sequences like u; got shape "
                             f"{mask.shape}")
    batch_size = n_sequences if batch_size is None else check_positive_int("batch_size",
                                                                          batch_size)
    rng = as_generator(seed)
    params = model.parameters()
    history = History()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n_sequences) if batch_size < n_sequences else np.arange(n_sequences)
        losses, norms = [], []
        for start in range(0, n_sequences, batch_size):
            rows = order[start:start + batch_size]
            batch_mask = None if mask is None else mask[rows]
            if batch_mask is not None and not batch_mask.any():
                continue
            value, grads = model.loss_and_gradients(u[rows], targets[rows], batch_mask,
                                                    loss=loss, truncate=truncate)
            if clip is not None:
                grads, norm = clip_by_global_norm(grads, clip)
            else:
                norm = global_norm(grads)
            optimizer.step(params, grads)
            if after_update is not None:
                after_update(model)
            losses.append(value)
            norms.append(norm)
        history.loss.append(float(np.mean(losses)))
        history.grad_norm.append(float(np.mean(norms)))
        if report_every and (epoch % report_every == 0 or epoch == epochs):
            print(f"epoch {epoch:5d}  loss {history.loss[-1]:.4f}")
        if stop_below is not None and history.loss[-1] < stop_below:
            if report_every:
                print(f"epoch {epoch:5d}  loss {history.loss[-1]:.4f} < {stop_below}: stop")
            break
    return history
