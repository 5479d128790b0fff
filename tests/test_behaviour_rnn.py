"""Behaviour of the RNN's state map (rnnbook.dynamics) that the mutation run found
unpinned (issue 16). References are closed forms written out here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnbook import RNN, activations, automata, dynamics, losses, optim


def linear_unit(a, b):
    """One linear unit x(t) = a x(t-1) + b u(t) (identity activation, no threshold)."""
    return RNN([[b]], [[a]], hidden_activation="identity")


def test_asymptotic_states_of_a_batch_follow_the_closed_form():
    # x(t) = a x(t-1) + b u: x(t) = a^t x0 + b u (1 - a^t) / (1 - a)
    a, b, u = 0.5, 2.0, 0.75
    x0 = np.array([[1.0], [-3.0]])
    got = dynamics.asymptotic_states(linear_unit(a, b), [u], x0, n_transient=3, n_keep=4)
    t = np.arange(4, 8)
    want = a ** t[None, :] * x0 + b * u * (1 - a ** t[None, :]) / (1 - a)
    assert got.shape == (2, 4, 1)
    np.testing.assert_allclose(got[..., 0], want, rtol=1e-14, atol=1e-15)


def test_classify_orbit_takes_nested_lists_and_refuses_nan():
    orbit = [[0.1, 1.0], [0.9, 2.0]] * 10               # period 2
    assert dynamics.classify_orbit(orbit, max_period=4) == 2
    with pytest.raises(ValueError, match="states contains NaN"):
        dynamics.classify_orbit([[0.1], [float("nan")]] * 10, max_period=4)


@pytest.mark.parametrize("call", [
    lambda m: dynamics.state_jacobian(m, [0.0], [0.0]),
    lambda m: dynamics.trajectory_jacobians(m, [[0.0]]),
])
def test_jacobians_of_something_that_is_not_a_model_are_refused(call):
    with pytest.raises(TypeError, match="^model must be an? rnnbook"):
        call("not a model")


def test_fit_log_slope_with_exactly_two_positive_norms():
    # log norms -1 and -5 at lags 1 and 3 (the zero at lag 2 is left out):
    # slope -2, intercept 1
    slope, intercept = dynamics.fit_log_slope([math.exp(-1), 0.0, math.exp(-5)])
    assert slope == pytest.approx(-2.0, rel=1e-12)
    assert intercept == pytest.approx(1.0, rel=1e-12)
    slope, intercept = dynamics.fit_log_slope([math.exp(-1), math.exp(-3)])
    assert (slope, intercept) == (pytest.approx(-2.0, rel=1e-12), pytest.approx(1.0, rel=1e-12))


def test_periodic_points_need_a_start():
    with pytest.raises(ValueError, match="starts must hold at least one initial guess"):
        dynamics.periodic_points(linear_unit(0.5, 1.0), [[0.0]], np.zeros((0, 1)))
    # the fixed point of x = 0.5 x + 1 is 2, with eigenvalue 0.5
    points, eigenvalues = dynamics.periodic_points(linear_unit(0.5, 1.0), [[1.0]], [[0.0]])
    np.testing.assert_allclose(points, [[2.0]], rtol=1e-9)
    np.testing.assert_allclose(eigenvalues, [[0.5]], rtol=1e-12)


# ------------------------------------------------------------ rnnbook.optim
def _one_sequence():
    model = RNN.random(1, 2, 1, seed=0, output_activation="identity")
    u = np.linspace(-1, 1, 6)[:, None]
    return model, u, 0.5 * u


def test_clipping_leaves_gradients_below_the_norm_unchanged_even_when_tiny():
    # the squares of 1e-200 underflow to 0: whatever the computed norm, gradients
    # whose true norm (3.2e-200) is far below max_norm are returned as they were
    grads = {"w": np.array([1e-200, -3e-200]), "b": np.array([2e-200])}
    clipped, _ = optim.clip_by_global_norm(grads, 1.0)
    for name in grads:
        np.testing.assert_array_equal(clipped[name], grads[name])


@pytest.mark.parametrize("call, error, match", [
    (lambda: optim.global_norm([1.0]), TypeError, "^grads must be a dict"),
    (lambda: optim.clip_by_global_norm(("w", 1.0), 1.0), TypeError, "^grads must be a dict"),
    (lambda: optim.global_norm({}), ValueError, "^grads must hold at least one array"),
])
def test_gradient_norms_refuse_what_is_not_a_dict_of_arrays(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("stop_below, error, match", [
    (-1.0, ValueError, "stop_below"),
    (float("nan"), ValueError, "stop_below"),
    ("low", TypeError, "stop_below"),
])
def test_train_refuses_a_bad_stop_below(stop_below, error, match):
    model, u, d = _one_sequence()
    with pytest.raises(error, match=match):
        optim.train(model, u, d, optimizer=optim.SGD(0.1), epochs=1, stop_below=stop_below)


def test_train_reports_the_early_stop_only_when_reporting(capsys):
    model, u, d = _one_sequence()
    h = optim.train(model, u, d, optimizer=optim.SGD(0.01), epochs=5, stop_below=1e6)
    assert h.epochs == 1 and capsys.readouterr().out == ""      # silent by default
    model, u, d = _one_sequence()
    h = optim.train(model, u, d, optimizer=optim.SGD(0.01), epochs=5, stop_below=1e6,
                    report_every=10)
    loss = f"{h.loss[0]:.4f}"
    # epoch 1 is no report epoch (every 10th, and the last of 5): only the stop line
    assert capsys.readouterr().out.splitlines() == [f"epoch     1  loss {loss} < 1000000.0: stop"]


# ------------------------------------------------------------ rnnbook.losses
def _linear_net():
    """x(t) = 0.5 x(t-1) + 2 u(t), y = x: for u = 1, 0, 0 the outputs are 2, 1, 0.5."""
    return RNN([[2.0]], [[0.5]], [[1.0]], hidden_activation="identity",
               output_activation="identity")


def test_masked_loss_of_a_single_sequence_by_hand():
    # mean over the selected steps 1 and 3 of 0.5 (y - d)^2: 0.5 (4 + 0.25) / 2
    u, d = np.array([[1.0], [0.0], [0.0]]), np.zeros((3, 1))
    mask = np.array([1.0, 0.0, 1.0])
    assert losses.model_loss(_linear_net(), u, d, mask) == pytest.approx(1.0625, rel=1e-15)
    value, _ = _linear_net().loss_and_gradients(u, d, mask)
    assert value == pytest.approx(1.0625, rel=1e-15)
    assert losses.model_loss(_linear_net(), u[None], d[None], mask[None]) == pytest.approx(
        1.0625, rel=1e-15)


@pytest.mark.parametrize("single, match", [
    (True, r"^mask must have shape \(3,\) to match u; got \(4,\)$"),
    (False, r"^mask must have shape \(1, 3\) to match u; got \(1, 4\)$"),
])
def test_a_mask_of_the_wrong_length_is_named_with_both_shapes(single, match):
    u, d, mask = np.zeros((3, 1)), np.zeros((3, 1)), np.ones(4)
    if not single:
        u, d, mask = u[None], d[None], mask[None]
    with pytest.raises(ValueError, match=match):
        losses.model_loss(_linear_net(), u, d, mask)


@pytest.mark.parametrize("single, match", [
    (True, r"^targets must have shape \(3, 1\) to match u; got \(4, 1\)$"),
    (False, r"^targets must have shape \(1, 3, 1\) to match u; got \(1, 4, 1\)$"),
])
def test_targets_of_the_wrong_length_are_named_with_both_shapes(single, match):
    u, d = np.zeros((3, 1)), np.zeros((4, 1))
    if not single:
        u, d = u[None], d[None]
    with pytest.raises(ValueError, match=match):
        losses.model_loss(_linear_net(), u, d)


# ------------------------------------------------------------ rnnbook.activations
def test_output_ranges_are_the_closed_hulls_of_the_functions():
    # sigmoid and softmax take values in (0, 1), tanh in (-1, 1); the identity any
    ranges = {name: act.output_range for name, act in activations.ACTIVATIONS.items()}
    assert ranges == {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0),
                      "identity": (-np.inf, np.inf), "softmax": (0.0, 1.0)}


@pytest.mark.parametrize("a, axis", [(np.ones(3), 0), (np.ones(3), -1),
                                     (np.ones((2, 3)), -2), (np.float64(3.0), 0)])
def test_softmax_accepts_every_axis_of_the_array(a, axis):
    # along an axis of n equal entries every share is 1 / n (a scalar: 1)
    n = a.shape[axis] if a.ndim else 1
    np.testing.assert_allclose(activations.softmax(a, axis=axis), np.full(a.shape, 1 / n),
                               rtol=1e-15)


@pytest.mark.parametrize("a, axis, error, match", [
    (np.ones(3), True, TypeError, "^axis must be an integer; got bool True$"),
    (np.ones(3), 1.0, TypeError, "^axis must be an integer; got float 1.0$"),
    (np.ones(3), 1, ValueError, "^axis must index one of the 1 axes; got 1$"),
    (np.ones(3), -2, ValueError, "^axis must index one of the 1 axes; got -2$"),
    (np.ones((2, 3)), 2, ValueError, "^axis must index one of the 2 axes; got 2$"),
    (np.float64(3.0), 1, ValueError, "^axis must index one of the 0 axes; got 1$"),
])
def test_softmax_refuses_an_axis_the_array_does_not_have(a, axis, error, match):
    for function in (activations.softmax, activations.log_softmax):
        with pytest.raises(error, match=match):
            function(a, axis=axis)


# ------------------------------------------------------------ rnnbook.automata
@pytest.mark.parametrize("kwargs, match", [
    (dict(transitions=[[0, 3], [1, 0]], accepting=[True, False], start=0),
     r"^transitions\[0, 1\] = 3 is not a state \(0 \.\. 1\)$"),
    (dict(transitions=[[0, 1], [1, 0]], accepting=[True, False], start=5),
     r"^start must be a state in 0 \.\. 1; got 5$"),
])
def test_dfa_errors_name_the_range_of_states(kwargs, match):
    with pytest.raises(ValueError, match=match):
        automata.DFA(**kwargs)


def test_extract_dfa_threshold_is_an_output_level_in_the_unit_interval():
    model = RNN.random(2, 3, 1, seed=0)                 # sigmoid output in (0, 1)
    with pytest.raises(ValueError, match=r"^threshold must lie in \[0, 1\]; got 1.5$"):
        automata.extract_dfa(model, [np.array([0, 1])], 2, n_clusters=1, threshold=1.5,
                             seed=0)
    # at the largest allowed threshold no output of a sigmoid unit accepts
    result = automata.extract_dfa(model, [np.array([0, 1])], 2, n_clusters=1, threshold=1.0,
                                  seed=0)
    assert not result.dfa.accepting.any()


def test_a_mask_may_be_a_list_and_must_be_finite():
    u, d = np.array([[1.0], [0.0], [0.0]]), np.zeros((3, 1))
    assert losses.model_loss(_linear_net(), u, d, [1, 0, 1]) == pytest.approx(1.0625, rel=1e-15)
    with pytest.raises(ValueError, match="^mask contains NaN"):
        losses.model_loss(_linear_net(), u, d, [1.0, float("nan"), 1.0])


@pytest.mark.parametrize("scale", [1e-200, 1e-160, 1.0, 1e160, 1e200])
def test_global_norm_neither_underflows_nor_overflows(scale):
    # a 3-4-12 right triangle split over two parameters: the norm is 13 * scale
    grads = {"a": np.array([3.0, 4.0]) * scale, "b": np.array([[12.0]]) * scale}
    np.testing.assert_allclose(optim.global_norm(grads), 13.0 * scale, rtol=1e-15)
    clipped, norm = optim.clip_by_global_norm(grads, 1.0)
    np.testing.assert_allclose(norm, 13.0 * scale, rtol=1e-15)
    if scale > 1:
        np.testing.assert_allclose(clipped["b"], [[12.0 / 13.0]], rtol=1e-15)
    assert optim.global_norm({"a": np.zeros(3), "b": np.zeros((2, 2))}) == 0.0
