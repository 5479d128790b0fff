"""The recurrent network of the lecture, with its weight names.

.. math::

    x_i(t) = \\sigma\\Big(\\sum_j W^{RI}_{ij} u_j(t) + \\sum_j W^{RC}_{ij} x_j(t-1) + T^R_i\\Big)

    y_i(t) = \\sigma\\Big(\\sum_j W^{OR}_{ij} x_j(t) + T^O_i\\Big)

In code: ``W_ri`` (``n_hidden x n_inputs``), ``W_rc`` (``n_hidden x n_hidden``),
``W_or`` (``n_outputs x n_hidden``), thresholds ``t_r`` (``n_hidden``) and
``t_o`` (``n_outputs``). A feed-forward network is the same model with
``W_rc = 0``: its state forgets everything but the current input.

Introduced in chapter 1, *State-space models*.
"""

from __future__ import annotations

import numpy as np

from rnnbook.activations import Activation, _activation_into, _slope_into, get_activation
from rnnbook.core import StateSpaceModel, _affine_drive, _workspace
from rnnbook.losses import (
    _readout_loss_and_delta,
    check_cross_entropy_targets,
    check_loss,
    check_training_data,
    loss_and_delta,
    model_loss,
)
from rnnbook.validation import (
    as_float_array,
    as_generator,
    check_finite_float,
    check_positive_int,
    SeedLike,
)

#: The parameter names of the lecture's network, in a fixed order.
PARAMETER_NAMES = ("W_ri", "W_rc", "t_r", "W_or", "t_o")


class RNN(StateSpaceModel):
    """The lecture's recurrent network: a sigmoid state map and a sigmoid readout.

    .. math::

        x(t) = g\\big(W^{RI} u(t) + W^{RC} x(t-1) + T^R\\big),

        y(t) = g_o\\big(W^{OR} x(t) + T^O\\big)

    with ``g = g_o = sigmoid`` by default.

    Parameters
    ----------
    W_ri : array_like, shape ``(n_hidden, n_inputs)``
        Input-to-recurrent weights :math:`W^{RI}`.
    W_rc : array_like, shape ``(n_hidden, n_hidden)``
        Recurrent-to-recurrent weights :math:`W^{RC}`.
    W_or : array_like, shape ``(n_outputs, n_hidden)``, optional
        Recurrent-to-output weights :math:`W^{OR}`. Without it the model has no readout.
    t_r : array_like, shape ``(n_hidden,)``, optional
        Recurrent thresholds :math:`T^R`; zeros by default.
    t_o : array_like, shape ``(n_outputs,)``, optional
        Output thresholds :math:`T^O`; zeros by default (needs ``W_or``).
    hidden_activation, output_activation : {"sigmoid", "tanh", "identity"}
        The unit functions ``g`` and ``g_o``; both ``"sigmoid"`` by default.
    x0 : array_like, shape ``(n_hidden,)``, optional
        Default initial state; zeros unless given.

    Notes
    -----
    The arrays are copied, so changing them later does not change the model
    behind its back; assign new arrays to the attributes instead.
    """

    def __init__(self, W_ri, W_rc, W_or=None, t_r=None, t_o=None, *,
                 hidden_activation: str | Activation = "sigmoid",
                 output_activation: str | Activation = "sigmoid",
                 x0=None):
        self.W_ri = as_float_array("W_ri", W_ri, ndim=2).copy()
        n_hidden, n_inputs = self.W_ri.shape
        if n_hidden == 0 or n_inputs == 0:
            raise ValueError(f"W_ri must have at least one row and one column; got {self.W_ri.shape}")
        self.W_rc = as_float_array("W_rc", W_rc, shape=(n_hidden, n_hidden)).copy()
        self.t_r = (np.zeros(n_hidden) if t_r is None
                    else as_float_array("t_r", t_r, shape=(n_hidden,)).copy())
        if W_or is None:
            if t_o is not None:
                raise ValueError("t_o was given without W_or: a readout needs its weights W_or")
            self.W_or, self.t_o = None, None
        else:
            self.W_or = as_float_array("W_or", W_or, shape=(None, n_hidden)).copy()
            if self.W_or.shape[0] == 0:
                raise ValueError("W_or must have at least one row (one output)")
            n_outputs = self.W_or.shape[0]
            self.t_o = (np.zeros(n_outputs) if t_o is None
                        else as_float_array("t_o", t_o, shape=(n_outputs,)).copy())
        self.hidden_activation = get_activation(hidden_activation, argument="hidden_activation")
        self.output_activation = get_activation(output_activation, argument="output_activation")
        if self.hidden_activation.derivative_from_output is None:
            raise ValueError("hidden_activation must be elementwise (sigmoid, tanh or "
                             f"identity); got {self.hidden_activation.name!r}")
        self._x0 = (np.zeros(n_hidden) if x0 is None
                    else as_float_array("x0", x0, shape=(n_hidden,)).copy())

    # sizes follow the weights, so they can never disagree with them
    @property
    def n_inputs(self) -> int:
        return self.W_ri.shape[1]

    @property
    def n_hidden(self) -> int:
        return self.W_ri.shape[0]

    @property
    def n_states(self) -> int:
        return self.W_ri.shape[0]

    @property
    def n_outputs(self) -> int | None:
        return None if self.W_or is None else self.W_or.shape[0]

    @property
    def is_feedforward(self) -> bool:
        """True when ``W_rc`` is all zeros: the state depends on the current input only."""
        return not np.any(self.W_rc)

    def parameters(self) -> dict[str, np.ndarray]:
        """The weights and thresholds by their lecture names (the arrays themselves)."""
        params = {"W_ri": self.W_ri, "W_rc": self.W_rc, "t_r": self.t_r}
        if self.W_or is not None:
            params.update(W_or=self.W_or, t_o=self.t_o)
        return params

    # ------------------------------------------------------------ the model
    def input_drive(self, u: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``W_ri u(t) + t_r`` for every step at once; shape ``(..., n_hidden)``.

        ``out``: an array of the result's shape to write it into (training reuses one).
        """
        return _affine_drive(u, self.W_ri, self.t_r, out)

    def transition(self, drive_t: np.ndarray, x_prev: np.ndarray) -> np.ndarray:
        """``g(drive_t + W_rc x(t-1))``."""
        return self.hidden_activation(drive_t + x_prev @ self.W_rc.T)

    def output(self, x: np.ndarray) -> np.ndarray:
        """``g_o(W_or x + t_o)``."""
        if self.W_or is None:
            raise ValueError("this RNN has no readout: W_or was not given")
        return self.output_activation(x @ self.W_or.T + self.t_o)

    def initial_state(self) -> np.ndarray:
        return self._x0.copy()

    # ------------------------------------------------ learning through time

    def loss_and_gradients(self, u, targets, mask=None, *, loss: str = "squared_error",
                           truncate: int | None = None, x0=None):
        r"""The loss over a batch of sequences and its gradient, by backpropagation through time.

        Forward, the network runs over every sequence from ``x0``. Backward, the
        error at each step is passed back through the readout and then
        through time:

        .. math::

            \delta^O(t) = \frac{\partial L}{\partial a^O(t)}, \qquad
            e(t) = W^{OR\top} \delta^O(t) + W^{RC\top} \delta^R(t+1),

            \delta^R(t) = e(t) \odot g'\big(a^R(t)\big),

        and the gradients are sums over steps and sequences:
        :math:`\partial L/\partial W^{OR} = \sum_t \delta^O(t)\, x(t)^\top`,
        :math:`\partial L/\partial W^{RC} = \sum_t \delta^R(t)\, x(t-1)^\top`,
        :math:`\partial L/\partial W^{RI} = \sum_t \delta^R(t)\, u(t)^\top`,
        and the thresholds take the sums of the deltas.

        Parameters
        ----------
        u : array_like, shape ``(T, n_inputs)`` or ``(B, T, n_inputs)``
            Inputs; sequences of unequal length are padded at the end
            (:func:`rnnbook.sequences.pad_sequences`) and masked.
        targets : array_like, shape ``(T, n_outputs)`` or ``(B, T, n_outputs)``
            Desired outputs; entries at masked-out steps are ignored.
        mask : array_like of 0/1, shape ``(T,)`` or ``(B, T)``, optional
            Which steps carry a target (all by default). The loss is the mean of
            the per-step losses over those steps.
        loss : {"squared_error", "cross_entropy"}
            See :mod:`rnnbook.losses`.
        truncate : int, optional
            Truncated BPTT: cut the backward flow through time every ``truncate``
            steps (at ``t = k, 2k, ...``), so no error travels further back than
            the start of its own window of ``truncate`` steps. The forward pass
            is unchanged. ``truncate >= T`` is full BPTT; ``truncate = 1`` is
            Elman's (1990) scheme, which treats the context ``x(t-1)`` as a
            fixed extra input.
        x0 : array_like, shape ``(n_hidden,)``, optional
            Initial state; :meth:`initial_state` by default.

        Returns
        -------
        loss : float
        gradients : dict of numpy.ndarray
            One array per parameter (``"W_ri"``, ``"W_rc"``, ``"t_r"``, ``"W_or"``,
            ``"t_o"``), each of that parameter's shape.
        """
        check_loss(loss, self.output_activation)
        u, targets, mask = check_training_data(self, u, targets, mask)
        if truncate is not None:
            truncate = check_positive_int("truncate", truncate)
        n_batch, n_steps, _ = u.shape
        x_start = self._check_initial_state(x0, (n_batch,))

        # forward: keep every state, x(0) included (arrays reused between
        # calls of one shape: see core._workspace)
        states = _workspace("rnn.states", (n_batch, n_steps + 1, self.n_hidden))
        states[:, 0] = x_start
        drive = self.input_drive(u, out=_workspace("rnn.drive",
                                                   (n_batch, n_steps, self.n_hidden)))
        for t in range(n_steps):
            states[:, t + 1] = self.transition(drive[:, t], states[:, t])
        hidden = states[:, 1:]
        logits = hidden @ self.W_or.T + self.t_o
        value, delta_o = _readout_loss_and_delta(loss, self.output_activation, logits,
                                                 targets, mask / mask.sum())

        # backward through time
        slope = _slope_into(self.hidden_activation, hidden,
                            _workspace("rnn.slope", hidden.shape))
        error = np.matmul(delta_o, self.W_or,             # dL/dx(t) from the readout
                          out=_workspace("rnn.error", hidden.shape))
        delta_r = _workspace("rnn.delta", hidden.shape)
        carried = np.zeros((n_batch, self.n_hidden))      # W_rc^T delta_r(t+1)
        for t in range(n_steps - 1, -1, -1):
            if truncate is not None and (t + 1) % truncate == 0:
                carried[:] = 0.0                          # a window boundary: cut
            delta_r[:, t] = (error[:, t] + carried) * slope[:, t]
            carried = delta_r[:, t] @ self.W_rc
        flat = delta_r.reshape(-1, self.n_hidden)        # sums over (batch, time)
        flat_o = delta_o.reshape(-1, self.n_outputs)
        # x(t-1) and x(t) as contiguous (batch * time, H) blocks
        previous = _workspace("rnn.previous", hidden.shape)
        np.copyto(previous, states[:, :-1])
        current = _workspace("rnn.current", hidden.shape)
        np.copyto(current, hidden)
        grads = {
            "W_ri": flat.T @ u.reshape(-1, self.n_inputs),
            "W_rc": flat.T @ previous.reshape(-1, self.n_hidden),
            "t_r": flat.sum(axis=0),
            "W_or": flat_o.T @ current.reshape(-1, self.n_hidden),
            "t_o": flat_o.sum(axis=0),
        }
        return value, grads

    def loss(self, u, targets, mask=None, *, loss: str = "squared_error", x0=None) -> float:
        """The training loss alone, same arguments as :meth:`loss_and_gradients`."""
        return model_loss(self, u, targets, mask, loss=loss, x0=x0)

    def logits(self, states) -> np.ndarray:
        """The output layer's net input ``W_or x + t_o`` for states of shape ``(..., n_hidden)``.

        Raises ``ValueError`` if the network has no readout (``W_or`` is None).
        """
        if self.W_or is None:
            raise ValueError("this RNN has no readout (n_outputs is None: W_or was not "
                             "given), so it has no logits; build it with W_or, or with "
                             "RNN.random(n_inputs, n_hidden, n_outputs)")
        return states @ self.W_or.T + self.t_o

    # ------------------------------------------------------- constructors
    @classmethod
    def random(cls, n_inputs: int, n_hidden: int, n_outputs: int | None = None, *,
               input_scale: float = 1.0, recurrent_scale: float = 1.0,
               output_scale: float = 1.0, threshold_scale: float = 0.0,
               seed: SeedLike = None, **kwargs) -> "RNN":
        """An RNN with weights drawn uniformly from symmetric intervals.

        ``W_ri ~ U(-input_scale, input_scale)``, ``W_rc ~ U(-recurrent_scale, recurrent_scale)``,
        ``W_or ~ U(-output_scale, output_scale)``, thresholds ``~ U(-threshold_scale,
        threshold_scale)`` (zero by default). The draws are made in that order from
        one generator, so a seed fixes all of them.

        Parameters
        ----------
        n_inputs, n_hidden : int
            Positive sizes.
        n_outputs : int, optional
            Number of outputs; ``None`` for a model without readout.
        seed : int, numpy.random.Generator or None
        **kwargs
            Passed on to :class:`RNN` (activations, ``x0``).
        """
        n_inputs = check_positive_int("n_inputs", n_inputs)
        n_hidden = check_positive_int("n_hidden", n_hidden)
        if n_outputs is not None:
            n_outputs = check_positive_int("n_outputs", n_outputs)
        scales = {name: check_finite_float(name, value) for name, value in
                  [("input_scale", input_scale), ("recurrent_scale", recurrent_scale),
                   ("output_scale", output_scale), ("threshold_scale", threshold_scale)]}
        for name, value in scales.items():
            if value < 0:
                raise ValueError(f"{name} must be non-negative; got {value}")
        rng = as_generator(seed)

        def uniform(scale, shape):
            return rng.uniform(-scale, scale, size=shape)

        W_ri = uniform(scales["input_scale"], (n_hidden, n_inputs))
        W_rc = uniform(scales["recurrent_scale"], (n_hidden, n_hidden))
        t_r = uniform(scales["threshold_scale"], n_hidden)
        W_or = t_o = None
        if n_outputs is not None:
            W_or = uniform(scales["output_scale"], (n_outputs, n_hidden))
            t_o = uniform(scales["threshold_scale"], n_outputs)
        return cls(W_ri, W_rc, W_or, t_r, t_o, **kwargs)

    @classmethod
    def feedforward(cls, W_ri, W_or=None, t_r=None, t_o=None, **kwargs) -> "RNN":
        """A feed-forward network: the RNN with ``W_rc = 0``.

        Its hidden layer is ``x(t) = g(W_ri u(t) + t_r)``, a function of the
        current input alone, so equal inputs always give equal outputs.
        """
        W_ri = as_float_array("W_ri", W_ri, ndim=2)
        n_hidden = W_ri.shape[0]
        return cls(W_ri, np.zeros((n_hidden, n_hidden)), W_or, t_r, t_o, **kwargs)

    def with_recurrent_weights(self, W_rc) -> "RNN":
        """A copy of this network with ``W_rc`` replaced (everything else kept)."""
        return type(self)(self.W_ri, W_rc, self.W_or, self.t_r, self.t_o,
                          hidden_activation=self.hidden_activation,
                          output_activation=self.output_activation, x0=self._x0)

    def __repr__(self) -> str:
        return (f"RNN(n_inputs={self.n_inputs}, n_hidden={self.n_hidden}, "
                f"n_outputs={self.n_outputs}, hidden_activation='{self.hidden_activation.name}', "
                f"output_activation='{self.output_activation.name}')")


def train_elman_online(model: RNN, u, targets, *, learning_rate: float, epochs: int,
                       loss: str = "squared_error", x0=None) -> list[float]:
    """Elman's (1990) original procedure: the context is an input, weights change every step.

    At each step the context layer ``C`` holds a copy of the previous state,
    ``c = x(t-1)``. The network computes ``x(t) = g(W_ri u(t) + W_rc c + t_r)``
    and ``y(t)``, the error is propagated back *one* step only (``c`` is
    treated as a fixed input, as if it came from outside), and every weight
    is updated at once by gradient descent on that step's loss. It is
    backpropagation truncated to one step, applied online.

    Parameters
    ----------
    model : RNN
        Trained in place.
    u : array_like, shape ``(T, n_inputs)``
        One long input stream (run continuously through every epoch).
    targets : array_like, shape ``(T, n_outputs)``
    learning_rate : float
    epochs : int
        Passes through the stream; the state is reset to ``x0`` before each.
    loss : {"squared_error", "cross_entropy"}

    Returns
    -------
    list of float
        The mean per-step loss of each epoch (measured while learning).
    """
    if not isinstance(model, RNN):
        raise TypeError(f"model must be an rnnbook.RNN; got {type(model).__name__}")
    check_loss(loss, model.output_activation)
    u = as_float_array("u", u, shape=(None, model.n_inputs))
    if u.shape[0] == 0:
        raise ValueError("u must hold at least one step")
    if model.W_or is None:
        raise ValueError("training needs a readout: this RNN has no W_or")
    targets = as_float_array("targets", targets, shape=(u.shape[0], model.n_outputs))
    if loss == "cross_entropy":
        check_cross_entropy_targets(targets)     # before any step changes the weights
    learning_rate = check_finite_float("learning_rate", learning_rate)
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be positive; got {learning_rate}")
    epochs = check_positive_int("epochs", epochs)
    start = model._check_initial_state(x0, ())
    g, g_o = model.hidden_activation, model.output_activation
    W_ri, W_rc, t_r, W_or, t_o = (model.W_ri, model.W_rc, model.t_r, model.W_or, model.t_o)
    # the per-step loss and its output delta, as in rnnbook.losses, written out
    # here because this loop runs once per step and must stay cheap
    squared = loss == "squared_error"
    losses = []
    with np.errstate(over="ignore", under="ignore"):  # a sigmoid's exp, once for all steps
        for _ in range(epochs):
            x, total = start.copy(), 0.0
            for u_t, d_t in zip(u, targets):
                context = x
                x = _activation_into(g, W_ri @ u_t + W_rc @ context + t_r)   # g(...)
                logits = W_or @ x + t_o
                if squared:
                    y = _activation_into(g_o, logits)      # logits are not needed again
                    error = y - d_t
                    delta_o = error * g_o.derivative_from_output(y)
                    total += 0.5 * float(error @ error)
                else:
                    y = g_o.function(logits)
                    delta_o = y - d_t
                    total += loss_and_delta(loss, g_o, logits, y, d_t, np.float64(1.0))[0]
                delta_r = (W_or.T @ delta_o) * g.derivative_from_output(x)
                W_or -= learning_rate * np.outer(delta_o, x)
                t_o -= learning_rate * delta_o
                W_rc -= learning_rate * np.outer(delta_r, context)
                W_ri -= learning_rate * np.outer(delta_r, u_t)
                t_r -= learning_rate * delta_r
            losses.append(total / len(u))
    return losses
