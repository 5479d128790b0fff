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
from rnnbook.validation import as_float_array, check_instance, check_methods

LOSSES = ("squared_error", "cross_entropy")


def check_loss(loss: str, output_activation: Activation) -> str:
    """Check that ``loss`` is known and fits the output activation; return it."""
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}; got {loss!r}")
    name = check_instance("output_activation", output_activation, Activation).name
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

    Raises
    ------
    ValueError
        For ``"cross_entropy"``, if a target at a step of non-zero weight lies
        outside ``[0, 1]`` (cross-entropy targets are probabilities; steps of
        weight 0, such as padding, are ignored whatever they hold).
    """
    check_loss(loss, output_activation)
    w = weights[..., None]
    if loss == "cross_entropy":
        check_cross_entropy_targets(targets, w)
    terms, delta = _terms_and_delta(loss, output_activation, logits, outputs, targets, w)
    return _total(loss, terms), delta


def _terms_and_delta(loss, output_activation, logits, outputs, targets, w):
    """The weighted per-unit losses (summed by :func:`_total`) and ``dL/da``."""
    if loss == "squared_error":
        error = outputs - targets
        delta = w * error * output_activation.derivative_from_output(outputs)
        return w * error * error, delta
    if output_activation.name == "sigmoid":
        # -[d log y + (1-d) log(1-y)] = d softplus(-a) + (1-d) softplus(a), and
        # softplus(+-a) = log(1 + e^-|a|) + max(+-a, 0): one exp and one log1p
        # for both terms (np.logaddexp(0, a) computes the same, in the same
        # order, at several times the cost)
        shared = np.log1p(np.exp(-np.abs(logits)))
        per_unit = (targets * (shared + np.maximum(-logits, 0.0))
                    + (1 - targets) * (shared + np.maximum(logits, 0.0)))
    else:
        per_unit = -targets * log_softmax(logits, axis=-1)
    return w * per_unit, w * (outputs - targets)


def _total(loss: str, terms: np.ndarray) -> float:
    return float(0.5 * np.sum(terms) if loss == "squared_error" else np.sum(terms))


def _readout_loss_and_delta(loss: str, output_activation: Activation, logits: np.ndarray,
                            targets: np.ndarray, weights: np.ndarray):
    """:func:`loss_and_delta` with the outputs ``g(logits)`` computed here.

    Where most steps have weight 0 (a target at the last step only, say), the
    outputs and losses are computed at the other steps alone; the loss is
    still summed over an array of the full shape, zeros elsewhere, so the
    value is the one :func:`loss_and_delta` gives, and so is ``delta`` (up to
    the sign of its zeros). ``weights`` broadcasts against ``logits[..., 0]``.
    """
    full = np.broadcast_to(weights, logits.shape[:-1])
    used = full != 0
    n_used = np.count_nonzero(used)
    if 2 * n_used > used.size:
        return loss_and_delta(loss, output_activation, logits, output_activation(logits),
                              targets, weights)
    check_loss(loss, output_activation)
    if loss == "cross_entropy":
        check_cross_entropy_targets(targets, full[..., None])
    logits_used = logits[used]
    terms_used, delta_used = _terms_and_delta(
        loss, output_activation, logits_used, output_activation(logits_used),
        np.broadcast_to(targets, logits.shape)[used], full[used][:, None])
    terms = np.zeros(logits.shape)
    terms[used] = terms_used
    delta = np.zeros(logits.shape)
    delta[used] = delta_used
    return _total(loss, terms), delta


def check_cross_entropy_targets(targets: np.ndarray, w=1.0) -> None:
    """Refuse cross-entropy targets outside ``[0, 1]`` where the weight ``w`` is not 0.

    ``w`` broadcasts against ``targets`` (the per-step weights with a trailing
    axis of length 1); targets of steps with weight 0, such as padding, may
    hold anything.
    """
    outside = (targets < 0) | (targets > 1)
    if not np.any(outside):
        return
    bad = outside & np.broadcast_to(np.asarray(w) != 0, outside.shape)
    if np.any(bad):
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"targets must lie in [0, 1] for the cross_entropy loss (they are "
                         f"probabilities); got {targets[where]} at index {where}")


def check_training_data(model, u, targets, mask):
    """Check a training batch; return ``u``, ``targets`` and ``mask`` as ``(B, T, ...)`` arrays.

    ``u`` becomes ``(B, T, n_inputs)``, ``targets`` ``(B, T, n_outputs)`` and
    ``mask`` ``(B, T)``; a single sequence ``(T, ...)`` becomes a batch of one,
    and ``mask=None`` selects every step.
    """
    check_methods("model", model, ("run", "logits"))
    if getattr(model, "W_or", None) is None:
        raise ValueError("model has no readout (W_or): training needs one")
    u = as_float_array("u", u, ndim=(2, 3))
    single = u.ndim == 2
    if single:
        u = u[None]
    n_batch, n_steps, width = u.shape
    if width != model.n_inputs:
        raise ValueError(f"u must have {model.n_inputs} entries on its last axis "
                         f"(n_inputs); got shape {u.shape}")
    if n_batch == 0 or n_steps == 0:
        raise ValueError(f"u must hold at least one step of one sequence; got {u.shape}")
    targets = as_float_array("targets", targets, ndim=2 if single else 3)
    if single:
        targets = targets[None]
    if targets.shape != (n_batch, n_steps, model.n_outputs):
        want = (n_steps, model.n_outputs) if single else (n_batch, n_steps, model.n_outputs)
        raise ValueError(f"targets must have shape {want} to match u; got "
                         f"{targets.shape[1:] if single else targets.shape}")
    if mask is None:
        mask = np.ones((n_batch, n_steps))
    else:
        mask = as_float_array("mask", mask, ndim=1 if single else 2)
        if single:
            mask = mask[None]
        if mask.shape != (n_batch, n_steps):
            raise ValueError(f"mask must have shape {(n_batch, n_steps)[single:]} to "
                             f"match u; got {mask.shape[single:]}")
        if not np.all((mask == 0) | (mask == 1)):
            raise ValueError("mask must hold only 0 and 1")
    if not mask.any():
        raise ValueError("mask selects no step: there is nothing to learn from")
    return u, targets, mask

def model_loss(model, u, targets, mask=None, *, loss: str = "squared_error", x0=None) -> float:
    """The training loss of any model with ``run()``, ``logits(states)`` and ``output_activation``.

    Same definition as the ``loss_and_gradients`` methods (mean per-step loss
    over the masked steps); used by :mod:`rnnbook.gradcheck`.
    """
    u, targets, mask = check_training_data(model, u, targets, mask)
    check_loss(loss, model.output_activation)
    logits = model.logits(model.run(u, x0).states)
    value, _ = loss_and_delta(loss, model.output_activation, logits,
                              model.output_activation(logits), targets, mask / mask.sum())
    return value
