"""Tests of the state-space core (rnnbook.core) and the lecture RNN (rnnbook.rnn).

The reference values are computed independently in this file from the lecture's
equations

    x(t) = sigmoid(W_ri u(t) + W_rc x(t-1) + t_r)
    y(t) = sigmoid(W_or x(t) + t_o)

written out as plain loops, not by calling into the package.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnbook import RNN, StateSpaceModel, Trajectory

N_CASES = 25  # random cases per property test


# --------------------------------------------------------------- references
def _sigmoid_py(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def reference_run_python(W_ri, W_rc, W_or, t_r, t_o, u, x0):
    """The lecture's equations, one unit and one sum at a time, in plain Python."""
    W_ri, W_rc, t_r, u, x0 = (np.asarray(a).tolist() for a in (W_ri, W_rc, t_r, u, x0))
    n_hidden, n_inputs = len(W_ri), len(W_ri[0])
    x = list(x0)
    states, outputs = [], []
    for u_t in u:
        new_x = []
        for i in range(n_hidden):
            a = t_r[i]
            for j in range(n_inputs):
                a += W_ri[i][j] * u_t[j]
            for j in range(n_hidden):
                a += W_rc[i][j] * x[j]
            new_x.append(_sigmoid_py(a))
        x = new_x
        states.append(x)
        if W_or is not None:
            W_or_l, t_o_l = np.asarray(W_or).tolist(), np.asarray(t_o).tolist()
            y = []
            for k in range(len(W_or_l)):
                b = t_o_l[k]
                for j in range(n_hidden):
                    b += W_or_l[k][j] * x[j]
                y.append(_sigmoid_py(b))
            outputs.append(y)
    return np.array(states), (np.array(outputs) if W_or is not None else None)


def reference_run_numpy(W_ri, W_rc, W_or, t_r, t_o, u, x0):
    """The same equations with NumPy matrix-vector products, one step at a time."""
    x = np.asarray(x0, dtype=float)
    states, outputs = [], []
    for u_t in np.asarray(u, dtype=float):
        x = 1.0 / (1.0 + np.exp(-(W_ri @ u_t + W_rc @ x + t_r)))
        states.append(x)
        if W_or is not None:
            outputs.append(1.0 / (1.0 + np.exp(-(W_or @ x + t_o))))
    return np.array(states), (np.array(outputs) if W_or is not None else None)


def random_case(rng, *, with_readout=True):
    """Random sizes, weights, thresholds, inputs and initial state."""
    n_in = int(rng.integers(1, 5))
    n_h = int(rng.integers(1, 6))
    n_out = int(rng.integers(1, 4))
    T = int(rng.integers(1, 9))
    B = int(rng.integers(1, 5))
    s = rng.uniform(0.1, 2.0)
    W_ri = rng.uniform(-s, s, (n_h, n_in))
    W_rc = rng.uniform(-s, s, (n_h, n_h))
    t_r = rng.uniform(-1, 1, n_h)
    W_or = rng.uniform(-s, s, (n_out, n_h)) if with_readout else None
    t_o = rng.uniform(-1, 1, n_out) if with_readout else None
    u = rng.normal(size=(B, T, n_in))
    x0 = rng.uniform(0, 1, n_h)
    return dict(W_ri=W_ri, W_rc=W_rc, W_or=W_or, t_r=t_r, t_o=t_o), u, x0


def make_rnn(weights):
    return RNN(weights["W_ri"], weights["W_rc"], weights["W_or"], weights["t_r"],
               weights["t_o"])


@pytest.fixture
def small():
    """A fixed 2-input, 3-hidden, 2-output network and a short sequence."""
    rng = np.random.default_rng(1234)
    weights = dict(W_ri=rng.uniform(-1, 1, (3, 2)), W_rc=rng.uniform(-1, 1, (3, 3)),
                   W_or=rng.uniform(-1, 1, (2, 3)), t_r=rng.uniform(-1, 1, 3),
                   t_o=rng.uniform(-1, 1, 2))
    u = rng.normal(size=(6, 2))
    return make_rnn(weights), weights, u


# ------------------------------------------------------------------ shapes
def test_run_shapes_single_sequence(small):
    model, _, u = small
    traj = model.run(u)
    assert isinstance(traj, Trajectory)
    assert traj.states.shape == (6, 3)
    assert traj.outputs.shape == (6, 2)
    assert traj.states.dtype == np.float64 and traj.outputs.dtype == np.float64


def test_run_shapes_batch(small):
    model, _, u = small
    batch = np.stack([u, -u, 2 * u, u[::-1]])
    states, outputs = model.run(batch)
    assert states.shape == (4, 6, 3)
    assert outputs.shape == (4, 6, 2)


def test_run_shapes_property():
    rng = np.random.default_rng(0)
    for _ in range(N_CASES):
        weights, u, _ = random_case(rng)
        model = make_rnn(weights)
        B, T, _ = u.shape
        n_h, n_out = weights["W_ri"].shape[0], weights["W_or"].shape[0]
        assert model.run(u).states.shape == (B, T, n_h)
        assert model.run(u).outputs.shape == (B, T, n_out)
        assert model.run(u[0]).states.shape == (T, n_h)
        assert model.run(u[0]).outputs.shape == (T, n_out)


def test_sizes_follow_weights(small):
    model, _, _ = small
    assert (model.n_inputs, model.n_hidden, model.n_states, model.n_outputs) == (2, 3, 3, 2)


# -------------------------------------------------------- against references
def test_run_matches_plain_python_loop(small):
    model, w, u = small
    x0 = np.array([0.1, 0.5, 0.9])
    want_states, want_outputs = reference_run_python(w["W_ri"], w["W_rc"], w["W_or"],
                                                     w["t_r"], w["t_o"], u, x0)
    states, outputs = model.run(u, x0=x0)
    np.testing.assert_allclose(states, want_states, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(outputs, want_outputs, rtol=1e-12, atol=1e-14)


def test_run_default_x0_is_zero(small):
    model, w, u = small
    want_states, want_outputs = reference_run_python(w["W_ri"], w["W_rc"], w["W_or"],
                                                     w["t_r"], w["t_o"], u, np.zeros(3))
    states, outputs = model.run(u)
    np.testing.assert_allclose(states, want_states, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(outputs, want_outputs, rtol=1e-12, atol=1e-14)


def test_first_step_by_hand():
    """One unit, one input: every number written out."""
    model = RNN([[2.0]], [[-1.0]], [[3.0]], t_r=[0.5], t_o=[-1.0])
    states, outputs = model.run([[1.0], [0.0]], x0=[0.25])
    x1 = _sigmoid_py(2.0 * 1.0 - 1.0 * 0.25 + 0.5)
    x2 = _sigmoid_py(2.0 * 0.0 - 1.0 * x1 + 0.5)
    assert states[:, 0] == pytest.approx([x1, x2], rel=1e-14)
    assert outputs[:, 0] == pytest.approx([_sigmoid_py(3 * x1 - 1), _sigmoid_py(3 * x2 - 1)],
                                          rel=1e-14)


def test_run_matches_reference_property():
    rng = np.random.default_rng(1)
    for _ in range(N_CASES):
        w, u, x0 = random_case(rng)
        model = make_rnn(w)
        for seq in u:
            want_s, want_y = reference_run_numpy(w["W_ri"], w["W_rc"], w["W_or"], w["t_r"],
                                                 w["t_o"], seq, x0)
            s, y = model.run(seq, x0=x0)
            np.testing.assert_allclose(s, want_s, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(y, want_y, rtol=1e-12, atol=1e-14)


def test_batch_run_equals_per_sequence_runs_property():
    rng = np.random.default_rng(2)
    for _ in range(N_CASES):
        w, u, x0 = random_case(rng)
        model = make_rnn(w)
        states, outputs = model.run(u, x0=x0)
        for b, seq in enumerate(u):
            s, y = model.run(seq, x0=x0)
            np.testing.assert_allclose(states[b], s, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(outputs[b], y, rtol=1e-13, atol=1e-15)


def test_run_equals_repeated_steps_property():
    rng = np.random.default_rng(3)
    for _ in range(N_CASES):
        w, u, x0 = random_case(rng)
        model = make_rnn(w)
        # one sequence
        seq = u[0]
        x = x0
        stepped = []
        for u_t in seq:
            x = model.step(u_t, x)
            assert x.shape == (model.n_states,)
            stepped.append(x)
        np.testing.assert_allclose(model.run(seq, x0=x0).states, np.array(stepped),
                                   rtol=1e-13, atol=1e-15)
        # a batch, stepped together
        xb = np.broadcast_to(x0, (u.shape[0], model.n_states))
        stepped_b = []
        for t in range(u.shape[1]):
            xb = model.step(u[:, t, :], xb)
            assert xb.shape == (u.shape[0], model.n_states)
            stepped_b.append(xb)
        np.testing.assert_allclose(model.run(u, x0=x0).states, np.stack(stepped_b, axis=1),
                                   rtol=1e-13, atol=1e-15)


def test_step_matches_equation(small):
    model, w, _ = small
    u_t, x_prev = np.array([0.3, -1.2]), np.array([0.2, 0.4, 0.6])
    want = 1.0 / (1.0 + np.exp(-(w["W_ri"] @ u_t + w["W_rc"] @ x_prev + w["t_r"])))
    np.testing.assert_allclose(model.step(u_t, x_prev), want, rtol=1e-13)


# ------------------------------------------------------------------ readout
def test_readout_on_any_stack_of_states(small):
    model, w, u = small
    rng = np.random.default_rng(5)
    for shape in [(3,), (7, 3), (4, 6, 3), (2, 3, 4, 3)]:
        x = rng.uniform(0, 1, shape)
        y = model.readout(x)
        assert y.shape == shape[:-1] + (2,)
        flat_x, flat_y = x.reshape(-1, 3), y.reshape(-1, 2)
        for xi, yi in zip(flat_x, flat_y):
            want = [_sigmoid_py(sum(w["W_or"][k, j] * xi[j] for j in range(3)) + w["t_o"][k])
                    for k in range(2)]
            np.testing.assert_allclose(yi, want, rtol=1e-13)


def test_readout_of_run_states_gives_run_outputs(small):
    model, _, u = small
    batch = np.stack([u, u[::-1]])
    states, outputs = model.run(batch)
    np.testing.assert_allclose(model.readout(states), outputs, rtol=1e-14)
    np.testing.assert_allclose(model.readout(states[1, 2]), outputs[1, 2], rtol=1e-14)


@pytest.mark.parametrize("x", [np.zeros(4), np.zeros((5, 2)), 0.5])
def test_readout_wrong_shape_names_x_t(small, x):
    model, _, _ = small
    with pytest.raises(ValueError, match="x_t"):
        model.readout(x)


def test_readout_rejects_nan(small):
    model, _, _ = small
    with pytest.raises(ValueError, match="x_t"):
        model.readout([0.1, np.nan, 0.3])


# ------------------------------------------------------------- initial state
def test_x0_vector_is_broadcast_over_batch_property():
    rng = np.random.default_rng(6)
    for _ in range(N_CASES):
        w, u, x0 = random_case(rng)
        model = make_rnn(w)
        states, _ = model.run(u, x0=x0)
        for b, seq in enumerate(u):
            want, _ = reference_run_numpy(w["W_ri"], w["W_rc"], w["W_or"], w["t_r"],
                                          w["t_o"], seq, x0)
            np.testing.assert_allclose(states[b], want, rtol=1e-12, atol=1e-14)


def test_x0_matrix_is_per_sequence_property():
    rng = np.random.default_rng(7)
    for _ in range(N_CASES):
        w, u, _ = random_case(rng)
        model = make_rnn(w)
        X0 = rng.uniform(0, 1, (u.shape[0], model.n_states))
        states, outputs = model.run(u, x0=X0)
        for b, seq in enumerate(u):
            want_s, want_y = reference_run_numpy(w["W_ri"], w["W_rc"], w["W_or"], w["t_r"],
                                                 w["t_o"], seq, X0[b])
            np.testing.assert_allclose(states[b], want_s, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(outputs[b], want_y, rtol=1e-12, atol=1e-14)


def test_x0_actually_matters(small):
    model, _, u = small
    a = model.run(u, x0=np.zeros(3)).states
    b = model.run(u, x0=np.ones(3)).states
    assert not np.allclose(a[0], b[0])


def test_constructor_x0_is_the_default(small):
    _, w, u = small
    v = np.array([0.3, 0.6, 0.9])
    model = RNN(w["W_ri"], w["W_rc"], w["W_or"], w["t_r"], w["t_o"], x0=v)
    np.testing.assert_array_equal(model.run(u).states, model.run(u, x0=v).states)
    np.testing.assert_array_equal(model.initial_state(), v)


def test_run_does_not_modify_x0(small):
    model, _, u = small
    X0 = np.full((2, 3), 0.5)
    before = X0.copy()
    model.run(np.stack([u, u]), x0=X0)
    np.testing.assert_array_equal(X0, before)


@pytest.mark.parametrize("x0, batched", [
    (np.zeros(4), False),           # wrong length
    (np.zeros(2), True),
    (np.zeros((2, 3)), False),      # a matrix for a single sequence
    (np.zeros((3, 3)), True),       # wrong batch size (batch is 2)
    (np.zeros((2, 4)), True),
    (np.zeros((2, 2, 3)), True),    # too many dimensions
    (0.0, False),                   # a scalar
])
def test_x0_wrong_shape_names_x0(small, x0, batched):
    model, _, u = small
    inputs = np.stack([u, u]) if batched else u
    with pytest.raises(ValueError, match="x0"):
        model.run(inputs, x0=x0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_x0_nan_or_inf(small, bad):
    model, _, u = small
    with pytest.raises(ValueError, match="x0"):
        model.run(u, x0=[0.0, bad, 0.0])


def test_constructor_x0_wrong_shape(small):
    _, w, _ = small
    with pytest.raises(ValueError, match="x0"):
        RNN(w["W_ri"], w["W_rc"], x0=np.zeros(4))


# ---------------------------------------------------------- seeds and copies
def _weights_of(model):
    return [model.W_ri, model.W_rc, model.t_r, model.W_or, model.t_o]


def test_same_seed_gives_bit_identical_weights_and_trajectories():
    u = np.random.default_rng(8).normal(size=(3, 10, 4))
    kw = dict(threshold_scale=0.5)
    a = RNN.random(4, 6, 2, seed=42, **kw)
    b = RNN.random(4, 6, 2, seed=42, **kw)
    for wa, wb in zip(_weights_of(a), _weights_of(b)):
        np.testing.assert_array_equal(wa, wb)
    ta, tb = a.run(u), b.run(u)
    np.testing.assert_array_equal(ta.states, tb.states)
    np.testing.assert_array_equal(ta.outputs, tb.outputs)


def test_different_seeds_differ():
    a = RNN.random(4, 6, 2, seed=1, threshold_scale=0.5)
    b = RNN.random(4, 6, 2, seed=2, threshold_scale=0.5)
    for wa, wb in zip(_weights_of(a), _weights_of(b)):
        assert not np.array_equal(wa, wb)
    u = np.ones((5, 4))
    assert not np.allclose(a.run(u).outputs, b.run(u).outputs)


def test_random_draw_order_and_scales():
    """W_ri, W_rc, t_r, W_or, t_o drawn in that order from U(-scale, scale)."""
    model = RNN.random(3, 4, 2, input_scale=0.5, recurrent_scale=2.0, output_scale=3.0,
                       threshold_scale=0.25, seed=11)
    rng = np.random.default_rng(11)
    want = [rng.uniform(-0.5, 0.5, (4, 3)), rng.uniform(-2.0, 2.0, (4, 4)),
            rng.uniform(-0.25, 0.25, 4), rng.uniform(-3.0, 3.0, (2, 4)),
            rng.uniform(-0.25, 0.25, 2)]
    for got, exp in zip(_weights_of(model), want):
        np.testing.assert_array_equal(got, exp)


def test_random_default_thresholds_are_zero_and_no_readout():
    model = RNN.random(3, 4, seed=0)
    np.testing.assert_array_equal(model.t_r, np.zeros(4))
    assert model.W_or is None and model.t_o is None and model.n_outputs is None


def test_generator_is_consumed_as_a_stream():
    rng = np.random.default_rng(99)
    a = RNN.random(2, 3, 1, seed=rng)
    b = RNN.random(2, 3, 1, seed=rng)
    assert not np.array_equal(a.W_ri, b.W_ri)
    # the same stream, replayed, gives the same two models
    rng2 = np.random.default_rng(99)
    a2 = RNN.random(2, 3, 1, seed=rng2)
    b2 = RNN.random(2, 3, 1, seed=rng2)
    for x, y in zip(_weights_of(a) + _weights_of(b), _weights_of(a2) + _weights_of(b2)):
        np.testing.assert_array_equal(x, y)
    # the first model from a stream equals the model from the integer seed
    for x, y in zip(_weights_of(a), _weights_of(RNN.random(2, 3, 1, seed=99))):
        np.testing.assert_array_equal(x, y)


def test_model_copies_weight_arrays(small):
    _, w, u = small
    arrays = {k: v.copy() for k, v in w.items()}
    x0 = np.array([0.1, 0.2, 0.3])
    model = RNN(arrays["W_ri"], arrays["W_rc"], arrays["W_or"], arrays["t_r"], arrays["t_o"],
                x0=x0)
    before = model.run(u)
    for arr in list(arrays.values()) + [x0]:
        arr[...] = 7.0
    after = model.run(u)
    np.testing.assert_array_equal(before.states, after.states)
    np.testing.assert_array_equal(before.outputs, after.outputs)
    for name in w:
        np.testing.assert_array_equal(getattr(model, name), w[name])
    np.testing.assert_array_equal(model.initial_state(), [0.1, 0.2, 0.3])


def test_feedforward_copies_weight_arrays():
    W_ri = np.array([[1.0, -1.0], [0.5, 0.5]])
    model = RNN.feedforward(W_ri, [[1.0, 1.0]])
    W_ri[...] = 0.0
    assert model.W_ri[0, 0] == 1.0


def test_initial_state_returns_a_copy(small):
    model, _, _ = small
    model.initial_state()[...] = 5.0
    np.testing.assert_array_equal(model.initial_state(), np.zeros(3))


# ------------------------------------------------------- feed-forward vs RNN
def test_feedforward_depends_only_on_current_input():
    rng = np.random.default_rng(12)
    W_ri, W_or = rng.uniform(-2, 2, (5, 3)), rng.uniform(-2, 2, (2, 5))
    t_r, t_o = rng.uniform(-1, 1, 5), rng.uniform(-1, 1, 2)
    ff = RNN.feedforward(W_ri, W_or, t_r, t_o)
    assert ff.is_feedforward
    np.testing.assert_array_equal(ff.W_rc, np.zeros((5, 5)))
    v = rng.normal(size=3)
    u = rng.normal(size=(8, 3))
    u[1] = v
    u[6] = v            # same input at t=1 and t=6, different histories
    states, outputs = ff.run(u, x0=rng.uniform(0, 1, 5))
    np.testing.assert_allclose(states[1], states[6], rtol=0, atol=1e-15)
    np.testing.assert_allclose(outputs[1], outputs[6], rtol=0, atol=1e-15)
    # and each output is the static map of its own input
    for t in range(8):
        h = 1 / (1 + np.exp(-(W_ri @ u[t] + t_r)))
        np.testing.assert_allclose(outputs[t], 1 / (1 + np.exp(-(W_or @ h + t_o))), rtol=1e-13)


def test_recurrent_depends_on_history():
    rng = np.random.default_rng(12)
    W_ri, W_or = rng.uniform(-2, 2, (5, 3)), rng.uniform(-2, 2, (2, 5))
    ff = RNN.feedforward(W_ri, W_or)
    rec = ff.with_recurrent_weights(rng.uniform(-2, 2, (5, 5)))
    assert not rec.is_feedforward
    np.testing.assert_array_equal(rec.W_ri, ff.W_ri)
    np.testing.assert_array_equal(rec.W_or, ff.W_or)
    np.testing.assert_array_equal(ff.W_rc, np.zeros((5, 5)))   # the original is unchanged
    v = rng.normal(size=3)
    u = rng.normal(size=(8, 3))
    u[1] = v
    u[6] = v
    states, outputs = rec.run(u)
    assert np.max(np.abs(states[1] - states[6])) > 1e-3
    assert np.max(np.abs(outputs[1] - outputs[6])) > 1e-4


def test_with_recurrent_weights_checks_shape(small):
    model, _, _ = small
    with pytest.raises(ValueError, match="W_rc"):
        model.with_recurrent_weights(np.zeros((3, 2)))


# ---------------------------------------------------------------- no readout
def test_model_without_readout(small):
    _, w, u = small
    model = RNN(w["W_ri"], w["W_rc"], t_r=w["t_r"])
    assert model.n_outputs is None
    traj = model.run(u)
    assert traj.outputs is None
    want, _ = reference_run_numpy(w["W_ri"], w["W_rc"], None, w["t_r"], None, u, np.zeros(3))
    np.testing.assert_allclose(traj.states, want, rtol=1e-12)
    with pytest.raises(ValueError, match="readout"):
        model.readout(traj.states)
    assert model.run(np.stack([u, u])).outputs is None


# --------------------------------------------------------- errors: u, u_t
@pytest.mark.parametrize("u", [
    np.zeros(2),              # 1-D
    np.zeros((1, 2, 3, 2)),   # 4-D
    np.zeros((5, 3)),         # wrong number of inputs
    np.zeros((2, 5, 1)),
    [[1.0, 2.0], [3.0]],      # ragged
])
def test_run_wrong_shape_of_u(small, u):
    model, _, _ = small
    with pytest.raises(ValueError, match=r"\bu\b"):
        model.run(u)


@pytest.mark.parametrize("shape", [(0, 2), (0, 4, 2), (3, 0, 2)])
def test_run_empty_sequences(small, shape):
    model, _, _ = small
    with pytest.raises(ValueError, match=r"\bu\b"):
        model.run(np.zeros(shape))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_run_nan_or_inf_in_u(small, bad):
    model, _, u = small
    u = u.copy()
    u[3, 1] = bad
    with pytest.raises(ValueError, match=r"\bu\b.*NaN or inf"):
        model.run(u)
    with pytest.raises(ValueError, match=r"\bu\b"):
        model.run(np.stack([u, u]))


@pytest.mark.parametrize("u", [np.array([["a", "b"]]), np.ones((3, 2), dtype=bool),
                               np.ones((3, 2), dtype=complex)])
def test_run_non_real_u_is_a_type_error(small, u):
    model, _, _ = small
    with pytest.raises(TypeError, match=r"\bu\b"):
        model.run(u)


@pytest.mark.parametrize("u_t, x_prev, name", [
    (np.zeros(3), np.zeros(3), "u_t"),
    (np.zeros((2, 2, 2)), np.zeros(3), "u_t"),
    (np.float64(1.0), np.zeros(3), "u_t"),
    (np.zeros(2), np.zeros(2), "x_prev"),
    (np.zeros(2), np.zeros((2, 2, 3)), "x_prev"),
    (np.zeros((4, 2)), np.zeros((3, 3)), "batch size"),
    ([np.nan, 0.0], np.zeros(3), "u_t"),
    (np.zeros(2), [0.0, np.inf, 0.0], "x_prev"),
])
def test_step_errors_name_the_argument(small, u_t, x_prev, name):
    model, _, _ = small
    with pytest.raises(ValueError, match=name):
        model.step(u_t, x_prev)


# ----------------------------------------------------------- errors: weights
def test_W_rc_not_square():
    with pytest.raises(ValueError, match="W_rc"):
        RNN(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="W_rc"):
        RNN(np.zeros((3, 2)), np.zeros((2, 2)))


def test_t_r_wrong_length():
    with pytest.raises(ValueError, match="t_r"):
        RNN(np.zeros((3, 2)), np.zeros((3, 3)), t_r=np.zeros(2))
    with pytest.raises(ValueError, match="t_r"):
        RNN(np.zeros((3, 2)), np.zeros((3, 3)), t_r=np.zeros((3, 1)))


def test_t_o_without_W_or():
    with pytest.raises(ValueError, match="t_o.*W_or"):
        RNN(np.zeros((3, 2)), np.zeros((3, 3)), t_o=np.zeros(1))


def test_W_or_and_t_o_shapes():
    with pytest.raises(ValueError, match="W_or"):
        RNN(np.zeros((3, 2)), np.zeros((3, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="t_o"):
        RNN(np.zeros((3, 2)), np.zeros((3, 3)), np.zeros((2, 3)), t_o=np.zeros(3))
    with pytest.raises(ValueError, match="W_or"):
        RNN(np.zeros((3, 2)), np.zeros((3, 3)), np.zeros((0, 3)))


@pytest.mark.parametrize("W_ri", [np.zeros(3), np.zeros((0, 2)), np.zeros((3, 0)),
                                  np.zeros((1, 2, 3))])
def test_W_ri_bad_shape(W_ri):
    with pytest.raises(ValueError, match="W_ri"):
        RNN(W_ri, np.zeros((3, 3)))


@pytest.mark.parametrize("name", ["W_ri", "W_rc", "W_or", "t_r", "t_o"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_weights(small, name, bad):
    _, w, _ = small
    w = {k: v.copy() for k, v in w.items()}
    w[name].flat[0] = bad
    with pytest.raises(ValueError, match=f"{name}.*NaN or inf"):
        make_rnn(w)


def test_feedforward_nan_in_W_ri():
    with pytest.raises(ValueError, match="W_ri"):
        RNN.feedforward([[np.nan, 1.0]])


def test_unknown_activation():
    with pytest.raises(ValueError, match="sigmoid"):
        RNN(np.zeros((2, 2)), np.zeros((2, 2)), hidden_activation="relu")


@pytest.mark.parametrize("which", ["n_inputs", "n_hidden", "n_outputs"])
@pytest.mark.parametrize("value, error", [(0, ValueError), (-1, ValueError),
                                          (2.5, TypeError), (True, TypeError),
                                          (2.0, TypeError), ("3", TypeError)])
def test_random_bad_sizes(which, value, error):
    sizes = dict(n_inputs=2, n_hidden=3, n_outputs=1)
    sizes[which] = value
    with pytest.raises(error, match=which):
        RNN.random(**sizes, seed=0)


@pytest.mark.parametrize("scale", ["input_scale", "recurrent_scale", "output_scale",
                                   "threshold_scale"])
def test_random_bad_scales(scale):
    with pytest.raises(ValueError, match=scale):
        RNN.random(2, 3, 1, seed=0, **{scale: -1.0})
    with pytest.raises(ValueError, match=scale):
        RNN.random(2, 3, 1, seed=0, **{scale: np.nan})


def test_random_numpy_integer_sizes_accepted():
    model = RNN.random(np.int64(2), np.int32(3), np.int16(1), seed=0)
    assert (model.n_inputs, model.n_hidden, model.n_outputs) == (2, 3, 1)


# ------------------------------------------------- a model defined in the test
class LinearModel(StateSpaceModel):
    """x(t) = a * x(t-1) + u(t) (elementwise), y(t) = sum of x(t); uses the default drive."""

    def __init__(self, a, with_readout=True):
        self.a = np.asarray(a, dtype=float)
        self.n_inputs = self.n_states = self.a.shape[0]
        self.n_outputs = 1 if with_readout else None

    def transition(self, drive_t, x_prev):
        return self.a * x_prev + drive_t

    def output(self, x):
        return x.sum(axis=-1, keepdims=True)


def test_state_space_model_is_abstract():
    with pytest.raises(TypeError):
        StateSpaceModel()


def test_custom_subclass_runs_through_the_core():
    rng = np.random.default_rng(13)
    for _ in range(N_CASES):
        n = int(rng.integers(1, 4))
        a = rng.uniform(-1, 1, n)
        model = LinearModel(a)
        B, T = int(rng.integers(1, 4)), int(rng.integers(1, 10))
        u = rng.normal(size=(B, T, n))
        x0 = rng.normal(size=n)
        states, outputs = model.run(u, x0=x0)
        assert states.shape == (B, T, n) and outputs.shape == (B, T, 1)
        for b in range(B):
            x = x0.copy()
            for t in range(T):
                x = a * x + u[b, t]
                np.testing.assert_allclose(states[b, t], x, rtol=1e-12, atol=1e-14)
                assert outputs[b, t, 0] == pytest.approx(x.sum(), rel=1e-12, abs=1e-14)
        # default initial state is zeros, and step() agrees with the equation
        np.testing.assert_allclose(model.run(u[0]).states[0], u[0, 0], rtol=1e-14)
        np.testing.assert_allclose(model.step(u[0, 0], x0), a * x0 + u[0, 0], rtol=1e-14)
        np.testing.assert_allclose(model.readout(states), outputs, rtol=1e-14)


def test_custom_subclass_gets_the_core_checks():
    model = LinearModel([0.5, 0.5])
    with pytest.raises(ValueError, match=r"\bu\b"):
        model.run(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="x0"):
        model.run(np.zeros((4, 2)), x0=np.zeros(3))
    with pytest.raises(ValueError, match="u_t"):
        model.step(np.zeros(1), np.zeros(2))
    assert "LinearModel" in repr(model)


def test_custom_subclass_without_readout():
    model = LinearModel([0.5], with_readout=False)
    traj = model.run(np.ones((3, 1)))
    assert traj.outputs is None
    np.testing.assert_allclose(traj.states[:, 0], [1.0, 1.5, 1.75])
    with pytest.raises(ValueError, match="readout"):
        model.readout(traj.states)


def test_workspace_reuses_the_last_array_of_a_name_and_shape_only():
    from rnnbook.core import _WORKSPACE_LIMIT, _workspace
    a = _workspace("test.a", (3, 4))
    assert a.shape == (3, 4) and a.dtype == np.float64
    assert _workspace("test.a", (3, 4)) is a
    assert _workspace("test.b", (3, 4)) is not a          # another name
    b = _workspace("test.a", (4, 3))                      # another shape: a new array
    assert b is not a and _workspace("test.a", (4, 3)) is b
    big = _workspace("test.a", (_WORKSPACE_LIMIT + 1,))   # too large to keep
    assert _workspace("test.a", (_WORKSPACE_LIMIT + 1,)) is not big
    del big


def test_bptt_results_do_not_depend_on_reused_workspaces():
    # RNN and GRU BPTT reuse their arrays between calls of one shape; interleave
    # shapes and networks and compare every result with the first call's
    from rnnbook.gru import GRU
    rng = np.random.default_rng(4)
    nets = [RNN.random(2, 3, 1, hidden_activation="tanh", output_activation="sigmoid",
                       seed=1), GRU.random(2, 3, 1, output_activation="sigmoid", seed=2)]
    data = [(rng.normal(size=(4, 6, 2)), rng.uniform(size=(4, 6, 1))),
            (rng.normal(size=(5, 8, 2)), rng.uniform(size=(5, 8, 1)))]
    first = {}
    for _ in range(2):
        for i, net in enumerate(nets):
            for j, (u, d) in enumerate(data):
                value, grads = net.loss_and_gradients(u, d, loss="cross_entropy", truncate=4)
                if (i, j) not in first:
                    first[(i, j)] = (value, {k: g.copy() for k, g in grads.items()})
                    continue
                assert value == first[(i, j)][0]
                for k, g in grads.items():
                    np.testing.assert_array_equal(g, first[(i, j)][1][k])


@pytest.mark.parametrize("n_inputs", [1, 3])
def test_run_of_a_large_batch_in_blocks_of_steps_equals_stepping(n_inputs):
    """For a large batch StateSpaceModel.run computes the input drive a block of steps
    at a time (memory); states and outputs are those of x(t) = f(u(t), x(t-1)) by step."""
    from rnnbook.lstm import LSTM

    model = LSTM.random(n_inputs, 16, 2, seed=4)
    u = np.random.default_rng(5).normal(size=(700, 100, n_inputs))
    assert 700 * 100 * model.n_states > 2 ** 20              # the blocked case
    traj = model.run(u)
    x = np.broadcast_to(model.initial_state(), (700, model.n_states))
    for t in range(100):
        x = model.step(u[:, t], x)
        np.testing.assert_allclose(traj.states[:, t], x, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(traj.outputs, model.output(traj.states), rtol=0, atol=0)
