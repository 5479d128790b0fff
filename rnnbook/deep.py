r"""Deep feed-forward tanh networks: plain, residual and highway layers.

A deep feed-forward network is a recurrent network unrolled in time with
*untied* weights. Number the layers ``l = 1 .. L`` and call the activity of
layer ``l`` the state ``x(l)``: then

.. math::

    x(l) = f_l\big(x(l-1)\big), \qquad x(0) = \text{the network's input},

is the state-space model of chapter 1 with the layer index as time, no input
after the first step, and a map ``f_l`` of its own at every step. With the
same weights at every layer, the plain network *is* an input-free tanh RNN
run for ``L`` steps from ``x(0)``. Backpropagation through the layers is
BPTT through that unrolled network, and the error that reaches layer ``l``
is scaled by the product of the layer Jacobians above it, exactly as the
error that reaches step ``T - k`` of an RNN (chapter 4).

Three kinds of layer, all with ``a = W_l x(l-1) + b_l``:

* ``"plain"``: ``x(l) = tanh(a)``;
* ``"residual"``: ``x(l) = x(l-1) + tanh(a)``, an identity path around
  every layer {He et al. 2016}: the layer Jacobian is ``I + diag(1 - tanh^2 a) W_l``;
* ``"highway"``: ``x(l) = (1 - T) * x(l-1) + T * tanh(a)`` with a gate
  ``T = sigmoid(G_l x(l-1) + c_l)`` {Srivastava et al. 2015}: the identity
  path is weighted by the *carry gate* ``1 - T``, as the LSTM's cell path is
  by its forget gate and the GRU's state by its update gate.

Introduced in chapter 5b, *Gradient flow through time and depth*.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from rnnbook.validation import (
    SeedLike,
    as_float_array,
    as_generator,
    check_finite_float,
    check_nonnegative_int,
    check_positive_int,
)

#: the kinds of layer :class:`DeepNet` offers
KINDS = ("plain", "residual", "highway")


def _check_kind(kind) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    return kind


class DeepNet:
    """A deep tanh network of ``L`` layers of equal width ``n``: an RNN with untied weights.

    Parameters
    ----------
    weights : array_like, shape ``(L, n, n)``
        ``weights[l - 1]`` is ``W_l``, the weights of layer ``l``.
    biases : array_like, shape ``(L, n)``, optional
        ``b_l``; zeros by default.
    kind : {"plain", "residual", "highway"}
        The layer (see the module docstring).
    gate_weights : array_like, shape ``(L, n, n)``
        ``G_l``, the gate weights; required for ``"highway"``, refused otherwise.
    gate_biases : array_like, shape ``(L, n)``, optional
        ``c_l``, the gate thresholds (``"highway"`` only); zeros by default. A
        negative gate bias makes the layers carry their input at the start.

    Notes
    -----
    The arrays are copied; assign new arrays to the attributes to change them.
    """

    def __init__(self, weights, biases=None, *, kind: str = "plain", gate_weights=None,
                 gate_biases=None):
        self.kind = _check_kind(kind)
        self.weights = as_float_array("weights", weights, ndim=3).copy()
        depth, width, cols = self.weights.shape
        if depth == 0 or width == 0 or cols != width:
            raise ValueError(f"weights must have shape (L, n, n) with L, n >= 1; "
                             f"got {self.weights.shape}")
        self.biases = (np.zeros((depth, width)) if biases is None
                       else as_float_array("biases", biases, shape=(depth, width)).copy())
        if kind == "highway":
            if gate_weights is None:
                raise ValueError("a highway network needs gate_weights of shape (L, n, n)")
            self.gate_weights = as_float_array("gate_weights", gate_weights,
                                               shape=(depth, width, width)).copy()
            self.gate_biases = (np.zeros((depth, width)) if gate_biases is None else
                                as_float_array("gate_biases", gate_biases,
                                               shape=(depth, width)).copy())
        else:
            if gate_weights is not None or gate_biases is not None:
                raise ValueError(f"gate_weights and gate_biases are for kind='highway' "
                                 f"only; got kind={kind!r}")
            self.gate_weights = self.gate_biases = None

    @property
    def depth(self) -> int:
        """The number of layers ``L``."""
        return self.weights.shape[0]

    @property
    def width(self) -> int:
        """The number of units per layer ``n``."""
        return self.weights.shape[1]

    def parameters(self) -> dict[str, np.ndarray]:
        """The weights by name (the arrays themselves)."""
        params = {"weights": self.weights, "biases": self.biases}
        if self.kind == "highway":
            params.update(gate_weights=self.gate_weights, gate_biases=self.gate_biases)
        return params

    # ------------------------------------------------------------ the model
    def _layer(self, index: int, x_prev):
        """Layer ``index + 1`` (0-based ``index``): ``(x, branch, gate)``; no checks."""
        branch = np.tanh(x_prev @ self.weights[index].T + self.biases[index])
        if self.kind == "plain":
            return branch, branch, None
        if self.kind == "residual":
            return x_prev + branch, branch, None
        gate = expit(x_prev @ self.gate_weights[index].T + self.gate_biases[index])
        return x_prev + gate * (branch - x_prev), branch, gate

    def run(self, x0) -> np.ndarray:
        """The states of all layers, ``x(1) .. x(L)``, for one input or a batch.

        Parameters
        ----------
        x0 : array_like, shape ``(n,)`` or ``(B, n)``
            The input ``x(0)``.

        Returns
        -------
        numpy.ndarray, shape ``(L, n)`` or ``(B, L, n)``
            As :attr:`rnnbook.core.Trajectory.states`: layer ``l`` at index ``l - 1``.
        """
        x = as_float_array("x0", x0, ndim=(1, 2))
        if x.shape[-1] != self.width:
            raise ValueError(f"x0 must have {self.width} entries on its last axis "
                             f"(the width n); got shape {x.shape}")
        states = np.empty(x.shape[:-1] + (self.depth, self.width))
        for index in range(self.depth):
            x = self._layer(index, x)[0]
            states[..., index, :] = x
        return states

    def jacobian(self, layer: int, x_prev) -> np.ndarray:
        r"""``d x(l) / d x(l-1)`` of layer ``l`` (1-based) at ``x(l-1)``, shape ``(n, n)``.

        With ``s = 1 - tanh^2(a)`` the slope of the branch:
        plain ``diag(s) W``; residual ``I + diag(s) W``; highway
        ``diag(1 - T) + diag(T s) W + diag((tanh a - x(l-1)) T (1 - T)) G``.
        """
        layer = check_positive_int("layer", layer)
        if layer > self.depth:
            raise ValueError(f"layer must be between 1 and {self.depth} (the depth); "
                             f"got {layer}")
        x_prev = as_float_array("x_prev", x_prev, shape=(self.width,))
        return self._jacobian(layer - 1, x_prev)

    def _jacobian(self, index: int, x_prev):
        _, branch, gate = self._layer(index, x_prev)
        through_branch = (1 - branch ** 2)[:, None] * self.weights[index]
        if self.kind == "plain":
            return through_branch
        if self.kind == "residual":
            return np.eye(self.width) + through_branch
        return (np.diag(1 - gate) + gate[:, None] * through_branch
                + ((branch - x_prev) * gate * (1 - gate))[:, None] * self.gate_weights[index])

    def layer_jacobians(self, x0) -> np.ndarray:
        """The Jacobians of all layers along the forward pass from ``x0``.

        Parameters
        ----------
        x0 : array_like, shape ``(n,)``

        Returns
        -------
        numpy.ndarray, shape ``(L, n, n)``
            Entry ``l - 1`` is ``d x(l) / d x(l-1)``, the same layout as
            :func:`rnnbook.dynamics.trajectory_jacobians` gives for time steps,
            so :func:`rnnbook.dynamics.gradient_norms` applies unchanged.
        """
        x0 = as_float_array("x0", x0, shape=(self.width,))
        previous = np.vstack([x0[None], self.run(x0)[:-1]])
        return np.array([self._jacobian(index, x) for index, x in enumerate(previous)])

    def layer_gradient_norms(self, x0) -> np.ndarray:
        """How much of an error at the output reaches each layer: ``||d x(L) / d x(l-1)||``.

        Entry ``l - 1`` (layer ``l = 1 .. L``) is the spectral norm of the
        product of the Jacobians of layers ``l .. L``: the largest factor by
        which backpropagation scales an error at the output on its way to the
        input of layer ``l``, whose weight gradient it multiplies. The last
        entry is the last layer's Jacobian alone, the first entry the whole
        product. This is :func:`rnnbook.dynamics.gradient_norms` read from the
        other end: entry ``l - 1`` here is entry ``L - l`` there.

        Parameters
        ----------
        x0 : array_like, shape ``(n,)``

        Returns
        -------
        numpy.ndarray, shape ``(L,)``
        """
        from rnnbook.dynamics import gradient_norms

        return gradient_norms(self.layer_jacobians(x0))[::-1].copy()

    # ------------------------------------------------------- constructors
    @classmethod
    def random(cls, width: int, depth: int, kind: str = "plain", *,
               weight_scale: float = 1.0, gate_bias: float = -2.0,
               seed: SeedLike = None) -> "DeepNet":
        """A deep net with Gaussian weights of a given scale, zero biases.

        Every ``W_l`` (and, for ``"highway"``, ``G_l``) has independent normal
        entries with standard deviation ``weight_scale / sqrt(width)``, so a
        layer multiplies a random vector's length by about ``weight_scale``.
        The weights of a ``"plain"``, a ``"residual"`` and a ``"highway"``
        network drawn with the same seed are the same; the highway gates are
        drawn after them and their thresholds are ``gate_bias`` (negative:
        the layers mostly carry their input at the start, as a forget gate
        near 1 does).
        """
        width = check_positive_int("width", width)
        depth = check_positive_int("depth", depth)
        kind = _check_kind(kind)
        scale = check_finite_float("weight_scale", weight_scale)
        if scale < 0:
            raise ValueError(f"weight_scale must be non-negative; got {scale}")
        gate_bias = check_finite_float("gate_bias", gate_bias)
        rng = as_generator(seed)
        weights = rng.normal(0.0, scale / np.sqrt(width), size=(depth, width, width))
        if kind != "highway":
            return cls(weights, kind=kind)
        gates = rng.normal(0.0, scale / np.sqrt(width), size=(depth, width, width))
        return cls(weights, kind=kind, gate_weights=gates,
                   gate_biases=np.full((depth, width), gate_bias))

    def __repr__(self) -> str:
        return f"DeepNet(width={self.width}, depth={self.depth}, kind='{self.kind}')"


def depth_gradient_ratio(norms) -> float:
    """The gradient norm at the first layer over that at the last: ``norms[0] / norms[-1]``.

    Parameters
    ----------
    norms : array_like, shape ``(L,)``
        Per-layer norms, first layer first, as from :meth:`DeepNet.layer_gradient_norms`.
    """
    norms = as_float_array("norms", norms, ndim=1)
    if norms.size < 2:
        raise ValueError(f"norms must hold at least two layers; got {norms.size}")
    if norms[-1] <= 0:
        raise ValueError(f"the last layer's norm must be positive (norms[-1]); got "
                         f"{norms[-1]}")
    return float(norms[0] / norms[-1])


# ------------------------------------------------ depth beside time (chapter 5b)
#: the curves of :func:`gradient_flow`: depth first, then their counterparts in time
FLOW_CURVES = ("plain", "residual", "highway", "tanh RNN", "LSTM", "GRU")


def gradient_flow(weight_scale: float = 0.8, depth: int = 100, width: int = 32,
                  gate_bias: float = -3.0, seed: int = 2026) -> dict[str, np.ndarray]:
    """Gradient norms through depth and through time, for networks of one initial scale.

    Through depth: :meth:`DeepNet.layer_gradient_norms` of a plain, a residual
    and a highway network (:meth:`DeepNet.random` with the same ``seed``, so
    the same ``W_l``; gate thresholds ``gate_bias``) at one standard normal
    input, reordered by the number of layers back from the output,
    ``k = 1 .. depth``. Through time: ``||d x(T) / d x(T - k)||``,
    ``k = 1 .. T`` with ``T = depth``, of a tanh RNN whose ``W_rc`` is the plain
    network's first ``W_l`` (the plain network with its weights tied), an LSTM
    with forget bias ``-gate_bias`` and a GRU with update bias ``-gate_bias``
    (so that their gates keep what the highway's carry gate keeps), all of
    ``width`` units, driven by one latching sequence
    (:func:`rnnbook.sequences.latching_task`). Every weight of every network
    has standard deviation ``weight_scale / sqrt(width)``.

    Returns
    -------
    dict of str to numpy.ndarray, shape ``(depth,)``
        Keyed by :data:`FLOW_CURVES`; entry ``k - 1`` is the norm ``k`` layers
        or steps back.
    """
    from rnnbook.dynamics import gradient_norms, trajectory_jacobians
    from rnnbook.gru import GRU
    from rnnbook.lstm import LSTM
    from rnnbook.rnn import RNN
    from rnnbook.sequences import latching_task

    weight_scale = check_finite_float("weight_scale", weight_scale)
    if weight_scale <= 0:
        raise ValueError(f"weight_scale must be positive; got {weight_scale}")
    depth = check_positive_int("depth", depth)
    if depth < 4:
        raise ValueError(f"depth must be at least 4 (a latching sequence has 3 signal "
                         f"steps); got {depth}")
    width = check_positive_int("width", width)
    gate_bias = check_finite_float("gate_bias", gate_bias)
    seed = check_nonnegative_int("seed", seed)
    curves = {}
    x0 = np.random.default_rng(seed + 1).normal(size=width)
    for kind in KINDS:
        net = DeepNet.random(width, depth, kind, weight_scale=weight_scale,
                             gate_bias=gate_bias, seed=seed)
        curves[kind] = net.layer_gradient_norms(x0)[::-1]
    u, _, _, _ = latching_task(1, depth - 3, seed=seed)
    std = weight_scale / np.sqrt(width)
    uniform = std * np.sqrt(3.0)                         # U(-a, a) has std a / sqrt(3)
    tied = DeepNet.random(width, depth, "plain", weight_scale=weight_scale,
                          seed=seed).weights[0]
    rnn_input = np.random.default_rng(seed + 2).normal(0.0, std, size=(width, 1))
    networks = {
        "tanh RNN": RNN(rnn_input, tied, hidden_activation="tanh"),
        "LSTM": LSTM.random(1, width, 1, weight_scale=uniform, forget_bias=-gate_bias,
                            seed=seed),
        "GRU": GRU.random(1, width, 1, weight_scale=uniform, update_bias=-gate_bias,
                          seed=seed),
    }
    for name, net in networks.items():
        curves[name] = gradient_norms(trajectory_jacobians(net, u[0]))
    return curves


def plot_gradient_flow(weight_scale: float = 0.8, depth: int = 100, width: int = 32,
                       gate_bias: float = -3.0, seed: int = 2026, curves=None):
    """Gradient norms through depth (left) and through time (right), on the same axes.

    Draws :func:`gradient_flow` (or the ``curves`` it returned) as two panels
    with shared axes: the plain deep network beside the tanh RNN, the
    residual network beside the LSTM, the highway network beside the GRU.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from rnnbook.plotting import PALETTE

    if curves is None:
        curves = gradient_flow(weight_scale, depth, width, gate_bias, seed)
    else:
        weight_scale = check_finite_float("weight_scale", weight_scale)
        gate_bias = check_finite_float("gate_bias", gate_bias)
        width = check_positive_int("width", width)
        if not isinstance(curves, dict) or set(curves) != set(FLOW_CURVES):
            raise ValueError(f"curves must be a dict with the keys {FLOW_CURVES}, as "
                             f"gradient_flow returns; got {curves!r:.80}")
        curves = {name: as_float_array(f"curves[{name!r}]", curves[name], ndim=1)
                  for name in FLOW_CURVES}
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.4, 3.8), sharex=True, sharey=True)
    styles = ["-", "--", ":"]
    for k, (deep, timed) in enumerate(zip(FLOW_CURVES[:3], FLOW_CURVES[3:])):
        for ax, name in ((left, deep), (right, timed)):
            norms = curves[name]
            ax.semilogy(np.arange(1, len(norms) + 1), np.maximum(norms, 1e-300),
                        styles[k], lw=1.6, color=PALETTE[k], label=name)
    left.set(xlabel="layers back from the output, $n$",
             ylabel="$\\|\\partial x(L) / \\partial x(L-k)\\|$",
             title=f"depth: {width} tanh units per layer")
    right.set(xlabel="steps back in time, $n$",
              ylabel="$\\|\\partial x(T) / \\partial x(T-k)\\|$",
              title=f"time: {width} units, one latching sequence")
    values = np.concatenate([curves[name] for name in FLOW_CURVES])
    values = values[values > 0]
    left.set_ylim(max(values.min() / 3, 1e-60), values.max() * 3)
    for ax in (left, right):
        ax.legend(loc="lower left", fontsize=8)
        ax.tick_params(labelleft=True)
    fig.suptitle(f"weight scale {weight_scale:g}, gate bias {gate_bias:g}", fontsize=10)
    return fig
