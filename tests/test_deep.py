"""Tests of deep feed-forward tanh networks (rnnbook.deep), chapter 5b.

References are written out here from the layer equations

    plain     x(l) = tanh(W_l x(l-1) + b_l)
    residual  x(l) = x(l-1) + tanh(W_l x(l-1) + b_l)
    highway   x(l) = (1 - T) x(l-1) + T tanh(W_l x(l-1) + b_l),  T = sigmoid(G_l x(l-1) + c_l)

and the Jacobians and per-layer gradient norms are compared with central
differences of re-runs of the network from perturbed layer states.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnbook import RNN, dynamics  # noqa: E402
from rnnbook.deep import (  # noqa: E402
    FLOW_CURVES,
    KINDS,
    DeepNet,
    depth_gradient_ratio,
    gradient_flow,
    plot_gradient_flow,
)


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))


def ref_run(p, kind, x0):
    """x(1) .. x(L) for one input, written out layer by layer."""
    x = np.asarray(x0, dtype=float)
    out = []
    for l in range(p["weights"].shape[0]):
        branch = np.tanh(p["weights"][l] @ x + p["biases"][l])
        if kind == "plain":
            x = branch
        elif kind == "residual":
            x = x + branch
        else:
            gate = _sigmoid(p["gate_weights"][l] @ x + p["gate_biases"][l])
            x = (1 - gate) * x + gate * branch
        out.append(x)
    return np.array(out)


def fd_jacobian(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    return np.column_stack([(f(x + e) - f(x - e)) / (2 * eps) for e in np.eye(x.size) * eps])


def spectral_norm(M):
    return float(np.linalg.svd(M, compute_uv=False)[0])


def make_net(kind, width=4, depth=6, seed=0):
    """Weights of order 1 and non-zero biases and gate biases everywhere."""
    rng = np.random.default_rng(seed)
    kw = {}
    if kind == "highway":
        kw = dict(gate_weights=rng.normal(0, 0.8, (depth, width, width)),
                  gate_biases=rng.uniform(-1, 1, (depth, width)))
    return DeepNet(rng.normal(0, 0.8, (depth, width, width)),
                   rng.uniform(-0.5, 0.5, (depth, width)), kind=kind, **kw)


def sub_net(net, first_layer):
    """The layers first_layer .. L of ``net`` as a network of their own."""
    p = {k: v[first_layer - 1:] for k, v in net.parameters().items()}
    return DeepNet(kind=net.kind, **p)


# ================================================================ forward
@pytest.mark.parametrize("kind", KINDS)
def test_run_matches_the_layer_equations(kind):
    rng = np.random.default_rng(1)
    net = make_net(kind, seed=1)
    x0 = rng.normal(size=(3, 4))
    states = net.run(x0)
    assert states.shape == (3, 6, 4)
    for b in range(3):
        want = ref_run(net.parameters(), kind, x0[b])
        np.testing.assert_allclose(states[b], want, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(net.run(x0[b]), want, rtol=1e-13, atol=1e-15)


def test_kinds_differ_on_the_same_weights():
    rng = np.random.default_rng(2)
    x0 = rng.normal(size=4)
    plain, residual = make_net("plain", seed=2), make_net("residual", seed=2)
    np.testing.assert_array_equal(plain.weights, residual.weights)
    assert np.abs(plain.run(x0) - residual.run(x0)).max() > 0.1
    # the residual network's first layer adds the plain one's to its input
    np.testing.assert_allclose(residual.run(x0)[0], x0 + plain.run(x0)[0], rtol=1e-14)


def test_plain_net_with_tied_weights_is_an_input_free_tanh_rnn():
    """The claim of the module docstring: untie an RNN's weights and you have a deep net."""
    rng = np.random.default_rng(3)
    W, b = rng.normal(0, 0.9, (5, 5)), rng.uniform(-0.3, 0.3, 5)
    L, x0 = 12, rng.normal(size=5)
    deep = DeepNet(np.tile(W, (L, 1, 1)), np.tile(b, (L, 1)))
    rnn = RNN(np.zeros((5, 1)), W, t_r=b, hidden_activation="tanh")
    np.testing.assert_allclose(deep.run(x0), rnn.run(np.zeros((L, 1)), x0).states,
                               rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(deep.layer_jacobians(x0),
                               dynamics.trajectory_jacobians(rnn, np.zeros((L, 1)), x0),
                               rtol=1e-13, atol=1e-15)


def test_highway_gate_switches_between_carry_and_plain():
    rng = np.random.default_rng(4)
    weights, x0 = rng.normal(0, 1, (3, 4, 4)), rng.normal(size=4)
    gates = rng.normal(0, 1, (3, 4, 4))
    closed = DeepNet(weights, kind="highway", gate_weights=gates,
                     gate_biases=np.full((3, 4), -60.0))
    np.testing.assert_allclose(closed.run(x0), np.tile(x0, (3, 1)), rtol=1e-12)
    opened = DeepNet(weights, kind="highway", gate_weights=gates,
                     gate_biases=np.full((3, 4), 60.0))
    np.testing.assert_allclose(opened.run(x0), DeepNet(weights).run(x0), rtol=1e-12)


# ============================================================== Jacobians
@pytest.mark.parametrize("kind", KINDS)
def test_jacobian_matches_finite_differences_of_a_layer(kind):
    rng = np.random.default_rng(10)
    net = make_net(kind, seed=10)
    x0 = rng.normal(size=4)
    states = np.vstack([x0, net.run(x0)])
    Js = net.layer_jacobians(x0)
    assert Js.shape == (6, 4, 4)
    for layer in range(1, 7):
        one = sub_net(net, layer)
        one = DeepNet(kind=kind, **{k: v[:1] for k, v in one.parameters().items()})
        want = fd_jacobian(lambda x: one.run(x)[0], states[layer - 1])
        np.testing.assert_allclose(net.jacobian(layer, states[layer - 1]), want,
                                   rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(Js[layer - 1], want, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("kind", KINDS)
def test_layer_gradient_norms_are_norms_of_the_map_to_the_output(kind):
    """||d x(L) / d x(l-1)|| by re-running layers l .. L from perturbed inputs."""
    rng = np.random.default_rng(20)
    net = make_net(kind, seed=20)
    x0 = rng.normal(size=4)
    states = np.vstack([x0, net.run(x0)])
    norms = net.layer_gradient_norms(x0)
    assert norms.shape == (6,)
    for layer in range(1, 7):
        upper = sub_net(net, layer)
        want = spectral_norm(fd_jacobian(lambda x: upper.run(x)[-1], states[layer - 1]))
        assert want > 1e-4
        assert norms[layer - 1] == pytest.approx(want, rel=1e-6), layer
    # the same numbers as dynamics.gradient_norms, read from the other end
    np.testing.assert_array_equal(norms[::-1], dynamics.gradient_norms(net.layer_jacobians(x0)))


def test_identity_paths_by_hand():
    """Zero weights: the residual Jacobian is I, the highway's diag(1 - sigmoid(c))."""
    x0 = np.array([0.3, -1.2, 0.7])
    residual = DeepNet(np.zeros((5, 3, 3)), kind="residual")
    np.testing.assert_array_equal(residual.layer_jacobians(x0), np.tile(np.eye(3), (5, 1, 1)))
    np.testing.assert_array_equal(residual.layer_gradient_norms(x0), np.ones(5))
    highway = DeepNet(np.zeros((5, 3, 3)), kind="highway", gate_weights=np.zeros((5, 3, 3)),
                      gate_biases=np.full((5, 3), -2.0))
    carry = 1 - 1 / (1 + math.exp(2.0))
    np.testing.assert_allclose(highway.layer_gradient_norms(x0), carry ** np.arange(5, 0, -1),
                               rtol=1e-12)
    plain = DeepNet(np.zeros((5, 3, 3)))
    np.testing.assert_array_equal(plain.layer_gradient_norms(x0), np.zeros(5))


def test_depth_gradient_ratio():
    assert depth_gradient_ratio([1e-6, 0.1, 2.0]) == pytest.approx(5e-7, rel=1e-15)
    assert depth_gradient_ratio(np.array([3.0, 1.5])) == 2.0
    with pytest.raises(ValueError, match="at least two layers"):
        depth_gradient_ratio([1.0])
    with pytest.raises(ValueError, match="last layer's norm must be positive"):
        depth_gradient_ratio([1.0, 0.0])
    with pytest.raises(ValueError, match="norms must have 1 dimensions"):
        depth_gradient_ratio(np.ones((2, 2)))


# ========================================================= constructors
def test_random_draws_the_same_weights_for_every_kind():
    nets = {kind: DeepNet.random(16, 8, kind, weight_scale=0.7, gate_bias=-1.5, seed=5)
            for kind in KINDS}
    for kind in KINDS:
        assert nets[kind].kind == kind and (nets[kind].depth, nets[kind].width) == (8, 16)
        np.testing.assert_array_equal(nets[kind].weights, nets["plain"].weights)
        np.testing.assert_array_equal(nets[kind].biases, np.zeros((8, 16)))
    np.testing.assert_array_equal(nets["highway"].gate_biases, np.full((8, 16), -1.5))
    assert nets["plain"].gate_weights is None
    assert set(nets["highway"].parameters()) == {"weights", "biases", "gate_weights",
                                                 "gate_biases"}
    assert set(nets["plain"].parameters()) == {"weights", "biases"}
    std = DeepNet.random(200, 4, weight_scale=0.7, seed=6).weights.std()
    assert std == pytest.approx(0.7 / math.sqrt(200), rel=0.02)
    again = DeepNet.random(16, 8, "highway", weight_scale=0.7, gate_bias=-1.5, seed=5)
    np.testing.assert_array_equal(again.gate_weights, nets["highway"].gate_weights)
    assert repr(again) == "DeepNet(width=16, depth=8, kind='highway')"


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(width=0), ValueError, "width"),
    (dict(depth=2.5), TypeError, "depth"),
    (dict(kind="dense"), ValueError, "kind must be one of"),
    (dict(weight_scale=-1.0), ValueError, "weight_scale"),
    (dict(weight_scale=float("nan")), ValueError, "weight_scale"),
    (dict(gate_bias=float("inf")), ValueError, "gate_bias"),
    (dict(seed=-1), ValueError, "seed"),
])
def test_random_refuses_bad_arguments(kwargs, error, match):
    args = dict(width=4, depth=3)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        DeepNet.random(**args)


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(weights=np.zeros((3, 4, 5))), ValueError, "weights must have shape"),
    (dict(weights=np.zeros((0, 4, 4))), ValueError, "weights must have shape"),
    (dict(weights=np.zeros((4, 4))), ValueError, "weights must have 3 dimensions"),
    (dict(weights=np.full((2, 3, 3), np.nan)), ValueError, "weights contains NaN"),
    (dict(weights=np.zeros((2, 3, 3)), biases=np.zeros((2, 4))), ValueError, "biases"),
    (dict(weights=np.zeros((2, 3, 3)), kind="highway"), ValueError, "gate_weights"),
    (dict(weights=np.zeros((2, 3, 3)), kind="highway", gate_weights=np.zeros((2, 3, 2))),
     ValueError, "gate_weights must have shape"),
    (dict(weights=np.zeros((2, 3, 3)), kind="highway", gate_weights=np.zeros((2, 3, 3)),
          gate_biases=np.zeros(3)), ValueError, "gate_biases must have 2 dimensions"),
    (dict(weights=np.zeros((2, 3, 3)), gate_weights=np.zeros((2, 3, 3))), ValueError,
     "for kind='highway' only"),
    (dict(weights=np.zeros((2, 3, 3)), kind="residual", gate_biases=np.zeros((2, 3))),
     ValueError, "for kind='highway' only"),
    (dict(weights=np.zeros((2, 3, 3)), kind=None), ValueError, "kind must be one of"),
    (dict(weights=[[["a"]]]), TypeError, "weights must be a real numeric array"),
])
def test_constructor_refuses_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        DeepNet(**kwargs)


@pytest.mark.parametrize("call,error,match", [
    (lambda n: n.run(np.zeros(5)), ValueError, "x0 must have 4 entries"),
    (lambda n: n.run(np.zeros((2, 2, 4))), ValueError, "x0 must have 1 or 2 dimensions"),
    (lambda n: n.run([np.nan] * 4), ValueError, "x0 contains NaN"),
    (lambda n: n.jacobian(0, np.zeros(4)), ValueError, "layer"),
    (lambda n: n.jacobian(7, np.zeros(4)), ValueError, "layer must be between 1 and 6"),
    (lambda n: n.jacobian(1.0, np.zeros(4)), TypeError, "layer"),
    (lambda n: n.jacobian(1, np.zeros(3)), ValueError, "x_prev must have shape"),
    (lambda n: n.layer_jacobians(np.zeros((2, 4))), ValueError, "x0 must have 1 dim"),
    (lambda n: n.layer_gradient_norms(np.zeros(3)), ValueError, "x0 must have shape"),
])
def test_bad_inputs_raise(call, error, match):
    with pytest.raises(error, match=match):
        call(make_net("highway"))


# ====================================================== gradient_flow
def test_gradient_flow_curves():
    curves = gradient_flow(weight_scale=0.8, depth=20, width=8, gate_bias=-3.0, seed=7)
    assert list(curves) == list(FLOW_CURVES)
    for name, norms in curves.items():
        assert norms.shape == (20,) and np.all(np.isfinite(norms)) and np.all(norms > 0), name
    # the depth curves are the networks' per-layer norms, k layers back
    x0 = np.random.default_rng(8).normal(size=8)
    for kind in KINDS:
        net = DeepNet.random(8, 20, kind, weight_scale=0.8, gate_bias=-3.0, seed=7)
        np.testing.assert_array_equal(curves[kind], net.layer_gradient_norms(x0)[::-1])
    again = gradient_flow(weight_scale=0.8, depth=20, width=8, gate_bias=-3.0, seed=7)
    for name in FLOW_CURVES:
        np.testing.assert_array_equal(again[name], curves[name])
    other = gradient_flow(weight_scale=0.8, depth=20, width=8, gate_bias=-1.0, seed=7)
    np.testing.assert_array_equal(other["plain"], curves["plain"])   # no gate
    assert not np.array_equal(other["GRU"], curves["GRU"])          # its update bias moved


def test_gradient_flow_at_a_small_scale_separates_plain_and_residual():
    curves = gradient_flow(weight_scale=0.5, depth=50, width=16, seed=9)
    assert curves["plain"][-1] / curves["plain"][0] < 1e-8
    assert curves["residual"][-1] / curves["residual"][0] > 1.0
    assert curves["tanh RNN"][-1] / curves["tanh RNN"][0] < 1e-8


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(weight_scale=0.0), ValueError, "weight_scale must be positive"),
    (dict(depth=3), ValueError, "depth must be at least 4"),
    (dict(width=0), ValueError, "width"),
    (dict(gate_bias="low"), TypeError, "gate_bias"),
    (dict(seed=-2), ValueError, "seed"),
    (dict(seed=1.5), TypeError, "seed"),
])
def test_gradient_flow_refuses_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        gradient_flow(**{"depth": 10, "width": 4, **kwargs})


def test_plot_gradient_flow_draws_both_panels_on_the_same_axes():
    curves = gradient_flow(depth=12, width=4)
    fig = plot_gradient_flow(depth=12, width=4, curves=curves)
    left, right = fig.axes
    assert [line.get_label() for line in left.lines] == list(FLOW_CURVES[:3])
    assert [line.get_label() for line in right.lines] == list(FLOW_CURVES[3:])
    assert left.get_ylim() == right.get_ylim() and left.get_xlim() == right.get_xlim()
    assert left.get_yscale() == right.get_yscale() == "log"
    np.testing.assert_array_equal(right.lines[1].get_ydata(), curves["LSTM"])
    plt.close(fig)


def test_plot_gradient_flow_refuses_bad_curves():
    curves = gradient_flow(depth=12, width=4)
    with pytest.raises(ValueError, match="curves must be a dict with the keys"):
        plot_gradient_flow(curves={"plain": curves["plain"]})
    bad = dict(curves, GRU=np.full(12, np.nan))
    with pytest.raises(ValueError, match="curves\\['GRU'\\] contains NaN"):
        plot_gradient_flow(curves=bad)
    with pytest.raises(TypeError, match="weight_scale"):
        plot_gradient_flow(weight_scale="big", curves=curves)
