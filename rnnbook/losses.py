"""Training losses of an output layer, and their gradients with respect to its input.

Networks are trained on a per-step loss averaged over the steps that carry a
target (those with ``mask == 1``). With ``N`` such steps,

.. math::

    L = \\frac{1}{N} \\sum_{b, t} m_{bt}\\, \\ell\\big(y(b, t), d(b, t)\\big),

and :func:`loss_and_delta` returns :math:`L` and :math:`\\partial L / \\partial a`,
the gradient with respect to the output layer's net input ``a = W_or x + t_o``,
which is where backpropagation starts. The per-step losses are

* ``"squared_error"``: :math:`\\ell = \\tfrac12 \\sum_k (y_k - d_k)^2`, any elementwise
  output activation; :math:`\\partial \\ell / \\partial a_k = (y_k - d_k)\\, g'(a_k)`.
* ``"cross_entropy"`` with sigmoid outputs (independent binary targets):
  :math:`\\ell = -\\sum_k d_k \\log y_k + (1 - d_k) \\log(1 - y_k)`, and with softmax
  outputs (one class of several): :math:`\\ell = -\\sum_k d_k \\log y_k`. In both cases
  :math:`\\partial \\ell / \\partial a_k = y_k - d_k`. The logarithms are computed
  from ``a`` (``log y = -softplus(-a)``, or ``log_softmax``), so saturated outputs
  never produce ``log(0)``.

Introduced in chapter 2, *Elman networks*.
"""

from __future__ import annotations

import numpy as np

from rnnbook.activations import Activation, log_softmax

LOSSES = ("squared_error", "cross_entropy")


def check_loss(loss: str, output_activation: Activation) -> str:
    """Check that ``loss`` is known and fits the output activation; return it."""
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}; got {loss!r}")
    name = output_activation.name
    if loss == "cross_entropy" and name not in ("sigmoid", "softmax"):
        raise ValueError(f"the cross_entropy loss needs sigmoid or softmax outputs; the "
                         f"output activation is {name!r}")
    if loss == "squared_error" and name == "softmax":
        raise ValueError("softmax outputs are trained with loss='cross_entropy'")
    return loss


def loss_and_delta(loss: str, output_activation: Activation, logits: np.ndarray,
                   outputs: np.ndarray, targets: np.ndarray, weights: np.ndarray):
    """The weighted loss and its gradient with respect to the output layer's net input.

    Parameters
    ----------
    loss : {"squared_error", "cross_entropy"}
    output_activation : Activation
    logits, outputs, targets : numpy.ndarray, shape ``(..., n_outputs)``
        Net inputs ``a``, outputs ``y = g(a)`` and targets ``d``.
    weights : numpy.ndarray, shape ``(...)``
        Weight of each step's loss (``mask / N``).

    Returns
    -------
    value : float
    delta : numpy.ndarray, shape ``(..., n_outputs)``
        :math:`\\partial L / \\partial a`.
    """
    check_loss(loss, output_activation)
    w = weights[..., None]
    if loss == "squared_error":
        error = outputs - targets
        value = 0.5 * np.sum(w * error * error)
        delta = w * error * output_activation.derivative_from_output(outputs)
        return float(value), delta
    if output_activation.name == "sigmoid":
        # -[d log y + (1-d) log(1-y)] = d softplus(-a) + (1-d) softplus(a)
        per_unit = targets * np.logaddexp(0.0, -logits) + (1 - targets) * np.logaddexp(0.0, logits)
    else:
        per_unit = -targets * log_softmax(logits, axis=-1)
    value = np.sum(w * per_unit)
    return float(value), w * (outputs - targets)
