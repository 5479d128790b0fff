"""Tests of the training code: BPTT (rnnbook.rnn), losses, optimisers, the
gradient checker, Elman's online procedure and the sequence generators.

The reference values are computed independently in this file: a forward pass
and the losses are written out from the lecture's equations

    x(t) = g(W_ri u(t) + W_rc x(t-1) + t_r)
    y(t) = g_o(W_or x(t) + t_o)
    L    = sum_{b,t} m_bt l(y(b,t), d(b,t)) / sum_{b,t} m_bt

and differentiated by our own central differences or by hand-written
backpropagation loops, never by calling the code under test.
"""

from __future__ import annotations

import math

import numpy as np
from finite_differences import own_central_differences, rel_err
from reference_models import ref_step_losses
import pytest

from rnnbook import RNN
from rnnbook.gradcheck import check_gradients, numerical_gradients, relative_error
from rnnbook.optim import (
    SGD,
    Adam,
    History,
    Momentum,
    clip_by_global_norm,
    global_norm,
    train,
)
from rnnbook.rnn import PARAMETER_NAMES, train_elman_online
from rnnbook.sequences import (
    ELMAN_WORDS,
    elman_letters,
    last_step_mask,
    one_hot,
    pad_sequences,
    temporal_xor,
)
from rnnbook.validation import as_symbols

GRAD_TOL = 1e-6      # relative error of a correct float64 gradient
N_CASES = 6          # random cases per property-style loop


# ====================================================== independent references
def _sigmoid(a):
    a = np.asarray(a, dtype=float)
    return 1.0 / (1.0 + np.exp(-a))


def _softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


_G = {"sigmoid": _sigmoid, "tanh": np.tanh, "identity": lambda a: np.asarray(a, float)}
_G_PRIME_FROM_Y = {"sigmoid": lambda y: y * (1 - y), "tanh": lambda y: 1 - y * y,
                   "identity": np.ones_like}


def ref_forward(p, u, x0, hidden="sigmoid", output="sigmoid"):
    """States ``x(0..T)`` (x(0) included), logits and outputs; ``u`` is (B, T, n)."""
    B, T, _ = u.shape
    g = _G[hidden]
    states = np.zeros((B, T + 1, p["W_rc"].shape[0]))
    states[:, 0] = x0
    for b in range(B):
        for t in range(T):
            a = p["W_ri"] @ u[b, t] + p["W_rc"] @ states[b, t] + p["t_r"]
            states[b, t + 1] = g(a)
    logits = np.einsum("oh,bth->bto", p["W_or"], states[:, 1:]) + p["t_o"]
    outputs = _softmax(logits) if output == "softmax" else _G[output](logits)
    return states, logits, outputs



def ref_loss_sum(p, u, d, mask, x0, *, loss, hidden, output):
    """Sum over masked steps of the per-step loss (not divided)."""
    _, _, y = ref_forward(p, u, x0, hidden, output)
    return float(np.sum(mask * ref_step_losses(loss, output, y, d)))


def ref_loss(p, u, d, mask, x0, *, loss, hidden, output):
    return ref_loss_sum(p, u, d, mask, x0, loss=loss, hidden=hidden, output=output) / mask.sum()






def copy_params(model):
    return {k: v.copy() for k, v in model.parameters().items()}


# ========================================================== problem builders
def make_model(n_in=3, n_h=4, n_out=2, *, seed=0, hidden="sigmoid", output="sigmoid", **kw):
    return RNN.random(n_in, n_h, n_out, input_scale=1.0, recurrent_scale=1.5,
                      output_scale=1.5, threshold_scale=0.8, seed=seed,
                      hidden_activation=hidden, output_activation=output, **kw)


def make_targets(rng, shape, output, loss):
    """Targets that fit the output activation and loss."""
    if output == "softmax":
        return np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    if output == "identity":
        return rng.normal(size=shape)
    # sigmoid: soft targets in (0, 1) exercise the general cross-entropy
    return rng.uniform(0.05, 0.95, size=shape)


def make_mask(rng, shape):
    mask = (rng.uniform(size=shape) < 0.6).astype(float)
    mask.flat[rng.integers(mask.size)] = 1.0          # never empty
    return mask


# the configurations of the gradient check: (hidden, output, loss)
CONFIGS = [
    ("sigmoid", "sigmoid", "squared_error"),
    ("sigmoid", "identity", "squared_error"),
    ("sigmoid", "sigmoid", "cross_entropy"),
    ("sigmoid", "softmax", "cross_entropy"),
    ("tanh", "sigmoid", "squared_error"),
    ("tanh", "identity", "squared_error"),
    ("tanh", "softmax", "cross_entropy"),
]
CONFIG_IDS = ["-".join(c) for c in CONFIGS]


def _assert_all_small(errors, tol=GRAD_TOL):
    assert set(errors) == set(PARAMETER_NAMES)
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, f"relative errors above {tol}: {bad} (all: {errors})"


def _assert_nontrivial(grads):
    # a check of an all-zero gradient would prove nothing
    for name in PARAMETER_NAMES:
        assert np.linalg.norm(grads[name]) > 1e-5, name


# ============================================ 1. gradient checks (all params)
@pytest.mark.parametrize("masked", [False, True], ids=["nomask", "mask"])
@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_check_gradients_all_parameters(hidden, output, loss, masked):
    for case in range(3):
        rng = np.random.default_rng(1000 + case)
        model = make_model(seed=case, hidden=hidden, output=output)
        B, T = 2, 6
        u = rng.normal(size=(B, T, 3))
        d = make_targets(rng, (B, T, 2), output, loss)
        mask = make_mask(rng, (B, T)) if masked else None
        _, grads = model.loss_and_gradients(u, d, mask, loss=loss)
        _assert_nontrivial(grads)
        _assert_all_small(check_gradients(model, u, d, mask, loss=loss))


@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_loss_value_matches_reference(hidden, output, loss):
    for case in range(N_CASES):
        rng = np.random.default_rng(2000 + case)
        model = make_model(seed=case, hidden=hidden, output=output)
        u = rng.normal(size=(3, 5, 3))
        d = make_targets(rng, (3, 5, 2), output, loss)
        mask = make_mask(rng, (3, 5))
        want = ref_loss(model.parameters(), u, d, mask, np.zeros(4),
                        loss=loss, hidden=hidden, output=output)
        value, _ = model.loss_and_gradients(u, d, mask, loss=loss)
        assert value == pytest.approx(want, rel=1e-12)
        assert model.loss(u, d, mask, loss=loss) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_gradients_match_own_central_differences(hidden, output, loss):
    """Analytic gradients and the package's checker against our own finite differences."""
    rng = np.random.default_rng(7)
    x0 = rng.uniform(-0.5, 0.5, size=4) if hidden == "tanh" else rng.uniform(0, 1, size=4)
    model = make_model(seed=11, hidden=hidden, output=output, x0=x0)
    u = rng.normal(size=(2, 5, 3))
    d = make_targets(rng, (2, 5, 2), output, loss)
    mask = make_mask(rng, (2, 5))

    def f(p):
        return ref_loss(p, u, d, mask, x0, loss=loss, hidden=hidden, output=output)

    ours = own_central_differences(f, copy_params(model))
    _, analytic = model.loss_and_gradients(u, d, mask, loss=loss)
    theirs = numerical_gradients(model, u, d, mask, loss=loss)
    for name in PARAMETER_NAMES:
        assert rel_err(ours[name], analytic[name]) < GRAD_TOL, name
        assert rel_err(ours[name], theirs[name]) < GRAD_TOL, name
    # numerical_gradients puts every entry back
    for name, value in copy_params(model).items():
        np.testing.assert_array_equal(model.parameters()[name], value)


def test_relative_error_definition():
    a, b = np.array([3.0, 4.0]), np.array([0.0, 0.0])
    assert relative_error(a, b) == pytest.approx(1.0)
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == pytest.approx(1.0)
    assert relative_error(np.array([1.1]), np.array([1.0])) == pytest.approx(0.1 / 2.1)


def test_single_sequence_gradients_check_and_equal_batch_of_one():
    rng = np.random.default_rng(3)
    model = make_model(seed=3)
    u = rng.normal(size=(7, 3))
    d = make_targets(rng, (7, 2), "sigmoid", "squared_error")
    mask = make_mask(rng, (7,))
    _assert_all_small(check_gradients(model, u, d, mask))
    v1, g1 = model.loss_and_gradients(u, d, mask)
    v2, g2 = model.loss_and_gradients(u[None], d[None], mask[None])
    assert v1 == v2
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(g1[name], g2[name])


@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_gradient_check_padded_batch(hidden, output, loss):
    rng = np.random.default_rng(40)
    model = make_model(seed=40, hidden=hidden, output=output)
    lengths = [5, 2, 7, 1]
    us = [rng.normal(size=(n, 3)) for n in lengths]
    ds = [make_targets(rng, (n, 2), output, loss) for n in lengths]
    u, mask = pad_sequences(us)
    d, mask_d = pad_sequences(ds)
    np.testing.assert_array_equal(mask, mask_d)
    np.testing.assert_array_equal(mask.sum(axis=1), lengths)
    _, grads = model.loss_and_gradients(u, d, mask, loss=loss)
    _assert_nontrivial(grads)
    _assert_all_small(check_gradients(model, u, d, mask, loss=loss))


@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_gradient_check_last_step_mask(hidden, output, loss):
    rng = np.random.default_rng(41)
    model = make_model(seed=41, hidden=hidden, output=output)
    lengths = np.array([4, 6, 2])
    u, _ = pad_sequences([rng.normal(size=(n, 3)) for n in lengths])
    d, _ = pad_sequences([make_targets(rng, (n, 2), output, loss) for n in lengths])
    mask = last_step_mask(lengths)
    want = np.zeros((3, 6))
    want[0, 3] = want[1, 5] = want[2, 1] = 1.0
    np.testing.assert_array_equal(mask, want)
    _, grads = model.loss_and_gradients(u, d, mask, loss=loss)
    _assert_nontrivial(grads)
    _assert_all_small(check_gradients(model, u, d, mask, loss=loss))
    # and against our own differences
    ours = own_central_differences(
        lambda p: ref_loss(p, u, d, mask, np.zeros(4), loss=loss, hidden=hidden, output=output),
        copy_params(model))
    for name in PARAMETER_NAMES:
        assert rel_err(ours[name], grads[name]) < GRAD_TOL, name


# ================================================= 2. the checker can fail
class _WrongRecurrentGradient(RNN):
    def loss_and_gradients(self, u, targets, mask=None, **kwargs):
        value, grads = super().loss_and_gradients(u, targets, mask, **kwargs)
        grads = dict(grads)
        grads["W_rc"] = 1.5 * grads["W_rc"]
        return value, grads


class _TransposedRecurrentGradient(RNN):
    def loss_and_gradients(self, u, targets, mask=None, **kwargs):
        value, grads = super().loss_and_gradients(u, targets, mask, **kwargs)
        grads = dict(grads)
        grads["W_rc"] = grads["W_rc"].T.copy()
        return value, grads


@pytest.mark.parametrize("cls", [_WrongRecurrentGradient, _TransposedRecurrentGradient])
def test_checker_flags_a_wrong_gradient_only_where_it_is_wrong(cls):
    rng = np.random.default_rng(5)
    good = make_model(seed=5)
    bad = cls(good.W_ri, good.W_rc, good.W_or, good.t_r, good.t_o)
    u = rng.normal(size=(2, 6, 3))
    d = make_targets(rng, (2, 6, 2), "sigmoid", "squared_error")
    errors = check_gradients(bad, u, d)
    assert errors["W_rc"] > 1e-2, errors
    for name in ("W_ri", "t_r", "W_or", "t_o"):
        assert errors[name] < GRAD_TOL, (name, errors)
    if cls is _WrongRecurrentGradient:
        assert errors["W_rc"] == pytest.approx(0.5 / 2.5, rel=1e-4)


# ==================================================== 3. truncated BPTT
def _problem(seed, B=2, T=7, hidden="sigmoid", output="sigmoid", loss="squared_error"):
    rng = np.random.default_rng(seed)
    model = make_model(seed=seed, hidden=hidden, output=output)
    u = rng.normal(size=(B, T, 3))
    d = make_targets(rng, (B, T, 2), output, loss)
    mask = make_mask(rng, (B, T))
    return model, u, d, mask


@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_truncate_at_least_T_is_exactly_full_bptt(hidden, output, loss):
    model, u, d, mask = _problem(60, hidden=hidden, output=output, loss=loss)
    T = u.shape[1]
    v_full, g_full = model.loss_and_gradients(u, d, mask, loss=loss)
    for k in (T, T + 1, 100):
        v, g = model.loss_and_gradients(u, d, mask, loss=loss, truncate=k)
        assert v == v_full
        for name in PARAMETER_NAMES:
            np.testing.assert_array_equal(g[name], g_full[name], err_msg=f"{name} k={k}")


@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_truncate_below_T_changes_recurrent_gradient_but_not_readout(hidden, output, loss):
    for case in range(3):
        model, u, d, mask = _problem(70 + case, hidden=hidden, output=output, loss=loss)
        T = u.shape[1]
        v_full, g_full = model.loss_and_gradients(u, d, mask, loss=loss)
        for k in range(1, T):
            v, g = model.loss_and_gradients(u, d, mask, loss=loss, truncate=k)
            assert v == v_full                         # the forward pass is unchanged
            np.testing.assert_array_equal(g["W_or"], g_full["W_or"])
            np.testing.assert_array_equal(g["t_o"], g_full["t_o"])
            assert rel_err(g["W_rc"], g_full["W_rc"]) > 1e-4, (case, k)


@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_truncate_one_is_context_as_constant_input(hidden, output, loss):
    """truncate=1 by hand: delta_r(t) = (W_or^T delta_o(t)) * g'(x(t)), nothing carried."""
    for case in range(3):
        model, u, d, mask = _problem(80 + case, hidden=hidden, output=output, loss=loss)
        p = copy_params(model)
        B, T, _ = u.shape
        states, _, y = ref_forward(p, u, np.zeros(4), hidden, output)
        N = mask.sum()
        want = {k: np.zeros_like(v) for k, v in p.items()}
        for b in range(B):
            for t in range(T):
                w = mask[b, t] / N
                if loss == "squared_error":
                    slope_o = 1.0 if output == "identity" else y[b, t] * (1 - y[b, t])
                    delta_o = w * (y[b, t] - d[b, t]) * slope_o
                else:
                    delta_o = w * (y[b, t] - d[b, t])
                x, c = states[b, t + 1], states[b, t]
                delta_r = (p["W_or"].T @ delta_o) * _G_PRIME_FROM_Y[hidden](x)
                want["W_or"] += np.outer(delta_o, x)
                want["t_o"] += delta_o
                want["W_rc"] += np.outer(delta_r, c)
                want["W_ri"] += np.outer(delta_r, u[b, t])
                want["t_r"] += delta_r
        _, g = model.loss_and_gradients(u, d, mask, loss=loss, truncate=1)
        for name in PARAMETER_NAMES:
            np.testing.assert_allclose(g[name], want[name], rtol=1e-10, atol=1e-14,
                                       err_msg=name)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_truncate_k_equals_windows_with_frozen_start_states(k):
    """truncate=k: each window t in [jk+1, (j+1)k] differentiated from a frozen x(jk).

    Independent of the package's backward pass: the reference gradient is the
    sum over windows of our own central differences of that window's share of
    the loss, with the window's start state held fixed at its forward value.
    """
    hidden, output, loss = "tanh", "sigmoid", "cross_entropy"
    model, u, d, mask = _problem(90 + k, B=2, T=7, hidden=hidden, output=output, loss=loss)
    p = copy_params(model)
    T = u.shape[1]
    N = mask.sum()
    states, _, _ = ref_forward(p, u, np.zeros(4), hidden, output)
    want = {name: np.zeros_like(v) for name, v in p.items()}
    for start in range(0, T, k):
        sl = slice(start, min(start + k, T))
        x_start = states[:, start].copy()            # frozen x(start)

        def f(q, sl=sl, x_start=x_start):
            return ref_loss_sum(q, u[:, sl], d[:, sl], mask[:, sl], x_start,
                                loss=loss, hidden=hidden, output=output) / N

        for name, g in own_central_differences(f, p).items():
            want[name] += g
    _, got = model.loss_and_gradients(u, d, mask, loss=loss, truncate=k)
    for name in PARAMETER_NAMES:
        assert rel_err(got[name], want[name]) < GRAD_TOL, name


# ====================================================== 4. padding is exact
@pytest.mark.parametrize("truncate", [None, 2])
@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_padded_batch_equals_weighted_sum_of_single_sequences(hidden, output, loss, truncate):
    for case in range(3):
        rng = np.random.default_rng(100 + case)
        model = make_model(seed=100 + case, hidden=hidden, output=output)
        lengths = rng.integers(1, 8, size=4)
        lengths[0] = 8
        us = [rng.normal(size=(n, 3)) for n in lengths]
        ds = [make_targets(rng, (n, 2), output, loss) for n in lengths]
        for pad_value in (0.0, 37.5):
            u, mask = pad_sequences(us, value=pad_value)
            d, _ = pad_sequences(ds, value=0.5 if output != "identity" else pad_value)
            v, g = model.loss_and_gradients(u, d, mask, loss=loss, truncate=truncate)
            # per sequence the loss is a mean over its T_b steps, so it counts T_b times
            N = lengths.sum()
            v_want = 0.0
            g_want = {name: 0.0 for name in PARAMETER_NAMES}
            for u_b, d_b, n in zip(us, ds, lengths):
                v_b, g_b = model.loss_and_gradients(u_b, d_b, loss=loss, truncate=truncate)
                v_want += n * v_b / N
                for name in PARAMETER_NAMES:
                    g_want[name] = g_want[name] + n * g_b[name] / N
            assert v == pytest.approx(v_want, rel=1e-12)
            for name in PARAMETER_NAMES:
                np.testing.assert_allclose(g[name], g_want[name], rtol=1e-10, atol=1e-15,
                                           err_msg=f"{name} pad={pad_value}")


def test_padded_last_step_mask_equals_mean_of_single_sequences():
    rng = np.random.default_rng(120)
    model = make_model(seed=120)
    lengths = np.array([3, 6, 1, 5])
    us = [rng.normal(size=(n, 3)) for n in lengths]
    ds = [rng.uniform(size=(n, 2)) for n in lengths]
    u, _ = pad_sequences(us)
    d, _ = pad_sequences(ds)
    v, g = model.loss_and_gradients(u, d, last_step_mask(lengths))
    v_want, g_want = 0.0, {name: 0.0 for name in PARAMETER_NAMES}
    for u_b, d_b, n in zip(us, ds, lengths):
        m = np.zeros(n)
        m[-1] = 1.0
        v_b, g_b = model.loss_and_gradients(u_b, d_b, m)
        v_want += v_b / len(lengths)
        for name in PARAMETER_NAMES:
            g_want[name] = g_want[name] + g_b[name] / len(lengths)
    assert v == pytest.approx(v_want, rel=1e-12)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(g[name], g_want[name], rtol=1e-10, atol=1e-15)


def test_pad_sequences_layout():
    a = np.arange(6.0).reshape(3, 2)
    b = np.array([[10.0, 11.0]])
    padded, mask = pad_sequences([a, b.tolist()], value=-1.0)
    np.testing.assert_array_equal(padded[0], a)
    np.testing.assert_array_equal(padded[1], [[10, 11], [-1, -1], [-1, -1]])
    np.testing.assert_array_equal(mask, [[1, 1, 1], [1, 0, 0]])
    assert padded.dtype == np.float64 and mask.dtype == np.float64


def test_last_step_mask_with_n_steps():
    np.testing.assert_array_equal(last_step_mask([2, 1], n_steps=4),
                                  [[0, 1, 0, 0], [1, 0, 0, 0]])
    with pytest.raises(ValueError, match="n_steps"):
        last_step_mask([5], n_steps=3)
    with pytest.raises(ValueError, match="lengths"):
        last_step_mask([0, 2])


# ====================================================== 5. mask semantics
@pytest.mark.parametrize("truncate", [None, 3])
@pytest.mark.parametrize("hidden,output,loss", CONFIGS, ids=CONFIG_IDS)
def test_targets_at_masked_steps_are_ignored(hidden, output, loss, truncate):
    for case in range(N_CASES):
        rng = np.random.default_rng(200 + case)
        model = make_model(seed=200 + case, hidden=hidden, output=output)
        u = rng.normal(size=(3, 6, 3))
        d = make_targets(rng, (3, 6, 2), output, loss)
        mask = make_mask(rng, (3, 6))
        mask[0, 0] = 0.0
        mask[1, 2] = 1.0
        garbage = d.copy()
        off = mask == 0
        garbage[off] = rng.uniform(-1e3, 1e3, size=(int(off.sum()), 2))
        v1, g1 = model.loss_and_gradients(u, d, mask, loss=loss, truncate=truncate)
        v2, g2 = model.loss_and_gradients(u, garbage, mask, loss=loss, truncate=truncate)
        assert v1 == pytest.approx(v2, rel=1e-13, abs=0)
        assert model.loss(u, garbage, mask, loss=loss) == pytest.approx(v1, rel=1e-13)
        for name in PARAMETER_NAMES:
            np.testing.assert_allclose(g1[name], g2[name], rtol=1e-12, atol=0)
        # but a target at a step that counts does change things (the test can fail)
        changed = d.copy()
        changed[1, 2] = make_targets(np.random.default_rng(case), (2,), output, loss)
        # (cross-entropy targets must stay in [0, 1]: swap the classes of a one-hot)
        changed[1, 2] = (1.0 - d[1, 2] if output in ("sigmoid", "softmax")
                         else changed[1, 2] + 0.7)
        v3, g3 = model.loss_and_gradients(u, changed, mask, loss=loss, truncate=truncate)
        assert v3 != pytest.approx(v1, rel=1e-9)
        assert rel_err(g3["t_o"], g1["t_o"]) > 1e-6


def test_all_ones_mask_equals_no_mask():
    model, u, d, _ = _problem(210)
    v1, g1 = model.loss_and_gradients(u, d)
    v2, g2 = model.loss_and_gradients(u, d, np.ones(u.shape[:2]))
    assert v1 == v2
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(g1[name], g2[name])


def test_loss_is_mean_over_masked_steps():
    """Doubling the masked-in steps by duplicating a sequence leaves the mean unchanged."""
    model, u, d, mask = _problem(220, B=1)
    v1, g1 = model.loss_and_gradients(u, d, mask)
    v2, g2 = model.loss_and_gradients(np.concatenate([u, u]), np.concatenate([d, d]),
                                      np.concatenate([mask, mask]))
    assert v2 == pytest.approx(v1, rel=1e-13)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(g2[name], g1[name], rtol=1e-12)


# ========================================================== 6. optimisers
class Quadratic:
    """f(theta) = 0.5 (theta - c)^T A (theta - c); minimum 0 at c."""

    def __init__(self, seed=0, n=5, cond=10.0):
        rng = np.random.default_rng(seed)
        Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
        self.A = Q @ np.diag(np.linspace(1.0, cond, n)) @ Q.T
        self.c = rng.normal(size=n)
        self.theta = self.c + rng.normal(size=n) * 2.0

    def parameters(self):
        return {"theta": self.theta}

    def value(self):
        e = self.theta - self.c
        return 0.5 * float(e @ self.A @ e)

    def loss_and_gradients(self, *args, **kwargs):
        e = self.theta - self.c
        return 0.5 * float(e @ self.A @ e), {"theta": self.A @ e}


@pytest.mark.parametrize("make_opt", [
    lambda: SGD(0.1),
    lambda: Momentum(0.05, momentum=0.9),
    lambda: Adam(0.1),
], ids=["SGD", "Momentum", "Adam"])
def test_optimisers_minimise_a_convex_quadratic(make_opt):
    for seed in range(3):
        q = Quadratic(seed)
        f0 = q.value()
        assert f0 > 1.0
        opt = make_opt()
        params = q.parameters()
        for _ in range(400):
            _, g = q.loss_and_gradients()
            opt.step(params, g)
        assert q.parameters()["theta"] is params["theta"]    # updated in place
        assert q.value() < 1e-6, (seed, q.value())
        np.testing.assert_allclose(q.theta, q.c, atol=2e-3)


def test_sgd_step_by_hand():
    theta = np.array([1.0, -2.0, 3.0])
    g = np.array([0.5, 0.25, -1.0])
    SGD(0.1).step({"theta": theta}, {"theta": g})
    np.testing.assert_allclose(theta, [0.95, -2.025, 3.1], rtol=1e-15)


def test_momentum_steps_by_hand():
    theta = np.array([1.0, -1.0])
    opt = Momentum(0.1, momentum=0.5)
    g1, g2 = np.array([1.0, 2.0]), np.array([-1.0, 4.0])
    opt.step({"p": theta}, {"p": g1})
    v1 = -0.1 * g1
    np.testing.assert_allclose(theta, np.array([1.0, -1.0]) + v1, rtol=1e-15)
    opt.step({"p": theta}, {"p": g2})
    v2 = 0.5 * v1 - 0.1 * g2
    np.testing.assert_allclose(theta, np.array([1.0, -1.0]) + v1 + v2, rtol=1e-14)


def test_adam_first_step_is_learning_rate_per_coordinate():
    rng = np.random.default_rng(0)
    for lr in (1e-3, 0.01, 0.3):
        theta = rng.normal(size=10)
        g = rng.normal(size=10) * 10.0 ** rng.uniform(-3, 3, size=10)   # wildly scaled
        before = theta.copy()
        Adam(lr).step({"w": theta}, {"w": g})
        step = theta - before
        np.testing.assert_allclose(np.abs(step), lr, rtol=1e-4)
        np.testing.assert_array_equal(np.sign(step), -np.sign(g))


def test_adam_two_steps_by_hand():
    lr, b1, b2, eps = 0.01, 0.8, 0.99, 1e-8
    theta = np.array([0.5, -0.5])
    start = theta.copy()
    g1, g2 = np.array([1.0, -3.0]), np.array([2.0, 1.0])
    opt = Adam(lr, beta1=b1, beta2=b2, epsilon=eps)
    opt.step({"w": theta}, {"w": g1})
    opt.step({"w": theta}, {"w": g2})
    m = v = 0.0
    want = start.copy()
    for t, g in enumerate([g1, g2], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        want -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    np.testing.assert_allclose(theta, want, rtol=1e-12)


def test_optimiser_state_is_per_parameter():
    a, b = np.zeros(2), np.zeros(2)
    opt = Momentum(1.0, momentum=0.5)
    opt.step({"a": a, "b": b}, {"a": np.ones(2), "b": np.zeros(2)})
    opt.step({"a": a, "b": b}, {"a": np.zeros(2), "b": np.zeros(2)})
    np.testing.assert_allclose(a, [-1.5, -1.5])
    np.testing.assert_array_equal(b, [0.0, 0.0])


@pytest.mark.parametrize("cls", [SGD, Momentum, Adam])
@pytest.mark.parametrize("lr", [0, 0.0, -1, -1e-3, float("nan"), float("inf")])
def test_invalid_learning_rate(cls, lr):
    with pytest.raises(ValueError, match="learning_rate"):
        cls(lr)


@pytest.mark.parametrize("cls", [SGD, Momentum, Adam])
def test_non_numeric_learning_rate(cls):
    with pytest.raises(TypeError, match="learning_rate"):
        cls("0.1")


@pytest.mark.parametrize("mu", [-0.1, 1.0, 1.5])
def test_invalid_momentum(mu):
    with pytest.raises(ValueError, match="momentum"):
        Momentum(0.1, momentum=mu)


@pytest.mark.parametrize("cls", [SGD, Momentum, Adam])
def test_step_rejects_missing_or_misshaped_gradient(cls):
    params = {"a": np.ones(3), "b": np.ones((2, 2))}
    with pytest.raises(ValueError, match="b"):
        cls(0.1).step(params, {"a": np.ones(3)})
    np.testing.assert_array_equal(params["a"], np.ones(3))     # nothing was changed
    with pytest.raises(ValueError, match="b"):
        cls(0.1).step(params, {"a": np.ones(3), "b": np.ones(4)})
    with pytest.raises(ValueError, match="b"):
        cls(0.1).step(params, {"a": np.ones(3), "b": np.ones((2, 2, 1))})


# ================================================ 7. clip_by_global_norm
def test_clip_by_global_norm_above_limit():
    rng = np.random.default_rng(0)
    for case in range(N_CASES):
        grads = {"a": rng.normal(size=(3, 4)) * 5, "b": rng.normal(size=2) * 5}
        norm = math.sqrt(sum(float(x) ** 2 for g in grads.values() for x in g.ravel()))
        limit = norm * rng.uniform(0.05, 0.9)
        originals = {k: v.copy() for k, v in grads.items()}
        clipped, reported = clip_by_global_norm(grads, limit)
        assert reported == pytest.approx(norm, rel=1e-13)
        assert global_norm(clipped) == pytest.approx(limit, rel=1e-13)
        new_norm = math.sqrt(sum(float(x) ** 2 for g in clipped.values() for x in g.ravel()))
        assert new_norm == pytest.approx(limit, rel=1e-13)
        for k in grads:
            # same direction: a common positive factor limit / norm
            np.testing.assert_allclose(clipped[k], originals[k] * (limit / norm), rtol=1e-13)
            np.testing.assert_array_equal(grads[k], originals[k])   # input untouched
            assert clipped[k] is not grads[k]


def test_clip_by_global_norm_below_limit_is_unchanged():
    rng = np.random.default_rng(1)
    grads = {"a": rng.normal(size=5), "b": rng.normal(size=(2, 2))}
    norm = global_norm(grads)
    for limit in (norm * 1.01, norm * 100):
        clipped, reported = clip_by_global_norm(grads, limit)
        assert reported == norm
        for k in grads:
            np.testing.assert_array_equal(clipped[k], grads[k])
    zero = {"a": np.zeros(3)}
    clipped, reported = clip_by_global_norm(zero, 1.0)
    assert reported == 0.0
    np.testing.assert_array_equal(clipped["a"], np.zeros(3))


def test_global_norm_by_hand():
    assert global_norm({"a": np.array([3.0]), "b": np.array([[4.0, 12.0]])}) == pytest.approx(13.0)


@pytest.mark.parametrize("bad", [0, 0.0, -1.0])
def test_clip_non_positive_max_norm(bad):
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm({"a": np.ones(2)}, bad)


def test_clip_nan_max_norm():
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm({"a": np.ones(2)}, float("nan"))


# ================================================================ 8. train()
def delay_task(seed, B=8, T=10):
    """Predict the previous input bit (step 1 has no target)."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(B, T)).astype(float)
    u = bits[..., None]
    d = np.zeros((B, T, 1))
    d[:, 1:, 0] = bits[:, :-1]
    mask = np.ones((B, T))
    mask[:, 0] = 0.0
    return u, d, mask


def _delay_model(seed=0):
    return RNN.random(1, 4, 1, input_scale=1.0, recurrent_scale=1.0, threshold_scale=0.5,
                      seed=seed)


def test_train_learns_one_step_delay():
    u, d, mask = delay_task(0)
    model = _delay_model(0)
    initial = model.loss(u, d, mask, loss="cross_entropy")
    history = train(model, u, d, mask, optimizer=Adam(0.05), epochs=300,
                    loss="cross_entropy", seed=0)
    assert isinstance(history, History)
    assert history.epochs == 300 == len(history.grad_norm)
    final = model.loss(u, d, mask, loss="cross_entropy")
    assert history.loss[0] == pytest.approx(initial, rel=1e-12)   # loss before the update
    assert final < 0.1 * initial, (initial, final)
    assert np.mean(history.loss[-10:]) < np.mean(history.loss[:10])
    # generalises: a fresh stream is predicted correctly
    u2, d2, mask2 = delay_task(99)
    y = model.run(u2).outputs
    correct = (y[:, 1:, 0] > 0.5) == (d2[:, 1:, 0] > 0.5)
    assert correct.mean() > 0.95


def _params_equal(m1, m2):
    return all(np.array_equal(m1.parameters()[k], m2.parameters()[k]) for k in PARAMETER_NAMES)


def test_train_is_reproducible_and_uses_its_seed():
    u, d, mask = delay_task(1)
    runs = []
    for seed in (5, 5, 6):
        model = _delay_model(1)
        h = train(model, u, d, mask, optimizer=Momentum(0.3), epochs=20, batch_size=3,
                  truncate=4, clip=1.0, seed=seed)
        runs.append((model, h))
    (m1, h1), (m2, h2), (m3, h3) = runs
    assert _params_equal(m1, m2)
    assert h1.loss == h2.loss and h1.grad_norm == h2.grad_norm
    assert not _params_equal(m1, m3)            # the shuffling order matters
    assert h1.loss != h3.loss


def test_train_full_batch_is_plain_gradient_descent():
    """batch_size=None: each epoch is one SGD step on the whole batch (no shuffling)."""
    u, d, mask = delay_task(2)
    model, ref = _delay_model(2), _delay_model(2)
    h = train(model, u, d, mask, optimizer=SGD(0.5), epochs=5)
    losses = []
    for _ in range(5):
        value, g = ref.loss_and_gradients(u, d, mask)
        losses.append(value)
        for name, p in ref.parameters().items():
            p -= 0.5 * g[name]
    assert h.loss == pytest.approx(losses, rel=1e-14)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(model.parameters()[name], ref.parameters()[name],
                                   rtol=1e-13, atol=1e-15)


def test_train_clip_records_norm_before_clipping():
    u, d, mask = delay_task(3)
    model = _delay_model(3)
    _, g = model.loss_and_gradients(u, d, mask)
    norm = math.sqrt(sum(float(np.sum(x * x)) for x in g.values()))
    h = train(model, u, d, mask, optimizer=SGD(0.1), epochs=1, clip=norm / 10)
    assert h.grad_norm[0] == pytest.approx(norm, rel=1e-12)


def test_train_stop_below_stops_early():
    u, d, mask = delay_task(4)
    model = _delay_model(0)
    threshold = 0.05
    h = train(model, u, d, mask, optimizer=Adam(0.05), epochs=2000,
              loss="cross_entropy", seed=0, stop_below=threshold)
    assert h.epochs < 2000
    assert h.loss[-1] < threshold
    assert all(value >= threshold for value in h.loss[:-1])


def test_train_report_every_is_deterministic(capsys):
    u, d, mask = delay_task(5)
    outs, histories = [], []
    for _ in range(2):
        h = train(_delay_model(5), u, d, mask, optimizer=Adam(0.02), epochs=23,
                  batch_size=4, seed=3, report_every=5)
        outs.append(capsys.readouterr().out)
        histories.append(h)
    assert outs[0] == outs[1]
    lines = outs[0].splitlines()
    want_epochs = [5, 10, 15, 20, 23]                       # and the last epoch
    assert len(lines) == len(want_epochs)
    for line, epoch in zip(lines, want_epochs):
        assert line == f"epoch {epoch:5d}  loss {histories[0].loss[epoch - 1]:.4f}"


def test_train_without_report_prints_nothing(capsys):
    u, d, mask = delay_task(6)
    train(_delay_model(6), u, d, mask, optimizer=SGD(0.1), epochs=3)
    assert capsys.readouterr().out == ""


def test_train_single_sequence_equals_batch_of_one():
    u, d, mask = delay_task(7, B=1, T=30)
    m1, m2 = _delay_model(7), _delay_model(7)
    h1 = train(m1, u[0], d[0], mask[0], optimizer=Adam(0.05), epochs=15, seed=0)
    h2 = train(m2, u, d, mask, optimizer=Adam(0.05), epochs=15, seed=0)
    assert h1.loss == h2.loss
    assert _params_equal(m1, m2)
    assert h1.loss[-1] < h1.loss[0]
    # and without a mask
    m3 = _delay_model(7)
    h3 = train(m3, u[0], d[0], optimizer=SGD(0.1), epochs=3)
    assert h3.epochs == 3 and all(np.isfinite(h3.loss))


def test_train_rejects_mismatched_batches():
    u, d, mask = delay_task(8)
    with pytest.raises(ValueError, match="targets"):
        train(_delay_model(), u, d[:3], optimizer=SGD(0.1), epochs=1)
    with pytest.raises(ValueError, match="mask"):
        train(_delay_model(), u, d, mask[:3], optimizer=SGD(0.1), epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        train(_delay_model(), u, d, optimizer=SGD(0.1), epochs=0)


# ================================================ 9. Elman's online procedure
def elman_online_by_hand(p, u, d, eta, epochs, loss="squared_error", output="sigmoid"):
    p = {k: v.copy() for k, v in p.items()}
    losses = []
    for _ in range(epochs):
        x = np.zeros(p["W_rc"].shape[0])
        total = 0.0
        for u_t, d_t in zip(u, d):
            c = x
            x = _sigmoid(p["W_ri"] @ u_t + p["W_rc"] @ c + p["t_r"])
            a = p["W_or"] @ x + p["t_o"]
            y = _softmax(a) if output == "softmax" else _sigmoid(a)
            if loss == "squared_error":
                delta_o = (y - d_t) * y * (1 - y)
                total += 0.5 * float(np.sum((y - d_t) ** 2))
            else:
                delta_o = y - d_t
                total += float(ref_step_losses(loss, output, y[None], d_t[None])[0])
            delta_r = (p["W_or"].T @ delta_o) * x * (1 - x)     # W_or before the update
            new = {
                "W_or": p["W_or"] - eta * np.outer(delta_o, x),
                "t_o": p["t_o"] - eta * delta_o,
                "W_rc": p["W_rc"] - eta * np.outer(delta_r, c),
                "W_ri": p["W_ri"] - eta * np.outer(delta_r, u_t),
                "t_r": p["t_r"] - eta * delta_r,
            }
            p = new
        losses.append(total / len(u))
    return p, losses


@pytest.mark.parametrize("loss,output", [("squared_error", "sigmoid"),
                                         ("cross_entropy", "sigmoid"),
                                         ("cross_entropy", "softmax")])
@pytest.mark.parametrize("epochs", [1, 3])
def test_train_elman_online_equals_hand_loop(loss, output, epochs):
    for case in range(3):
        rng = np.random.default_rng(300 + case)
        model = make_model(2, 3, 2, seed=300 + case, output=output)
        u = rng.normal(size=(12, 2))
        d = make_targets(rng, (12, 2), output, loss)
        eta = 0.7
        want, want_losses = elman_online_by_hand(copy_params(model), u, d, eta, epochs,
                                                 loss, output)
        got_losses = train_elman_online(model, u, d, learning_rate=eta, epochs=epochs,
                                        loss=loss)
        assert got_losses == pytest.approx(want_losses, rel=1e-12)
        for name in PARAMETER_NAMES:
            np.testing.assert_allclose(model.parameters()[name], want[name], rtol=1e-11,
                                       atol=1e-14, err_msg=name)


def test_train_elman_online_first_step_is_truncated_gradient_step():
    """One step of the stream: the update is -eta times the truncate=1 gradient of that step."""
    rng = np.random.default_rng(310)
    model = make_model(2, 3, 2, seed=310)
    u = rng.normal(size=(1, 2))
    d = rng.uniform(size=(1, 2))
    _, g = model.loss_and_gradients(u, d, truncate=1)
    before = copy_params(model)
    train_elman_online(model, u, d, learning_rate=0.3, epochs=1)
    for name in PARAMETER_NAMES:
        np.testing.assert_allclose(model.parameters()[name], before[name] - 0.3 * g[name],
                                   rtol=1e-12, atol=1e-15)


def test_train_elman_online_rejects_bad_arguments():
    model = make_model(2, 3, 2, seed=0)
    u, d = np.zeros((4, 2)), np.zeros((4, 2))
    for lr in (0, -0.1, float("nan")):
        with pytest.raises(ValueError, match="learning_rate"):
            train_elman_online(model, u, d, learning_rate=lr, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        train_elman_online(model, u, d, learning_rate=0.1, epochs=0)
    with pytest.raises(ValueError, match="targets"):
        train_elman_online(model, u, d[:3], learning_rate=0.1, epochs=1)
    with pytest.raises(ValueError, match="at least one step"):
        train_elman_online(model, np.zeros((0, 2)), np.zeros((0, 2)), learning_rate=0.1,
                           epochs=1)
    with pytest.raises(ValueError, match="W_or"):
        train_elman_online(RNN(np.ones((3, 2)), np.zeros((3, 3))), u, d, learning_rate=0.1,
                           epochs=1)


# ================================================================ 10. errors
@pytest.fixture
def net():
    return make_model(3, 4, 2, seed=0)


def _data(B=2, T=5):
    rng = np.random.default_rng(0)
    return rng.normal(size=(B, T, 3)), rng.uniform(size=(B, T, 2))


def test_one_hot_and_as_symbols_outside_alphabet():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    for bad in ([0, 3], [-1, 0]):
        with pytest.raises(ValueError, match="alphabet"):
            one_hot(bad, 3)
        with pytest.raises(ValueError, match="symbols"):
            as_symbols("symbols", bad, 3)


@pytest.mark.parametrize("method", ["loss_and_gradients", "loss"])
def test_empty_sequence_or_batch(net, method):
    f = getattr(net, method)
    with pytest.raises(ValueError, match="u"):
        f(np.zeros((0, 3)), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="u"):
        f(np.zeros((2, 0, 3)), np.zeros((2, 0, 2)))
    with pytest.raises(ValueError, match="u"):
        f(np.zeros((0, 4, 3)), np.zeros((0, 4, 2)))


def test_ragged_sequences_point_to_pad_sequences(net):
    ragged = [np.zeros((3, 3)).tolist(), np.zeros((2, 3)).tolist()]
    targets = [np.zeros((3, 2)).tolist(), np.zeros((2, 2)).tolist()]
    with pytest.raises(ValueError, match="pad_sequences"):
        net.loss_and_gradients(ragged, targets)


@pytest.mark.parametrize("shape", [(2, 5, 3), (2, 4, 2), (1, 5, 2), (5, 2), (2, 5)])
def test_targets_wrong_shape(net, shape):
    u, _ = _data()
    with pytest.raises(ValueError, match="targets"):
        net.loss_and_gradients(u, np.zeros(shape))


def test_single_sequence_targets_wrong_shape(net):
    u, _ = _data()
    with pytest.raises(ValueError, match="targets"):
        net.loss_and_gradients(u[0], np.zeros((4, 2)))


@pytest.mark.parametrize("bad", [0.5, 2.0, -1.0])
def test_mask_must_be_zero_or_one(net, bad):
    u, d = _data()
    mask = np.ones((2, 5))
    mask[1, 3] = bad
    with pytest.raises(ValueError, match="mask"):
        net.loss_and_gradients(u, d, mask)
    with pytest.raises(ValueError, match="mask"):
        net.loss(u, d, mask)


def test_mask_wrong_shape(net):
    u, d = _data()
    with pytest.raises(ValueError, match="mask"):
        net.loss_and_gradients(u, d, np.ones((2, 4)))
    with pytest.raises(ValueError, match="mask"):
        net.loss_and_gradients(u, d, np.ones(5))


def test_mask_selecting_nothing(net):
    u, d = _data()
    with pytest.raises(ValueError, match="mask"):
        net.loss_and_gradients(u, d, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="mask"):
        net.loss(u, d, np.zeros((2, 5)))


@pytest.mark.parametrize("bad", ["mse", "crossentropy", None])
def test_unknown_loss(net, bad):
    u, d = _data()
    with pytest.raises(ValueError, match="loss"):
        net.loss_and_gradients(u, d, loss=bad)
    with pytest.raises(ValueError, match="loss"):
        net.loss(u, d, loss=bad)


def test_cross_entropy_needs_sigmoid_or_softmax_outputs():
    model = make_model(output="identity")
    u, d = _data()
    with pytest.raises(ValueError, match="cross_entropy"):
        model.loss_and_gradients(u, d, loss="cross_entropy")
    with pytest.raises(ValueError, match="cross_entropy"):
        model.loss(u, d, loss="cross_entropy")


def test_squared_error_refuses_softmax_outputs():
    model = make_model(output="softmax")
    u, d = _data()
    with pytest.raises(ValueError, match="softmax"):
        model.loss_and_gradients(u, d, loss="squared_error")
    with pytest.raises(ValueError, match="softmax"):
        model.loss_and_gradients(u, d)                   # the default loss


def test_truncate_must_be_a_positive_integer(net):
    u, d = _data()
    for bad in (0, -2):
        with pytest.raises(ValueError, match="truncate"):
            net.loss_and_gradients(u, d, truncate=bad)
    for bad in (1.5, 2.0, True):
        with pytest.raises(TypeError, match="truncate"):
            net.loss_and_gradients(u, d, truncate=bad)


def test_training_without_readout():
    model = RNN.random(3, 4, None, seed=0)
    u, d = _data()
    with pytest.raises(ValueError, match="W_or"):
        model.loss_and_gradients(u, d)
    with pytest.raises(ValueError, match="W_or"):
        model.loss(u, d)


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match="sequences"):
        pad_sequences([])
    with pytest.raises(ValueError, match=r"sequences\[1\] is empty"):
        pad_sequences([np.zeros((2, 3)), np.zeros((0, 3))])
    with pytest.raises(ValueError, match="width"):
        pad_sequences([np.zeros((2, 3)), np.zeros((2, 2))])
    with pytest.raises(ValueError, match=r"sequences\[0\]"):
        pad_sequences([np.zeros(3)])


def test_nan_in_training_data(net):
    u, d = _data()
    u_bad = u.copy()
    u_bad[0, 1, 2] = np.nan
    with pytest.raises(ValueError, match="u"):
        net.loss_and_gradients(u_bad, d)
    d_bad = d.copy()
    d_bad[1, 0, 0] = np.inf
    with pytest.raises(ValueError, match="targets"):
        net.loss_and_gradients(u, d_bad)


# ====================================================== 11. sequence generators
def test_temporal_xor_structure_and_balance():
    s = temporal_xor(3000, seed=4)
    assert s.shape == (9000,) and s.dtype == np.int64
    assert set(np.unique(s)) <= {0, 1}
    triples = s.reshape(-1, 3).tolist()
    for a, b, c in triples:
        assert c == (a + b) % 2
    for column in (s[0::3], s[1::3]):
        assert abs(column.mean() - 0.5) < 0.04
    # the pair bits are independent of each other: all four pairs occur about equally
    pairs = s[0::3] * 2 + s[1::3]
    np.testing.assert_allclose(np.bincount(pairs, minlength=4) / 3000, 0.25, atol=0.04)


def test_temporal_xor_reproducible():
    np.testing.assert_array_equal(temporal_xor(50, seed=1), temporal_xor(50, seed=1))
    assert not np.array_equal(temporal_xor(50, seed=1), temporal_xor(50, seed=2))
    assert temporal_xor(1, seed=0).shape == (3,)


def _decode_words(text):
    words, i = [], 0
    by_consonant = {w[0]: w for w in ("ba", "dii", "guuu")}
    while i < len(text):
        word = by_consonant.get(text[i])
        assert word is not None, f"position {i}: {text[i]!r} does not start a word"
        assert text[i:i + len(word)] == word, f"position {i}: {text[i:i + len(word)]!r}"
        words.append(word)
        i += len(word)
    return words


def test_elman_letters_are_words():
    assert ELMAN_WORDS == {"b": "ba", "d": "dii", "g": "guuu"}
    for seed in range(5):
        symbols, alphabet = elman_letters(200, seed=seed)
        assert alphabet == "abdgiu"
        assert symbols.dtype == np.int64
        assert symbols.min() >= 0 and symbols.max() < len(alphabet)
        words = _decode_words("".join(alphabet[k] for k in symbols))
        assert len(words) == 200
        assert set(words) == {"ba", "dii", "guuu"}


def test_elman_letters_reproducible():
    a, _ = elman_letters(30, seed=9)
    b, _ = elman_letters(30, seed=9)
    c, _ = elman_letters(30, seed=10)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_parity_prefix_data_labels_every_prefix():
    from rnnbook.sequences import parity_prefix_data

    strings = [np.array([1, 0, 1, 1]), np.array([0]), np.array([1, 1])]
    u, targets, mask = parity_prefix_data(strings)
    assert u.shape == (3, 4, 2) and targets.shape == (3, 4, 1) and mask.shape == (3, 4)
    expected = [[1, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]]
    for b, s in enumerate(strings):
        for t in range(len(s)):
            assert targets[b, t, 0] == sum(s[: t + 1]) % 2 == expected[b][t]
            assert u[b, t, s[t]] == 1.0 and u[b, t].sum() == 1.0
    np.testing.assert_array_equal(mask, [[1, 1, 1, 1], [1, 0, 0, 0], [1, 1, 0, 0]])
    with pytest.raises(ValueError, match="strings\\[0\\]"):
        parity_prefix_data([np.array([0, 2])])


def test_parity_prefix_data_window_counts_only_the_last_symbols():
    from rnnbook.sequences import parity_prefix_data

    rng = np.random.default_rng(5)
    strings = [rng.integers(0, 2, n) for n in (1, 2, 3, 7, 12)]
    for window in (1, 2, 3, 5):
        _, targets, mask = parity_prefix_data(strings, window)
        for b, s in enumerate(strings):
            for t in range(len(s)):       # brute force over the window
                assert targets[b, t, 0] == sum(s[max(0, t - window + 1): t + 1]) % 2
            assert not targets[b, len(s):].any()
    # window 1 is the symbol itself; a window longer than the string is the prefix
    _, first, _ = parity_prefix_data(strings, 1)
    _, whole, _ = parity_prefix_data(strings)
    _, long_window, _ = parity_prefix_data(strings, 50)
    for b, s in enumerate(strings):
        np.testing.assert_array_equal(first[b, :len(s), 0], s)
    np.testing.assert_array_equal(long_window, whole)
    for bad, error in [(0, ValueError), (-2, ValueError), (2.0, TypeError), (True, TypeError)]:
        with pytest.raises(error, match="window"):
            parity_prefix_data(strings, bad)


def test_parity_memory_accuracy_small_run():
    from rnnbook.experiments import MemoryTaskResult, parity_memory_accuracy

    def make(seed):
        return RNN.random(2, 3, 1, seed=seed)

    kw = dict(window=1, lengths=[3, 30], n_seeds=3, seed=4, n_train=60,
              max_train_length=6, n_test=40, epochs=40, learning_rate=0.1, batch_size=20)
    result = parity_memory_accuracy(make, **kw)
    assert isinstance(result, MemoryTaskResult)
    assert set(result.accuracy) == {3, 30}
    assert all(a.shape == (3,) and ((0 <= a) & (a <= 1)).all() for a in result.accuracy.values())
    assert len(result.networks) == 3 and all(net.n_hidden == 3 for net in result.networks)
    # window 1: the target is the current symbol, which every network learns
    assert (result.accuracy[30] == 1.0).all()
    # the accuracies are those of the returned networks, recomputed independently
    from rnnbook.sequences import parity_prefix_data
    again = parity_memory_accuracy(make, **kw)
    for n in (3, 30):
        np.testing.assert_array_equal(again.accuracy[n], result.accuracy[n])
    u, d, _ = parity_prefix_data([np.array([1, 0, 1, 1, 0, 1])], 1)
    for net in result.networks:
        out = net.run(u).outputs[0, :, 0]
        np.testing.assert_array_equal(out >= 0.5, d[0, :, 0] == 1)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_seeds": 0}, ValueError, "n_seeds"), ({"n_train": 0}, ValueError, "n_train"),
    ({"n_test": -1}, ValueError, "n_test"), ({"lengths": []}, ValueError, "lengths"),
    ({"lengths": [5, 0]}, ValueError, "lengths"), ({"max_train_length": 1.5}, TypeError,
                                                   "max_train_length"),
    ({"window": 0}, ValueError, "window"),
])
def test_parity_memory_accuracy_refuses_bad_arguments(kwargs, error, match):
    from rnnbook.experiments import parity_memory_accuracy

    with pytest.raises(error, match=match):
        parity_memory_accuracy(lambda seed: RNN.random(2, 2, 1, seed=seed), **kwargs)


def test_aligned_state_gap_against_closed_forms():
    from rnnbook.dynamics import aligned_state_gap

    rng = np.random.default_rng(0)
    a = rng.normal(size=(200, 3))
    # an affine image of a is explained completely
    assert aligned_state_gap(a, a @ rng.normal(size=(3, 5)) + 2.0) < 1e-12
    # b = (affine part) + noise orthogonal to [a, 1]: the gap is |noise| / |b - mean b|
    features = np.column_stack([a, np.ones(200)])
    noise = rng.normal(size=(200, 2))
    noise -= features @ np.linalg.lstsq(features, noise, rcond=None)[0]
    b = a[:, :2] * 3.0 + noise
    expected = np.linalg.norm(noise) / np.linalg.norm(b - b.mean(axis=0))
    assert aligned_state_gap(a, b) == pytest.approx(expected, rel=1e-10)
    # independent states are almost unexplained
    assert aligned_state_gap(a, rng.normal(size=(200, 2))) > 0.9


@pytest.mark.parametrize("a, b, error, match", [
    (np.zeros((10, 2)), np.zeros((9, 2)), ValueError, "same number of steps"),
    (np.ones((3, 2)), np.ones((3, 1)), ValueError, "more steps"),
    (np.ones((10, 2)), np.ones((10, 1)), ValueError, "must vary"),
    (np.ones(10), np.ones((10, 1)), ValueError, "states_a"),
    (np.ones((10, 1)), np.full((10, 1), np.nan), ValueError, "states_b"),
])
def test_aligned_state_gap_refuses_bad_input(a, b, error, match):
    from rnnbook.dynamics import aligned_state_gap

    with pytest.raises(error, match=match):
        aligned_state_gap(a, b)


# ================================= 12. bad input that used to pass silently
def _params_and_grads(seed=0):
    model = make_model(3, 4, 2, seed=seed)
    u, d = _data()
    _, grads = model.loss_and_gradients(u, d)
    return model.parameters(), grads


@pytest.mark.parametrize("kwargs, error, name", [
    ({"initial": np.nan}, ValueError, "initial"),
    ({"initial": np.inf}, ValueError, "initial"),
    ({"initial": -0.5}, ValueError, "initial"),
    ({"initial": "1.2"}, TypeError, "initial"),
    ({"exponent": np.nan}, ValueError, "exponent"),
    ({"exponent": 0.0}, ValueError, "exponent"),
    ({"exponent": -2.0}, ValueError, "exponent"),
    ({"beta": "0.2"}, TypeError, "beta"),
    ({"gamma": True}, TypeError, "gamma"),
    ({"tau": np.nan}, ValueError, "tau"),
    ({"dt": np.inf}, ValueError, "dt"),
    ({"tau": 1e-12, "dt": 1.0}, ValueError, "tau"),
    ({"discard": 1.5}, TypeError, "discard"),
    ({"discard": -1}, ValueError, "discard"),
])
def test_mackey_glass_refuses_nonsensical_parameters(kwargs, error, name):
    from rnnbook.sequences import mackey_glass

    with pytest.raises(error, match=name):
        mackey_glass(20, **kwargs)


def test_mackey_glass_accepts_integer_and_zero_parameters():
    from rnnbook.sequences import mackey_glass

    a = mackey_glass(30, tau=17, beta=1, gamma=1, exponent=10, initial=0, discard=0)
    np.testing.assert_array_equal(a, 0.0)          # x = 0 is a fixed point
    assert np.all(np.isfinite(mackey_glass(30, initial=2)))


@pytest.mark.parametrize("noise, error", [
    (np.nan, ValueError), (np.inf, ValueError), (-np.inf, ValueError), (-0.5, ValueError),
    ("0.5", TypeError), (None, TypeError),
])
def test_latching_task_refuses_bad_noise(noise, error):
    from rnnbook.sequences import latching_task

    with pytest.raises(error, match="noise"):
        latching_task(4, 3, noise=noise, seed=0)


@pytest.mark.parametrize("n_steps, order", [(100, 101), (100, 10**10), (5, 6)])
def test_narma_refuses_an_order_longer_than_the_series(n_steps, order):
    from rnnbook.sequences import narma

    with pytest.raises(ValueError, match="order"):
        narma(n_steps, order, seed=0)


def test_narma_order_up_to_the_series_length_is_honoured():
    from rnnbook.sequences import narma

    u, y = narma(12, 12, seed=0)      # u(t - 11) enters at the last step only
    y_prev = np.r_[0.0, y]
    want = 0.3 * y_prev[11] + 0.05 * y_prev[11] * y_prev[:12].sum() + 1.5 * u[0] * u[11] + 0.1
    assert y[11] == pytest.approx(want)


@pytest.mark.parametrize("make_optimizer", [lambda: SGD(0.1), lambda: Momentum(0.1),
                                            lambda: Adam(0.1)])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_optimizer_refuses_non_finite_gradients(make_optimizer, bad):
    params, grads = _params_and_grads()
    before = {k: v.copy() for k, v in params.items()}
    grads["W_or"][1, 0] = bad
    optimizer = make_optimizer()
    with pytest.raises(ValueError, match="W_or"):
        optimizer.step(params, grads)
    for k in params:                                   # nothing was updated
        np.testing.assert_array_equal(params[k], before[k])
    assert optimizer.state == {}


@pytest.mark.parametrize("make_optimizer", [lambda: SGD(0.1), lambda: Adam(0.1)])
def test_optimizer_refuses_a_gradient_for_no_parameter(make_optimizer):
    params, grads = _params_and_grads()
    before = {k: v.copy() for k, v in params.items()}
    grads["W_rr"] = np.zeros((4, 4))                   # a key in no parameter
    with pytest.raises((KeyError, ValueError), match="W_rr"):
        make_optimizer().step(params, grads)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_optimizer_refuses_a_misspelled_gradient_key():
    params, grads = _params_and_grads()
    grads["t_0"] = grads.pop("t_o")                    # a typo: t_o is then missing too
    with pytest.raises(ValueError, match=r"t_o.*t_0"):
        SGD(0.1).step(params, grads)


def test_optimizer_wrong_gradient_shape_updates_nothing():
    params, grads = _params_and_grads()
    before = {k: v.copy() for k, v in params.items()}
    grads["t_o"] = np.zeros(3)                         # the last parameter in order
    with pytest.raises(ValueError, match="t_o"):
        Adam(0.1).step(params, grads)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_optimizer_refuses_non_numeric_gradients():
    params, grads = _params_and_grads()
    grads["t_r"] = np.array(["a"] * 4)
    with pytest.raises(TypeError, match="t_r"):
        SGD(0.1).step(params, grads)


def test_logits_without_readout_says_so():
    from rnnbook.lstm import LSTM

    rnn = RNN.random(3, 4, None, seed=0)
    with pytest.raises(ValueError, match="no readout.*W_or"):
        rnn.logits(np.zeros((2, 4)))
    lstm = LSTM.random(3, 4, 2, seed=0)
    lstm.W_or = None
    with pytest.raises(ValueError, match="no readout.*W_or"):
        lstm.logits(np.zeros((2, 8)))


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("bad", [1.5, -0.25])
def test_cross_entropy_refuses_targets_outside_unit_interval(output, bad):
    model = make_model(output=output)
    u, _ = _data()
    d = make_targets(np.random.default_rng(1), (2, 5, 2), output, "cross_entropy")
    d[1, 3, 0] = bad
    with pytest.raises(ValueError, match="targets"):
        model.loss_and_gradients(u, d, loss="cross_entropy")
    with pytest.raises(ValueError, match="targets"):
        model.loss(u, d, loss="cross_entropy")
    # a masked-out step is ignored, as documented, whatever it holds
    mask = np.ones((2, 5))
    mask[1, 3] = 0
    value, _ = model.loss_and_gradients(u, d, mask, loss="cross_entropy")
    assert np.isfinite(value)
    # the squared error takes any finite target
    if output == "sigmoid":
        model.loss_and_gradients(u, d, loss="squared_error")


def test_cross_entropy_targets_in_online_and_lstm_training():
    from rnnbook.lstm import LSTM

    model = make_model(2, 3, 2)
    u = np.random.default_rng(0).normal(size=(6, 2))
    d = np.full((6, 2), 0.5)
    d[2, 1] = 2.0
    with pytest.raises(ValueError, match="targets"):
        train_elman_online(model, u, d, learning_rate=0.1, epochs=1, loss="cross_entropy")
    lstm = LSTM.random(2, 3, 2, output_activation="sigmoid", seed=0)
    with pytest.raises(ValueError, match="targets"):
        lstm.loss_and_gradients(u, d, loss="cross_entropy")


# ------------------------------------------- the loss at the weighted steps only
@pytest.mark.parametrize("loss, activation", [("squared_error", "identity"),
                                              ("squared_error", "tanh"),
                                              ("cross_entropy", "sigmoid"),
                                              ("cross_entropy", "softmax")])
@pytest.mark.parametrize("pattern", ["last", "one", "sparse", "half", "all"])
def test_readout_loss_at_weighted_steps_equals_loss_and_delta(loss, activation, pattern):
    # BPTT computes the outputs and losses only at the steps with a weight when
    # those are fewer than half; the value and delta must be loss_and_delta's,
    # to the last bit (zeros elsewhere), and the activation must see only them
    from rnnbook.activations import Activation, get_activation
    from rnnbook.losses import _readout_loss_and_delta, loss_and_delta
    rng = np.random.default_rng(7)
    shape = (6, 11, 3)                                   # (B, T, O)
    logits = rng.normal(0.0, 3.0, shape)
    if activation == "softmax":
        targets = np.eye(3)[rng.integers(0, 3, shape[:2])]
    elif loss == "cross_entropy":
        targets = rng.uniform(0, 1, shape)
    else:
        targets = rng.normal(size=shape)
    weights = np.zeros(shape[:2])
    if pattern == "last":
        weights[:, -1] = 1
    elif pattern == "one":
        weights[2, 4] = 1
    elif pattern == "sparse":
        weights[rng.uniform(size=shape[:2]) > 0.8] = 1
    elif pattern == "half":
        weights[:, ::2] = 1
    else:
        weights[:] = 1
    weights /= weights.sum()
    base = get_activation(activation)
    seen = []
    counting = Activation(base.name, lambda a: seen.append(a.size) or base.function(a),
                          base.derivative_from_output, base.output_range)
    want_value, want_delta = loss_and_delta(loss, base, logits, base(logits), targets,
                                            weights)
    value, delta = _readout_loss_and_delta(loss, counting, logits, targets, weights)
    assert value == want_value
    np.testing.assert_array_equal(delta, want_delta)
    used = int(np.count_nonzero(weights))
    assert seen == [used * 3 if 2 * used <= weights.size else logits.size]


def test_readout_loss_at_weighted_steps_checks_targets_as_loss_and_delta():
    # cross-entropy targets outside [0, 1]: ignored at steps of weight 0, refused
    # with loss_and_delta's message (and index) at a weighted step
    from rnnbook.activations import get_activation
    from rnnbook.losses import _readout_loss_and_delta, loss_and_delta
    sigmoid = get_activation("sigmoid")
    logits = np.zeros((4, 9, 2))
    targets = np.full((4, 9, 2), 0.5)
    weights = np.zeros((4, 9))
    weights[:, -1] = 0.25
    targets[1, 3, 0] = 7.0                              # at a step of weight 0
    _readout_loss_and_delta("cross_entropy", sigmoid, logits, targets, weights)
    targets[2, 8, 1] = -1.0                             # at a weighted step
    with pytest.raises(ValueError) as want:
        loss_and_delta("cross_entropy", sigmoid, logits, sigmoid(logits), targets, weights)
    with pytest.raises(ValueError) as got:
        _readout_loss_and_delta("cross_entropy", sigmoid, logits, targets, weights)
    assert str(got.value) == str(want.value) and "(2, 8, 1)" in str(got.value)
