"""Tests of chapter 4 and 5 code: the LSTM (rnnbook.lstm), Jacobians along
trajectories (rnnbook.dynamics), block-diagonal ensembles (rnnbook.ensemble),
the latching experiment (rnnbook.experiments) and the latching and adding tasks.

The reference values are computed independently in this file: the LSTM is
written out step by step from its equations

    a = W_ri u(t) + W_rc h(t-1) + t_r = (a_i, a_f, a_g, a_o)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)
    c(t) = f c(t-1) + i g,    h(t) = o tanh(c(t)),    y(t) = g_o(W_or h(t) + t_o)
    L    = sum_{b,t} m_bt l(y(b,t), d(b,t)) / sum_{b,t} m_bt

and differentiated by our own central differences; Jacobians are compared with
finite differences of step() and of re-runs of the model from perturbed states.
"""

from __future__ import annotations

import math

import numpy as np
from finite_differences import own_central_differences, rel_err
from reference_models import ref_step_losses
import pytest

from rnnbook import RNN
from rnnbook import dynamics
from rnnbook.ensemble import project, stack, unstack
from rnnbook.experiments import latching_success
from rnnbook.gradcheck import check_gradients
from rnnbook.lstm import GATES, LSTM, Tape, forward_step
from rnnbook.optim import Adam, train
from rnnbook.sequences import adding_problem, last_step_mask, latching_task, pad_sequences

GRAD_TOL = 1e-6      # relative error of a correct float64 gradient
NAMES = ("W_ri", "W_rc", "t_r", "W_or", "t_o")


# ====================================================== independent references
def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))


def _softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


_OUT = {"sigmoid": _sigmoid, "tanh": np.tanh, "identity": lambda a: np.asarray(a, float),
        "softmax": _softmax}


def ref_lstm_forward(p, u, x0, output="identity"):
    """h(0..T), c(0..T), logits, outputs from the LSTM equations; ``u`` is (B, T, n)."""
    B, T, _ = u.shape
    H = p["W_rc"].shape[1]
    x0 = np.broadcast_to(np.asarray(x0, dtype=float), (B, 2 * H))
    h = np.zeros((B, T + 1, H))
    c = np.zeros((B, T + 1, H))
    h[:, 0], c[:, 0] = x0[:, :H], x0[:, H:]
    for b in range(B):
        for t in range(T):
            a = p["W_ri"] @ u[b, t] + p["W_rc"] @ h[b, t] + p["t_r"]
            i = _sigmoid(a[:H])
            f = _sigmoid(a[H:2 * H])
            g = np.tanh(a[2 * H:3 * H])
            o = _sigmoid(a[3 * H:])
            c[b, t + 1] = f * c[b, t] + i * g
            h[b, t + 1] = o * np.tanh(c[b, t + 1])
    logits = np.einsum("oh,bth->bto", p["W_or"], h[:, 1:]) + p["t_o"]
    return h, c, logits, _OUT[output](logits)



def ref_lstm_loss_sum(p, u, d, mask, x0, *, loss, output):
    _, _, _, y = ref_lstm_forward(p, u, x0, output)
    return float(np.sum(mask * ref_step_losses(loss, output, y, d)))


def ref_lstm_loss(p, u, d, mask, x0, *, loss, output):
    return ref_lstm_loss_sum(p, u, d, mask, x0, loss=loss, output=output) / mask.sum()




def fd_jacobian(f, x, eps=1e-6):
    """Central-difference Jacobian of a vector map ``f`` at ``x``."""
    x = np.asarray(x, dtype=float)
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = eps
        cols.append((f(x + e) - f(x - e)) / (2 * eps))
    return np.column_stack(cols)


def spectral_norm(M):
    return float(np.linalg.svd(M, compute_uv=False)[0])




def copy_params(model):
    return {k: v.copy() for k, v in model.parameters().items()}


# ========================================================== problem builders
def make_lstm(n_in=3, H=3, n_out=2, *, seed=0, output="identity", forget_bias=1.0):
    """An LSTM with weights of order 1 and non-zero thresholds everywhere."""
    model = LSTM.random(n_in, H, n_out, weight_scale=1.0, forget_bias=forget_bias, seed=seed,
                        output_activation=output)
    rng = np.random.default_rng(10_000 + seed)
    model.t_r += rng.uniform(-0.5, 0.5, size=model.t_r.shape)
    model.t_o += rng.uniform(-0.5, 0.5, size=model.t_o.shape)
    return model


def make_rnn(n_in=3, n_h=4, n_out=2, *, seed=0, hidden="sigmoid", output="sigmoid", **kw):
    return RNN.random(n_in, n_h, n_out, input_scale=1.0, recurrent_scale=1.5,
                      output_scale=1.5, threshold_scale=0.8, seed=seed,
                      hidden_activation=hidden, output_activation=output, **kw)


def make_targets(rng, shape, output):
    if output == "softmax":
        return np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    if output == "identity":
        return rng.normal(size=shape)
    return rng.uniform(0.05, 0.95, size=shape)       # sigmoid, tanh: soft targets


def make_mask(rng, shape):
    mask = (rng.uniform(size=shape) < 0.6).astype(float)
    mask.flat[rng.integers(mask.size)] = 1.0          # never empty
    return mask


# (output activation, loss) of the LSTM gradient checks
LSTM_CONFIGS = [
    ("identity", "squared_error"),
    ("sigmoid", "cross_entropy"),
    ("softmax", "cross_entropy"),
    ("sigmoid", "squared_error"),
    ("tanh", "squared_error"),
]
LSTM_IDS = ["-".join(c) for c in LSTM_CONFIGS]


def _n_out(output):
    return 3 if output == "softmax" else 2


def _assert_all_small(errors, tol=GRAD_TOL):
    assert set(errors) == set(NAMES)
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, f"relative errors above {tol}: {bad} (all: {errors})"


def _assert_every_path_matters(model, grads):
    """No gradient (and no gate's block of it) vanishes: every path is exercised."""
    for name in NAMES:
        assert np.linalg.norm(grads[name]) > 1e-5, name
    for gate in GATES:
        rows = model.gate_slice(gate)
        for name in ("W_ri", "W_rc", "t_r"):
            assert np.linalg.norm(grads[name][rows]) > 1e-6, (name, gate)


# ============================================================ 1. LSTM forward
@pytest.mark.parametrize("output", ["identity", "sigmoid", "softmax", "tanh"])
def test_run_matches_reference_equations(output):
    rng = np.random.default_rng(1)
    model = make_lstm(3, 4, 3, seed=1, output=output)
    H = 4
    p = copy_params(model)
    u = rng.normal(size=(3, 6, 3))
    for x0 in (None, rng.normal(size=2 * H), rng.normal(size=(3, 2 * H))):
        ref_x0 = np.zeros(2 * H) if x0 is None else x0
        h, c, logits, y = ref_lstm_forward(p, u, ref_x0, output)
        traj = model.run(u, x0)
        assert traj.states.shape == (3, 6, 2 * H)
        assert traj.outputs.shape == (3, 6, 3)
        # the state layout is [h; c]
        np.testing.assert_allclose(traj.states[..., :H], h[:, 1:], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(traj.states[..., H:], c[:, 1:], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(traj.outputs, y, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(model.logits(traj.states), logits, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(model.readout(traj.states), y, rtol=1e-12, atol=1e-14)


def test_cell_and_gates_by_hand_for_one_unit():
    """H = 1 with hand-picked numbers: every gate and the cell written out in scalars."""
    W_ri = np.array([[0.5], [-0.3], [0.8], [0.2]])      # rows: i, f, g, o
    W_rc = np.array([[0.1], [0.4], [-0.6], [0.7]])
    t_r = np.array([0.05, 1.0, -0.2, 0.3])
    model = LSTM(W_ri, W_rc, [[2.0]], t_r, [0.5], output_activation="identity")
    u_t, h_prev, c_prev = 0.7, -0.4, 1.3
    a = [W_ri[k, 0] * u_t + W_rc[k, 0] * h_prev + t_r[k] for k in range(4)]
    s = [1 / (1 + math.exp(-v)) for v in a]
    i, f, g, o = s[0], s[1], math.tanh(a[2]), s[3]
    c = f * c_prev + i * g
    h = o * math.tanh(c)
    x = model.step([u_t], [h_prev, c_prev])
    assert x.shape == (2,)
    assert x[0] == pytest.approx(h, rel=1e-14)
    assert x[1] == pytest.approx(c, rel=1e-14)
    assert model.readout(x)[0] == pytest.approx(2.0 * h + 0.5, rel=1e-14)


def test_single_sequence_and_batch_agree_with_per_sequence_runs():
    rng = np.random.default_rng(2)
    model = make_lstm(2, 3, 2, seed=2)
    u = rng.normal(size=(4, 5, 2))
    x0 = rng.normal(size=(4, 6))
    batch = model.run(u, x0)
    for b in range(4):
        single = model.run(u[b], x0[b])
        assert single.states.shape == (5, 6) and single.outputs.shape == (5, 2)
        np.testing.assert_allclose(batch.states[b], single.states, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(batch.outputs[b], single.outputs, rtol=1e-13, atol=1e-15)
        # step() by step() gives the same trajectory
        x = x0[b]
        for t in range(5):
            x = model.step(u[b, t], x)
            np.testing.assert_allclose(x, single.states[t], rtol=1e-13, atol=1e-15)
    # batched step
    np.testing.assert_allclose(model.step(u[:, 0], x0), batch.states[:, 0], rtol=1e-13)


def test_sizes_gate_slices_and_random_constructor():
    model = LSTM.random(3, 5, 2, forget_bias=2.5, seed=4)
    assert (model.n_inputs, model.n_hidden, model.n_states, model.n_outputs) == (3, 5, 10, 2)
    assert model.W_ri.shape == (20, 3) and model.W_rc.shape == (20, 5)
    assert model.t_r.shape == (20,) and model.W_or.shape == (2, 5) and model.t_o.shape == (2,)
    assert [model.gate_slice(g) for g in GATES] == [slice(0, 5), slice(5, 10), slice(10, 15),
                                                     slice(15, 20)]
    expected_t_r = np.zeros(20)
    expected_t_r[5:10] = 2.5                       # the forget gate only
    np.testing.assert_array_equal(model.t_r, expected_t_r)
    np.testing.assert_array_equal(model.t_o, np.zeros(2))
    scale = 1 / math.sqrt(5)
    for name in ("W_ri", "W_rc", "W_or"):
        w = model.parameters()[name]
        assert np.all(np.abs(w) <= scale) and np.abs(w).max() > scale / 2, name
    big = LSTM.random(3, 5, 2, weight_scale=3.0, seed=4)
    assert np.abs(big.W_rc).max() > 1.0
    again = LSTM.random(3, 5, 2, forget_bias=2.5, seed=4)
    for name in NAMES:
        np.testing.assert_array_equal(again.parameters()[name], model.parameters()[name])
    assert np.array_equal(model.initial_state(), np.zeros(10))
    with pytest.raises(ValueError, match="gate"):
        model.gate_slice("memory")
    with pytest.raises(ValueError, match="weight_scale"):
        LSTM.random(3, 5, 2, weight_scale=-1.0)
    with pytest.raises(ValueError, match="forget_bias"):
        LSTM.random(3, 5, 2, forget_bias=float("nan"))
    with pytest.raises((TypeError, ValueError), match="n_hidden"):
        LSTM.random(3, 0, 2)


def test_parameters_are_copies_of_the_arguments():
    W_ri, W_rc, W_or = np.ones((8, 1)), np.ones((8, 2)), np.ones((1, 2))
    model = LSTM(W_ri, W_rc, W_or)
    W_ri[:] = 5.0
    assert np.all(model.W_ri == 1.0)
    assert model.parameters()["W_rc"] is model.W_rc


@pytest.mark.parametrize("kwargs, name", [
    (dict(W_ri=np.zeros((6, 2)), W_rc=np.zeros((6, 1)), W_or=np.zeros((1, 1))), "W_ri"),   # 6 rows
    (dict(W_ri=np.zeros((0, 2)), W_rc=np.zeros((0, 0)), W_or=np.zeros((1, 0))), "W_ri"),
    (dict(W_ri=np.zeros((8, 0)), W_rc=np.zeros((8, 2)), W_or=np.zeros((1, 2))), "W_ri"),
    (dict(W_ri=np.zeros((8, 2)), W_rc=np.zeros((8, 3)), W_or=np.zeros((1, 2))),
     "W_rc"),                                                                     # W_rc cols
    (dict(W_ri=np.zeros((8, 2)), W_rc=np.zeros((4, 2)), W_or=np.zeros((1, 2))),
     "W_rc"),                                                                     # W_rc rows
    (dict(W_ri=np.zeros((8, 2)), W_rc=np.zeros((8, 2)), W_or=np.zeros((1, 2)),
         t_r=np.zeros(7)), "t_r"),                                               # t_r length
    (dict(W_ri=np.zeros((8, 2)), W_rc=np.zeros((8, 2)), W_or=np.zeros((1, 2)),
         t_r=np.zeros(2)), "t_r"),
    (dict(W_ri=np.zeros((8, 2)), W_rc=np.zeros((8, 2)), W_or=np.zeros((1, 3))),
     "W_or"),                                                                     # W_or cols
    (dict(W_ri=np.zeros((8, 2)), W_rc=np.zeros((8, 2)), W_or=np.zeros((0, 2))), "W_or"),
    (dict(W_ri=np.zeros((8, 2)), W_rc=np.zeros((8, 2)), W_or=np.zeros((2, 2)),
         t_o=np.zeros(3)), "t_o"),
    (dict(W_ri=np.zeros(8), W_rc=np.zeros((8, 2)), W_or=np.zeros((1, 2))), "W_ri"),
])
def test_bad_shapes_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        LSTM(**kwargs)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_parameters_raise(name, bad):
    args = dict(W_ri=np.zeros((8, 2)), W_rc=np.zeros((8, 2)), W_or=np.zeros((1, 2)),
                t_r=np.zeros(8), t_o=np.zeros(1))
    args[name] = args[name].copy()
    args[name].flat[0] = bad
    with pytest.raises(ValueError, match="NaN or inf"):
        LSTM(**args)


def test_bad_inputs_and_states_raise():
    model = make_lstm(2, 3, 1)
    with pytest.raises(ValueError, match="u must have shape"):
        model.run(np.zeros((4, 3)))                    # wrong width
    with pytest.raises(ValueError, match="at least one step"):
        model.run(np.zeros((0, 2)))                    # no steps
    with pytest.raises(ValueError, match="u contains NaN"):
        model.run(np.full((4, 2), np.nan))
    with pytest.raises(ValueError, match="x0"):
        model.run(np.zeros((4, 2)), x0=np.zeros(3))    # x0 must have 2H entries
    with pytest.raises(ValueError, match="x0"):
        model.run(np.zeros((2, 4, 2)), x0=np.zeros((3, 6)))
    with pytest.raises(ValueError, match="x_prev"):
        model.step(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="u_t"):
        model.jacobian(np.zeros(3), np.zeros(6))
    with pytest.raises(ValueError, match="x_prev"):
        model.jacobian(np.zeros(2), np.zeros(5))
    with pytest.raises(ValueError, match="cross_entropy"):
        model.loss_and_gradients(np.zeros((4, 2)), np.zeros((4, 1)), loss="cross_entropy")
    with pytest.raises(ValueError, match="mask"):
        model.loss_and_gradients(np.zeros((4, 2)), np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="truncate"):
        model.loss_and_gradients(np.zeros((4, 2)), np.zeros((4, 1)), truncate=0)
    with pytest.raises(ValueError, match="targets"):
        model.loss_and_gradients(np.zeros((4, 2)), np.full((4, 1), np.nan))


# ================================================= 2. LSTM gradient checks
@pytest.mark.parametrize("masked", [False, True], ids=["nomask", "mask"])
@pytest.mark.parametrize("output,loss", LSTM_CONFIGS, ids=LSTM_IDS)
def test_lstm_check_gradients_all_parameters(output, loss, masked):
    for case in range(2):
        rng = np.random.default_rng(100 + case)
        model = make_lstm(3, 3, _n_out(output), seed=case, output=output)
        u = rng.normal(size=(2, 6, 3))
        d = make_targets(rng, (2, 6, _n_out(output)), output)
        mask = make_mask(rng, (2, 6)) if masked else None
        value, grads = model.loss_and_gradients(u, d, mask, loss=loss)
        ref_mask = np.ones((2, 6)) if mask is None else mask
        assert value == pytest.approx(
            ref_lstm_loss(copy_params(model), u, d, ref_mask, np.zeros(6), loss=loss,
                          output=output), rel=1e-12)
        assert model.loss(u, d, mask, loss=loss) == pytest.approx(value, rel=1e-12)
        _assert_every_path_matters(model, grads)
        _assert_all_small(check_gradients(model, u, d, mask, loss=loss))


@pytest.mark.parametrize("output,loss", LSTM_CONFIGS, ids=LSTM_IDS)
def test_lstm_gradients_match_own_central_differences_with_x0(output, loss):
    """Our own loop over our own reference loss, from a non-zero initial state."""
    rng = np.random.default_rng(200)
    model = make_lstm(2, 3, _n_out(output), seed=7, output=output)
    u = rng.normal(size=(2, 5, 2))
    d = make_targets(rng, (2, 5, _n_out(output)), output)
    mask = make_mask(rng, (2, 5))
    for x0 in (rng.normal(size=6), rng.normal(size=(2, 6))):
        p = copy_params(model)
        want = own_central_differences(
            lambda q: ref_lstm_loss(q, u, d, mask, x0, loss=loss, output=output), p)
        value, got = model.loss_and_gradients(u, d, mask, loss=loss, x0=x0)
        assert value == pytest.approx(
            ref_lstm_loss(p, u, d, mask, x0, loss=loss, output=output), rel=1e-12)
        assert model.loss(u, d, mask, loss=loss, x0=x0) == pytest.approx(value, rel=1e-12)
        _assert_every_path_matters(model, got)
        for name in NAMES:
            assert rel_err(want[name], got[name]) < GRAD_TOL, name
        # the initial state matters: it changes the gradient
        _, at_zero = model.loss_and_gradients(u, d, mask, loss=loss)
        assert rel_err(at_zero["W_rc"], got["W_rc"]) > 1e-4


@pytest.mark.parametrize("output,loss", LSTM_CONFIGS[:3], ids=LSTM_IDS[:3])
def test_lstm_gradient_check_padded_batch(output, loss):
    rng = np.random.default_rng(300)
    model = make_lstm(3, 3, _n_out(output), seed=3, output=output)
    lengths = np.array([6, 2, 4])
    us = [rng.normal(size=(n, 3)) for n in lengths]
    ds = [make_targets(rng, (n, _n_out(output)), output) for n in lengths]
    u, pad_mask = pad_sequences(us, value=2.0)
    d, _ = pad_sequences(ds, value=0.5)
    for mask in (pad_mask, last_step_mask(lengths)):
        _, grads = model.loss_and_gradients(u, d, mask, loss=loss)
        _assert_every_path_matters(model, grads)
        _assert_all_small(check_gradients(model, u, d, mask, loss=loss))
        p = copy_params(model)
        want = own_central_differences(
            lambda q: ref_lstm_loss(q, u, d, mask, np.zeros(6), loss=loss, output=output), p)
        for name in NAMES:
            assert rel_err(want[name], grads[name]) < GRAD_TOL, name


def test_fast_forward_step_equals_the_readable_transition():
    """forward_step (in place, time-major, exp-based sigmoid) computes the
    states that LSTM.transition (shown in chapter 5) computes, step by step,
    also with saturating gates (|a| > 709, where exp(-a) overflows)."""
    rng = np.random.default_rng(320)
    model = make_lstm(3, 4, 2, seed=32)
    model.t_r[:4] = -800.0                              # input gate of every unit shut
    u = rng.normal(size=(5, 7, 3))
    x0 = rng.normal(size=(5, 8))
    want = model.run(u, x0).states                      # (B, T, [h; c])
    tape = Tape.allocate(7, 5, 4)
    tape.h[0], tape.c[0] = x0[:, :4], x0[:, 4:]
    tape.a[:] = model.input_drive(u).transpose(1, 0, 2)
    W_rc_T = model.W_rc.T.copy()
    with np.errstate(over="ignore"):
        for t in range(7):
            forward_step(tape, t, W_rc_T)
    np.testing.assert_allclose(tape.h[1:].transpose(1, 0, 2), want[..., :4], rtol=0,
                               atol=1e-14)
    np.testing.assert_allclose(tape.c[1:].transpose(1, 0, 2), want[..., 4:], rtol=0,
                               atol=1e-14)
    np.testing.assert_array_equal(tape.gates[..., :4], 0.0)    # sigmoid(-800) = 0


def test_lstm_single_sequence_equals_batch_of_one():
    rng = np.random.default_rng(310)
    model = make_lstm(seed=31)
    u, d, m = rng.normal(size=(5, 3)), rng.normal(size=(5, 2)), np.array([1.0, 0, 1, 1, 0])
    v1, g1 = model.loss_and_gradients(u, d, m)
    vb, gb = model.loss_and_gradients(u[None], d[None], m[None])
    assert v1 == pytest.approx(vb, rel=1e-14)
    for name in NAMES:
        np.testing.assert_allclose(g1[name], gb[name], rtol=1e-13, atol=1e-16)


# ======================================================= 3. mask equivalence
def _padded_vs_single(model, us, ds, ms, loss, truncate=None):
    """(padded value, padded grads, weighted value, weighted grads)."""
    u, _ = pad_sequences(us, value=37.5)
    d, _ = pad_sequences(ds, value=0.25)
    mask, _ = pad_sequences([m[:, None] for m in ms])
    mask = mask[..., 0]
    v, g = model.loss_and_gradients(u, d, mask, loss=loss, truncate=truncate)
    counts = np.array([m.sum() for m in ms])
    v_want, g_want = 0.0, {name: 0.0 for name in NAMES}
    for u_b, d_b, m_b, n_b in zip(us, ds, ms, counts):
        v_b, g_b = model.loss_and_gradients(u_b, d_b, m_b, loss=loss, truncate=truncate)
        v_want += n_b * v_b / counts.sum()
        for name in NAMES:
            g_want[name] = g_want[name] + n_b * g_b[name] / counts.sum()
    return v, g, v_want, g_want


@pytest.mark.parametrize("truncate", [None, 2])
@pytest.mark.parametrize("kind", ["lstm", "rnn"])
@pytest.mark.parametrize("output,loss", LSTM_CONFIGS[:3], ids=LSTM_IDS[:3])
def test_padded_batch_equals_weighted_single_sequences(kind, output, loss, truncate):
    n_out = _n_out(output)
    for case in range(2):
        rng = np.random.default_rng(400 + case)
        if kind == "lstm":
            model = make_lstm(3, 3, n_out, seed=40 + case, output=output)
        else:
            model = make_rnn(3, 4, n_out, seed=40 + case, hidden="tanh", output=output)
        lengths = [7, 3, 1, 5]
        us = [rng.normal(size=(n, 3)) for n in lengths]
        ds = [make_targets(rng, (n, n_out), output) for n in lengths]
        ms = [make_mask(rng, (n,)) for n in lengths]
        v, g, v_want, g_want = _padded_vs_single(model, us, ds, ms, loss, truncate)
        assert v == pytest.approx(v_want, rel=1e-12)
        for name in NAMES:
            assert np.linalg.norm(g[name]) > 1e-6
            np.testing.assert_allclose(g[name], g_want[name], rtol=1e-10, atol=1e-15,
                                       err_msg=name)
        # counting every step equally matters: an unweighted mean would differ
        if truncate is None:
            _, g_b = model.loss_and_gradients(us[0], ds[0], ms[0], loss=loss)
            assert rel_err(g["W_or"], g_b["W_or"]) > 1e-6


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_last_step_mask_is_mean_over_sequences_and_masked_targets_are_ignored(kind):
    rng = np.random.default_rng(450)
    model = make_lstm(seed=45) if kind == "lstm" else make_rnn(seed=45, output="identity")
    lengths = np.array([3, 6, 1, 5])
    us = [rng.normal(size=(n, 3)) for n in lengths]
    ds = [rng.normal(size=(n, 2)) for n in lengths]
    ms = [np.eye(n)[-1] for n in lengths]
    v, g, v_want, g_want = _padded_vs_single(model, us, ds, ms, "squared_error")
    assert v == pytest.approx(v_want, rel=1e-12)
    for name in NAMES:
        np.testing.assert_allclose(g[name], g_want[name], rtol=1e-10, atol=1e-15)
    # targets at steps outside the mask are never read
    u, _ = pad_sequences(us)
    d, _ = pad_sequences(ds)
    mask = last_step_mask(lengths)
    d_noise = np.where(mask[..., None] == 1, d, rng.normal(size=d.shape) * 100)
    v1, g1 = model.loss_and_gradients(u, d, mask)
    v2, g2 = model.loss_and_gradients(u, d_noise, mask)
    assert v1 == v2
    for name in NAMES:
        np.testing.assert_array_equal(g1[name], g2[name])


# ======================================================= 4. truncated BPTT
def _lstm_problem(seed, B=2, T=7, output="sigmoid", mask=True):
    rng = np.random.default_rng(seed)
    model = make_lstm(2, 3, 2, seed=seed, output=output)
    u = rng.normal(size=(B, T, 2))
    d = make_targets(rng, (B, T, 2), output)
    m = make_mask(rng, (B, T)) if mask else np.ones((B, T))
    return model, u, d, m


def test_lstm_truncate_at_least_T_is_full_bptt():
    model, u, d, mask = _lstm_problem(500)
    v_full, g_full = model.loss_and_gradients(u, d, mask, loss="cross_entropy")
    for k in (7, 8, 1000):
        v, g = model.loss_and_gradients(u, d, mask, loss="cross_entropy", truncate=k)
        assert v == v_full
        for name in NAMES:
            np.testing.assert_array_equal(g[name], g_full[name], err_msg=f"{name} k={k}")


@pytest.mark.parametrize("use_mask", [False, True])
def test_lstm_truncate_below_T_changes_recurrent_gradients_not_readout(use_mask):
    for case in range(2):
        model, u, d, mask = _lstm_problem(510 + case, mask=use_mask)
        T = u.shape[1]
        v_full, g_full = model.loss_and_gradients(u, d, mask, loss="cross_entropy")
        for k in range(1, T):
            v, g = model.loss_and_gradients(u, d, mask, loss="cross_entropy", truncate=k)
            assert v == v_full                      # the forward pass is unchanged
            np.testing.assert_array_equal(g["W_or"], g_full["W_or"])
            np.testing.assert_array_equal(g["t_o"], g_full["t_o"])
            for name in ("W_rc", "W_ri", "t_r"):
                assert rel_err(g[name], g_full[name]) > 1e-6, (case, k, name)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 6])
def test_lstm_truncate_k_is_sum_of_windows_from_detached_states(k):
    """truncate=k equals full BPTT on each window [jk, (j+1)k) started from the
    forward state x(jk), held fixed, each window weighted by its masked steps."""
    model, u, d, mask = _lstm_problem(520 + k, B=3, T=9)
    loss, T, N = "cross_entropy", u.shape[1], mask.sum()
    h, c, _, _ = ref_lstm_forward(copy_params(model), u, np.zeros(6), "sigmoid")
    v_want, g_want = 0.0, {name: 0.0 for name in NAMES}
    for start in range(0, T, k):
        sl = slice(start, min(start + k, T))
        n_w = mask[:, sl].sum()
        if n_w == 0:
            continue
        x_start = np.concatenate([h[:, start], c[:, start]], axis=-1)
        v_w, g_w = model.loss_and_gradients(u[:, sl], d[:, sl], mask[:, sl], loss=loss,
                                            x0=x_start)
        v_want += n_w * v_w / N
        for name in NAMES:
            g_want[name] = g_want[name] + n_w * g_w[name] / N
    v, g = model.loss_and_gradients(u, d, mask, loss=loss, truncate=k)
    assert v == pytest.approx(v_want, rel=1e-12)
    for name in NAMES:
        np.testing.assert_allclose(g[name], g_want[name], rtol=1e-9, atol=1e-14, err_msg=name)


def test_lstm_truncate_windows_by_own_central_differences():
    """The same decomposition with nothing from the package: our own loss and differences."""
    k = 3
    model, u, d, mask = _lstm_problem(530, B=2, T=7)
    p = copy_params(model)
    T, N = u.shape[1], mask.sum()
    h, c, _, _ = ref_lstm_forward(p, u, np.zeros(6), "sigmoid")
    want = {name: np.zeros_like(v) for name, v in p.items()}
    for start in range(0, T, k):
        sl = slice(start, min(start + k, T))
        x_start = np.concatenate([h[:, start], c[:, start]], axis=-1)

        def f(q, sl=sl, x_start=x_start):
            return ref_lstm_loss_sum(q, u[:, sl], d[:, sl], mask[:, sl], x_start,
                                     loss="cross_entropy", output="sigmoid") / N

        for name, g in own_central_differences(f, p).items():
            want[name] += g
    _, got = model.loss_and_gradients(u, d, mask, loss="cross_entropy", truncate=k)
    for name in NAMES:
        assert rel_err(got[name], want[name]) < GRAD_TOL, name


# ============================================================== 5. Jacobians
def test_lstm_jacobian_matches_finite_differences_of_step():
    rng = np.random.default_rng(600)
    for seed in range(3):
        model = make_lstm(2, 3, 1, seed=60 + seed)
        for _ in range(3):
            u_t = rng.normal(size=2)
            x_prev = rng.normal(size=6) * 1.5           # c(t-1) far from zero
            J = model.jacobian(u_t, x_prev)
            assert J.shape == (6, 6)
            want = fd_jacobian(lambda x: model.step(u_t, x), x_prev)
            np.testing.assert_allclose(J, want, rtol=1e-6, atol=1e-9)
            # dynamics.state_jacobian asks the LSTM
            np.testing.assert_array_equal(dynamics.state_jacobian(model, u_t, x_prev), J)
            # the cell's own path: d c / d c_prev = diag(f)
            a = model.W_ri @ u_t + model.W_rc @ x_prev[:3] + model.t_r
            np.testing.assert_allclose(J[3:, 3:], np.diag(_sigmoid(a[3:6])), rtol=1e-12)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "identity"])
def test_rnn_state_jacobian_matches_finite_differences_of_step(hidden):
    rng = np.random.default_rng(610)
    model = make_rnn(3, 4, 2, seed=61, hidden=hidden)
    for _ in range(4):
        u_t, x_prev = rng.normal(size=3), rng.uniform(-1, 1, size=4)
        J = dynamics.state_jacobian(model, u_t, x_prev)
        assert J.shape == (4, 4)
        want = fd_jacobian(lambda x: model.step(u_t, x), x_prev)
        np.testing.assert_allclose(J, want, rtol=1e-6, atol=1e-9)


def test_trajectory_jacobians_are_one_step_jacobians_along_the_run():
    rng = np.random.default_rng(620)
    model = make_lstm(2, 3, 1, seed=62)
    u, x0 = rng.normal(size=(5, 2)), rng.normal(size=6)
    Js = dynamics.trajectory_jacobians(model, u, x0)
    assert Js.shape == (5, 6, 6)
    h, c, _, _ = ref_lstm_forward(copy_params(model), u[None], x0)
    for t in range(5):
        x_prev = np.concatenate([h[0, t], c[0, t]])
        want = fd_jacobian(lambda x, t=t: model.step(u[t], x), x_prev)
        np.testing.assert_allclose(Js[t], want, rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="at least one step"):
        dynamics.trajectory_jacobians(model, np.zeros((0, 2)))


def test_gradient_norms_equals_explicit_products():
    rng = np.random.default_rng(630)
    Js = rng.normal(size=(7, 4, 4)) * 0.8
    norms = dynamics.gradient_norms(Js)
    assert norms.shape == (7,)
    T = len(Js)
    for k in range(1, T + 1):
        product = np.eye(4)
        for t in range(T, T - k, -1):               # J(T) J(T-1) ... J(T-k+1)
            product = product @ Js[t - 1]
        assert norms[k - 1] == pytest.approx(spectral_norm(product), rel=1e-12)
    # the order of the factors matters, so the test above can tell
    wrong = spectral_norm(Js[0] @ Js[1] @ Js[2] @ Js[3] @ Js[4] @ Js[5] @ Js[6])
    assert norms[-1] != pytest.approx(wrong, rel=1e-3)
    with pytest.raises(ValueError, match="jacobians"):
        dynamics.gradient_norms(np.eye(3))


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_gradient_norms_match_finite_differences_of_the_k_step_map(kind):
    """||d x(T) / d x(T-k)|| by re-running the model from perturbed states x(T-k)."""
    rng = np.random.default_rng(640)
    if kind == "rnn":
        model = make_rnn(2, 4, 1, seed=64, hidden="tanh")
        x0 = rng.uniform(-0.5, 0.5, size=4)
    else:
        model = make_lstm(2, 3, 1, seed=64, forget_bias=2.0)
        x0 = rng.normal(size=6)
    T = 8
    u = rng.normal(size=(T, 2))
    norms = dynamics.gradient_norms(dynamics.trajectory_jacobians(model, u, x0))
    states = np.vstack([x0, model.run(u, x0).states])     # x(0) .. x(T)
    for k in (1, 2, 4, 8):
        def k_step(x, k=k):
            return model.run(u[T - k:], x).states[-1]
        want = spectral_norm(fd_jacobian(k_step, states[T - k]))
        assert want > 1e-4
        assert norms[k - 1] == pytest.approx(want, rel=1e-6), k


def test_fit_log_slope_recovers_an_exponential():
    k = np.arange(1, 13)
    norms = 3 * 0.7 ** k
    slope, intercept = dynamics.fit_log_slope(norms)
    assert slope == pytest.approx(math.log(0.7), rel=1e-10)
    assert intercept == pytest.approx(math.log(3), rel=1e-10)
    # zeros (underflow) are left out
    with_zeros = norms.copy()
    with_zeros[[3, 7, 11]] = 0.0
    slope2, intercept2 = dynamics.fit_log_slope(with_zeros)
    assert slope2 == pytest.approx(math.log(0.7), rel=1e-10)
    assert intercept2 == pytest.approx(math.log(3), rel=1e-10)
    # explicit lags
    lags = np.array([2.0, 5.0, 9.0, 10.0])
    slope3, intercept3 = dynamics.fit_log_slope(0.5 * 1.3 ** lags, lags)
    assert slope3 == pytest.approx(math.log(1.3), rel=1e-10)
    assert intercept3 == pytest.approx(math.log(0.5), rel=1e-10)


@pytest.mark.parametrize("norms", [[], [1.0], [0.0, 0.0, 0.0], [2.0, 0.0, 0.0]])
def test_fit_log_slope_needs_two_positive_norms(norms):
    with pytest.raises(ValueError, match="two positive norms"):
        dynamics.fit_log_slope(np.array(norms, dtype=float))


# ============================================================== 6. ensembles
def _members(kind, K=3, output="sigmoid"):
    if kind == "rnn":
        return [make_rnn(2, 3, 2, seed=70 + k, hidden="tanh", output=output) for k in range(K)]
    return [make_lstm(2, 3, 2, seed=70 + k, output=output) for k in range(K)]


def _expected_masks(kind, K, H, n_in, n_out):
    """Which entries of the stacked parameters belong to a member, written out by loops."""
    n_gates = 4 if kind == "lstm" else 1
    total = K * H
    W_rc = np.zeros((n_gates * total, total), dtype=bool)
    for r in range(n_gates * total):
        member = (r % total) // H
        for col in range(total):
            W_rc[r, col] = col // H == member
    W_or = np.zeros((K * n_out, total), dtype=bool)
    for o in range(K * n_out):
        for col in range(total):
            W_or[o, col] = col // H == o // n_out
    return {"W_ri": np.ones((n_gates * total, n_in), dtype=bool), "W_rc": W_rc,
            "t_r": np.ones(n_gates * total, dtype=bool), "W_or": W_or,
            "t_o": np.ones(K * n_out, dtype=bool)}


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_stack_output_blocks_are_member_outputs(kind):
    rng = np.random.default_rng(700)
    members = _members(kind)
    stacked, masks = stack(members)
    assert type(stacked) is type(members[0])
    assert stacked.n_hidden == 9 and stacked.n_outputs == 6 and stacked.n_inputs == 2
    u = rng.normal(size=(4, 6, 2))
    traj = stacked.run(u)
    for k, m in enumerate(members):
        own = m.run(u)
        np.testing.assert_allclose(traj.outputs[..., 2 * k:2 * k + 2], own.outputs,
                                   rtol=1e-12, atol=1e-14)
        if kind == "lstm":   # states [h; c] of the stack hold the members' h and c blocks
            np.testing.assert_allclose(traj.states[..., 3 * k:3 * k + 3], own.states[..., :3],
                                       rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(traj.states[..., 9 + 3 * k:9 + 3 * k + 3],
                                       own.states[..., 3:], rtol=1e-12, atol=1e-14)
        else:
            np.testing.assert_allclose(traj.states[..., 3 * k:3 * k + 3], own.states,
                                       rtol=1e-12, atol=1e-14)
    # the stacked loss is the sum of the members' losses
    d = rng.uniform(0.1, 0.9, size=(4, 6, 6))
    total = stacked.loss(u, d, loss="cross_entropy")
    parts = [m.loss(u, d[..., 2 * k:2 * k + 2], loss="cross_entropy")
             for k, m in enumerate(members)]
    assert total == pytest.approx(sum(parts), rel=1e-12)
    # the masks are exactly the member blocks
    want = _expected_masks(kind, 3, 3, 2, 2)
    assert set(masks) == set(NAMES)
    for name in NAMES:
        np.testing.assert_array_equal(masks[name], want[name], err_msg=name)
        off = stacked.parameters()[name][~want[name]]
        assert np.all(off == 0), name


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_project_zeroes_exactly_the_off_block_entries(kind):
    rng = np.random.default_rng(710)
    stacked, masks = stack(_members(kind))
    for value in stacked.parameters().values():
        value[...] = rng.uniform(1.0, 2.0, size=value.shape)     # no zeros anywhere
    before = copy_params(stacked)
    project(stacked, masks)
    want = _expected_masks(kind, 3, 3, 2, 2)
    for name, value in stacked.parameters().items():
        np.testing.assert_array_equal(value, np.where(want[name], before[name], 0.0))
    assert (stacked.W_rc == 0).sum() == (~want["W_rc"]).sum() > 0


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_unstack_returns_the_members(kind):
    members = _members(kind)
    back = unstack(stack(members)[0], 3)
    assert len(back) == 3
    for m, b in zip(members, back):
        assert type(b) is type(m)
        assert b.output_activation.name == m.output_activation.name
        for name in NAMES:
            np.testing.assert_array_equal(b.parameters()[name], m.parameters()[name])
    single = unstack(stack(members[:1])[0], 1)[0]
    for name in NAMES:
        np.testing.assert_array_equal(single.parameters()[name], members[0].parameters()[name])
    with pytest.raises(ValueError, match="members"):
        unstack(stack(members)[0], 2)
    with pytest.raises(ValueError, match="members"):
        unstack(stack(members)[0], 0)


@pytest.mark.parametrize("batch_size", [None, 2])
@pytest.mark.parametrize("kind,output,loss", [("rnn", "sigmoid", "cross_entropy"),
                                              ("lstm", "sigmoid", "cross_entropy"),
                                              ("lstm", "identity", "squared_error")])
def test_projected_stack_trains_like_members_alone(kind, output, loss, batch_size):
    rng = np.random.default_rng(720)
    K, B, T = 3, 6, 5
    u = rng.normal(size=(B, T, 2))
    mask = make_mask(rng, (B, T))
    ds = [make_targets(rng, (B, T, 2), output) for _ in range(K)]
    stacked, masks = stack(_members(kind, K, output))
    start = unstack(stacked, K)
    train(stacked, u, np.concatenate(ds, axis=-1), mask, optimizer=Adam(0.05), epochs=4,
          batch_size=batch_size, loss=loss, seed=3, after_update=lambda m: project(m, masks))
    got = unstack(stacked, K)
    for name in ("W_rc", "W_or"):
        assert np.all(stacked.parameters()[name][~masks[name]] == 0)
    for k, alone in enumerate(_members(kind, K, output)):
        train(alone, u, ds[k], mask, optimizer=Adam(0.05), epochs=4, batch_size=batch_size,
              loss=loss, seed=3)
        for name in NAMES:
            moved = np.abs(alone.parameters()[name] - start[k].parameters()[name]).max()
            assert moved > 1e-3, name                  # training did something
            np.testing.assert_allclose(got[k].parameters()[name], alone.parameters()[name],
                                       rtol=0, atol=1e-10, err_msg=f"member {k} {name}")


def test_stack_refuses_mismatched_or_softmax_networks():
    rnns = _members("rnn", 2)
    lstms = _members("lstm", 2)
    with pytest.raises(ValueError, match="models"):
        stack([])
    with pytest.raises(ValueError, match="same class and shapes"):
        stack([rnns[0], make_rnn(2, 4, 2, hidden="tanh")])          # other hidden size
    with pytest.raises(ValueError, match="same class and shapes"):
        stack([rnns[0], make_rnn(3, 3, 2, hidden="tanh")])          # other input size
    with pytest.raises(ValueError, match="same class and shapes"):
        stack([rnns[0], make_rnn(2, 3, 1, hidden="tanh")])          # other output size
    with pytest.raises(ValueError, match="same class and shapes"):
        stack([lstms[0], make_lstm(2, 4, 2)])
    with pytest.raises(ValueError, match="same class and shapes"):
        stack([rnns[0], lstms[0]])
    with pytest.raises(ValueError, match="softmax"):
        stack([make_rnn(output="softmax"), make_rnn(output="softmax", seed=1)])
    with pytest.raises(ValueError, match="softmax"):
        stack([make_lstm(output="softmax")])
    with pytest.raises(TypeError, match="models"):
        stack([object()])


def test_stack_refuses_members_with_different_activations():
    a = make_rnn(2, 3, 2, seed=0, hidden="tanh")
    b = make_rnn(2, 3, 2, seed=1, hidden="sigmoid")
    with pytest.raises(ValueError, match="same activations"):
        stack([a, b])


def test_stack_keeps_the_members_initial_states():
    rng = np.random.default_rng(730)
    members = [make_rnn(2, 3, 2, seed=k, hidden="tanh", x0=rng.uniform(-1, 1, size=3))
               for k in range(2)]
    stacked, _ = stack(members)
    u = rng.normal(size=(5, 2))
    for k, m in enumerate(members):
        np.testing.assert_allclose(stacked.run(u).outputs[:, 2 * k:2 * k + 2], m.run(u).outputs,
                                   rtol=1e-12, atol=1e-14)


# ================================================================== 7. tasks
def test_latching_task_layout():
    u, d, mask, labels = latching_task(200, 6, n_signal=4, noise=0.5, seed=1)
    assert u.shape == (200, 10, 1) and d.shape == (200, 10, 1) and mask.shape == (200, 10)
    assert labels.shape == (200,) and labels.dtype == np.int64
    assert set(np.unique(labels)) == {0, 1}
    for b in range(200):
        sign = 1.0 if labels[b] == 1 else -1.0
        np.testing.assert_array_equal(u[b, :4, 0], np.full(4, sign))
        assert d[b, -1, 0] == labels[b]
        np.testing.assert_array_equal(d[b, :, 0], np.full(10, float(labels[b])))
    np.testing.assert_array_equal(mask, np.tile(np.eye(10)[-1], (200, 1)))
    # the noise steps hold no signal: same distribution for both classes
    assert abs(u[labels == 1, 4:].mean() - u[labels == 0, 4:].mean()) < 0.15


@pytest.mark.parametrize("noise", [0.2, 0.5, 1.5])
def test_latching_task_noise_level(noise):
    u, _, _, _ = latching_task(400, 100, noise=noise, seed=2)
    tail = u[:, 3:, 0]
    assert tail.std() == pytest.approx(noise, rel=0.02)
    assert abs(tail.mean()) < 0.02 * noise * 5
    quiet, _, _, _ = latching_task(5, 4, noise=0.0, seed=2)
    np.testing.assert_array_equal(quiet[:, 3:], 0.0)


def test_latching_task_seeds_and_zero_noise_steps():
    a = latching_task(20, 5, seed=9)
    b = latching_task(20, 5, seed=9)
    c = latching_task(20, 5, seed=10)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])
    u, d, mask, labels = latching_task(8, 0, n_signal=2, seed=1)
    assert u.shape == (8, 2, 1) and np.all(np.abs(u) == 1) and mask[:, -1].all()


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(n_sequences=0, n_noise=3), ValueError, "n_sequences"),
    (dict(n_sequences=-2, n_noise=3), ValueError, "n_sequences"),
    (dict(n_sequences=2.0, n_noise=3), TypeError, "n_sequences"),
    (dict(n_sequences=2, n_noise=-1), ValueError, "n_noise"),
    (dict(n_sequences=2, n_noise=1.5), TypeError, "n_noise"),
    (dict(n_sequences=2, n_noise=True), TypeError, "n_noise"),
    (dict(n_sequences=2, n_noise=3, n_signal=0), ValueError, "n_signal"),
])
def test_latching_task_bad_sizes(kwargs, error, name):
    with pytest.raises(error, match=name):
        latching_task(**kwargs)


@pytest.mark.parametrize("length", [2, 3, 10, 51])
def test_adding_problem_layout(length):
    u, d, mask = adding_problem(300, length, seed=length)
    assert u.shape == (300, length, 2) and d.shape == (300, length, 1)
    np.testing.assert_array_equal(mask, np.tile(np.eye(length)[-1], (300, 1)))
    values, markers = u[..., 0], u[..., 1]
    assert np.all((values >= 0) & (values <= 1))
    assert set(np.unique(markers)) <= {0.0, 1.0}
    np.testing.assert_array_equal(markers.sum(axis=1), 2.0)
    half = length // 2
    np.testing.assert_array_equal(markers[:, :half].sum(axis=1), 1.0)
    np.testing.assert_array_equal(markers[:, half:].sum(axis=1), 1.0)
    for b in range(300):
        marked = values[b, markers[b] == 1]
        assert d[b, -1, 0] == pytest.approx(marked.sum(), rel=1e-15)
        np.testing.assert_array_equal(d[b, :, 0], d[b, -1, 0])


def test_adding_problem_constant_prediction_and_seeds():
    _, d, _ = adding_problem(40_000, 6, seed=5)
    mse = np.mean((d[:, -1, 0] - 1.0) ** 2)
    assert abs(mse - 1 / 6) < 0.01
    a, b, c = adding_problem(10, 8, seed=3), adding_problem(10, 8, seed=3), adding_problem(
        10, 8, seed=4)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("n,length,error", [(5, 1, ValueError), (5, 0, ValueError),
                                            (5, -3, ValueError), (5, 4.0, TypeError),
                                            (0, 4, ValueError)])
def test_adding_problem_bad_sizes(n, length, error):
    with pytest.raises(error, match="length" if n else "n_sequences"):
        adding_problem(n, length)


# ==================================================== 8. latching_success
def _tiny_rnn(seed):
    return RNN.random(1, 2, 1, seed=seed)


def _tiny_lstm(seed):
    return LSTM.random(1, 2, 1, seed=seed, output_activation="sigmoid")


@pytest.mark.parametrize("make", [_tiny_rnn, _tiny_lstm], ids=["rnn", "lstm"])
def test_latching_success_tiny(make):
    kw = dict(n_seeds=3, epochs=5, n_train=32, n_test=64, batch_size=16, seed=11)
    result = latching_success(make, [2], threshold=0.6, **kw)
    assert set(result.success) == {2} and set(result.accuracy) == {2}
    acc = result.accuracy[2]
    assert acc.shape == (3,)
    assert np.all((acc >= 0) & (acc <= 1))
    np.testing.assert_allclose(acc * 64, np.round(acc * 64), atol=1e-9)   # counts out of 64
    assert 0.0 <= result.success[2] <= 1.0
    assert result.success[2] == pytest.approx(np.mean(acc >= 0.6))
    again = latching_success(make, [2], threshold=0.6, **kw)
    assert again.success == result.success
    assert set(again.accuracy) == set(result.accuracy)
    np.testing.assert_array_equal(again.accuracy[2], acc)
    # the threshold only decides who counts
    assert latching_success(make, [2], threshold=0.0, **kw).success == {2: 1.0}
    assert acc.max() < 1.0         # 5 epochs: no seed is perfect yet, so a threshold
    above = np.nextafter(acc.max(), 1.0)  # just above the best accuracy counts none
    assert latching_success(make, [2], threshold=above, **kw).success == {2: 0.0}
    with pytest.raises(ValueError, match="threshold"):
        latching_success(make, [2], threshold=1.01, **kw)
    # an accuracy equal to the threshold counts as a success
    at = latching_success(make, [2], threshold=float(acc[0]), **kw)
    np.testing.assert_array_equal(at.accuracy[2], acc)
    assert at.success[2] == pytest.approx(np.mean(acc >= acc[0])) and at.success[2] > 0


# ===================================================== 9. limit_contraction
@pytest.mark.parametrize("hidden,slope", [("sigmoid", 0.25), ("tanh", 1.0)])
def test_limit_contraction_rescales_only_when_above(hidden, slope):
    rng = np.random.default_rng(900)
    model = make_rnn(2, 5, 1, seed=90, hidden=hidden)
    model.W_rc = rng.normal(size=(5, 5))
    model.W_rc *= 3.0 / (slope * spectral_norm(model.W_rc))     # bound 3
    before = copy_params(model)
    dynamics.limit_contraction(model, 0.9)
    assert slope * spectral_norm(model.W_rc) == pytest.approx(0.9, rel=1e-12)
    assert dynamics.contraction_bound(model) == pytest.approx(0.9, rel=1e-12)
    np.testing.assert_allclose(model.W_rc, before["W_rc"] * 0.3, rtol=1e-12)
    for name in ("W_ri", "t_r", "W_or", "t_o"):
        np.testing.assert_array_equal(model.parameters()[name], before[name])
    # below the bound: nothing changes
    model.W_rc *= 0.5
    small = model.W_rc.copy()
    dynamics.limit_contraction(model, 0.9)
    np.testing.assert_array_equal(model.W_rc, small)
    assert dynamics.contraction_bound(model) == pytest.approx(0.45, rel=1e-12)


def test_limit_contraction_errors():
    model = make_rnn()
    with pytest.raises(ValueError, match="bound"):
        dynamics.limit_contraction(model, 0.0)
    with pytest.raises(ValueError, match="bound"):
        dynamics.limit_contraction(model, -1.0)
    with pytest.raises(TypeError, match="model"):
        dynamics.limit_contraction(make_lstm(), 0.9)
    with pytest.raises(TypeError, match="model"):
        dynamics.contraction_bound(make_lstm())


# -------------------------------------------- dynamics: tolerances and boxes
def test_classify_orbit_checks_atol():
    states = np.tile([[0.2, 0.8], [0.8, 0.2]], (10, 1))     # period 2
    assert dynamics.classify_orbit(states, atol=1e-9, max_period=4) == 2
    for bad in (np.nan, np.inf, 0.0, -1.0):
        with pytest.raises(ValueError, match="atol"):
            dynamics.classify_orbit(states, atol=bad, max_period=4)
    with pytest.raises(TypeError, match="atol"):
        dynamics.classify_orbit(states, atol=None, max_period=4)


def test_periodic_points_checks_tol():
    model = dynamics.self_coupled_units([2.0])
    inputs, starts = np.zeros((1, 1)), np.array([[0.3]])
    points, _ = dynamics.periodic_points(model, inputs, starts)
    assert points.shape == (1, 1) and abs(points[0, 0] - 0.5) < 1e-8
    for bad in (np.nan, np.inf, 0.0, -1e-10):
        with pytest.raises(ValueError, match="tol"):
            dynamics.periodic_points(model, inputs, starts, tol=bad)
    with pytest.raises(TypeError, match="tol"):
        dynamics.periodic_points(model, inputs, starts, tol="small")


def test_stretch_ratios_needs_a_box():
    model = RNN.random(2, 3, seed=0)
    ratios = dynamics.stretch_ratios(model, 50, seed=1)
    assert ratios.shape == (50,) and np.all(np.isfinite(ratios))
    for low, high in [(0.5, 0.5), (1.0, 0.0)]:
        with pytest.raises(ValueError, match="low.*high"):
            dynamics.stretch_ratios(model, 50, low=low, high=high, seed=1)
    with pytest.raises(ValueError, match="low"):
        dynamics.stretch_ratios(model, 50, low=-np.inf, seed=1)
    with pytest.raises(ValueError, match="high"):
        dynamics.stretch_ratios(model, 50, high=np.nan, seed=1)


def test_tape_is_reused_for_the_same_shape_and_results_do_not_depend_on_it():
    # Tape.allocate hands out the same arrays again for the same shape (page
    # faults on fresh memory cost more than the arithmetic); a stale tape must
    # never leak into a result: interleave shapes and compare with a fresh run
    first = Tape.allocate(6, 3, 2)
    again = Tape.allocate(6, 3, 2)
    assert all(getattr(again, f) is getattr(first, f) for f in ("a", "gates", "c", "h",
                                                               "delta", "scratch"))
    assert Tape.allocate(6, 4, 2).a is not first.a
    net = LSTM.random(2, 3, 1, output_activation="sigmoid", seed=8)
    rng = np.random.default_rng(3)
    u_a, u_b = rng.normal(size=(4, 7, 2)), rng.normal(size=(5, 9, 2))
    d_a, d_b = rng.uniform(size=(4, 7, 1)), rng.uniform(size=(5, 9, 1))
    ref_a = net.loss_and_gradients(u_a, d_a, loss="cross_entropy")
    ref_b = net.loss_and_gradients(u_b, d_b, loss="cross_entropy")
    for u, d, (value, grads) in [(u_a, d_a, ref_a), (u_b, d_b, ref_b), (u_a, d_a, ref_a),
                                 (u_a, d_a, ref_a)]:
        again, again_grads = net.loss_and_gradients(u, d, loss="cross_entropy")
        assert again == value
        for name in grads:
            np.testing.assert_array_equal(again_grads[name], grads[name])
