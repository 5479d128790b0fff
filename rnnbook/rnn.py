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

from rnnbook.activations import Activation, get_activation
from rnnbook.core import StateSpaceModel
from rnnbook.validation import (
    as_float_array,
    as_generator,
    check_finite_float,
    check_positive_int,
    SeedLike,
)


class RNN(StateSpaceModel):
    """The lecture's recurrent network: a sigmoid state map and a sigmoid readout.

    .. math::

        x(t) = g\\big(W^{RI} u(t) + W^{RC} x(t-1) + T^R\\big), \\qquad
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
        self.hidden_activation = get_activation(hidden_activation)
        self.output_activation = get_activation(output_activation)
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
    def input_drive(self, u: np.ndarray) -> np.ndarray:
        """``W_ri u(t) + t_r`` for every step at once; shape ``(..., n_hidden)``."""
        return u @ self.W_ri.T + self.t_r

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
