"""Echo state networks, reservoirs and ridge readouts (rnnbook.esn, rnnbook.readout)."""

import numpy as np
import pytest
import scipy.sparse

from rnnbook import esn
from rnnbook import readout as readout_module
from rnnbook.readout import fit_ridge, fit_ridge_path, nrmse
from rnnbook.sequences import mackey_glass, narma


# ----------------------------------------------------------------- readout
def test_ridge_readout_equals_the_closed_form():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(60, 4))
    D = Z @ rng.normal(size=(4, 2)) + 5.0 + 0.1 * rng.normal(size=(60, 2))
    ridge = 0.7
    Zc, Dc = Z - Z.mean(0), D - D.mean(0)
    W = np.linalg.inv(Zc.T @ Zc + ridge * np.eye(4)) @ Zc.T @ Dc  # the textbook formula
    for solver in ("qr", "cholesky"):
        readout = fit_ridge(Z, D, ridge, solver=solver)
        np.testing.assert_allclose(readout.W_or, W.T, atol=1e-12)
        np.testing.assert_allclose(readout.t_o, D.mean(0) - Z.mean(0) @ W, atol=1e-12)


def _mackey_glass_states(n_units=300, seed=5):
    """Reservoir states of an ESN driven by Mackey-Glass: a realistically
    ill-conditioned readout problem (condition number about 1e6 at ridge 1e-8)."""
    s = mackey_glass(1201)
    s = 2 * (s - s.min()) / (s.max() - s.min()) - 1
    model = esn.EchoStateNetwork.random(n_units, spectral_radius=1.25, density=0.1, leak=0.3,
                                        seed=seed)
    states = model.teacher_forced_states(s[:1200, None], None)
    return states[100:], s[101:1201]


def test_default_readout_is_as_accurate_as_least_squares_at_tiny_ridge():
    """Weights within 1e-6 (relative) of an SVD least-squares solution of the
    stacked problem [Z_c; sqrt(ridge) I] w = [d_c; 0], at ridge 1e-8; the plain
    normal equations (solver="cholesky") are not, so the refinement matters."""
    Z, d = _mackey_glass_states()
    ridge = 1e-8
    Zc, dc = Z - Z.mean(0), d - d.mean()
    n = Z.shape[1]
    stacked = np.vstack([Zc, np.sqrt(ridge) * np.eye(n)])
    want = np.linalg.lstsq(stacked, np.r_[dc, np.zeros(n)], rcond=None)[0]
    cond = np.linalg.cond(stacked)
    assert 1e5 < cond < 1e7       # ill-conditioned, but eps * cond^2 < 1: refinement works

    def rel(readout):
        return np.linalg.norm(readout.W_or[0] - want) / np.linalg.norm(want)

    default = fit_ridge(Z, d, ridge)
    assert rel(default) < 1e-6
    assert rel(fit_ridge(Z, d, ridge, solver="qr")) < 1e-6
    assert rel(fit_ridge(Z, d, ridge, solver="cholesky")) > 1e-6
    assert default.t_o[0] == pytest.approx(d.mean() - Z.mean(0) @ want, abs=1e-8)
    # the default got there by refinement, not by falling back to QR
    refined = readout_module._solve_refined(Zc, dc[:, None], ridge)
    assert refined is not None
    np.testing.assert_array_equal(refined[:, 0], default.W_or[0])


def test_default_readout_falls_back_to_qr_when_refinement_cannot_converge():
    """Two features equal up to 1e-9: eps * cond^2 >> 1, so the normal
    equations cannot be refined; the default then returns exactly QR's answer."""
    rng = np.random.default_rng(6)
    x = rng.normal(size=(200, 3))
    Z = np.column_stack([x, x[:, 0] + 1e-9 * rng.normal(size=200)])
    d = Z @ np.array([1.0, -2.0, 0.5, 1.0]) + 0.01 * rng.normal(size=200)
    Zc, dc = Z - Z.mean(0), d - d.mean()
    assert readout_module._solve_refined(Zc, dc[:, None], 0.0) is None
    auto, qr = fit_ridge(Z, d, 0.0), fit_ridge(Z, d, 0.0, solver="qr")
    np.testing.assert_array_equal(auto.W_or, qr.W_or)
    np.testing.assert_array_equal(auto.t_o, qr.t_o)


def test_default_readout_refines_each_run_of_a_batch():
    Z, d = _mackey_glass_states(n_units=120)
    Z2 = np.stack([Z, Z[:, ::-1]])
    both = fit_ridge(Z2, np.stack([d, d]), 1e-8)
    for r in range(2):
        alone = fit_ridge(Z2[r], d, 1e-8, solver="qr")
        np.testing.assert_allclose(both.W_or[r], alone.W_or, rtol=0, atol=1e-8 *
                                   np.abs(alone.W_or).max())
    np.testing.assert_allclose(both.W_or[1, 0], both.W_or[0, 0, ::-1], rtol=0,
                               atol=1e-8 * np.abs(both.W_or[0]).max())


def test_bias_is_not_penalised():
    """A huge ridge kills the weights but the bias still fits the mean."""
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(50, 3))
    d = 10.0 + Z[:, 0]
    readout = fit_ridge(Z, d, 1e12)
    assert np.abs(readout.W_or).max() < 1e-9
    assert readout.t_o[0] == pytest.approx(d.mean())


def test_batched_readouts_equal_separate_fits():
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(3, 40, 5))
    D = rng.normal(size=(3, 40, 2))
    batched = fit_ridge(Z, D, 0.1)
    for r in range(3):
        alone = fit_ridge(Z[r], D[r], 0.1)
        np.testing.assert_allclose(batched.W_or[r], alone.W_or, atol=1e-12)
        np.testing.assert_allclose(batched.t_o[r], alone.t_o, atol=1e-12)
    np.testing.assert_allclose(batched.predict(Z)[1], alone_predict(Z[1], D[1]), atol=1e-12)


def alone_predict(Z, D):
    return fit_ridge(Z, D, 0.1).predict(Z)


@pytest.mark.parametrize("shape", [(40, 6), (3, 40, 6), (5, 9)])
def test_ridge_path_equals_separate_fits(shape):
    """One QR for all ridges gives what a separate fit per ridge gives
    (also with fewer samples than features, where ridge 0 is left out)."""
    rng = np.random.default_rng(3)
    Z = rng.normal(size=shape) + 2.0
    D = rng.normal(size=shape[:-1] + (2,))
    ridges = [0.0, 1e-6, 0.5, 30.0] if shape[-2] > shape[-1] else [1e-6, 0.5, 30.0]
    path = fit_ridge_path(Z, D, ridges)
    assert len(path) == len(ridges)
    for ridge, readout in zip(ridges, path):
        alone = fit_ridge(Z, D, ridge)
        np.testing.assert_allclose(readout.W_or, alone.W_or, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(readout.t_o, alone.t_o, rtol=1e-9, atol=1e-11)
    # a larger ridge shrinks the weights
    norms = [np.linalg.norm(r.W_or) for r in path]
    assert norms == sorted(norms, reverse=True)


def test_readout_errors():
    with pytest.raises(ValueError, match="ridge"):
        fit_ridge(np.ones((5, 2)), np.ones(5), -1.0)
    with pytest.raises(ValueError, match="solver"):
        fit_ridge(np.ones((5, 2)), np.ones(5), solver="inverse")
    with pytest.raises(ValueError, match="NaN"):
        fit_ridge(np.array([[1.0], [np.nan], [2.0]]), np.ones(3))
    with pytest.raises(ValueError, match="same leading shape"):
        fit_ridge(np.ones((5, 2)), np.ones(4))
    with pytest.raises(ValueError, match="ridge"):
        fit_ridge_path(np.ones((5, 2)), np.ones(5), [0.1, -1.0])
    with pytest.raises(ValueError, match="at least one"):
        fit_ridge_path(np.ones((5, 2)), np.ones(5), [])
    with pytest.raises(ValueError, match="constant"):
        nrmse(np.ones(3), np.ones(3))


# -------------------------------------------------------------- reservoirs
@pytest.mark.parametrize("n_units, density", [(30, 0.3), (300, 0.05)])
def test_spectral_radius_scaling_hits_the_target(n_units, density):
    W = esn.random_reservoir(n_units, 0.85, density=density, seed=3)
    radius = np.max(np.abs(np.linalg.eigvals(W.toarray())))
    assert radius == pytest.approx(0.85, rel=1e-6)
    assert scipy.sparse.issparse(W)
    assert W.nnz == pytest.approx(density * n_units ** 2, rel=0.1)


def test_reservoir_product_equals_scipy_and_dense_products():
    """The direct CSR kernel of the reservoir step gives exactly scipy's W @ x,
    and the dense product up to round-off, for vectors, strided vectors and
    batches of states."""
    W = esn.random_reservoir(200, 0.9, density=0.05, seed=4)
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 1, 200)
    np.testing.assert_array_equal(esn._apply(W, x), W @ x)
    np.testing.assert_allclose(esn._apply(W, x), W.toarray() @ x, rtol=0, atol=1e-14)
    strided = rng.uniform(-1, 1, 400)[::2]
    np.testing.assert_allclose(esn._apply(W, strided), W.toarray() @ strided, atol=1e-14)
    batch = rng.uniform(-1, 1, (3, 5, 200))
    np.testing.assert_allclose(esn._apply(W, batch), batch @ W.toarray().T, atol=1e-14)


def test_deterministic_reservoirs():
    scr = esn.simple_cycle_reservoir(5, 0.7).toarray()
    assert np.allclose(np.abs(np.linalg.eigvals(scr)), 0.7)
    assert np.allclose(scr.sum(axis=0), 0.7) and np.allclose(scr.sum(axis=1), 0.7)
    dlr = esn.delay_line_reservoir(5, 0.7).toarray()
    assert np.allclose(np.linalg.matrix_power(dlr, 5), 0)  # nilpotent: a pure delay line
    dlrb = esn.delay_line_feedback_reservoir(4, 0.7, 0.2).toarray()
    assert np.allclose(np.diag(dlrb, -1), 0.7) and np.allclose(np.diag(dlrb, 1), 0.2)


def test_pi_digits_and_aperiodic_signs():
    assert esn.pi_digits(12).tolist() == [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]
    v = esn.aperiodic_input_weights(6, 1, 0.5)[:, 0]
    assert v.tolist() == [-0.5, -0.5, -0.5, -0.5, 0.5, 0.5]
    # the first 20 digits give ten signs of each kind: the DFT vanishes at 0
    assert esn.min_dft_magnitude(esn.aperiodic_input_weights(20)) < 1e-12
    assert esn.min_dft_magnitude(esn.aperiodic_input_weights(20, start=1)) > 0.1


def test_memory_capacity_of_a_linear_simple_cycle_reservoir():
    n, r = 20, 0.9
    model = esn.EchoStateNetwork(esn.simple_cycle_reservoir(n, r),
                                 esn.aperiodic_input_weights(n, 1, 0.1, start=1),
                                 activation="identity")
    mc = esn.memory_capacity(model, max_delay=3 * n, n_train=20_000, n_test=20_000, seed=0)
    theory = esn.linear_scr_memory_capacity(n, r)
    assert theory == pytest.approx(n - 1 + r ** (2 * n))
    # Reference, independent of the library: delay k = m + qN (m < N) is read
    # from one of N uncorrelated 'slots' with squared correlation
    # a^q (1 - a), a = r^(2N) (tests/test_behaviour_esn.py derives it); summed
    # over k = 1 .. 3N it falls short of the infinite sum by ~6e-5 only.
    q = mc.delays // n
    want = r ** (2 * n * q) * (1 - r ** (2 * n))
    assert abs(want.sum() - theory) < 1e-4
    # Per delay: a squared correlation rho^2 measured on 20000 test steps has a
    # standard deviation ~ 2 rho (1 - rho^2) / sqrt(20000) <= 1.7e-3 at these
    # rho^2 (1 - a, a (1 - a), a^2 (1 - a)), and fitting N + 1 coefficients on
    # 20000 steps lowers it by at most ~1e-3 (prediction noise of variance
    # (1 - rho^2) (N + 1) / 20000): bias + 5 sd < 0.01.
    assert np.all(np.abs(mc.mc_k - want) < 0.01), np.abs(mc.mc_k - want).max()
    # The total: that bias summed, ~ -0.02; the errors of the delays read from
    # one slot are nearly fully correlated, so the sd is up to ~20 * 1.7e-3 +
    # 39 * 2e-4 ~ 0.04 (seeds 0..11 gave mean -0.022, sd 0.029): |bias| + 3 sd.
    assert abs(mc.total - want.sum()) < 0.15
    assert np.all((mc.mc_k >= 0) & (mc.mc_k <= 1 + 1e-12))


def test_tanh_reservoir_remembers_less_than_linear():
    n = 20
    kw = dict(max_delay=60, n_train=5000, n_test=5000, seed=0)
    W_ri = esn.aperiodic_input_weights(n, 1, 1.0, start=1)
    linear = esn.EchoStateNetwork(esn.simple_cycle_reservoir(n, 0.9), W_ri, activation="identity")
    squashed = esn.EchoStateNetwork(esn.simple_cycle_reservoir(n, 0.9), W_ri)
    assert esn.memory_capacity(squashed, **kw).total < esn.memory_capacity(linear, **kw).total


# ------------------------------------------------------------ echo states
def test_echo_state_property_below_radius_one():
    model = esn.EchoStateNetwork.random(50, spectral_radius=0.8, density=0.2, seed=4)
    u = np.random.default_rng(5).uniform(-1, 1, (300, 1))
    assert esn.has_echo_states(model, u, seed=6)
    dist = esn.state_distances(model, u, np.ones(50), -np.ones(50))
    assert dist[-1] < 1e-6 * dist[0]


def test_large_radius_can_lose_echo_states():
    """Not a theorem, but with radius 3 and weak input two starts stay apart."""
    model = esn.EchoStateNetwork.random(50, spectral_radius=3.0, density=0.2,
                                        input_scaling=0.01, seed=4)
    u = np.random.default_rng(5).uniform(-1, 1, (300, 1))
    assert not esn.has_echo_states(model, u, seed=6)


# ---------------------------------------------------------------- running
def test_ensemble_runs_equal_separate_networks():
    ens = esn.EchoStateNetwork.random(15, 2, spectral_radius=0.9, density=0.3, leak=0.5,
                                      bias_scaling=0.1, n_runs=3, seed=7)
    u = np.random.default_rng(8).normal(size=(40, 2))
    states = ens.split_runs(ens.run(u).states)
    W = ens.W_rc.toarray()
    for r in range(3):
        block = slice(15 * r, 15 * (r + 1))
        alone = esn.EchoStateNetwork(W[block, block], ens.W_ri[block], leak=0.5,
                                     t_r=ens.t_r[block])
        np.testing.assert_allclose(states[r], alone.run(u).states, atol=1e-12)
        assert np.allclose(W[block, :][:, np.r_[0:15 * r, 15 * (r + 1):45]], 0)


def test_batch_of_sequences_equals_separate_sequences():
    model = esn.EchoStateNetwork.random(20, spectral_radius=0.9, seed=9)
    u = np.random.default_rng(10).normal(size=(2, 30, 1))
    batch = model.run(u).states
    for b in range(2):
        np.testing.assert_allclose(batch[b], model.run(u[b]).states, atol=1e-12)


def test_step_matches_the_equation():
    model = esn.EchoStateNetwork.random(6, 1, spectral_radius=0.9, density=1.0, leak=0.4,
                                        decay=1.0, bias_scaling=0.3, seed=11)
    x = np.random.default_rng(12).uniform(-1, 1, 6)
    u = np.array([0.3])
    W = model.W_rc.toarray()
    want = 0.6 * x + 0.4 * np.tanh(model.W_ri @ u + W @ x + model.t_r)
    np.testing.assert_allclose(model.step(u, x), want, atol=1e-14)


def test_fit_learns_a_delay_with_input_features():
    rng = np.random.default_rng(13)
    u = rng.uniform(-0.5, 0.5, 1200)
    model = esn.EchoStateNetwork.random(60, spectral_radius=0.8, input_scaling=0.2,
                                        features="ux", seed=14)
    model.fit(u[:1000, None], np.r_[0, 0, u[:998]], washout=50, ridge=1e-8)
    y = model.run(u[:, None]).outputs[1000:, 0]
    assert nrmse(y, u[998:1198]) < 0.05


def test_generation_continues_a_sine():
    t = np.arange(1400)
    d = 0.5 * np.sin(2 * np.pi * t / 25)
    model = esn.EchoStateNetwork.random(80, spectral_radius=0.8, density=0.2,
                                        input_scaling=0.2, feedback_scaling=0.5, seed=15)
    test = esn.free_run_test(model, d, n_train=1000, washout=200, horizon=100, n_tests=2,
                             spacing=100, ridge=1e-8)
    truth = d[test.starts[:, None] + np.arange(1, 101)]
    assert nrmse(test.predictions[0], truth) < 0.05
    assert test.one_step_nrmse[0] < 1e-3
    # the protocol: a free run branches off every `spacing` steps after training,
    # and the error at the horizon is the NRMSE of the last predictions
    np.testing.assert_array_equal(test.starts, [1000 + 99, 1000 + 199])
    at_horizon = test.predictions[0, :, -1] - d[test.starts + 100]
    assert test.nrmse[0] == pytest.approx(np.sqrt(np.mean(at_horizon ** 2) / d.var()),
                                          rel=1e-12)


def _sine_setup(n_runs=1, seed=15):
    t = np.arange(4000)
    d = 0.5 * np.sin(2 * np.pi * t / 25) * np.cos(2 * np.pi * t / 170)
    model = esn.EchoStateNetwork.random(60, spectral_radius=0.8, density=0.2,
                                        input_scaling=0.2, feedback_scaling=0.5,
                                        n_runs=n_runs, seed=seed)
    return model, d


def test_free_run_test_chooses_each_runs_ridge_on_validation():
    model, d = _sine_setup(n_runs=3)
    ridges = [1e-1, 1e-9, 1e-4]
    protocol = dict(n_train=1500, washout=200, horizon=60, n_tests=4, n_valid=4,
                    spacing=150)
    test = esn.free_run_test(model, d, ridge=ridges, **protocol)
    assert test.valid_nrmse.shape == (3, 3)
    np.testing.assert_array_equal(test.ridge,
                                  np.asarray(ridges)[test.valid_nrmse.argmin(axis=0)])
    assert not np.all(test.ridge == 1e-1)
    # each candidate's validation error is the test error of a network trained
    # with that ridge alone and tested at the validation starts (n_valid = 0)
    for i, ridge in enumerate(ridges):
        plain_model, _ = _sine_setup(n_runs=3)
        plain = esn.free_run_test(plain_model, d, ridge=ridge,
                                  **dict(protocol, n_valid=0, n_tests=4))
        np.testing.assert_allclose(test.valid_nrmse[i], plain.nrmse, rtol=1e-6)
    # the test starts follow the validation stretch
    assert test.starts[0] == 1500 + 4 * 150 + 149
    # each run's result equals a run with its chosen ridge alone
    for r in range(3):
        alone_model, _ = _sine_setup(n_runs=3)
        alone = esn.free_run_test(alone_model, d, ridge=test.ridge[r], **protocol)
        assert alone.nrmse[r] == pytest.approx(test.nrmse[r], rel=1e-6)
        np.testing.assert_allclose(alone.predictions[r], test.predictions[r], atol=1e-9)
    # every candidate's test error is that of the candidate alone, bit for bit
    # (the same QR, the same readout); the chosen ones are the reported errors
    assert test.test_nrmse.shape == (3, 3)
    for i, ridge in enumerate(ridges):
        alone_model, _ = _sine_setup(n_runs=3)
        alone = esn.free_run_test(alone_model, d, ridge=ridge, **protocol)
        np.testing.assert_array_equal(test.test_nrmse[i], alone.nrmse)
        assert alone.test_nrmse is None and alone.valid_nrmse is None
    pick = [ridges.index(r) for r in test.ridge]
    np.testing.assert_array_equal(test.test_nrmse[pick, np.arange(3)], test.nrmse)


def test_free_run_test_errors_in_original_coordinates():
    model, d = _sine_setup()
    protocol = dict(n_train=1500, washout=200, horizon=40, n_tests=3, spacing=100,
                    ridge=1e-8)
    plain = esn.free_run_test(model, d, **protocol)
    same = esn.free_run_test(model, d, inverse=lambda y: y, **protocol)
    np.testing.assert_allclose(same.nrmse, plain.nrmse, rtol=1e-12)
    # an affine map scales errors and standard deviation alike
    affine = esn.free_run_test(model, d, inverse=lambda y: 3.0 * y - 2.0, **protocol)
    np.testing.assert_allclose(affine.nrmse, plain.nrmse, rtol=1e-9)
    np.testing.assert_allclose(affine.one_step_nrmse, plain.one_step_nrmse, rtol=1e-9)
    # a nonlinear one: by hand from the predictions
    cubed = esn.free_run_test(model, d, inverse=lambda y: y ** 3, **protocol)
    err = cubed.predictions[0, :, -1] ** 3 - d[cubed.starts + 40] ** 3
    assert cubed.nrmse[0] == pytest.approx(np.sqrt(np.mean(err ** 2) / np.var(d ** 3)))


def test_free_run_test_errors():
    model, d = _sine_setup()
    protocol = dict(n_train=1500, washout=200, horizon=40, n_tests=3, spacing=100)
    with pytest.raises(ValueError, match="n_valid"):
        esn.free_run_test(model, d, ridge=[1e-8, 1e-4], **protocol)
    with pytest.raises(ValueError, match="n_valid"):
        esn.free_run_test(model, d, n_valid=-1, **protocol)
    with pytest.raises(ValueError, match="too short"):
        esn.free_run_test(model, d, n_valid=30, **protocol)
    with pytest.raises(ValueError, match="inverse"):
        esn.free_run_test(model, d, inverse=lambda y: y[:-1], **protocol)
    with pytest.raises(ValueError, match="ridge"):
        esn.free_run_test(model, d, ridge=-1.0, **protocol)


def test_long_teacher_forced_run_matches_the_equation():
    """The harvest works in blocks of steps; every step still follows the equation."""
    model, d = _sine_setup(n_runs=2)
    u = np.full((1200, 1), 0.2)  # more steps than one block of 120 units holds
    states = model.teacher_forced_states(u, d[:1200, None])
    W, W_rf = model.W_rc.toarray(), model.W_rf.toarray()
    x = np.zeros(model.n_states)
    for t in range(1200):
        fed = np.tile(d[t - 1:t] if t else [0.0], 2)
        x = 0.0 * x + np.tanh(model.W_ri @ u[t] + W @ x + W_rf @ fed + model.t_r)
        if t in (0, 545, 546, 1199):
            np.testing.assert_allclose(states[t], x, atol=1e-12)
    noisy = [model.teacher_forced_states(u, d[:1200, None], noise=1e-3, seed=s)
             for s in (1, 1, 2)]
    np.testing.assert_array_equal(noisy[0], noisy[1])
    assert 0 < np.abs(noisy[0] - states).max() < 1e-2
    assert np.abs(noisy[0] - noisy[2]).max() > 0


def test_grid_search_chooses_on_validation_and_tests_once():
    u, y = narma(1400, 10, seed=17)
    u = u[:, None]
    calls = []

    def make(radius, scale):
        calls.append((radius, scale))
        return esn.EchoStateNetwork.random(30, spectral_radius=radius, density=0.3,
                                           input_scaling=scale, n_runs=2, seed=18)

    grid = {"radius": [0.3, 0.9], "scale": [0.1, 1.0]}
    ridges = (1e-8, 1.0)
    result = esn.grid_search(make, grid, u, y, n_train=800, n_valid=300, washout=100,
                             ridges=ridges)
    assert len(calls) == 4 and len(result.tried) == 8
    best = min(result.tried, key=lambda row: row[2])
    assert (result.params, result.ridge) == (best[0], best[1])
    assert result.valid_error.mean() == pytest.approx(best[2])
    # the chosen setting by hand: fit on the training stretch, score the test stretch
    model = make(**result.params)
    model.fit(u[:800], y[:800], washout=100, ridge=result.ridge)
    pred = model.split_runs(model.run(u).outputs)[..., 0]
    test = slice(1100, 1400)
    want = ((pred[:, test] - y[test]) ** 2).mean(axis=-1) / y[test].var()
    np.testing.assert_allclose(result.test_error, want, rtol=1e-7)
    with pytest.raises(ValueError, match="test stretch"):
        esn.grid_search(make, grid, u, y, n_train=800, n_valid=600, washout=100)


def test_feedback_run_needs_a_readout():
    model = esn.EchoStateNetwork.random(10, density=0.5, feedback_scaling=0.5, seed=16)
    with pytest.raises(ValueError, match="readout"):
        model.run(np.zeros((5, 1)))


# ----------------------------------------------------------------- errors
def test_clear_errors():
    with pytest.raises(ValueError, match="spectral_radius must be positive"):
        esn.random_reservoir(10, 0.0)
    with pytest.raises(ValueError, match="spectral_radius must be positive"):
        esn.EchoStateNetwork.random(10, spectral_radius=-1.0)
    for leak in (0.0, 1.5, -0.2):
        with pytest.raises(ValueError, match="leak must be in"):
            esn.EchoStateNetwork.random(10, leak=leak)
    model = esn.EchoStateNetwork.random(10, density=0.5, seed=0)
    with pytest.raises(ValueError, match="washout"):
        model.fit(np.zeros((20, 1)), np.zeros(20), washout=20)
    with pytest.raises(ValueError, match="washout"):
        model.fit(np.zeros((20, 1)), np.zeros(20), washout=25)
    with pytest.raises(ValueError, match="NaN"):
        model.run(np.array([[0.1], [np.nan]]))
    with pytest.raises(ValueError, match="NaN"):
        model.fit(np.array([[0.1], [np.nan], [0.2]]), np.zeros(3), washout=0)
    with pytest.raises(ValueError, match="density"):
        esn.random_reservoir(10, 0.9, density=0.0)
    with pytest.raises(ValueError, match="activation"):
        esn.EchoStateNetwork(np.eye(3), np.ones((3, 1)), activation="relu")
    with pytest.raises(ValueError, match="n_runs"):
        esn.EchoStateNetwork(np.eye(3), np.ones((3, 1)), n_runs=2)


# ------------------------------------------------------------- generators
def test_mackey_glass_is_bounded_and_deterministic():
    a = mackey_glass(500)
    assert np.array_equal(a, mackey_glass(500))
    assert 0.2 < a.min() and a.max() < 1.5 and a.std() > 0.1
    with pytest.raises(ValueError, match="whole number"):
        mackey_glass(10, dt=0.3)


def test_narma_recursion():
    u, y = narma(50, 10, seed=0)
    y_prev = np.r_[0.0, y]
    t = 20
    want = (0.3 * y_prev[t] + 0.05 * y_prev[t] * y_prev[t - 9:t + 1].sum()
            + 1.5 * u[t - 9] * u[t] + 0.1)
    assert y[t] == pytest.approx(want)
    assert np.all((u >= 0) & (u <= 0.5))


def test_has_echo_states_checks_tol_and_n_pairs():
    """A NaN tol made every comparison False, so the check passed any network."""
    model = esn.EchoStateNetwork.random(20, spectral_radius=3.0, density=0.2,
                                        input_scaling=0.01, seed=4)
    u = np.random.default_rng(5).uniform(-1, 1, (50, 1))
    for bad in (np.nan, np.inf, 0.0, -1e-6):
        with pytest.raises(ValueError, match="tol"):
            esn.has_echo_states(model, u, tol=bad, seed=6)
    with pytest.raises(TypeError, match="tol"):
        esn.has_echo_states(model, u, tol="1e-6", seed=6)
    with pytest.raises(ValueError, match="n_pairs"):
        esn.has_echo_states(model, u, n_pairs=0, seed=6)
    with pytest.raises(TypeError, match="n_pairs"):
        esn.has_echo_states(model, u, n_pairs=2.0, seed=6)


# ------------------------------------------- free_run_test, a piece at a time
def _feedback_network(n_runs=2, seed=21):
    return esn.EchoStateNetwork.random(40, spectral_radius=0.8, density=0.2, input_scaling=0.2,
                                       feedback_scaling=0.5, n_runs=n_runs,
                                       seed=seed)


def test_forced_pieces_give_the_states_of_one_call():
    """Each piece starts from the last state and teacher value of the one before, and
    the state noise continues one stream: the states of one call, whatever the cuts."""
    model, d = _feedback_network(), np.sin(np.arange(300) / 7.0)[:, None]
    u = np.full((300, 1), 0.2)
    whole = model.teacher_forced_states(u, d, noise=1e-3, seed=5)
    for bounds in ([0, 300], [0, 1, 2, 150, 300], list(range(0, 300, 7)) + [300]):
        pieces = list(esn._forced_pieces(model, u, d, bounds, noise=1e-3, seed=5))
        assert [first for first, _ in pieces] == bounds[:-1]
        np.testing.assert_array_equal(np.concatenate([s for _, s in pieces]), whole)
    # a continuation from a state and a last teacher value, without noise
    x0 = whole[99]
    rest = model.teacher_forced_states(u[100:], d[100:], x0, y0=d[99])
    pieces = esn._forced_pieces(model, u[100:], d[100:], [0, 13, 50, 200], x0=x0, y0=d[99])
    np.testing.assert_array_equal(np.concatenate([s for _, s in pieces]), rest)


@pytest.mark.parametrize("noise", [0.0, 1e-4])
def test_free_run_test_does_not_depend_on_the_piece_size(monkeypatch, noise):
    t = np.arange(2000)
    d = 0.5 * np.sin(2 * np.pi * t / 25) * np.cos(2 * np.pi * t / 170)
    protocol = dict(n_train=900, washout=150, horizon=30, n_tests=3, n_valid=2, spacing=110,
                    ridge=[1e-9, 1e-5], noise=noise, seed=8)
    whole = esn.free_run_test(_feedback_network(), d, **protocol)
    monkeypatch.setattr(esn, "_PIECE_ENTRIES", 7 * 80)     # 7 steps of 2 x 40 states
    pieces = esn.free_run_test(_feedback_network(), d, **protocol)
    for name, value in whole._asdict().items():
        np.testing.assert_allclose(getattr(pieces, name), value, rtol=1e-10, atol=0,
                                   err_msg=name)


def test_free_run_test_never_holds_every_steps_states():
    """Chapter 9's ensemble has 8000 states; all 9000 steps' states took 576 MB.
    Here all states take 24 MB; the test keeps less than half of that at any time."""
    import tracemalloc

    t = np.arange(8100)
    d = 0.5 * np.sin(2 * np.pi * t / 25) * np.cos(2 * np.pi * t / 170)
    model = esn.EchoStateNetwork.random(100, spectral_radius=0.8, density=0.2,
                                        input_scaling=0.2, feedback_scaling=0.5, n_runs=4,
                                        seed=3)
    every_state = 8000 * model.n_states * 8
    tracemalloc.start()
    try:
        esn.free_run_test(model, d, n_train=2000, washout=1500, horizon=20, n_tests=10,
                          n_valid=5, spacing=400, ridge=[1e-8, 1e-6])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < every_state / 2


@pytest.mark.parametrize("fit", [
    lambda Z, D: fit_ridge(Z, D, 1e-6),
    lambda Z, D: fit_ridge(Z, D, 1e-6, solver="qr"),
    lambda Z, D: fit_ridge_path(Z, D, [1e-8, 1e-6, 1e-4])], ids=["auto", "qr", "path"])
def test_readouts_of_an_ensemble_are_fitted_one_run_at_a_time(fit):
    """The features of an ensemble can take hundreds of MB (chapter 9: 128 MB); the
    fit centres and factors one run at a time, never a copy of every run's data.
    The result is each run's readout fitted alone."""
    import tracemalloc

    rng = np.random.default_rng(4)
    Z, D = rng.normal(size=(32, 800, 40)), rng.normal(size=(32, 800, 1))
    tracemalloc.start()
    try:
        fitted = fit(Z, D)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < Z.nbytes / 4
    for one in (fitted if isinstance(fitted, list) else [fitted]):
        assert one.W_or.shape == (32, 1, 40) and one.t_o.shape == (32, 1)
    alone = fit(Z[5], D[5])
    for one, by_itself in zip(fitted if isinstance(fitted, list) else [fitted],
                              alone if isinstance(alone, list) else [alone]):
        np.testing.assert_allclose(one.W_or[5], by_itself.W_or, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(one.t_o[5], by_itself.t_o, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("n_runs, features", [(1, "x"), (3, "ux")])
def test_run_of_a_large_batch_equals_stepping(n_runs, features):
    """StateSpaceModel.run computes the drive of a large batch a block of steps at a
    time (memory); an ESN's states and outputs are still those of x(t) = f(u(t), x(t-1))
    step by step, with the readout of each step's features."""
    model = esn.EchoStateNetwork.random(150, 2, spectral_radius=0.9, bias_scaling=0.3,
                                        leak=0.6, features=features, n_runs=n_runs, seed=9)
    u = np.random.default_rng(2).uniform(-1, 1, (40, 200, 2))
    assert 40 * 200 * model.n_states > 2 ** 20                 # the blocked case
    model.fit(u, u[..., 0] * u[..., 1], washout=20)
    got = model.run(u)
    x = np.zeros((40, model.n_states))
    for t in range(200):
        x = model.step(u[:, t], x)
        np.testing.assert_allclose(got.states[:, t], x, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(got.outputs, model.predict(u, got.states), rtol=1e-13,
                               atol=1e-15)


@pytest.mark.parametrize("n_inputs", [1, 3])
def test_input_drive_of_a_batch_is_the_product_with_the_input_weights(n_inputs):
    """One input: each entry is one product (computed by broadcasting, as np.dot of a
    batch is slow); several: a dot product. Both equal W_ri u + t_r step by step."""
    model = esn.EchoStateNetwork.random(50, n_inputs, bias_scaling=0.5, seed=3)
    u = np.random.default_rng(1).normal(size=(4, 7, n_inputs))
    drive = model.input_drive(u)
    assert drive.shape == (4, 7, 50)
    for b in range(4):
        for t in range(7):
            want = model.W_ri @ u[b, t] + model.t_r
            if n_inputs == 1:
                np.testing.assert_array_equal(drive[b, t], want)
            else:
                np.testing.assert_allclose(drive[b, t], want, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("runs", [None, 2])
def test_ridge_path_on_an_ill_conditioned_problem_is_least_squares(runs):
    # reservoir-like features, condition number about 1e9: the path's small
    # triangular QR (LAPACK dtpqrt) gives the weights of a general QR of the
    # whole augmented problem, and both are the least-squares solution to
    # what the conditioning allows (an SVD-based reference)
    rng = np.random.default_rng(11)
    n, p = 600, 60
    U, _ = np.linalg.qr(rng.normal(size=(n, p)))
    V, _ = np.linalg.qr(rng.normal(size=(p, p)))
    Z = (U * np.logspace(0, -9, p)) @ V.T + 0.3
    D = Z[:, :3].sum(axis=1, keepdims=True) + 0.01 * rng.normal(size=(n, 1))
    if runs:
        Z, D = np.stack([Z, Z[::-1]]), np.stack([D, -D[::-1]])
    ridges = [0.0, 1e-12, 1e-8, 1e-2]
    for ridge, path in zip(ridges, fit_ridge_path(Z, D, ridges)):
        alone = fit_ridge(Z, D, ridge, solver="qr")
        # two QRs of a problem this badly conditioned agree to its condition
        # number times the rounding (at ridge 0: weights near 1e6, 1e-7 apart)
        assert (np.linalg.norm(path.W_or - alone.W_or)
                <= 1e-6 * np.linalg.norm(alone.W_or)), ridge
        for k in range(runs or 1):
            z, d = (Z[k], D[k]) if runs else (Z, D)
            zc, dc = z - z.mean(0), d - d.mean(0)
            aug = np.vstack([zc, np.sqrt(ridge) * np.eye(p)])
            ref = np.linalg.lstsq(aug, np.vstack([dc, np.zeros((p, 1))]), rcond=None)[0]
            w = path.W_or[k] if runs else path.W_or
            assert np.linalg.norm(w.T - ref) <= 1e-6 * np.linalg.norm(ref), ridge
