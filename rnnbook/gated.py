r"""What the LSTM and the GRU share: a layer of gated recurrent units with a readout.

Both layers compute, at every step, the net inputs of several *blocks* of
``H`` units each (the LSTM's input, forget, cell and output blocks; the GRU's
update, reset and candidate blocks) from the input and the previous output,
with the blocks' weights stacked in one matrix:

.. math::

    W^{RI} = \begin{pmatrix} W^{RI}_1 \\ \vdots \\ W^{RI}_B \end{pmatrix}, \qquad
    W^{RC} = \begin{pmatrix} W^{RC}_1 \\ \vdots \\ W^{RC}_B \end{pmatrix}, \qquad
    T^R = \begin{pmatrix} T^R_1 \\ \vdots \\ T^R_B \end{pmatrix},

and read ``y(t) = g_o(W^{OR} h(t) + T^O)`` from the layer's output ``h``.
:class:`GatedLayer` holds these arrays and what does not depend on how the
blocks are combined: the checks of the shapes, the sizes, ``W_ri u(t) + t_r``
for all steps at once, the readout, the loss. A subclass names its blocks
(``GATES``) and says how they make the next state (``transition``), its
Jacobian and its BPTT (:class:`rnnbook.LSTM`, :class:`rnnbook.GRU`).
"""

from __future__ import annotations

import numpy as np

from rnnbook.activations import get_activation
from rnnbook.core import StateSpaceModel, _affine_drive
from rnnbook.losses import model_loss
from rnnbook.validation import as_float_array, check_finite_float


class GatedLayer(StateSpaceModel):
    """A layer of ``H`` gated units whose weights feed ``B = len(GATES)`` blocks.

    Parameters
    ----------
    W_ri : array_like, shape ``(B H, n_inputs)``
        Input weights of the blocks, stacked in the order of ``GATES``.
    W_rc : array_like, shape ``(B H, H)``
        Recurrent weights from ``h(t-1)`` to the blocks.
    W_or : array_like, shape ``(n_outputs, H)``
        Readout weights from ``h``.
    t_r : array_like, shape ``(B H,)``, optional
        Block thresholds (zeros by default).
    t_o : array_like, shape ``(n_outputs,)``, optional
        Output thresholds (zeros by default).
    output_activation : {"sigmoid", "identity", "softmax", "tanh"}
        The readout's function ``g_o`` (``"identity"`` by default, for regression).

    Notes
    -----
    The arrays are copied; assign new arrays to the attributes to change them.
    """

    #: the names of the blocks, in the order their rows are stacked
    GATES: tuple[str, ...] = ()

    def __init__(self, W_ri, W_rc, W_or, t_r=None, t_o=None, *,
                 output_activation="identity"):
        blocks = len(self.GATES)
        if blocks == 0:
            raise TypeError(f"{type(self).__name__} names no blocks (GATES is empty): it is "
                            "the base of rnnbook.LSTM and rnnbook.GRU; build one of those")
        self.W_ri = as_float_array("W_ri", W_ri, ndim=2).copy()
        rows, n_inputs = self.W_ri.shape
        if rows == 0 or rows % blocks or n_inputs == 0:
            raise ValueError(f"W_ri must have {blocks} H rows (H >= 1) and at least one "
                             f"column; got shape {self.W_ri.shape}")
        hidden = rows // blocks
        self.W_rc = as_float_array("W_rc", W_rc, shape=(rows, hidden)).copy()
        self.t_r = (np.zeros(rows) if t_r is None
                    else as_float_array("t_r", t_r, shape=(rows,)).copy())
        self.W_or = as_float_array("W_or", W_or, shape=(None, hidden)).copy()
        if self.W_or.shape[0] == 0:
            raise ValueError("W_or must have at least one row (one output)")
        self.t_o = (np.zeros(self.W_or.shape[0]) if t_o is None
                    else as_float_array("t_o", t_o, shape=(self.W_or.shape[0],)).copy())
        self.output_activation = get_activation(output_activation,
                                                argument="output_activation")

    @classmethod
    def _random_weights(cls, n_inputs: int, n_hidden: int, n_outputs: int,
                        weight_scale: float | None, rng: np.random.Generator):
        """``W_ri, W_rc, W_or`` uniform in ``(-s, s)``, ``s = 1/sqrt(H)`` by default."""
        scale = (1 / np.sqrt(n_hidden) if weight_scale is None
                 else check_finite_float("weight_scale", weight_scale))
        if scale < 0:
            raise ValueError(f"weight_scale must be non-negative; got {scale}")
        rows = len(cls.GATES) * n_hidden
        W_ri = rng.uniform(-scale, scale, size=(rows, n_inputs))
        W_rc = rng.uniform(-scale, scale, size=(rows, n_hidden))
        W_or = rng.uniform(-scale, scale, size=(n_outputs, n_hidden))
        return W_ri, W_rc, W_or

    @property
    def n_inputs(self) -> int:
        return self.W_ri.shape[1]

    @property
    def n_hidden(self) -> int:
        return self.W_rc.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.W_or.shape[0]

    def parameters(self) -> dict[str, np.ndarray]:
        """The weights and thresholds by name (the arrays themselves)."""
        return {"W_ri": self.W_ri, "W_rc": self.W_rc, "t_r": self.t_r, "W_or": self.W_or,
                "t_o": self.t_o}

    def gate_slice(self, gate: str) -> slice:
        """The rows of ``W_ri``, ``W_rc`` and ``t_r`` that belong to one block."""
        if gate not in self.GATES:
            raise ValueError(f"gate must be one of {self.GATES}; got {gate!r}")
        k, hidden = self.GATES.index(gate), self.n_hidden
        return slice(k * hidden, (k + 1) * hidden)

    # ------------------------------------------------------------ the model
    def input_drive(self, u, out=None):
        """``W_ri u(t) + t_r`` for every step at once; shape ``(..., B H)``.

        ``out``: an array of the result's shape to write it into (training reuses one).
        """
        return _affine_drive(u, self.W_ri, self.t_r, out)

    def _layer_output(self, states):
        """The part ``h`` of the states that the readout sees (all of it by default)."""
        return states

    def logits(self, states) -> np.ndarray:
        """``W_or h + t_o`` from states of shape ``(..., n_states)``.

        Raises ``ValueError`` if the readout weights ``W_or`` were removed (set to None).
        """
        name = type(self).__name__
        if self.W_or is None:
            raise ValueError(f"this {name} has no readout (W_or is None), so it has no "
                             "logits; give it readout weights W_or of shape (n_outputs, "
                             f"n_hidden), or build it with {name}.random(n_inputs, "
                             "n_hidden, n_outputs)")
        return self._layer_output(states) @ self.W_or.T + self.t_o

    def output(self, x):
        return self.output_activation(self.logits(x))

    # ------------------------------------------------ learning through time
    def loss(self, u, targets, mask=None, *, loss: str = "squared_error", x0=None) -> float:
        """The training loss alone (see ``loss_and_gradients``)."""
        return model_loss(self, u, targets, mask, loss=loss, x0=x0)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(n_inputs={self.n_inputs}, n_hidden={self.n_hidden}, "
                f"n_outputs={self.n_outputs}, "
                f"output_activation='{self.output_activation.name}')")
