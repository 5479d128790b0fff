"""Unit tests for library additions that had none.

* :data:`rnnbook.activations.RELU` and :func:`rnnbook.activations.relu`
  (chapter 5's identity-initialised ReLU network);
* :func:`rnnbook.experiments.train_regression_seeds` and its
  :class:`~rnnbook.experiments.RegressionRunResult` (chapter 5, the adding problem);
* :func:`rnnbook.plotting.plot_noisy_cobweb` (chapter 4, a latch driven by noise).

Every expected value comes from an independent computation: central finite
differences, a hand-written state recursion, or each network trained alone by
:func:`rnnbook.optim.train` (which the stacked training must reproduce, as
:mod:`rnnbook.ensemble` promises), never from the function's own output.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

from rnnbook import RNN  # noqa: E402
from rnnbook.activations import ACTIVATIONS, RELU, get_activation, relu  # noqa: E402
from rnnbook.experiments import RegressionRunResult, train_regression_seeds  # noqa: E402
from rnnbook.lstm import LSTM  # noqa: E402
from rnnbook.optim import Adam, train  # noqa: E402
from rnnbook.plotting import plot_noisy_cobweb  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------- ReLU
def test_relu_values_at_negative_zero_and_positive_inputs():
    a = np.array([-3.5, -1e-300, 0.0, 1e-300, 0.25, 7.0])
    out = relu(a)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.0, 1e-300, 0.25, 7.0])
    # integers and nested lists are converted; the shape is kept
    np.testing.assert_array_equal(relu([[-2, 3], [0, -1]]), [[0.0, 3.0], [0.0, 0.0]])
    assert RELU(np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
    assert RELU.name == "relu"


def test_relu_derivative_matches_central_differences_away_from_zero():
    rng = np.random.default_rng(11)
    a = rng.uniform(-5.0, 5.0, 200)
    a = a[np.abs(a) > 1e-3]                  # the kink at 0 has no derivative
    h = 1e-6
    numeric = (relu(a + h) - relu(a - h)) / (2 * h)
    analytic = RELU.derivative_from_output(RELU(a))
    np.testing.assert_allclose(analytic, numeric, rtol=0, atol=1e-8)
    # exactly 1 where the unit is on and 0 where it is off
    np.testing.assert_array_equal(analytic, (a > 0).astype(float))


def test_relu_outputs_lie_in_its_output_range():
    low, high = RELU.output_range
    assert (low, high) == (0.0, np.inf)
    out = RELU(np.random.default_rng(2).normal(0.0, 10.0, 500))
    assert np.all((out >= low) & (out <= high))


def test_get_activation_passes_relu_through_but_refuses_the_name():
    # documented in rnnbook.activations: RELU is used as an Activation object
    # (RNN(hidden_activation=RELU)); "relu" is deliberately not a known name
    assert get_activation(RELU) is RELU
    assert "relu" not in ACTIVATIONS
    with pytest.raises(ValueError, match=r"hidden_activation must be one of the activations"):
        get_activation("relu", argument="hidden_activation")


def test_rnn_with_relu_hidden_units_follows_the_rectified_recursion():
    rng = np.random.default_rng(3)
    W_ri, W_rc = rng.normal(size=(4, 2)), rng.normal(size=(4, 4)) * 0.5
    W_or, t_r, t_o = rng.normal(size=(1, 4)), rng.normal(size=4), rng.normal(size=1)
    net = RNN(W_ri, W_rc, W_or, t_r, t_o, hidden_activation=RELU,
              output_activation="identity")
    u = rng.normal(size=(6, 2))
    x, states = np.zeros(4), []
    for u_t in u:
        x = np.array([max(0.0, v) for v in W_ri @ u_t + W_rc @ x + t_r])
        states.append(x)
    run = net.run(u)
    np.testing.assert_allclose(run.states, states, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(run.outputs, np.array(states) @ W_or.T + t_o, rtol=1e-13,
                               atol=1e-13)
    assert np.any(run.states == 0.0) and np.any(run.states > 0.0)   # both regimes used


# ------------------------------------------------------- train_regression_seeds
def _network(seed):
    return RNN.random(2, 3, 1, seed=seed, hidden_activation="tanh",
                      output_activation="identity")


def _data(unmasked=6):
    rng = np.random.default_rng(5)
    B, T = 6, 4
    u = rng.uniform(-1, 1, (B, T, 2))
    d = rng.uniform(-1, 1, (B, T, 1))
    mask = np.zeros((B, T))
    mask[:unmasked, -1] = 1.0          # the others carry no target at all
    u_test, target_test = rng.uniform(-1, 1, (3, T, 2)), rng.uniform(-1, 1, 3)
    return u, d, mask, u_test, target_test


SETTINGS = dict(n_seeds=3, seed=4, epochs=5, learning_rate=0.05, batch_size=4, eval_every=2)


def _lstm_network(seed):
    return LSTM.random(2, 3, 1, seed=seed, forget_bias=1.0, output_activation="identity")


def _alone(seed, epochs, learning_rate, batch_size, eval_every, make=_network, unmasked=6):
    """Reference: network ``seed`` trained by itself, one pass at a time."""
    u, d, mask, u_test, target_test = _data(unmasked)
    net, opt, curve = make(seed), Adam(learning_rate), []
    for epoch in range(1, epochs + 1):
        train(net, u, d, mask, optimizer=opt, epochs=1, batch_size=batch_size,
              loss="squared_error", seed=SETTINGS["seed"] + epoch)
        if epoch % eval_every == 0 or epoch == epochs:
            y = net.run(u_test).outputs[:, -1, 0]
            curve.append(np.mean((y - target_test) ** 2))
    return np.array(curve)


@pytest.mark.parametrize("make", [_network, _lstm_network])
def test_train_regression_seeds_equals_each_network_trained_alone(make):
    # plain RNNs train side by side with their own weights, LSTMs as one
    # block-diagonal stack: either way each member as it would alone
    result = train_regression_seeds(make, *_data(), **SETTINGS)
    assert isinstance(result, RegressionRunResult)
    kw = {k: SETTINGS[k] for k in ("epochs", "learning_rate", "batch_size", "eval_every")}
    reference = np.stack([_alone(SETTINGS["seed"] + s, **kw, make=make)
                          for s in range(SETTINGS["n_seeds"])], axis=1)
    np.testing.assert_allclose(result.curves, reference, rtol=1e-9, atol=0)
    np.testing.assert_array_equal(result.passes, [2, 4, 5])     # every 2nd pass and the last
    np.testing.assert_array_equal(result.test_mse, result.curves[-1])
    # and the networks did change: the errors are not those before training
    untrained = [np.mean((make(SETTINGS["seed"] + s).run(_data()[3]).outputs[:, -1, 0]
                          - _data()[4]) ** 2) for s in range(SETTINGS["n_seeds"])]
    assert not np.allclose(result.test_mse, untrained)


@pytest.mark.parametrize("make", [_network, _lstm_network])
def test_train_regression_seeds_skips_batches_without_targets_as_train_does(make):
    # four of six sequences carry no target, minibatches of two: some updates
    # have nothing to learn from and optim.train skips them (an Adam step on a
    # zero gradient would still move the weights)
    settings = {**SETTINGS, "batch_size": 2}
    result = train_regression_seeds(make, *_data(unmasked=2), **settings)
    kw = {k: settings[k] for k in ("epochs", "learning_rate", "batch_size", "eval_every")}
    reference = np.stack([_alone(settings["seed"] + s, **kw, make=make, unmasked=2)
                          for s in range(settings["n_seeds"])], axis=1)
    np.testing.assert_allclose(result.curves, reference, rtol=1e-9, atol=0)


def test_train_regression_seeds_shapes_and_reproducibility():
    data = _data()
    a = train_regression_seeds(_network, *data, **SETTINGS)
    b = train_regression_seeds(_network, *data, **SETTINGS)
    np.testing.assert_array_equal(a.curves, b.curves)
    np.testing.assert_array_equal(a.test_mse, b.test_mse)
    assert a.curves.shape == (3, 3) and a.test_mse.shape == (3,)
    assert np.issubdtype(a.passes.dtype, np.integer)
    # another seed: other networks (5, 6, 7 instead of 4, 5, 6) and other
    # shuffles (minibatches of 4 of 6 sequences), so every member's error differs
    other = train_regression_seeds(_network, *data, **{**SETTINGS, "seed": 5})
    assert not np.any(np.isclose(other.test_mse, a.test_mse, rtol=1e-6, atol=0))
    # the first 4 passes do not depend on the number of passes (no early stop)
    four = train_regression_seeds(_network, *data, **{**SETTINGS, "eval_every": 4,
                                                      "epochs": 4})
    np.testing.assert_array_equal(four.passes, [4])
    assert four.curves.shape == (1, 3)
    np.testing.assert_allclose(four.curves[0], a.curves[1], rtol=1e-12)   # pass 4


def test_train_regression_seeds_full_batch_members_do_not_depend_on_their_position():
    # with the whole batch in every update the shuffling is irrelevant, so the
    # network made from seed 5 ends the same whether it is member 1 (seed=4)
    # or member 0 (seed=5): the members really are trained independently
    data = _data()
    full = {**SETTINGS, "batch_size": 6}
    a = train_regression_seeds(_network, *data, **full)
    b = train_regression_seeds(_network, *data, **{**full, "seed": 5, "n_seeds": 2})
    np.testing.assert_allclose(b.test_mse, a.test_mse[1:], rtol=1e-9)


@pytest.mark.parametrize("change, error, match", [
    ({"n_seeds": 0}, ValueError, r"n_seeds must be a positive integer"),
    ({"eval_every": 1.5}, TypeError, r"eval_every must be a positive integer"),
    ({"epochs": -1}, ValueError, r"epochs must be a positive integer"),
    ({"learning_rate": float("nan")}, ValueError, r"learning_rate must be finite"),
    ({"batch_size": True}, TypeError, r"batch_size must be a positive integer"),
    ({"seed": -1}, ValueError, r"seed must be a non-negative integer"),
    ({"make_network": 3}, TypeError, r"make_network must be callable"),
    ({"target_test": np.zeros(4)}, ValueError, r"target_test"),
    ({"u_test": np.zeros((0, 4, 2))}, ValueError, r"u_test must hold at least one step"),
    ({"targets": np.zeros((6, 4, 2))}, ValueError, r"targets"),
])
def test_train_regression_seeds_refuses_bad_arguments(change, error, match):
    u, d, mask, u_test, target_test = _data()
    kwargs = dict(make_network=_network, u=u, targets=d, mask=mask, u_test=u_test,
                  target_test=target_test, **SETTINGS)
    kwargs.update(change)
    with pytest.raises(error, match=match):
        train_regression_seeds(**kwargs)


# ---------------------------------------------------------- plot_noisy_cobweb
def _latch(w=2.0, v=0.7, t=0.1):
    return RNN(np.array([[v]]), np.array([[w]]), t_r=np.array([t]),
               hidden_activation="tanh")


def test_plot_noisy_cobweb_draws_the_maps_the_run_and_the_steep_band():
    w, v, t = 2.0, 0.7, 0.1
    inputs = np.array([[0.3], [-0.5], [0.0], [1.2]])
    x0, shown = -0.4, (0.0, 0.5)
    fig = plot_noisy_cobweb(_latch(w, v, t), inputs, x0, show_inputs=shown, title="T")
    assert isinstance(fig, plt.Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert ax.get_title() == "T"
    lines = ax.get_lines()
    # one faint map per step, one labelled map per shown input, diagonal, run, dots
    assert len(lines) == len(inputs) + len(shown) + 3
    for line, u_t in zip(lines[:len(inputs)], inputs[:, 0]):
        x, y = line.get_data()
        np.testing.assert_allclose(y, np.tanh(w * x + v * u_t + t), rtol=0, atol=1e-14)
    for line, u_t in zip(lines[len(inputs):len(inputs) + 2], shown):
        x, y = line.get_data()
        np.testing.assert_allclose(y, np.tanh(w * x + v * u_t + t), rtol=0, atol=1e-14)
        assert line.get_label() == f"map for $u = {u_t:g}$"
    diagonal = lines[len(inputs) + 2]
    np.testing.assert_array_equal(*diagonal.get_data())
    # the run: x(t) = tanh(w x(t-1) + v u(t) + t_r) by hand, drawn as a cobweb
    states = [x0]
    for u_t in inputs[:, 0]:
        states.append(np.tanh(w * states[-1] + v * u_t + t))
    px, py = lines[-2].get_data()
    expect_x, expect_y = [states[0]], [states[0]]
    for before, after in zip(states[:-1], states[1:]):
        expect_x += [before, after]
        expect_y += [after, after]
    np.testing.assert_allclose(px, expect_x, rtol=0, atol=1e-14)
    np.testing.assert_allclose(py, expect_y, rtol=0, atol=1e-14)
    assert lines[-2].get_label() == "the run"
    np.testing.assert_allclose(lines[-1].get_data()[0], states[1:], rtol=0, atol=1e-14)
    # shaded: new states with |w| (1 - x^2) > 1, i.e. |x| < sqrt(1 - 1/|w|)
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1
    ys = np.concatenate([p.vertices[:, 1] for p in bands[0].get_paths()])
    edge = np.sqrt(1 - 1 / w)
    grid_step = 2.0 / 400
    assert abs(ys.max() - edge) <= grid_step and abs(ys.min() + edge) <= grid_step
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "the run" in legend and "map for $u = 0.5$" in legend


def test_plot_noisy_cobweb_without_a_steep_band_and_into_given_axes():
    fig, ax = plt.subplots()
    # |w| <= 1: |w| (1 - x^2) <= 1 everywhere, so nothing is shaded
    out = plot_noisy_cobweb(_latch(w=0.9), np.zeros((2, 1)), 0.2, ax=ax)
    assert out is fig and fig.axes == [ax]
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(ax.get_lines()) == 2 + 1 + 3          # default show_inputs=(0.0,)


@pytest.mark.parametrize("change, error, match", [
    ({"latch": RNN.random(1, 2, 1, seed=0)}, ValueError, r"latch must be an RNN with one input"),
    ({"latch": "abc"}, ValueError, r"latch must be an RNN"),
    ({"inputs": np.zeros((3, 2))}, ValueError, r"inputs"),
    ({"inputs": np.zeros((0, 1))}, ValueError, r"inputs must hold at least one step"),
    ({"inputs": np.array([[np.nan]])}, ValueError, r"inputs"),
    ({"x0": float("inf")}, ValueError, r"x0 must be finite"),
    ({"x0": "0.1"}, TypeError, r"x0 must be a real number"),
    ({"show_inputs": (np.nan,)}, ValueError, r"show_inputs"),
    ({"show_inputs": [[0.0]]}, ValueError, r"show_inputs"),
])
def test_plot_noisy_cobweb_refuses_bad_arguments(change, error, match):
    kwargs = dict(latch=_latch(), inputs=np.zeros((3, 1)), x0=0.1)
    kwargs.update(change)
    with pytest.raises(error, match=match):
        plot_noisy_cobweb(**kwargs)


def _network_contracting(seed):
    return RNN.random(2, 3, 1, seed=seed, hidden_activation="tanh",
                      output_activation="identity", recurrent_scale=0.3)


def test_train_regression_seeds_with_several_makers_equals_each_alone():
    both = train_regression_seeds({"a": _network, "b": _network_contracting}, *_data(),
                                  **SETTINGS)
    assert list(both) == ["a", "b"]
    for name, make in [("a", _network), ("b", _network_contracting)]:
        alone = train_regression_seeds(make, *_data(), **SETTINGS)
        np.testing.assert_allclose(both[name].curves, alone.curves, rtol=1e-12, atol=0)
        np.testing.assert_array_equal(both[name].test_mse, both[name].curves[-1])
        np.testing.assert_array_equal(both[name].passes, alone.passes)
    assert not np.allclose(both["a"].test_mse, both["b"].test_mse)
    with pytest.raises(ValueError, match=r"^make_network must hold at least one maker"):
        train_regression_seeds({}, *_data(), **SETTINGS)
    with pytest.raises(TypeError, match=r"^make_network\['x'\] must be callable"):
        train_regression_seeds({"x": 3}, *_data(), **SETTINGS)
