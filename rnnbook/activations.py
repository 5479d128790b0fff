"""Activation functions, written to be safe for large inputs, and their derivatives.

The lecture's units use the logistic sigmoid

.. math::

    \\sigma(a) = \\frac{1}{1 + e^{-a}}, \\qquad \\sigma'(a) = \\sigma(a)\\,(1 - \\sigma(a)).

A plain ``1 / (1 + np.exp(-a))`` warns of an overflow for ``a < -709``, where
``exp(-a)`` is ``inf``, although the value it gives there, 0, is right.
:func:`sigmoid` computes that formula with exp's over- and underflow warnings
silenced (it agrees with :func:`scipy.special.expit` to an ulp and is three
times faster), and is exact at the extremes: ``sigmoid(1000) == 1.0`` and
``sigmoid(-1000) == 0.0``.

Derivatives are written in terms of the unit's *output* ``y = g(a)``, which is
what backpropagation has at hand: ``sigmoid -> y (1 - y)``, ``tanh -> 1 - y**2``.

Introduced in chapter 1, *State-space models*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import special


def sigmoid(a):
    """Logistic sigmoid :math:`\\sigma(a) = 1 / (1 + e^{-a})`, overflow-safe.

    Parameters
    ----------
    a : array_like
        Activations of any shape.

    Returns
    -------
    numpy.ndarray
        Values in ``[0, 1]``, same shape as ``a``, float64.
    """
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(over="ignore", under="ignore"):
        out = _sigmoid_into(a, np.empty_like(a))
    return out[()] if out.ndim == 0 else out


def _sigmoid_into(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The sigmoid of the float64 array ``a``, written into ``out`` (which may be ``a``).

    ``1 / (1 + exp(-a))`` in four in-place operations: about three times faster
    than :func:`scipy.special.expit` on the arrays of a training step, within
    one ulp of it, and exact at the extremes (``exp(-a) = inf`` for
    ``a < -709`` gives 0). ``exp`` over- or underflows there, so call it under
    ``np.errstate(over="ignore", under="ignore")`` (as :func:`sigmoid` does; a
    loop of training steps enters that once).
    """
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def tanh(a):
    """Hyperbolic tangent, values in ``[-1, 1]``."""
    return np.tanh(np.asarray(a, dtype=np.float64))


def identity(a):
    """The identity (linear units)."""
    return np.asarray(a, dtype=np.float64)


def _check_axis(axis, ndim: int) -> int:
    """Check an axis index of an array with ``ndim`` dimensions (negative ones count back)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer; got {type(axis).__name__} {axis!r}")
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(f"axis must index one of the {ndim} axes; got {axis}")
    return int(axis)


def softmax(a, axis: int = -1):
    """Softmax along ``axis``: :math:`e^{a_i} / \\sum_j e^{a_j}`, overflow-safe.

    Subtracts the maximum before exponentiating (via :func:`scipy.special.softmax`),
    so ``softmax([1000, 0])`` is ``[1, 0]`` rather than NaN.
    """
    a = np.asarray(a, dtype=np.float64)
    return special.softmax(a, axis=_check_axis(axis, a.ndim))


def log_softmax(a, axis: int = -1):
    """Logarithm of :func:`softmax`, computed without forming the softmax."""
    a = np.asarray(a, dtype=np.float64)
    return special.log_softmax(a, axis=_check_axis(axis, a.ndim))


@dataclass(frozen=True)
class Activation:
    """An elementwise activation function together with its derivative.

    Attributes
    ----------
    name : str
        ``"sigmoid"``, ``"tanh"``, ``"identity"`` or ``"softmax"`` (outputs only).
    function : callable
        ``g(a)``, elementwise.
    derivative_from_output : callable or None
        ``g'(a)`` expressed through ``y = g(a)``; ``None`` for softmax, which is
        not elementwise.
    output_range : tuple of float
        The closed interval that contains every output.
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative_from_output: Callable[[np.ndarray], np.ndarray]
    output_range: tuple[float, float]

    def __call__(self, a):
        return self.function(a)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, lambda y: y * (1.0 - y), (0.0, 1.0)),
    "tanh": Activation("tanh", tanh, lambda y: 1.0 - y * y, (-1.0, 1.0)),
    "identity": Activation("identity", identity, np.ones_like, (-np.inf, np.inf)),
    # not elementwise: its derivative is a Jacobian, so it is offered for output
    # layers trained with the cross-entropy loss only (derivative_from_output is None)
    "softmax": Activation("softmax", softmax, None, (0.0, 1.0)),
}


def _activation_into(activation: Activation, a: np.ndarray) -> np.ndarray:
    """``activation(a)`` written over the float64 array ``a`` (same values, same bits).

    The sigmoid (:func:`_sigmoid_into`: call it under
    ``np.errstate(over="ignore", under="ignore")``), tanh and identity work in
    place; any other activation is computed and copied in. For loops of many
    tiny steps, where :func:`sigmoid`'s own ``errstate`` costs more than its
    arithmetic.
    """
    if activation is ACTIVATIONS["sigmoid"]:
        return _sigmoid_into(a, a)
    if activation is ACTIVATIONS["tanh"]:
        return np.tanh(a, out=a)
    if activation is not ACTIVATIONS["identity"]:
        np.copyto(a, activation(a))
    return a


def _slope_into(activation: Activation, y: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``activation.derivative_from_output(y)``, written into ``out`` (same values, same bits).

    BPTT needs the slope of every hidden unit at every step; for the sigmoid,
    tanh and identity of :data:`ACTIVATIONS` it is computed in place, without
    the temporaries of the formulas above (which cost more than the arithmetic
    for the arrays of a training step: fresh memory page-faults). Any other
    activation falls back to its own ``derivative_from_output``.
    """
    if activation is ACTIVATIONS["tanh"]:             # 1 - y^2
        np.multiply(y, y, out=out)
        return np.subtract(1.0, out, out=out)
    if activation is ACTIVATIONS["sigmoid"]:          # y (1 - y)
        np.subtract(1.0, y, out=out)
        return np.multiply(y, out, out=out)
    if activation is ACTIVATIONS["identity"]:
        out[...] = 1.0
        return out
    np.copyto(out, activation.derivative_from_output(y))
    return out


def get_activation(name: str | Activation, *, argument: str = "name") -> Activation:
    """Look up an activation by name (``"sigmoid"``, ``"tanh"``, ``"identity"``, ``"softmax"``).

    ``argument`` is the name of the caller's argument, used in the error message
    (``RNN`` passes ``"hidden_activation"``, for example).

    Raises
    ------
    ValueError
        If the name is unknown.
    """
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"{argument} must be one of the activations {sorted(ACTIVATIONS)}; got {name!r}"
        ) from None


def relu(a):
    """The rectifier :math:`\\max(0, a)` (for the IRNN of chapter 5)."""
    return np.maximum(np.asarray(a, dtype=np.float64), 0.0)


#: Rectified linear units, for hidden layers (:class:`rnnbook.RNN` accepts an
#: :class:`Activation` as ``hidden_activation``). Its derivative, written through
#: the output, is 1 where the unit is active and 0 where it is off. Not in
#: :data:`ACTIVATIONS`: the lecture's models are named by sigmoid, tanh and
#: identity, and ``"relu"`` stays an unknown name. Introduced in chapter 5, *LSTM*,
#: for the identity-initialised ReLU network of Le, Jaitly and Hinton (2015).
RELU = Activation("relu", relu, lambda y: (np.asarray(y) > 0).astype(np.float64),
                  (0.0, np.inf))
