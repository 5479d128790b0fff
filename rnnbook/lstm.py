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

from dataclasses import dataclass

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

GATES = ("input", "forget", "cell", "output")


class LSTM(GatedLayer):
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

    GATES = GATES       # the blocks, in the order of their rows

    # What every gated layer has (the checks of the shapes, n_inputs and
    # n_hidden, input_drive, the readout, loss) is in rnnbook.gated.GatedLayer;
    # here is how the blocks make the next state, its Jacobian and its BPTT.

    @property
    def n_states(self) -> int:
        return 2 * self.n_hidden

    def _gates(self, drive_t, h_prev):
        a = drive_t + h_prev @ self.W_rc.T
        hidden = self.n_hidden
        gated = sigmoid(a)                 # one call for all blocks; the cell block
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

    def _layer_output(self, states):
        """The readout sees ``h``, the first half of the state ``[h; c]``."""
        return states[..., :self.n_hidden]

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
    def loss_and_gradients(self, u, targets, mask=None, *, loss: str = "squared_error",
                           truncate: int | None = None, x0=None):
        r"""The loss over a batch of sequences and its exact gradient (BPTT).

        Backward, two errors travel through time: ``dh`` through the recurrent
        weights and ``dc`` along the cell,

        .. math::

            dc(t) = dh(t) \odot o \odot (1 - \tanh^2 c(t)) + f(t+1) \odot dc(t+1),

        and the gate deltas follow from the gate equations: one step each way
        is :func:`forward_step` and :func:`backward_step`. Same arguments and
        returns as :meth:`rnnbook.RNN.loss_and_gradients` (``truncate`` cuts
        both paths every ``truncate`` steps).
        """
        check_loss(loss, self.output_activation)
        u, targets, mask = check_training_data(self, u, targets, mask)
        if truncate is not None:
            truncate = check_positive_int("truncate", truncate)
        n_batch, n_steps, n_inputs = u.shape
        hidden = self.n_hidden
        x_start = self._check_initial_state(x0, (n_batch,))
        tape = Tape.allocate(n_steps, n_batch, hidden)
        tape.h[0], tape.c[0] = x_start[:, :hidden], x_start[:, hidden:]
        # W_ri u(t) + t_r for every step in one product: the input with a
        # constant 1 appended, against [W_ri, t_r]; time-major (step, batch)
        u_one = _workspace("lstm.u_one", (n_steps, n_batch, n_inputs + 1))
        u_one[..., :n_inputs] = u.transpose(1, 0, 2)
        u_one[..., n_inputs] = 1.0
        u_one = u_one.reshape(-1, n_inputs + 1)
        W_in = np.concatenate([self.W_ri, self.t_r[:, None]], axis=1)
        np.matmul(u_one, W_in.T.copy(), out=tape.a.reshape(-1, 4 * hidden))
        W_rc_T = self.W_rc.T.copy()
        with np.errstate(over="ignore", under="ignore"):   # exp(-a) = inf: sigmoid 0
            for t in range(n_steps):
                forward_step(tape, t, W_rc_T)
        logits = tape.h[1:] @ self.W_or.T + self.t_o
        value, delta_o = _readout_loss_and_delta(loss, self.output_activation, logits,
                                                 targets.transpose(1, 0, 2),
                                                 mask.T / mask.sum())

        tape.prepare_backward()
        error_h = np.matmul(delta_o, self.W_or,             # dL/dh(t) from the readout
                            out=_workspace("lstm.error_h", (n_steps, n_batch, hidden)))
        dh = np.zeros((n_batch, hidden))
        dc = np.zeros((n_batch, hidden))
        for t in range(n_steps - 1, -1, -1):
            cut = t == n_steps - 1 or (truncate is not None and (t + 1) % truncate == 0)
            backward_step(tape, t, error_h[t], dh, dc, self.W_rc, cut=cut)
        flat = tape.delta.reshape(-1, 4 * hidden)          # sums over (time, batch)
        flat_o = delta_o.reshape(-1, self.n_outputs)
        grad_in = flat.T @ u_one                           # [dW_ri, dt_r]
        grads = {
            "W_ri": grad_in[:, :n_inputs].copy(),
            "W_rc": flat.T @ tape.h[:-1].reshape(-1, hidden),
            "t_r": grad_in[:, n_inputs].copy(),
            "W_or": flat_o.T @ tape.h[1:].reshape(-1, hidden),
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
        W_ri, W_rc, W_or = cls._random_weights(n_inputs, n_hidden, n_outputs, weight_scale,
                                               as_generator(seed))
        t_r = np.zeros(4 * n_hidden)
        t_r[n_hidden:2 * n_hidden] = forget_bias
        return cls(W_ri, W_rc, W_or, t_r, **kwargs)


# ------------------------------------------------------------ one BPTT step
@dataclass(frozen=True)
class Tape:
    """What the forward pass of :meth:`LSTM.loss_and_gradients` records.

    Time-major arrays, allocated once per batch, so that every step's slice
    is one contiguous block. Step ``t`` (0-based) reads ``h[t]``, ``c[t]``
    (the states before it) and writes ``h[t + 1]``, ``c[t + 1]``.
    """

    a: np.ndarray          # (T, B, 4H): the gates' net inputs a(t)
    gates: np.ndarray      # (T, B, 4H): i, f, g, o side by side
    c: np.ndarray          # (T + 1, B, H): cell states c(0..T)
    h: np.ndarray          # (T + 1, B, H): outputs h(0..T)
    tanh_c: np.ndarray     # (T, B, H)
    slope: np.ndarray      # (T, B, 4H): see prepare_backward
    through_o: np.ndarray  # (T, B, H): d h(t) / d c(t), see prepare_backward
    delta: np.ndarray      # (T, B, 4H): dL / da(t)
    recurrent: np.ndarray  # (B, 4H): scratch for W_rc h(t-1)
    scratch: np.ndarray    # (B, H)

    @classmethod
    def allocate(cls, n_steps: int, n_batch: int, hidden: int) -> "Tape":
        """A tape for this shape, on arrays reused between calls (:func:`rnnbook.core._workspace`).

        Training calls :meth:`LSTM.loss_and_gradients` thousands of times
        with one shape, and fresh arrays of a few MB page-fault on their
        first write: about half the time of a small LSTM's BPTT. Every entry
        of a tape is written before it is read, so old contents never matter.
        """
        four = (n_steps, n_batch, 4 * hidden)
        one = (n_steps, n_batch, hidden)
        states = (n_steps + 1, n_batch, hidden)
        shapes = dict(a=four, gates=four, c=states, h=states, tanh_c=one, slope=four,
                      through_o=one, delta=four, recurrent=(n_batch, 4 * hidden),
                      scratch=(n_batch, hidden))
        return cls(**{name: _workspace(f"lstm.{name}", shape)
                      for name, shape in shapes.items()})

    def prepare_backward(self) -> None:
        """Everything backward that does not depend on the recursion, all steps at once.

        ``slope`` becomes ``(g i (1-i), c(t-1) f (1-f), i (1-g^2), tanh c o (1-o))``,
        the derivatives of ``c(t)`` by ``a_i, a_f, a_g`` and of ``h(t)`` by
        ``a_o``: the first three blocks multiply ``dc(t)``, the last ``dh(t)``;
        ``through_o`` becomes ``o (1 - tanh^2 c)``, the derivative of ``h(t)``
        by ``c(t)``.
        """
        hidden = self.h.shape[-1]
        i, f, g, o = (self.gates[..., k * hidden:(k + 1) * hidden] for k in range(4))
        slope = self.slope
        np.subtract(1.0, self.gates, out=slope)           # s (1 - s), every block,
        np.multiply(slope, self.gates, out=slope)         # ...
        s_i, s_f, s_g, s_o = (slope[..., k * hidden:(k + 1) * hidden] for k in range(4))
        np.multiply(g, g, out=s_g)                        # but 1 - g^2 for the cell
        np.subtract(1.0, s_g, out=s_g)
        np.multiply(s_g, i, out=s_g)
        np.multiply(s_i, g, out=s_i)
        np.multiply(s_f, self.c[:-1], out=s_f)
        np.multiply(s_o, self.tanh_c, out=s_o)
        np.multiply(self.tanh_c, self.tanh_c, out=self.through_o)
        np.subtract(1.0, self.through_o, out=self.through_o)
        np.multiply(self.through_o, o, out=self.through_o)


def forward_step(tape: Tape, t: int, W_rc_T: np.ndarray) -> None:
    """Step ``t`` of a batch: the LSTM equations, in place in ``tape``.

    ``tape.a[t]`` holds ``W_ri u(t) + t_r`` on entry; ``W_rc_T`` is ``W_rc.T``.
    The sigmoid is :func:`rnnbook.activations._sigmoid_into` (the caller
    silences exp's over- and underflow, once for the whole loop).
    """
    hidden = W_rc_T.shape[0]
    a, gates, c = tape.a[t], tape.gates[t], tape.c[t + 1]
    a += np.matmul(tape.h[t], W_rc_T, out=tape.recurrent)  # a = W_ri u + t_r + W_rc h
    _sigmoid_into(a, gates)                                # i, f, o = sigmoid(a)
    i, f = gates[:, :hidden], gates[:, hidden:2 * hidden]
    g, o = gates[:, 2 * hidden:3 * hidden], gates[:, 3 * hidden:]
    np.tanh(a[:, 2 * hidden:3 * hidden], out=g)           # g = tanh(a_g)
    np.multiply(f, tape.c[t], out=c)                       # c(t) = f c(t-1)
    c += np.multiply(i, g, out=tape.scratch)               #        + i g
    np.tanh(c, out=tape.tanh_c[t])
    np.multiply(o, tape.tanh_c[t], out=tape.h[t + 1])      # h(t) = o tanh c(t)


def backward_step(tape: Tape, t: int, error_h: np.ndarray, dh: np.ndarray, dc: np.ndarray,
                  W_rc: np.ndarray, *, cut: bool = False) -> None:
    """Step ``t`` back: ``dL/da(t)`` into ``tape.delta[t]``.

    On entry ``dh`` and ``dc`` hold ``dL/dh(t+1)`` and ``dL/dc(t+1)``; on
    return ``dL/dh(t)`` and ``dL/dc(t)``, each the sum of the error from the
    readout (``error_h``) and the error carried back from step ``t + 1``
    (none after the last step, or where truncation cuts the paths: ``cut``).
    Needs :meth:`Tape.prepare_backward` first.
    """
    hidden = dh.shape[-1]
    if cut:
        dh[:] = error_h
        dc[:] = 0.0
    else:
        np.matmul(tape.delta[t + 1], W_rc, out=dh)         # W_rc^T delta(t+1)
        dh += error_h
        dc *= tape.gates[t + 1, :, hidden:2 * hidden]      # f(t+1) dc(t+1)
    dc += np.multiply(dh, tape.through_o[t], out=tape.scratch)
    slope = tape.slope[t].reshape(-1, 4, hidden)
    delta = tape.delta[t].reshape(-1, 4, hidden)
    np.multiply(slope[:, :3], dc[:, None, :], out=delta[:, :3])  # a_i, a_f, a_g
    np.multiply(slope[:, 3], dh, out=delta[:, 3])                # a_o
