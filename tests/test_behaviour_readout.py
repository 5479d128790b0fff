"""Behaviour of rnnbook.readout pinned against the normal equations written out here."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook import readout


def ridge_by_hand(Z, D, ridge):
    """Minimise |Z W^T + t_o - D|^2 + ridge |W|^2 via the normal equations of [Z, 1]."""
    n, f = Z.shape
    A = np.hstack([Z, np.ones((n, 1))])
    penalty = ridge * np.eye(f + 1)
    penalty[-1, -1] = 0.0                          # the bias is not penalised
    sol = np.linalg.solve(A.T @ A + penalty, A.T @ D)
    return sol[:-1].T, sol[-1]


@pytest.mark.parametrize("solver", ["qr", "cholesky"])
@pytest.mark.parametrize("ridge", [0.0, 1e-3, 2.5])
def test_fit_ridge_equals_the_normal_equations(solver, ridge):
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((40, 5)) + 3.0
    D = rng.standard_normal((40, 2)) - 1.0
    r = readout.fit_ridge(Z, D, ridge, solver=solver)
    W, b = ridge_by_hand(Z, D, ridge)
    assert np.allclose(r.W_or, W, rtol=1e-9, atol=1e-10)
    assert np.allclose(r.t_o, b, rtol=1e-9, atol=1e-10)
    assert np.allclose(r.predict(Z[:3]), Z[:3] @ W.T + b, atol=1e-10)
    # a batch of two problems at once, each as alone
    Z2 = np.stack([Z, Z[::-1] * 0.5])
    D2 = np.stack([D, D ** 2])
    rb = readout.fit_ridge(Z2, D2, ridge, solver=solver)
    for k in range(2):
        W, b = ridge_by_hand(Z2[k], D2[k], ridge)
        assert np.allclose(rb.W_or[k], W, atol=1e-9) and np.allclose(rb.t_o[k], b, atol=1e-9)
    assert np.allclose(rb.predict(Z2[:, :4])[1], Z2[1, :4] @ rb.W_or[1].T + rb.t_o[1])
    # the ridge path gives the same readouts
    path = readout.fit_ridge_path(Z2, D2, [ridge, 10.0])
    assert np.allclose(path[0].W_or, rb.W_or, atol=1e-9)
    W, b = ridge_by_hand(Z2[0], D2[0], 10.0)
    assert np.allclose(path[1].W_or[0], W, atol=1e-9) and np.allclose(path[1].t_o[0], b)


def test_default_ridge_and_one_dimensional_targets():
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((30, 3))
    d = Z @ [1.0, -2.0, 0.5] + 4.0
    r = readout.fit_ridge(Z, d)
    W, b = ridge_by_hand(Z, d[:, None], 1e-8)
    assert r.W_or.shape == (1, 3) and r.t_o.shape == (1,)
    assert np.allclose(r.W_or, W, atol=1e-10) and np.allclose(r.t_o, b, atol=1e-10)


def test_nrmse_over_an_axis():
    rng = np.random.default_rng(2)
    y, d = rng.standard_normal((2, 6, 50))
    for axis in (0, 1, -1):
        want = np.sqrt(np.mean((y - d) ** 2, axis=axis) / np.var(d, axis=axis))
        assert np.allclose(readout.nrmse(y, d, axis=axis), want, rtol=1e-13)
    whole = readout.nrmse(y, d)
    assert isinstance(whole, float)
    assert whole == pytest.approx(np.sqrt(np.mean((y - d) ** 2) / d.var()), rel=1e-13)
    assert readout.nrmse(d, d) == 0.0
    with pytest.raises(ValueError, match="constant"):
        readout.nrmse(y[:, :3], np.ones((6, 3)), axis=1)
    with pytest.raises(ValueError, match="same shape"):
        readout.nrmse(y, d[:, :3])


@pytest.mark.parametrize("call, match", [
    (lambda: readout.fit_ridge(np.ones((1, 2)), np.ones(1)), "2 samples"),
    (lambda: readout.fit_ridge(np.ones((5, 2)), np.ones(4)), "same leading shape"),
    (lambda: readout.fit_ridge(np.ones((5, 2)), np.ones(5), -1.0), "ridge"),
    (lambda: readout.fit_ridge(np.ones((5, 2)), np.ones(5), solver="lu"), "solver"),
    (lambda: readout.fit_ridge_path(np.ones((5, 2)), np.ones(5), []), "ridges"),
    (lambda: readout.Readout(np.ones((1, 3)), np.zeros(1)).predict(np.ones((2, 2))), "features"),
    (lambda: readout.Readout(np.ones((2, 1, 3)), np.zeros((2, 1))).predict(np.ones((3, 4, 3))),
     "features"),
])
def test_readout_errors_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("solver", ["qr", "cholesky", "auto"])
def test_two_samples_are_enough(solver):
    Z = np.array([[1.0, 2.0], [3.0, -1.0]])
    D = np.array([[0.5], [2.0]])
    r = readout.fit_ridge(Z, D, 0.1, solver=solver)
    W, b = ridge_by_hand(Z, D, 0.1)
    assert np.allclose(r.W_or, W, atol=1e-12) and np.allclose(r.t_o, b, atol=1e-12)


@pytest.mark.parametrize("ridges", [1.0, None, "0.1", {0.1: 1}])
def test_fit_ridge_path_refuses_ridges_that_are_not_a_sequence(ridges):
    Z = np.random.default_rng(0).standard_normal((10, 2))
    with pytest.raises(TypeError, match="ridges must be a sequence of non-negative numbers"):
        readout.fit_ridge_path(Z, Z[:, 0], ridges)


@pytest.mark.parametrize("n_samples", [40, 4])       # more and fewer samples than features
def test_fit_ridge_path_on_one_problem_equals_each_ridge_by_hand(n_samples):
    rng = np.random.default_rng(7)
    Z = rng.standard_normal((n_samples, 6)) + 1.0
    D = rng.standard_normal((n_samples, 2))
    for ridge, fitted in zip([1e-6, 0.1, 10.0], readout.fit_ridge_path(Z, D, [1e-6, 0.1, 10.0])):
        W, b = ridge_by_hand(Z, D, ridge)
        np.testing.assert_allclose(fitted.W_or, W, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(fitted.t_o, b, rtol=1e-7, atol=1e-9)
