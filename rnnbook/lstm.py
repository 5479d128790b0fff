r"""Long short-term memory (LSTM) with a forget gate, and its exact BPTT.

The LSTM {Hochreiter and Schmidhuber 1997; Gers et al. 2000} is a state-space
model whose state has two parts, the output ``h`` and the memory cell ``c``:

.. math::

    a(t) = W^{RI} u(t) + W^{RC} h(t-1) + T^R
         = \big(a_i(t), a_f(t), a_g(t), a_o(t)\big),

    i = \sigma(a_i), \quad f = \sigma(a_f), \quad g = \tanh(a_g), \quad o = \sigma(a_o),

    c(t) = f(t) \odot c(t-1) + i(t) \odot g(t), \qquad h(t) = o(t) \odot \tanh c(t),

    y(t) = g_o\big(W^{OR} h(t) + T^O\big).

The lecture's names carry over: ``W_ri`` (``4H x n_inputs``) and ``W_rc``
(``4H x H``) feed the four gate blocks, stacked in the order input, forget,
cell, output; ``t_r`` (``4H``) are their thresholds. The cell is the
*constant error carousel*: along ``c`` the error flows back multiplied by the
forget gate only, ``dc(t-1) = f(t) dc(t)``, so with ``f`` near 1 it neither
vanishes nor explodes.

In the state-space core the state is ``x = [h; c]`` (``n_states = 2H``).

Introduced in chapter 5, *LSTM*.
"""

from __future__ import annotations

import numpy as np

from scipy.special import expit

from rnnbook.activations import get_activation
from rnnbook.core import StateSpaceModel
from rnnbook.losses import check_loss, check_training_data, loss_and_delta, model_loss
from rnnbook.validation import (
    SeedLike,
    as_float_array,
    as_generator,
    check_finite_float,
    check_positive_int,
)

GATES = ("input", "forget", "cell", "output")


class LSTM(StateSpaceModel):
    """An LSTM layer with a forget gate and a readout, on the state-space core.

    Parameters
    ----------
    W_ri : array_like, shape ``(4 H, n_inputs)``
        Input weights of the four gate blocks (input, forget, cell, output).
    W_rc : array_like, shape ``(4 H, H)``
        Recurrent weights from ``h(t-1)`` to the four blocks.
    W_or : array_like, shape ``(n_outputs, H)``
        Readout weights from ``h``.
    t_r : array_like, shape ``(4 H,)``, optional
        Gate thresholds (zeros by default).
    t_o : array_like, shape ``(n_outputs,)``, optional
        Output thresholds (zeros by default).
    output_activation : {"sigmoid", "identity", "softmax", "tanh"}
        The readout's function ``g_o`` (``"identity"`` by default, for regression).
    """

    def __init__(self, W_ri, W_rc, W_or, t_r=None, t_o=None, *,
                 output_activation="identity"):
        self.W_ri = as_float_array("W_ri", W_ri, ndim=2).copy()
        four_h, n_inputs = self.W_ri.shape
        if four_h == 0 or four_h % 4 or n_inputs == 0:
            raise ValueError(f"W_ri must have 4 H rows (H >= 1) and at least one column; "
                             f"got shape {self.W_ri.shape}")
        hidden = four_h // 4
        self.W_rc = as_float_array("W_rc", W_rc, shape=(four_h, hidden)).copy()
        self.t_r = (np.zeros(four_h) if t_r is None
                    else as_float_array("t_r", t_r, shape=(four_h,)).copy())
        self.W_or = as_float_array("W_or", W_or, shape=(None, hidden)).copy()
        if self.W_or.shape[0] == 0:
            raise ValueError("W_or must have at least one row (one output)")
        self.t_o = (np.zeros(self.W_or.shape[0]) if t_o is None
                    else as_float_array("t_o", t_o, shape=(self.W_or.shape[0],)).copy())
        self.output_activation = get_activation(output_activation)

    @property
    def n_inputs(self) -> int:
        return self.W_ri.shape[1]

    @property
    def n_hidden(self) -> int:
        return self.W_rc.shape[1]

    @property
    def n_states(self) -> int:
        return 2 * self.n_hidden

    @property
    def n_outputs(self) -> int:
        return self.W_or.shape[0]

    def parameters(self) -> dict[str, np.ndarray]:
        """The weights and thresholds by name (the arrays themselves)."""
        return {"W_ri": self.W_ri, "W_rc": self.W_rc, "t_r": self.t_r, "W_or": self.W_or,
                "t_o": self.t_o}

    def gate_slice(self, gate: str) -> slice:
        """The rows of ``W_ri``, ``W_rc`` and ``t_r`` that belong to one gate."""
        if gate not in GATES:
            raise ValueError(f"gate must be one of {GATES}; got {gate!r}")
        k, hidden = GATES.index(gate), self.n_hidden
        return slice(k * hidden, (k + 1) * hidden)

    # ------------------------------------------------------------ the model
    def input_drive(self, u):
        """``W_ri u(t) + t_r`` for every step at once; shape ``(..., 4 H)``."""
        return u @ self.W_ri.T + self.t_r

    def _gates(self, drive_t, h_prev):
        a = drive_t + h_prev @ self.W_rc.T
        hidden = self.n_hidden
        gated = expit(a)                   # one call for all blocks; the cell block
        g = np.tanh(a[..., 2 * hidden:3 * hidden])      # is replaced by its tanh
        return (gated[..., :hidden], gated[..., hidden:2 * hidden], g,
                gated[..., 3 * hidden:])

    def transition(self, drive_t, x_prev):
        """One step: ``x(t-1) = [h; c]`` to ``x(t)``."""
        hidden = self.n_hidden
        h_prev, c_prev = x_prev[..., :hidden], x_prev[..., hidden:]
        i, f, g, o = self._gates(drive_t, h_prev)
        c = f * c_prev + i * g
        return np.concatenate([o * np.tanh(c), c], axis=-1)

    def logits(self, states) -> np.ndarray:
        """``W_or h + t_o`` from states ``[h; c]`` of shape ``(..., 2 H)``.

        Raises ``ValueError`` if the readout weights ``W_or`` were removed (set to None).
        """
        if self.W_or is None:
            raise ValueError("this LSTM has no readout (W_or is None), so it has no logits; "
                             "give it readout weights W_or of shape (n_outputs, n_hidden), "
                             "or build it with LSTM.random(n_inputs, n_hidden, n_outputs)")
        return states[..., :self.n_hidden] @ self.W_or.T + self.t_o

    def output(self, x):
        return self.output_activation(self.logits(x))

    def jacobian(self, u_t, x_prev) -> np.ndarray:
        """``d x(t) / d x(t-1)`` for the state ``x = [h; c]``, shape ``(2 H, 2 H)``."""
        hidden = self.n_hidden
        u_t = as_float_array("u_t", u_t, shape=(self.n_inputs,))
        x_prev = as_float_array("x_prev", x_prev, shape=(self.n_states,))
        h_prev, c_prev = x_prev[:hidden], x_prev[hidden:]
        i, f, g, o = self._gates(self.input_drive(u_t), h_prev)
        c = f * c_prev + i * g
        tanh_c = np.tanh(c)
        Wi, Wf, Wg, Wo = (self.W_rc[self.gate_slice(name)] for name in GATES)
        # d c / d h_prev and d c / d c_prev
        dc_dh = ((c_prev * f * (1 - f))[:, None] * Wf + (g * i * (1 - i))[:, None] * Wi
                 + (i * (1 - g * g))[:, None] * Wg)
        dc_dc = np.diag(f)
        # h = o tanh(c)
        dh_dh = (tanh_c * o * (1 - o))[:, None] * Wo + (o * (1 - tanh_c ** 2))[:, None] * dc_dh
        dh_dc = (o * (1 - tanh_c ** 2))[:, None] * dc_dc
        return np.block([[dh_dh, dh_dc], [dc_dh, dc_dc]])

    # ------------------------------------------------ learning through time
    def loss(self, u, targets, mask=None, *, loss: str = "squared_error", x0=None) -> float:
        """The training loss alone (see :meth:`loss_and_gradients`)."""
        return model_loss(self, u, targets, mask, loss=loss, x0=x0)

    def loss_and_gradients(self, u, targets, mask=None, *, loss: str = "squared_error",
                           truncate: int | None = None, x0=None):
        r"""The loss over a batch of sequences and its exact gradient (BPTT).

        Backward, two errors travel through time: ``dh`` through the recurrent
        weights and ``dc`` along the cell,

        .. math::

            dc(t) = dh(t) \odot o \odot (1 - \tanh^2 c(t)) + f(t+1) \odot dc(t+1),

        and the gate deltas follow from the gate equations. Same arguments and
        returns as :meth:`rnnbook.RNN.loss_and_gradients` (``truncate`` cuts
        both paths every ``truncate`` steps).
        """
        check_loss(loss, self.output_activation)
        u, targets, mask = check_training_data(self, u, targets, mask)
        if truncate is not None:
            truncate = check_positive_int("truncate", truncate)
        n_batch, n_steps, _ = u.shape
        hidden = self.n_hidden
        x_start = self._check_initial_state(x0, (n_batch,))

        h = np.empty((n_batch, n_steps + 1, hidden))
        c = np.empty((n_batch, n_steps + 1, hidden))
        h[:, 0], c[:, 0] = x_start[:, :hidden], x_start[:, hidden:]
        gates = np.empty((n_batch, n_steps, 4, hidden))
        drive = self.input_drive(u)
        for t in range(n_steps):
            i, f, g, o = self._gates(drive[:, t], h[:, t])
            c[:, t + 1] = f * c[:, t] + i * g
            h[:, t + 1] = o * np.tanh(c[:, t + 1])
            gates[:, t, 0], gates[:, t, 1], gates[:, t, 2], gates[:, t, 3] = i, f, g, o
        logits = h[:, 1:] @ self.W_or.T + self.t_o
        outputs = self.output_activation(logits)
        value, delta_o = loss_and_delta(loss, self.output_activation, logits, outputs,
                                        targets, mask / mask.sum())

        error_h = delta_o @ self.W_or                      # dL/dh(t) from the readout
        delta_a = np.empty((n_batch, n_steps, 4 * hidden))
        carried_h = np.zeros((n_batch, hidden))            # W_rc^T delta_a(t+1)
        carried_c = np.zeros((n_batch, hidden))            # f(t+1) * dc(t+1)
        tanh_c = np.tanh(c[:, 1:])
        # everything that does not depend on the backward recursion, for all
        # steps at once: d a_gate / d (gate output) and the cell's slope
        i, f, g, o = gates[:, :, 0], gates[:, :, 1], gates[:, :, 2], gates[:, :, 3]
        through_o = o * (1 - tanh_c ** 2)                 # dh -> dc
        local = np.concatenate([g * i * (1 - i), c[:, :-1] * f * (1 - f),
                                i * (1 - g * g)], axis=-1)      # dc -> a_i, a_f, a_g
        out_gate = tanh_c * o * (1 - o)                   # dh -> a_o
        for t in range(n_steps - 1, -1, -1):
            if truncate is not None and (t + 1) % truncate == 0:
                carried_h[:] = 0.0
                carried_c[:] = 0.0
            dh = error_h[:, t] + carried_h
            dc = dh * through_o[:, t] + carried_c
            delta_a[:, t, :3 * hidden] = np.tile(dc, 3) * local[:, t]
            delta_a[:, t, 3 * hidden:] = dh * out_gate[:, t]
            carried_h = delta_a[:, t] @ self.W_rc
            carried_c = dc * f[:, t]
        flat = delta_a.reshape(-1, 4 * hidden)           # sums over (batch, time)
        flat_o = delta_o.reshape(-1, self.n_outputs)
        grads = {
            "W_ri": flat.T @ u.reshape(-1, self.n_inputs),
            "W_rc": flat.T @ h[:, :-1].reshape(-1, hidden),
            "t_r": flat.sum(axis=0),
            "W_or": flat_o.T @ h[:, 1:].reshape(-1, hidden),
            "t_o": flat_o.sum(axis=0),
        }
        return value, grads

    # ------------------------------------------------------- constructors
    @classmethod
    def random(cls, n_inputs: int, n_hidden: int, n_outputs: int, *,
               weight_scale: float | None = None, forget_bias: float = 1.0,
               seed: SeedLike = None, **kwargs) -> "LSTM":
        """An LSTM with small random weights and a chosen forget-gate bias.

        Weights are uniform in ``(-s, s)`` with ``s = 1/sqrt(n_hidden)`` unless
        ``weight_scale`` is given; thresholds are zero except the forget gate's,
        which is ``forget_bias``.

        The forget bias decides how far back the cell carries information when
        training starts: with ``f = sigmoid(forget_bias)`` a cell keeps the
        fraction ``f`` of its content per step, so a trace decays like ``f**k``
        and lasts about ``1 / (1 - f)`` steps (bias 1: about 4 steps; bias 3:
        about 20; bias 5: about 150). Choose it for the lags of the task.
        """
        n_inputs = check_positive_int("n_inputs", n_inputs)
        n_hidden = check_positive_int("n_hidden", n_hidden)
        n_outputs = check_positive_int("n_outputs", n_outputs)
        forget_bias = check_finite_float("forget_bias", forget_bias)
        scale = (1 / np.sqrt(n_hidden) if weight_scale is None
                 else check_finite_float("weight_scale", weight_scale))
        if scale < 0:
            raise ValueError(f"weight_scale must be non-negative; got {scale}")
        rng = as_generator(seed)
        W_ri = rng.uniform(-scale, scale, size=(4 * n_hidden, n_inputs))
        W_rc = rng.uniform(-scale, scale, size=(4 * n_hidden, n_hidden))
        W_or = rng.uniform(-scale, scale, size=(n_outputs, n_hidden))
        t_r = np.zeros(4 * n_hidden)
        t_r[n_hidden:2 * n_hidden] = forget_bias
        return cls(W_ri, W_rc, W_or, t_r, **kwargs)

    def __repr__(self) -> str:
        return (f"LSTM(n_inputs={self.n_inputs}, n_hidden={self.n_hidden}, "
                f"n_outputs={self.n_outputs}, "
                f"output_activation='{self.output_activation.name}')")
