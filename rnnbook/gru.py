r"""The gated recurrent unit (GRU), and its exact BPTT.

The GRU {Cho et al. 2014} is the LSTM with its cell and its output merged
into one state (``h`` in the paper, ``x`` here as for every model) and its
input and forget gates merged into one *update gate* ``z``:

.. math::

    z = \sigma(a_z), \qquad r = \sigma(a_r),

    a_\ast = W^{RI}_\ast u(t) + W^{RC}_\ast x(t-1) + T^R_\ast \quad (\ast = z, r),

    g = \tanh\big(W^{RI}_g u(t) + W^{RC}_g (r \odot x(t-1)) + T^R_g\big),

    x(t) = z \odot x(t-1) + (1 - z) \odot g,

    y(t) = g_o\big(W^{OR} x(t) + T^O\big).

The update gate keeps the fraction ``z`` of the old state and writes the
fraction ``1 - z`` of the candidate ``g``; the *reset gate* ``r`` decides how
much of the old state the candidate sees. Along the state the error flows
back multiplied by ``z`` (plus the paths through the gates and the
candidate), as along the LSTM's cell by the forget gate: a GRU is to time
what a highway layer is to depth (:mod:`rnnbook.deep`).

The lecture's names carry over: ``W_ri`` (``3H x n_inputs``) and ``W_rc``
(``3H x H``) feed the three blocks, stacked in the order update, reset,
candidate; ``t_r`` (``3H``) are their thresholds; ``n_states = H``.

Introduced in chapter 5b, *Gradient flow through time and depth*.
"""

from __future__ import annotations

import numpy as np

from rnnbook.activations import _sigmoid_into, sigmoid
from rnnbook.core import _workspace
from rnnbook.gated import GatedLayer
from rnnbook.losses import _readout_loss_and_delta, check_loss, check_training_data
from rnnbook.validation import (
    SeedLike,
    as_float_array,
    as_generator,
    check_finite_float,
    check_positive_int,
)

GATES = ("update", "reset", "candidate")


class GRU(GatedLayer):
    """A GRU layer with a readout, on the state-space core.

    Parameters
    ----------
    W_ri : array_like, shape ``(3 H, n_inputs)``
        Input weights of the three blocks (update, reset, candidate).
    W_rc : array_like, shape ``(3 H, H)``
        Recurrent weights from ``h(t-1)`` (for the candidate block: from
        ``r * h(t-1)``).
    W_or : array_like, shape ``(n_outputs, H)``
        Readout weights from ``h``.
    t_r : array_like, shape ``(3 H,)``, optional
        Block thresholds (zeros by default).
    t_o : array_like, shape ``(n_outputs,)``, optional
        Output thresholds (zeros by default).
    output_activation : {"sigmoid", "identity", "softmax", "tanh"}
        The readout's function ``g_o`` (``"identity"`` by default).

    Notes
    -----
    The arrays are copied; assign new arrays to the attributes to change them.
    """

    GATES = GATES       # the blocks, in the order of their rows

    # What every gated layer has (the checks of the shapes, n_inputs and
    # n_hidden, input_drive, the readout, loss) is in rnnbook.gated.GatedLayer;
    # here is how the blocks make the next state, its Jacobian and its BPTT.

    @property
    def n_states(self) -> int:
        return self.n_hidden

    # ------------------------------------------------------------ the model
    def _gates(self, drive_t, h_prev):
        """``z, r, g`` of one step from its drive and ``h(t-1)``."""
        hidden = self.n_hidden
        W_z_r, W_g = self.W_rc[:2 * hidden], self.W_rc[2 * hidden:]
        zr = sigmoid(drive_t[..., :2 * hidden] + h_prev @ W_z_r.T)
        z, r = zr[..., :hidden], zr[..., hidden:]
        g = np.tanh(drive_t[..., 2 * hidden:] + (r * h_prev) @ W_g.T)
        return z, r, g

    def transition(self, drive_t, x_prev):
        """One step: ``h(t) = z h(t-1) + (1 - z) g``."""
        z, r, g = self._gates(drive_t, x_prev)
        return z * x_prev + (1 - z) * g

    def jacobian(self, u_t, x_prev) -> np.ndarray:
        r"""``d x(t) / d x(t-1)``, shape ``(H, H)``.

        .. math::

            J = \operatorname{diag}(z)
              + \operatorname{diag}\big((x - g)\, z (1 - z)\big) W^{RC}_z + J_g,

            J_g = \operatorname{diag}\big((1 - z)(1 - g^2)\big) W^{RC}_g J_r,

            J_r = \operatorname{diag}(r)
                + \operatorname{diag}\big(x\, r (1 - r)\big) W^{RC}_r,

        with ``x = x(t-1)``: the first term is the state's own path, gated by
        ``z``; ``J_g`` is the path through the candidate, ``J_r`` the part of
        it through the reset gate.
        """
        u_t = as_float_array("u_t", u_t, shape=(self.n_inputs,))
        h = as_float_array("x_prev", x_prev, shape=(self.n_states,))
        z, r, g = self._gates(self.input_drive(u_t), h)
        W_z, W_r, W_g = (self.W_rc[self.gate_slice(name)] for name in GATES)
        through_g = W_g @ (np.diag(r) + (h * r * (1 - r))[:, None] * W_r)
        return (np.diag(z) + ((h - g) * z * (1 - z))[:, None] * W_z
                + ((1 - z) * (1 - g * g))[:, None] * through_g)

    # ------------------------------------------------ learning through time
    def loss_and_gradients(self, u, targets, mask=None, *, loss: str = "squared_error",
                           truncate: int | None = None, x0=None):
        r"""The loss over a batch of sequences and its exact gradient (BPTT).

        Forward, every step's ``z, r, g`` are kept; backward,
        :func:`backward_step` turns the error ``dh(t)`` that reaches the
        state into the deltas of the three blocks and the error
        ``dh(t-1)`` it sends one step further back,

        .. math::

            dh(t-1) = z \odot dh(t) + (\text{paths through } z, r, g),

        so along the state the error is multiplied by the update gate. Same
        arguments and returns as :meth:`rnnbook.RNN.loss_and_gradients`
        (``truncate`` cuts the flow every ``truncate`` steps).
        """
        check_loss(loss, self.output_activation)
        u, targets, mask = check_training_data(self, u, targets, mask)
        if truncate is not None:
            truncate = check_positive_int("truncate", truncate)
        n_batch, n_steps, _ = u.shape
        hidden = self.n_hidden
        # time-major arrays (step, batch, unit): every step's slice is contiguous
        u = np.ascontiguousarray(u.transpose(1, 0, 2))
        # arrays reused between calls of one shape: see core._workspace
        h = _workspace("gru.h", (n_steps + 1, n_batch, hidden))
        h[0] = self._check_initial_state(x0, (n_batch,))
        gates = self.input_drive(u, out=_workspace("gru.gates",      # becomes z, r, g
                                                   (n_steps, n_batch, 3 * hidden)))
        W_zr_T = np.ascontiguousarray(self.W_rc[:2 * hidden].T)
        W_g_T = np.ascontiguousarray(self.W_rc[2 * hidden:].T)
        with np.errstate(over="ignore", under="ignore"):    # exp(-a) = inf: sigmoid 0
            for t in range(n_steps):
                zr, g = gates[t, :, :2 * hidden], gates[t, :, 2 * hidden:]
                zr += h[t] @ W_zr_T
                _sigmoid_into(zr, zr)
                g += (zr[:, hidden:] * h[t]) @ W_g_T
                np.tanh(g, out=g)
                np.subtract(h[t], g, out=h[t + 1])          # h(t) = g + z (h(t-1) - g)
                h[t + 1] *= zr[:, :hidden]
                h[t + 1] += g
        logits = h[1:] @ self.W_or.T + self.t_o
        value, delta_o = _readout_loss_and_delta(loss, self.output_activation, logits,
                                                 targets.transpose(1, 0, 2),
                                                 mask.T / mask.sum())

        error = np.matmul(delta_o, self.W_or,               # dL/dh(t) from the readout
                          out=_workspace("gru.error", (n_steps, n_batch, hidden)))
        delta = _workspace("gru.delta", (n_steps, n_batch, 3 * hidden))  # dL/da(t), 3 blocks
        carried = np.zeros((n_batch, hidden))              # dL/dh(t) from step t + 1
        for t in range(n_steps - 1, -1, -1):
            if truncate is not None and (t + 1) % truncate == 0:
                carried[:] = 0.0                            # a window boundary: cut
            delta[t], carried = backward_step(error[t] + carried, h[t], gates[t],
                                              self.W_rc)
        reset_h = np.multiply(gates[:, :, hidden:2 * hidden], h[:-1],   # r * h(t-1)
                              out=_workspace("gru.reset_h", (n_steps, n_batch, hidden)))
        flat = delta.reshape(-1, 3 * hidden)               # sums over (time, batch)
        flat_o = delta_o.reshape(-1, self.n_outputs)
        h_prev = h[:-1].reshape(-1, hidden)
        W_rc_grad = np.vstack([flat[:, :2 * hidden].T @ h_prev,
                               flat[:, 2 * hidden:].T @ reset_h.reshape(-1, hidden)])
        grads = {
            "W_ri": flat.T @ u.reshape(-1, self.n_inputs),
            "W_rc": W_rc_grad,
            "t_r": flat.sum(axis=0),
            "W_or": flat_o.T @ h[1:].reshape(-1, hidden),
            "t_o": flat_o.sum(axis=0),
        }
        return value, grads

    # ------------------------------------------------------- constructors
    @classmethod
    def random(cls, n_inputs: int, n_hidden: int, n_outputs: int, *,
               weight_scale: float | None = None, update_bias: float = 1.0,
               seed: SeedLike = None, **kwargs) -> "GRU":
        """A GRU with small random weights and a chosen update-gate bias.

        Weights are uniform in ``(-s, s)`` with ``s = 1/sqrt(n_hidden)`` unless
        ``weight_scale`` is given; thresholds are zero except the update
        gate's, which is ``update_bias``.

        The update bias plays the part of the LSTM's forget bias: at the start
        of training a unit keeps the fraction ``z = sigmoid(update_bias)`` of
        its state per step, a memory of about ``1 / (1 - z)`` steps (bias 1:
        about 4 steps; bias 3: about 20).
        """
        n_inputs = check_positive_int("n_inputs", n_inputs)
        n_hidden = check_positive_int("n_hidden", n_hidden)
        n_outputs = check_positive_int("n_outputs", n_outputs)
        update_bias = check_finite_float("update_bias", update_bias)
        W_ri, W_rc, W_or = cls._random_weights(n_inputs, n_hidden, n_outputs, weight_scale,
                                               as_generator(seed))
        t_r = np.zeros(3 * n_hidden)
        t_r[:n_hidden] = update_bias
        return cls(W_ri, W_rc, W_or, t_r, **kwargs)


def backward_step(dh, h_prev, gates, W_rc):
    r"""One step of the GRU's BPTT: from ``dL/dh(t)`` to the block deltas and ``dL/dh(t-1)``.

    With ``h(t) = z h(t-1) + (1 - z) g``:

    .. math::

        \delta_z = dh\,(h(t-1) - g)\, z (1 - z), \qquad
        \delta_g = dh\,(1 - z)(1 - g^2),

        e = W^{RC\top}_g \delta_g \ (\text{error at } r \odot h(t-1)), \qquad
        \delta_r = e\, h(t-1)\, r (1 - r),

        dh(t-1) = z\, dh + r\, e + W^{RC\top}_z \delta_z + W^{RC\top}_r \delta_r.

    Parameters
    ----------
    dh : numpy.ndarray, shape ``(B, H)``
        ``dL/dh(t)``: the readout's error at step ``t`` plus what step ``t + 1``
        sent back.
    h_prev : numpy.ndarray, shape ``(B, H)``
        ``h(t-1)``.
    gates : numpy.ndarray, shape ``(B, 3 H)``
        ``z, r, g`` of step ``t`` side by side.
    W_rc : numpy.ndarray, shape ``(3 H, H)``

    Returns
    -------
    delta : numpy.ndarray, shape ``(B, 3 H)``
        ``dL/da(t)`` of the update, reset and candidate blocks.
    dh_prev : numpy.ndarray, shape ``(B, H)``
        ``dL/dh(t-1)`` through step ``t``.
    """
    hidden = h_prev.shape[-1]
    z, r, g = gates[:, :hidden], gates[:, hidden:2 * hidden], gates[:, 2 * hidden:]
    W_z, W_r, W_g = W_rc[:hidden], W_rc[hidden:2 * hidden], W_rc[2 * hidden:]
    delta_z = dh * (h_prev - g) * z * (1 - z)
    delta_g = dh * (1 - z) * (1 - g * g)
    at_reset = delta_g @ W_g                     # dL/d(r * h(t-1))
    delta_r = at_reset * h_prev * r * (1 - r)
    dh_prev = z * dh + r * at_reset + delta_z @ W_z + delta_r @ W_r
    return np.concatenate([delta_z, delta_r, delta_g], axis=-1), dh_prev
