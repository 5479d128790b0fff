"""Tests of the GRU (rnnbook.gru): forward pass, exact BPTT, Jacobian, arguments,
stacking for many seeds at once and the latching experiment.

The structure mirrors tests/test_lstm.py. The reference values are computed
independently in this file: the GRU is written out step by step from its
equations

    a_z = W_ri_z u(t) + W_rc_z h(t-1) + t_r_z,   z = sigmoid(a_z)   (update)
    a_r = W_ri_r u(t) + W_rc_r h(t-1) + t_r_r,   r = sigmoid(a_r)   (reset)
    g   = tanh(W_ri_g u(t) + W_rc_g (r * h(t-1)) + t_r_g)           (candidate)
    h(t) = z h(t-1) + (1 - z) g,        y(t) = g_o(W_or h(t) + t_o)
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

from rnnbook import GRU, dynamics
from rnnbook.ensemble import project, stack, unstack
from rnnbook.experiments import latching_success
from rnnbook.gradcheck import check_gradients
from rnnbook.gru import GATES, backward_step
from rnnbook.optim import Adam, train
from rnnbook.sequences import last_step_mask, pad_sequences

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


def ref_gru_forward(p, u, x0, output="identity"):
    """h(0..T), logits, outputs from the GRU equations; ``u`` is (B, T, n)."""
    B, T, _ = u.shape
    H = p["W_rc"].shape[1]
    x0 = np.broadcast_to(np.asarray(x0, dtype=float), (B, H))
    h = np.zeros((B, T + 1, H))
    h[:, 0] = x0
    for b in range(B):
        for t in range(T):
            Wi, Wc, th = p["W_ri"], p["W_rc"], p["t_r"]
            z = _sigmoid(Wi[:H] @ u[b, t] + Wc[:H] @ h[b, t] + th[:H])
            r = _sigmoid(Wi[H:2 * H] @ u[b, t] + Wc[H:2 * H] @ h[b, t] + th[H:2 * H])
            g = np.tanh(Wi[2 * H:] @ u[b, t] + Wc[2 * H:] @ (r * h[b, t]) + th[2 * H:])
            h[b, t + 1] = z * h[b, t] + (1 - z) * g
    logits = np.einsum("oh,bth->bto", p["W_or"], h[:, 1:]) + p["t_o"]
    return h, logits, _OUT[output](logits)


def ref_gru_loss_sum(p, u, d, mask, x0, *, loss, output):
    _, _, y = ref_gru_forward(p, u, x0, output)
    return float(np.sum(mask * ref_step_losses(loss, output, y, d)))


def ref_gru_loss(p, u, d, mask, x0, *, loss, output):
    return ref_gru_loss_sum(p, u, d, mask, x0, loss=loss, output=output) / mask.sum()


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
def make_gru(n_in=3, H=3, n_out=2, *, seed=0, output="identity", update_bias=1.0):
    """A GRU with weights of order 1 and non-zero thresholds everywhere."""
    model = GRU.random(n_in, H, n_out, weight_scale=1.0, update_bias=update_bias, seed=seed,
                       output_activation=output)
    rng = np.random.default_rng(20_000 + seed)
    model.t_r += rng.uniform(-0.5, 0.5, size=model.t_r.shape)
    model.t_o += rng.uniform(-0.5, 0.5, size=model.t_o.shape)
    return model


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


# (output activation, loss) of the gradient checks
CONFIGS = [
    ("identity", "squared_error"),
    ("sigmoid", "cross_entropy"),
    ("softmax", "cross_entropy"),
    ("sigmoid", "squared_error"),
    ("tanh", "squared_error"),
]
IDS = ["-".join(c) for c in CONFIGS]


def _n_out(output):
    return 3 if output == "softmax" else 2


def _assert_all_small(errors, tol=GRAD_TOL):
    assert set(errors) == set(NAMES)
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, f"relative errors above {tol}: {bad} (all: {errors})"


def _assert_every_path_matters(model, grads):
    """No gradient (and no block of it) vanishes: every path is exercised."""
    for name in NAMES:
        assert np.linalg.norm(grads[name]) > 1e-5, name
    for gate in GATES:
        rows = model.gate_slice(gate)
        for name in ("W_ri", "W_rc", "t_r"):
            assert np.linalg.norm(grads[name][rows]) > 1e-6, (name, gate)


# ============================================================= 1. GRU forward
@pytest.mark.parametrize("output", ["identity", "sigmoid", "softmax", "tanh"])
def test_run_matches_reference_equations(output):
    rng = np.random.default_rng(1)
    model = make_gru(3, 4, 3, seed=1, output=output)
    p = copy_params(model)
    u = rng.normal(size=(3, 6, 3))
    for x0 in (None, rng.normal(size=4), rng.normal(size=(3, 4))):
        ref_x0 = np.zeros(4) if x0 is None else x0
        h, logits, y = ref_gru_forward(p, u, ref_x0, output)
        traj = model.run(u, x0)
        assert traj.states.shape == (3, 6, 4)
        assert traj.outputs.shape == (3, 6, 3)
        np.testing.assert_allclose(traj.states, h[:, 1:], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(traj.outputs, y, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(model.logits(traj.states), logits, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(model.readout(traj.states), y, rtol=1e-12, atol=1e-14)


def test_gates_and_state_by_hand_for_one_unit():
    """H = 1 with hand-picked numbers: every gate and the state written out in scalars."""
    W_ri = np.array([[0.5], [-0.3], [0.8]])          # rows: z, r, g
    W_rc = np.array([[0.1], [0.4], [-0.6]])
    t_r = np.array([1.0, 0.2, -0.2])
    model = GRU(W_ri, W_rc, [[2.0]], t_r, [0.5], output_activation="identity")
    u_t, h_prev = 0.7, -0.4
    z = 1 / (1 + math.exp(-(0.5 * u_t + 0.1 * h_prev + 1.0)))
    r = 1 / (1 + math.exp(-(-0.3 * u_t + 0.4 * h_prev + 0.2)))
    g = math.tanh(0.8 * u_t - 0.6 * r * h_prev - 0.2)
    h = z * h_prev + (1 - z) * g
    x = model.step([u_t], [h_prev])
    assert x.shape == (1,)
    assert x[0] == pytest.approx(h, rel=1e-14)
    assert model.readout(x)[0] == pytest.approx(2.0 * h + 0.5, rel=1e-14)
    # the reset gate acts on h(t-1) before W_rc, not after: moving it changes the step
    g_after = math.tanh(0.8 * u_t + r * (-0.6 * h_prev) - 0.2)
    assert g_after == pytest.approx(g, rel=1e-14)     # the same for one unit ...
    W2 = np.array([[0.1, 0.0], [0.4, 0.0], [0.0, 0.3], [0.0, -0.2], [-0.6, 0.9], [0.5, 0.2]])
    two = GRU(np.ones((6, 1)), W2, [[1.0, 1.0]])
    hp = np.array([0.5, -0.8])
    zr = 1 / (1 + np.exp(-(np.ones(4) * u_t + W2[:4] @ hp)))
    z2, r2 = zr[:2], zr[2:]
    want = z2 * hp + (1 - z2) * np.tanh(u_t + W2[4:] @ (r2 * hp))
    wrong = z2 * hp + (1 - z2) * np.tanh(u_t + r2 * (W2[4:] @ hp))
    np.testing.assert_allclose(two.step([u_t], hp), want, rtol=1e-14)
    assert np.abs(want - wrong).max() > 1e-3          # ... but not for two


def test_single_sequence_and_batch_agree_with_per_sequence_runs():
    rng = np.random.default_rng(2)
    model = make_gru(2, 3, 2, seed=2)
    u = rng.normal(size=(4, 5, 2))
    x0 = rng.normal(size=(4, 3))
    batch = model.run(u, x0)
    for b in range(4):
        single = model.run(u[b], x0[b])
        assert single.states.shape == (5, 3) and single.outputs.shape == (5, 2)
        np.testing.assert_allclose(batch.states[b], single.states, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(batch.outputs[b], single.outputs, rtol=1e-13, atol=1e-15)
        x = x0[b]
        for t in range(5):
            x = model.step(u[b, t], x)
            np.testing.assert_allclose(x, single.states[t], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(model.step(u[:, 0], x0), batch.states[:, 0], rtol=1e-13)


def test_sizes_gate_slices_and_random_constructor():
    model = GRU.random(3, 5, 2, update_bias=2.5, seed=4)
    assert (model.n_inputs, model.n_hidden, model.n_states, model.n_outputs) == (3, 5, 5, 2)
    assert model.W_ri.shape == (15, 3) and model.W_rc.shape == (15, 5)
    assert model.t_r.shape == (15,) and model.W_or.shape == (2, 5) and model.t_o.shape == (2,)
    assert [model.gate_slice(g) for g in GATES] == [slice(0, 5), slice(5, 10), slice(10, 15)]
    expected_t_r = np.zeros(15)
    expected_t_r[:5] = 2.5                          # the update gate only
    np.testing.assert_array_equal(model.t_r, expected_t_r)
    np.testing.assert_array_equal(model.t_o, np.zeros(2))
    scale = 1 / math.sqrt(5)
    for name in ("W_ri", "W_rc", "W_or"):
        w = model.parameters()[name]
        assert np.all(np.abs(w) <= scale) and np.abs(w).max() > scale / 2, name
    big = GRU.random(3, 5, 2, weight_scale=3.0, seed=4)
    assert np.abs(big.W_rc).max() > 1.0
    again = GRU.random(3, 5, 2, update_bias=2.5, seed=4)
    for name in NAMES:
        np.testing.assert_array_equal(again.parameters()[name], model.parameters()[name])
    assert np.array_equal(model.initial_state(), np.zeros(5))
    assert repr(model) == ("GRU(n_inputs=3, n_hidden=5, n_outputs=2, "
                           "output_activation='identity')")


def test_update_bias_sets_the_initial_memory():
    """With zero weights the state decays by exactly sigmoid(update_bias) per step."""
    model = GRU.random(1, 2, 1, weight_scale=0.0, update_bias=3.0, seed=0)
    states = model.run(np.zeros((10, 1)), x0=[1.0, -0.5]).states
    z = 1 / (1 + math.exp(-3.0))
    np.testing.assert_allclose(states[:, 0], z ** np.arange(1, 11), rtol=1e-13)
    np.testing.assert_allclose(states[:, 1], -0.5 * z ** np.arange(1, 11), rtol=1e-13)


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(update_bias=float("nan")), ValueError, "update_bias"),
    (dict(update_bias="big"), TypeError, "update_bias"),
    (dict(weight_scale=-1.0), ValueError, "weight_scale"),
    (dict(weight_scale=float("inf")), ValueError, "weight_scale"),
    (dict(n_hidden=0), ValueError, "n_hidden"),
    (dict(n_inputs=2.0), TypeError, "n_inputs"),
    (dict(n_outputs=-1), ValueError, "n_outputs"),
    (dict(seed=-3), ValueError, "seed"),
])
def test_random_constructor_refuses_bad_arguments(kwargs, error, match):
    args = dict(n_inputs=3, n_hidden=5, n_outputs=2)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        GRU.random(**args)


def test_gate_slice_refuses_unknown_gates():
    with pytest.raises(ValueError, match="gate must be one of"):
        make_gru().gate_slice("forget")


def test_parameters_are_copies_of_the_arguments():
    W_ri, W_rc, W_or = np.ones((6, 1)), np.ones((6, 2)), np.ones((1, 2))
    model = GRU(W_ri, W_rc, W_or)
    W_ri[:] = 5.0
    assert np.all(model.W_ri == 1.0)
    assert model.parameters()["W_rc"] is model.W_rc


@pytest.mark.parametrize("kwargs,match", [
    (dict(W_ri=np.zeros((4, 2)), W_rc=np.zeros((4, 1)), W_or=np.zeros((1, 1))), "W_ri"),
    (dict(W_ri=np.zeros((0, 2)), W_rc=np.zeros((0, 0)), W_or=np.zeros((1, 0))), "W_ri"),
    (dict(W_ri=np.zeros((6, 0)), W_rc=np.zeros((6, 2)), W_or=np.zeros((1, 2))), "W_ri"),
    (dict(W_ri=np.zeros((6, 2)), W_rc=np.zeros((6, 3)), W_or=np.zeros((1, 2))), "W_rc"),
    (dict(W_ri=np.zeros((6, 2)), W_rc=np.zeros((4, 2)), W_or=np.zeros((1, 2))), "W_rc"),
    (dict(W_ri=np.zeros((6, 2)), W_rc=np.zeros((6, 2)), W_or=np.zeros((1, 2)),
          t_r=np.zeros(5)), "t_r"),
    (dict(W_ri=np.zeros((6, 2)), W_rc=np.zeros((6, 2)), W_or=np.zeros((1, 3))), "W_or"),
    (dict(W_ri=np.zeros((6, 2)), W_rc=np.zeros((6, 2)), W_or=np.zeros((0, 2))), "W_or"),
    (dict(W_ri=np.zeros((6, 2)), W_rc=np.zeros((6, 2)), W_or=np.zeros((2, 2)),
          t_o=np.zeros(3)), "t_o"),
    (dict(W_ri=np.zeros(6), W_rc=np.zeros((6, 2)), W_or=np.zeros((1, 2))), "W_ri"),
])
def test_bad_shapes_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GRU(**kwargs)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_parameters_raise(name, bad):
    args = dict(W_ri=np.zeros((6, 2)), W_rc=np.zeros((6, 2)), W_or=np.zeros((1, 2)),
                t_r=np.zeros(6), t_o=np.zeros(1))
    args[name] = args[name].copy()
    args[name].flat[0] = bad
    with pytest.raises(ValueError, match=f"{name} contains NaN or inf"):
        GRU(**args)


def test_non_numeric_parameters_raise():
    with pytest.raises(TypeError, match="W_rc must be a real numeric array"):
        GRU(np.zeros((6, 2)), [["a", "b"]] * 6, np.zeros((1, 2)))


@pytest.mark.parametrize("call,error,match", [
    (lambda m: m.run(np.zeros((4, 3))), ValueError, "u must have shape"),
    (lambda m: m.run(np.zeros((0, 2))), ValueError, "at least one step"),
    (lambda m: m.run(np.full((4, 2), np.nan)), ValueError, "u contains NaN"),
    (lambda m: m.run(np.zeros((4, 2)), x0=np.zeros(4)), ValueError, "x0 must have 3"),
    (lambda m: m.run(np.zeros((2, 4, 2)), x0=np.zeros((3, 3))), ValueError, "x0 must be"),
    (lambda m: m.step(np.zeros(2), np.zeros(4)), ValueError, "x_prev must have 3"),
    (lambda m: m.step(np.zeros(3), np.zeros(3)), ValueError, "u_t must have 2"),
    (lambda m: m.jacobian(np.zeros(3), np.zeros(3)), ValueError, "u_t must have shape"),
    (lambda m: m.jacobian(np.zeros(2), np.zeros(4)), ValueError, "x_prev must have shape"),
    (lambda m: m.readout(np.zeros(4)), ValueError, "x_t must have 3"),
    (lambda m: m.loss_and_gradients(np.zeros((4, 2)), np.zeros((4, 1)),
                                    loss="cross_entropy"), ValueError, "cross_entropy"),
    (lambda m: m.loss_and_gradients(np.zeros((4, 2)), np.zeros((4, 1)), np.zeros(4)),
     ValueError, "mask"),
    (lambda m: m.loss_and_gradients(np.zeros((4, 2)), np.zeros((4, 1)), truncate=0),
     ValueError, "truncate"),
    (lambda m: m.loss_and_gradients(np.zeros((4, 2)), np.zeros((4, 1)), truncate=1.5),
     TypeError, "truncate"),
    (lambda m: m.loss_and_gradients(np.zeros((4, 2)), np.full((4, 1), np.nan)),
     ValueError, "targets contains NaN"),
    (lambda m: m.loss_and_gradients(np.zeros((4, 2)), np.zeros((4, 1)), loss="hinge"),
     ValueError, "loss"),
])
def test_bad_inputs_and_states_raise(call, error, match):
    with pytest.raises(error, match=match):
        call(make_gru(2, 3, 1))


def test_logits_without_readout_raise():
    model = make_gru(2, 3, 1)
    model.W_or = None
    with pytest.raises(ValueError, match="no readout"):
        model.logits(np.zeros(3))


# ================================================== 2. GRU gradient checks
@pytest.mark.parametrize("masked", [False, True], ids=["nomask", "mask"])
@pytest.mark.parametrize("output,loss", CONFIGS, ids=IDS)
def test_gru_check_gradients_all_parameters(output, loss, masked):
    for case in range(2):
        rng = np.random.default_rng(100 + case)
        model = make_gru(3, 3, _n_out(output), seed=case, output=output)
        u = rng.normal(size=(2, 6, 3))
        d = make_targets(rng, (2, 6, _n_out(output)), output)
        mask = make_mask(rng, (2, 6)) if masked else None
        value, grads = model.loss_and_gradients(u, d, mask, loss=loss)
        ref_mask = np.ones((2, 6)) if mask is None else mask
        assert value == pytest.approx(
            ref_gru_loss(copy_params(model), u, d, ref_mask, np.zeros(3), loss=loss,
                         output=output), rel=1e-12)
        assert model.loss(u, d, mask, loss=loss) == pytest.approx(value, rel=1e-12)
        _assert_every_path_matters(model, grads)
        _assert_all_small(check_gradients(model, u, d, mask, loss=loss))


@pytest.mark.parametrize("output,loss", CONFIGS, ids=IDS)
def test_gru_gradients_match_own_central_differences_with_x0(output, loss):
    """Our own loop over our own reference loss, from a non-zero initial state."""
    rng = np.random.default_rng(200)
    model = make_gru(2, 3, _n_out(output), seed=7, output=output)
    u = rng.normal(size=(2, 5, 2))
    d = make_targets(rng, (2, 5, _n_out(output)), output)
    mask = make_mask(rng, (2, 5))
    for x0 in (rng.normal(size=3), rng.normal(size=(2, 3))):
        p = copy_params(model)
        want = own_central_differences(
            lambda q: ref_gru_loss(q, u, d, mask, x0, loss=loss, output=output), p)
        value, got = model.loss_and_gradients(u, d, mask, loss=loss, x0=x0)
        assert value == pytest.approx(
            ref_gru_loss(p, u, d, mask, x0, loss=loss, output=output), rel=1e-12)
        assert model.loss(u, d, mask, loss=loss, x0=x0) == pytest.approx(value, rel=1e-12)
        _assert_every_path_matters(model, got)
        for name in NAMES:
            assert rel_err(want[name], got[name]) < GRAD_TOL, name
        _, at_zero = model.loss_and_gradients(u, d, mask, loss=loss)
        assert rel_err(at_zero["W_rc"], got["W_rc"]) > 1e-4


@pytest.mark.parametrize("output,loss", CONFIGS[:3], ids=IDS[:3])
def test_gru_gradient_check_padded_batch(output, loss):
    rng = np.random.default_rng(300)
    model = make_gru(3, 3, _n_out(output), seed=3, output=output)
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
            lambda q: ref_gru_loss(q, u, d, mask, np.zeros(3), loss=loss, output=output), p)
        for name in NAMES:
            assert rel_err(want[name], grads[name]) < GRAD_TOL, name


def test_gru_single_sequence_equals_batch_of_one():
    rng = np.random.default_rng(310)
    model = make_gru(seed=31)
    u, d, m = rng.normal(size=(5, 3)), rng.normal(size=(5, 2)), np.array([1.0, 0, 1, 1, 0])
    v1, g1 = model.loss_and_gradients(u, d, m)
    vb, gb = model.loss_and_gradients(u[None], d[None], m[None])
    assert v1 == pytest.approx(vb, rel=1e-14)
    for name in NAMES:
        np.testing.assert_allclose(g1[name], gb[name], rtol=1e-13, atol=1e-16)


def test_backward_step_by_finite_differences_of_one_step():
    """backward_step alone: its deltas and dh(t-1) against differences of one step."""
    rng = np.random.default_rng(320)
    model = make_gru(2, 3, 1, seed=32)
    u_t, h_prev, dh = rng.normal(size=2), rng.normal(size=3), rng.normal(size=3)
    drive = model.input_drive(u_t)
    z, r, g = model._gates(drive, h_prev)
    delta, dh_prev = backward_step(dh[None], h_prev[None], np.concatenate([z, r, g])[None],
                                   model.W_rc)
    assert delta.shape == (1, 9) and dh_prev.shape == (1, 3)

    def scalar_of_state(h):                  # dh . h(t) as a function of h(t-1)
        return dh @ model.step(u_t, h)

    want_dh = [(scalar_of_state(h_prev + e) - scalar_of_state(h_prev - e)) / 2e-6
               for e in np.eye(3) * 1e-6]
    np.testing.assert_allclose(dh_prev[0], want_dh, rtol=1e-6, atol=1e-9)

    def scalar_of_drive(a):                  # dh . h(t) as a function of a(t)
        W_g = model.W_rc[6:]
        zz, rr = _sigmoid(a[:3] + model.W_rc[:3] @ h_prev), _sigmoid(a[3:6] + model.W_rc[3:6]
                                                                     @ h_prev)
        gg = np.tanh(a[6:] + W_g @ (rr * h_prev))
        return dh @ (zz * h_prev + (1 - zz) * gg)

    want_delta = [(scalar_of_drive(drive + e) - scalar_of_drive(drive - e)) / 2e-6
                  for e in np.eye(9) * 1e-6]
    np.testing.assert_allclose(delta[0], want_delta, rtol=1e-6, atol=1e-9)


# ======================================================= 3. truncated BPTT
def _gru_problem(seed, B=2, T=7, output="sigmoid", mask=True):
    rng = np.random.default_rng(seed)
    model = make_gru(2, 3, 2, seed=seed, output=output)
    u = rng.normal(size=(B, T, 2))
    d = make_targets(rng, (B, T, 2), output)
    m = make_mask(rng, (B, T)) if mask else np.ones((B, T))
    return model, u, d, m


def test_gru_truncate_at_least_T_is_full_bptt():
    model, u, d, mask = _gru_problem(500)
    v_full, g_full = model.loss_and_gradients(u, d, mask, loss="cross_entropy")
    for k in (7, 8, 1000):
        v, g = model.loss_and_gradients(u, d, mask, loss="cross_entropy", truncate=k)
        assert v == v_full
        for name in NAMES:
            np.testing.assert_array_equal(g[name], g_full[name], err_msg=f"{name} k={k}")


@pytest.mark.parametrize("use_mask", [False, True])
def test_gru_truncate_below_T_changes_recurrent_gradients_not_readout(use_mask):
    for case in range(2):
        model, u, d, mask = _gru_problem(510 + case, mask=use_mask)
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
def test_gru_truncate_k_is_sum_of_windows_from_detached_states(k):
    """truncate=k equals full BPTT on each window [jk, (j+1)k) started from the
    forward state h(jk), held fixed, each window weighted by its masked steps."""
    model, u, d, mask = _gru_problem(520 + k, B=3, T=9)
    loss, T, N = "cross_entropy", u.shape[1], mask.sum()
    h, _, _ = ref_gru_forward(copy_params(model), u, np.zeros(3), "sigmoid")
    v_want, g_want = 0.0, {name: 0.0 for name in NAMES}
    for start in range(0, T, k):
        sl = slice(start, min(start + k, T))
        n_w = mask[:, sl].sum()
        if n_w == 0:
            continue
        v_w, g_w = model.loss_and_gradients(u[:, sl], d[:, sl], mask[:, sl], loss=loss,
                                            x0=h[:, start])
        v_want += n_w * v_w / N
        for name in NAMES:
            g_want[name] = g_want[name] + n_w * g_w[name] / N
    v, g = model.loss_and_gradients(u, d, mask, loss=loss, truncate=k)
    assert v == pytest.approx(v_want, rel=1e-12)
    for name in NAMES:
        np.testing.assert_allclose(g[name], g_want[name], rtol=1e-9, atol=1e-14, err_msg=name)


def test_gru_truncate_windows_by_own_central_differences():
    """The same decomposition with nothing from the package: our own loss and differences."""
    k = 3
    model, u, d, mask = _gru_problem(530, B=2, T=7)
    p = copy_params(model)
    T, N = u.shape[1], mask.sum()
    h, _, _ = ref_gru_forward(p, u, np.zeros(3), "sigmoid")
    want = {name: np.zeros_like(v) for name, v in p.items()}
    for start in range(0, T, k):
        sl = slice(start, min(start + k, T))

        def f(q, sl=sl, x_start=h[:, start]):
            return ref_gru_loss_sum(q, u[:, sl], d[:, sl], mask[:, sl], x_start,
                                    loss="cross_entropy", output="sigmoid") / N

        for name, g in own_central_differences(f, p).items():
            want[name] += g
    _, got = model.loss_and_gradients(u, d, mask, loss="cross_entropy", truncate=k)
    for name in NAMES:
        assert rel_err(got[name], want[name]) < GRAD_TOL, name


# ============================================================== 4. Jacobians
def test_gru_jacobian_matches_finite_differences_of_step():
    rng = np.random.default_rng(600)
    for seed in range(3):
        model = make_gru(2, 3, 1, seed=60 + seed)
        for _ in range(3):
            u_t = rng.normal(size=2)
            x_prev = rng.normal(size=3) * 1.5
            J = model.jacobian(u_t, x_prev)
            assert J.shape == (3, 3)
            want = fd_jacobian(lambda x: model.step(u_t, x), x_prev)
            np.testing.assert_allclose(J, want, rtol=1e-6, atol=1e-9)
            np.testing.assert_array_equal(dynamics.state_jacobian(model, u_t, x_prev), J)


def test_gru_jacobian_is_the_update_gate_when_the_recurrent_weights_are_zero():
    """With W_rc = 0 only the state's own path is left: d h(t) / d h(t-1) = diag(z)."""
    rng = np.random.default_rng(605)
    model = make_gru(2, 3, 1, seed=65)
    model.W_rc = np.zeros_like(model.W_rc)
    u_t, x_prev = rng.normal(size=2), rng.normal(size=3)
    z = _sigmoid(model.W_ri[:3] @ u_t + model.t_r[:3])
    np.testing.assert_allclose(model.jacobian(u_t, x_prev), np.diag(z), rtol=1e-14)


def test_gru_gradient_norms_match_finite_differences_of_the_k_step_map():
    rng = np.random.default_rng(640)
    model = make_gru(2, 3, 1, seed=64, update_bias=2.0)
    x0 = rng.normal(size=3)
    T = 8
    u = rng.normal(size=(T, 2))
    norms = dynamics.gradient_norms(dynamics.trajectory_jacobians(model, u, x0))
    states = np.vstack([x0, model.run(u, x0).states])
    for k in (1, 2, 4, 8):
        def k_step(x, k=k):
            return model.run(u[T - k:], x).states[-1]
        want = spectral_norm(fd_jacobian(k_step, states[T - k]))
        assert want > 1e-4
        assert norms[k - 1] == pytest.approx(want, rel=1e-6), k


# ============================================================== 5. ensembles
def _members(K=3, output="sigmoid"):
    return [make_gru(2, 3, 2, seed=70 + k, output=output) for k in range(K)]


def test_stack_output_blocks_are_member_outputs():
    rng = np.random.default_rng(700)
    members = _members()
    stacked, masks = stack(members)
    assert type(stacked) is GRU
    assert stacked.n_hidden == 9 and stacked.n_outputs == 6 and stacked.n_inputs == 2
    u = rng.normal(size=(4, 6, 2))
    traj = stacked.run(u)
    for k, m in enumerate(members):
        own = m.run(u)
        np.testing.assert_allclose(traj.outputs[..., 2 * k:2 * k + 2], own.outputs,
                                   rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(traj.states[..., 3 * k:3 * k + 3], own.states,
                                   rtol=1e-12, atol=1e-14)
    # the masks are the member blocks of each of the three row blocks
    for r in range(27):
        member = (r % 9) // 3
        np.testing.assert_array_equal(masks["W_rc"][r], np.arange(9) // 3 == member)
    assert masks["W_ri"].all() and masks["t_r"].all()
    for name in NAMES:
        assert np.all(stacked.parameters()[name][~masks[name]] == 0), name


def test_unstack_returns_the_members():
    members = _members()
    back = unstack(stack(members)[0], 3)
    assert len(back) == 3
    for m, b in zip(members, back):
        assert type(b) is GRU
        assert b.output_activation.name == m.output_activation.name
        for name in NAMES:
            np.testing.assert_array_equal(b.parameters()[name], m.parameters()[name])


@pytest.mark.parametrize("output,loss", [("sigmoid", "cross_entropy"),
                                         ("identity", "squared_error")])
def test_projected_stack_trains_like_members_alone(output, loss):
    rng = np.random.default_rng(720)
    K, B, T = 3, 6, 5
    u = rng.normal(size=(B, T, 2))
    mask = make_mask(rng, (B, T))
    ds = [make_targets(rng, (B, T, 2), output) for _ in range(K)]
    stacked, masks = stack(_members(K, output))
    start = unstack(stacked, K)
    train(stacked, u, np.concatenate(ds, axis=-1), mask, optimizer=Adam(0.05), epochs=4,
          batch_size=2, loss=loss, seed=3, after_update=lambda m: project(m, masks))
    got = unstack(stacked, K)
    for k, alone in enumerate(_members(K, output)):
        train(alone, u, ds[k], mask, optimizer=Adam(0.05), epochs=4, batch_size=2,
              loss=loss, seed=3)
        for name in NAMES:
            moved = np.abs(alone.parameters()[name] - start[k].parameters()[name]).max()
            assert moved > 1e-3, name
            np.testing.assert_allclose(got[k].parameters()[name], alone.parameters()[name],
                                       rtol=0, atol=1e-10, err_msg=f"member {k} {name}")


def test_stack_refuses_mixed_gru_and_other_networks():
    from rnnbook.lstm import LSTM

    lstm = LSTM.random(2, 3, 2, seed=0, output_activation="sigmoid")
    with pytest.raises(ValueError, match="same class and shapes"):
        stack([_members()[0], lstm])
    with pytest.raises(ValueError, match="same class and shapes"):
        stack([_members()[0], make_gru(2, 4, 2, output="sigmoid")])


# ==================================================== 6. latching_success
def _tiny_gru(seed):
    return GRU.random(1, 2, 1, seed=seed, output_activation="sigmoid")


def test_latching_success_tiny_gru():
    kw = dict(n_seeds=3, epochs=5, n_train=32, n_test=64, batch_size=16, seed=11)
    result = latching_success(_tiny_gru, [2], threshold=0.6, **kw)
    acc = result.accuracy[2]
    assert acc.shape == (3,)
    np.testing.assert_allclose(acc * 64, np.round(acc * 64), atol=1e-9)   # counts out of 64
    assert result.success[2] == pytest.approx(np.mean(acc >= 0.6))
    again = latching_success(_tiny_gru, [2], threshold=0.6, **kw)
    np.testing.assert_array_equal(again.accuracy[2], acc)
    # the threshold only decides who counts
    assert latching_success(_tiny_gru, [2], threshold=0.0, **kw).success == {2: 1.0}
    strict = latching_success(_tiny_gru, [2], threshold=1.0, **kw)
    assert strict.success[2] == pytest.approx(np.mean(acc >= 1.0))
