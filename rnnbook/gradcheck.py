"""Finite-difference checks of analytic gradients.

Backpropagation through time is easy to get subtly wrong. The check compares
each analytic partial derivative with the central difference

.. math::

    \\frac{\\partial L}{\\partial \\theta_i} \\approx
    \\frac{L(\\theta + \\varepsilon e_i) - L(\\theta - \\varepsilon e_i)}{2 \\varepsilon},

whose error is of order :math:`\\varepsilon^2`, and reports for each parameter
array the relative error :math:`\\|g_{num} - g\\| / (\\|g_{num}\\| + \\|g\\|)`. In
float64 a correct gradient gives about 1e-8 or less; a wrong one, 1e-2 or more.

Introduced in chapter 2, *Elman networks*.
"""

from __future__ import annotations

import numpy as np

from rnnbook.losses import check_training_data
from rnnbook.validation import as_float_array, check_methods, check_positive_float


def _check_problem(model, u, targets, mask):
    """Check the model and one training batch (errors name the caller's arguments)."""
    check_methods("model", model, ("parameters", "loss", "loss_and_gradients"))
    check_training_data(model, u, targets, mask)


def numerical_gradients(model, u, targets, mask=None, *, loss: str = "squared_error",
                        epsilon: float = 1e-6) -> dict[str, np.ndarray]:
    """Central-difference gradients of ``model.loss`` for every parameter.

    ``model`` needs ``parameters()`` (a dict of arrays that the model reads
    when it runs) and ``loss(u, targets, mask, loss=...)``. Each entry is moved
    by ``+-epsilon`` in place and put back.
    """
    epsilon = check_positive_float("epsilon", epsilon)
    _check_problem(model, u, targets, mask)
    numeric = {}
    for name, value in model.parameters().items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + epsilon
            upper = model.loss(u, targets, mask, loss=loss)
            value[index] = original - epsilon
            lower = model.loss(u, targets, mask, loss=loss)
            value[index] = original
            grad[index] = (upper - lower) / (2 * epsilon)
        numeric[name] = grad
    return numeric


def relative_error(numeric: np.ndarray, analytic: np.ndarray) -> float:
    """``||numeric - analytic|| / (||numeric|| + ||analytic||)``; 0 when both vanish."""
    numeric = as_float_array("numeric", numeric)
    if numeric.size == 0:
        raise ValueError("numeric is empty: there is nothing to compare")
    analytic = as_float_array("analytic", analytic, shape=numeric.shape)
    scale = np.linalg.norm(numeric) + np.linalg.norm(analytic)
    return 0.0 if scale == 0 else float(np.linalg.norm(numeric - analytic) / scale)


def check_gradients(model, u, targets, mask=None, *, loss: str = "squared_error",
                    epsilon: float = 1e-6) -> dict[str, float]:
    """Relative error of ``model.loss_and_gradients`` against finite differences.

    Returns
    -------
    dict of float
        One relative error per parameter name.
    """
    _check_problem(model, u, targets, mask)
    epsilon = check_positive_float("epsilon", epsilon)
    _, analytic = model.loss_and_gradients(u, targets, mask, loss=loss)
    numeric = numerical_gradients(model, u, targets, mask, loss=loss, epsilon=epsilon)
    return {name: relative_error(numeric[name], analytic[name]) for name in numeric}
