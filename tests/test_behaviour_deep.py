"""Behaviour of rnnbook.deep that the mutation run found unpinned (issue 16).

The references are written out here: the GRU step from its equations
(Cho et al. 2014), Jacobians by central differences, products of Jacobians
and their spectral norms with numpy's SVD.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnbook.deep import (  # noqa: E402
    DeepNet,
    depth_gradient_ratio,
    gradient_flow,
    plot_gradient_flow,
)
from rnnbook.gru import GRU  # noqa: E402
from rnnbook.sequences import latching_task  # noqa: E402


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _gru_step(p, u_t, h):
    """h(t) = z h + (1 - z) g, written out from the GRU's equations."""
    H = h.size
    W, U, b = p["W_ri"], p["W_rc"], p["t_r"]
    z = _sigmoid(W[:H] @ u_t + U[:H] @ h + b[:H])
    r = _sigmoid(W[H:2 * H] @ u_t + U[H:2 * H] @ h + b[H:2 * H])
    g = np.tanh(W[2 * H:] @ u_t + U[2 * H:] @ (r * h) + b[2 * H:])
    return z * h + (1 - z) * g


def _norms_back_in_time(jacobians):
    """||J(T) J(T-1) ... J(T-k+1)||_2 for k = 1 .. T, by SVD."""
    out, product = [], np.eye(jacobians[0].shape[0])
    for J in jacobians[::-1]:
        product = product @ J
        out.append(np.linalg.svd(product, compute_uv=False)[0])
    return np.array(out)


def test_depth_gradient_ratio_is_first_over_last():
    assert depth_gradient_ratio([4.0, 0.0, 2.0]) == 2.0     # a zero in between is fine
    assert depth_gradient_ratio([1.0, 5.0, 8.0]) == 0.125
    with pytest.raises(ValueError, match=r"the last layer's norm must be positive"):
        depth_gradient_ratio([1.0, 2.0, 0.0])


def test_gradient_flow_gru_curve_is_the_documented_gru():
    """The GRU of the time panel: update bias -gate_bias, uniform weights of standard
    deviation weight_scale / sqrt(width), driven by one latching sequence; its norms
    are recomputed from central-difference Jacobians of the hand-written step."""
    scale, depth, width, gate_bias, seed = 0.8, 9, 4, -2.0, 5
    curves = gradient_flow(scale, depth, width, gate_bias, seed)
    half_width = math.sqrt(3.0) * scale / math.sqrt(width)    # U(-a, a): std a / sqrt(3)
    p = GRU.random(1, width, 1, weight_scale=half_width, update_bias=-gate_bias,
                   seed=seed).parameters()
    u = latching_task(1, depth - 3, seed=seed)[0][0]
    h, jacobians, eps = np.zeros(width), [], 1e-6
    for u_t in u:
        jacobians.append(np.column_stack(
            [(_gru_step(p, u_t, h + e) - _gru_step(p, u_t, h - e)) / (2 * eps)
             for e in np.eye(width) * eps]))
        h = _gru_step(p, u_t, h)
    np.testing.assert_allclose(curves["GRU"], _norms_back_in_time(jacobians), rtol=1e-7)


def test_gradient_flow_tanh_rnn_uses_the_first_plain_layer():
    """At a tiny weight scale the tanh units are linear to ~1e-6, so the RNN's
    norms are those of the powers of its recurrent matrix, the plain net's W_1."""
    scale, depth, width, seed = 1e-3, 8, 4, 3
    curves = gradient_flow(scale, depth, width, -3.0, seed)
    W1 = DeepNet.random(width, depth, "plain", weight_scale=scale, seed=seed).weights[0]
    powers = [np.linalg.matrix_power(W1, k) for k in range(1, depth + 1)]
    expected = np.array([np.linalg.svd(P, compute_uv=False)[0] for P in powers])
    np.testing.assert_allclose(curves["tanh RNN"], expected, rtol=1e-4)


def test_gradient_flow_defaults_are_the_chapters():
    """Defaults (weight scale 0.8, gate bias -3, seed 2026) as in the signature's
    documentation; depth and width made small to keep the test fast."""
    default = gradient_flow(depth=6, width=3)
    explicit = gradient_flow(0.8, 6, 3, -3.0, 2026)
    for name, norms in explicit.items():
        np.testing.assert_array_equal(default[name], norms)


def test_plot_gradient_flow_labels_both_panels():
    curves = gradient_flow(depth=6, width=3)
    fig = plot_gradient_flow(depth=6, width=3, curves=curves)
    left, right = fig.axes
    assert left.get_xlabel() == "layers back from the output, $n$"
    assert left.get_ylabel() == "$\\|\\partial x(L) / \\partial x(L-k)\\|$"
    assert left.get_title() == "depth: 3 tanh units per layer"
    assert right.get_xlabel() == "steps back in time, $n$"
    assert right.get_title() == "time: 3 units, one latching sequence"
    for ax, names in ((left, ["plain", "residual", "highway"]),
                      (right, ["tanh RNN", "LSTM", "GRU"])):
        legend = ax.get_legend()
        assert legend is not None
        assert [t.get_text() for t in legend.get_texts()] == names
        assert all(t.get_fontsize() == 8 for t in legend.get_texts())
    plt.close(fig)
