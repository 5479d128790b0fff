"""Behaviour of rnnbook.esn pinned against closed forms and hand-written loops.

The memory capacity of a linear simple cycle reservoir is compared delay by
delay with its closed form; teacher-forced harvesting, free generation,
closed-loop generation, prediction and state distances with the update
equation of the module docstring written out step by step here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnbook import esn, sequences


def scr_mc_k(n_units, r, delays):
    """MC_k of a linear SCR (input signs with no zero in their DFT, i.i.d. input).

    The state is an invertible linear image of N uncorrelated 'slots'
    s_m(t) = sum_q r^(m + qN) u(t - m - qN), m = 0 .. N-1; u(t - k) with
    k = m + qN is reconstructed best from slot m alone, with squared
    correlation r^(2qN) (1 - r^(2N)). Summed over k >= 1: N - 1 + r^(2N).
    """
    q = np.asarray(delays) // n_units
    return r ** (2 * q * n_units) * (1 - r ** (2 * n_units))


def linear_scr(n_units, r, start=7):
    v = esn.aperiodic_input_weights(n_units, 1, 0.5, start=start)
    assert esn.min_dft_magnitude(v) > 0.1
    return esn.EchoStateNetwork(esn.simple_cycle_reservoir(n_units, r), v,
                                activation="identity")


def test_memory_capacity_per_delay_equals_the_closed_form():
    """memory_capacity measures every delay 1 .. max_delay, the longest included
    (14 > 2N here, so the slots' second and third rounds are probed), and each
    MC_k equals the closed form within its sampling error; the total is their sum."""
    n_units, r = 6, 0.8
    model = linear_scr(n_units, r)
    mc = esn.memory_capacity(model, max_delay=14, n_train=6000, n_test=6000, washout=200,
                             seed=0)
    assert mc.delays.tolist() == list(range(1, 15))
    want = scr_mc_k(n_units, r, mc.delays)
    # sampling error of a squared correlation from 6000 test steps: a few 1e-3
    assert np.all(np.abs(mc.mc_k - want) < 0.012), (mc.mc_k, want)
    assert mc.total == pytest.approx(mc.mc_k.sum(), rel=1e-12)
    theory = esn.linear_scr_memory_capacity(n_units, r)
    assert theory == pytest.approx(n_units - 1 + r ** (2 * n_units), rel=1e-15)
    assert abs(mc.total - want.sum()) < 0.05
    # the closed form summed to infinity
    assert scr_mc_k(n_units, r, np.arange(1, 2000)).sum() == pytest.approx(theory, rel=1e-12)


def test_memory_capacity_uses_the_model_dynamics_with_decay():
    """A leaky-integrator ESN (decay != 1) must be probed with its own update.

    With leak 1 and decay 0.5 the linear network is x(t) = 0.5 x(t-1) + W x(t-1)
    + v u(t); its capacity follows from the states of model.run.

    (A probe network built without ``decay=model.decay`` measures the plain
    network x(t) = W x(t-1) + v u(t) instead: MC_k ~ 1 here, not 0.95, 0.57, 0.44.)
    """
    n_units = 5
    W = esn.simple_cycle_reservoir(n_units, 0.4)
    v = esn.aperiodic_input_weights(n_units, 1, 0.5)
    model = esn.EchoStateNetwork(W, v, activation="identity", leak=1.0, decay=0.5)
    mc = esn.memory_capacity(model, max_delay=3, n_train=3000, n_test=3000, washout=100,
                             seed=1)
    rng = np.random.default_rng(1)
    u = rng.uniform(-0.5, 0.5, 100 + 3 + 6000)
    states = model.run(u[:, None]).states
    want = []
    for k in (1, 2, 3):
        z = states[103:]
        target = u[103 - k: u.size - k]
        coef = np.linalg.lstsq(np.column_stack([np.ones(len(z[:3000])), z[:3000]]),
                               target[:3000], rcond=None)[0]
        pred = np.column_stack([np.ones(3000), z[3000:]]) @ coef
        want.append(np.corrcoef(pred, target[3000:])[0, 1] ** 2)
    assert np.allclose(mc.mc_k, want, atol=1e-6)


def hand_update(model, W, W_ri, t_r, x, u_t, fed=None, W_rf=None):
    pre = W @ x + W_ri @ u_t + t_r
    if fed is not None:
        pre = pre + W_rf @ fed
    f = np.tanh(pre) if model.activation == "tanh" else pre
    return (1 - model.leak * model.decay) * x + model.leak * f


@pytest.fixture(scope="module")
def feedback_model():
    return esn.EchoStateNetwork.random(150, 2, spectral_radius=0.8, density=0.1, leak=0.7,
                                       bias_scaling=0.2, feedback_scaling=0.6, n_outputs=2,
                                       seed=3)


def test_teacher_forced_batches_follow_the_equation(feedback_model):
    """x(t) sees d(t-1), d(-1) = y0 (0 by default); several blocks of steps, a batch."""
    model = feedback_model
    W, W_rf = model.W_rc.toarray(), model.W_rf.toarray()
    rng = np.random.default_rng(0)
    B, T = 3, 250                                # 2**16 // (150 * 3) = 145 steps per block
    u = rng.uniform(-1, 1, (B, T, 2))
    d = rng.uniform(-1, 1, (B, T, 2))
    x0 = rng.uniform(-0.5, 0.5, (B, 150))
    y0 = np.array([0.3, -0.2])
    got = model.teacher_forced_states(u, d, x0, y0=y0)
    assert got.shape == (B, T, 150)
    for b in range(B):
        x = x0[b]
        for t in range(T):
            fed = y0 if t == 0 else d[b, t - 1]
            x = hand_update(model, W, model.W_ri, model.t_r, x, u[b, t], fed, W_rf)
            assert np.allclose(got[b, t], x, atol=1e-12), (b, t)
    single = model.teacher_forced_states(u[1], d[1], x0[1])   # y0 = 0 by default
    x = hand_update(model, W, model.W_ri, model.t_r, x0[1], u[1, 0], np.zeros(2), W_rf)
    assert np.allclose(single[0], x, atol=1e-13)
    assert not np.allclose(single[0], got[1, 0])


def test_teacher_forcing_noise_is_seeded_and_bounded(feedback_model):
    model = esn.EchoStateNetwork.random(20, 1, leak=1.0, activation="identity",
                                        feedback_scaling=0.5, seed=1)
    u = np.zeros((30, 1))
    d = np.zeros((30, 1))
    x0 = np.zeros(20)
    a = model.teacher_forced_states(u, d, x0, noise=0.1, seed=4)
    b = model.teacher_forced_states(u, d, x0, noise=0.1, seed=4)
    assert np.array_equal(a, b)
    # the first step is pure noise: uniform on [-0.1, 0.1] (identity f, zero input)
    first = model.teacher_forced_states(np.zeros((4000, 1)), np.zeros((4000, 1)),
                                        np.zeros(20), noise=0.1, seed=5)[0]
    assert np.all(np.abs(a[0]) <= 0.1) and np.abs(a[0]).max() > 0.03
    assert np.allclose(model.teacher_forced_states(u, d, x0), 0.0)
    assert abs(first.std() - 0.1 / math.sqrt(3)) < 0.03


def test_predict_applies_the_readout_to_inputs_and_states():
    model = esn.EchoStateNetwork.random(8, 2, n_runs=2, n_outputs=3, features="ux", seed=2)
    rng = np.random.default_rng(1)
    u = rng.standard_normal((300, 2))
    model.fit(u, rng.standard_normal((300, 3)), washout=10, ridge=1e-3)
    states = rng.standard_normal((5, 16))
    uu = rng.standard_normal((5, 2))
    got = model.predict(uu, states)
    assert got.shape == (5, 6)
    for r in range(2):
        z = np.hstack([uu, states[:, 8 * r: 8 * r + 8]])
        want = z @ model.W_or[r].T + model.t_o[r]
        assert np.allclose(got[:, 3 * r: 3 * r + 3], want, atol=1e-12)
    traj = model.run(u[:20])
    assert np.allclose(traj.outputs, model.predict(u[:20], traj.states), atol=1e-12)


def test_closed_loop_feeds_the_output_back_as_input():
    model = esn.EchoStateNetwork.random(30, 1, spectral_radius=0.8, input_scaling=0.5,
                                        features="ux", seed=5)
    t = np.arange(1200)
    series = np.sin(2 * np.pi * t / 40)
    model.fit(series[:-1, None], series[1:], washout=100, ridge=1e-9)
    states = model.run(series[:1000, None]).states
    out = esn.closed_loop(model, states[-1], series[1000], 30)
    assert out.shape == (30, 1)
    W = model.W_rc.toarray()
    x, y = states[-1], np.array([series[1000]])
    for k in range(30):
        x = np.tanh(W @ x + model.W_ri @ y + model.t_r)
        y = model.W_or[0] @ np.concatenate([y, x]) + model.t_o[0]
        assert np.allclose(out[k], y, atol=1e-12)
    # output k predicts series[1000 + k + 1]: a good predictor stays on the sine
    assert np.max(np.abs(out[:, 0] - series[1001:1031])) < 0.05


def test_generate_and_state_distances_follow_the_equation(feedback_model):
    model = feedback_model
    W, W_rf = model.W_rc.toarray(), model.W_rf.toarray()
    rng = np.random.default_rng(2)
    u = rng.uniform(-1, 1, (400, 2))
    d = np.column_stack([np.sin(np.arange(400) / 7), np.cos(np.arange(400) / 11)])
    model.fit(u, d, washout=50, ridge=1e-6)
    x_last = model.teacher_forced_states(u[:100], d[:100])[-1]
    gen = model.generate(u[100:110], x_last, d[99])
    assert gen.shape == (1, 10, 2)
    x, y = x_last, d[99]
    for k in range(10):
        x = hand_update(model, W, model.W_ri, model.t_r, x, u[100 + k], y, W_rf)
        y = model.W_or[0] @ x + model.t_o[0]
        assert np.allclose(gen[0, k], y, atol=1e-10)
    # state distances of a free run from two initial states
    a, b = rng.uniform(-1, 1, (2, 150))
    dist = esn.state_distances(model, u[:25], a, b)
    xa, xb = a, b
    for k in range(25):
        ya, yb = model.W_or[0] @ xa + model.t_o[0], model.W_or[0] @ xb + model.t_o[0]
        xa = hand_update(model, W, model.W_ri, model.t_r, xa, u[k], ya, W_rf)
        xb = hand_update(model, W, model.W_ri, model.t_r, xb, u[k], yb, W_rf)
        assert dist[k] == pytest.approx(np.linalg.norm(xa - xb), rel=1e-9)


def test_deterministic_reservoirs_and_input_signs():
    assert esn.pi_digits(12).tolist() == [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]
    v = esn.aperiodic_input_weights(4, 2, 0.25, start=3)      # digits 1 5 9 2 6 5 3 5
    assert v.tolist() == [[-0.25, 0.25], [0.25, -0.25], [0.25, 0.25], [-0.25, 0.25]]
    scr = esn.simple_cycle_reservoir(4, 0.7).toarray()
    assert np.array_equal(scr, 0.7 * np.roll(np.eye(4), 1, axis=0))
    dl = esn.delay_line_reservoir(4, 0.7).toarray()
    assert np.array_equal(dl, 0.7 * np.eye(4, k=-1))
    dlb = esn.delay_line_feedback_reservoir(4, 0.7, 0.2).toarray()
    assert np.array_equal(dlb, 0.7 * np.eye(4, k=-1) + 0.2 * np.eye(4, k=1))
    assert esn.spectral_radius(scr) == pytest.approx(0.7, rel=1e-12)
    assert esn.min_dft_magnitude([1.0, 1.0, -1.0, -1.0]) == pytest.approx(0.0, abs=1e-12)
    assert esn.min_dft_magnitude([1.0, 1.0, 1.0, -1.0]) == pytest.approx(2.0, rel=1e-12)


def test_random_weights_density_and_range():
    W = esn.random_input_weights(400, 3, 0.5, density=0.25, seed=0)
    nz = W[W != 0]
    assert abs(nz.size / W.size - 0.25) < 4 * math.sqrt(0.25 * 0.75 / W.size)
    assert np.abs(nz).max() <= 0.5 and abs(np.abs(nz).mean() - 0.25) < 0.02
    signs = esn.random_input_weights(50, 1, 0.3, distribution="sign", seed=0)
    assert set(np.unique(signs)) == {-0.3, 0.3}
    R = esn.random_reservoir(200, 0.95, density=0.05, seed=1)
    assert abs(R.nnz / 200 ** 2 - 0.05) < 4 * math.sqrt(0.05 * 0.95) / 200
    dense = R.toarray()
    assert np.max(np.abs(np.linalg.eigvals(dense))) == pytest.approx(0.95, rel=1e-8)


def test_grid_search_chooses_by_validation_error_not_test_error():
    """The test stretch has other targets (noise): its errors are large, and a
    choice that looked at them would differ from the validation choice."""
    rng = np.random.default_rng(4)
    u = rng.uniform(-1, 1, (700, 1))
    d = np.r_[0.0, u[:-1, 0]]                     # the previous input ...
    d[500:] = rng.uniform(-1, 1, 200)             # ... except on the test stretch

    def make(radius):
        return esn.EchoStateNetwork.random(20, 1, spectral_radius=radius, seed=1)

    result = esn.grid_search(make, {"radius": [0.5, 0.9]}, u, d, n_train=400, n_valid=100,
                             washout=50, ridges=(1e-8, 1e4))
    by_hand = []
    for radius in (0.5, 0.9):
        model = make(radius)
        states = model.run(u).states
        for ridge in (1e-8, 1e4):
            r = esn.fit_ridge(states[50:400], d[50:400], ridge)
            y = r.predict(states)[:, 0]
            valid = np.mean((y[400:500] - d[400:500]) ** 2) / d[400:500].var()
            test = np.mean((y[500:] - d[500:]) ** 2) / d[500:].var()
            by_hand.append(({"radius": radius}, ridge, valid, test))
    best = min(by_hand, key=lambda row: row[2])
    assert result.params == best[0] and result.ridge == best[1]
    assert result.valid_error[0] == pytest.approx(best[2], rel=1e-6)
    assert result.test_error[0] == pytest.approx(best[3], rel=1e-6)
    assert [t[2] for t in result.tried] == pytest.approx([row[2] for row in by_hand], rel=1e-6)
    assert best[3] > 1.5 * max(row[2] for row in by_hand)     # the premise of the test
    # with input features [u; x] the readout sees the training inputs too
    ux = esn.grid_search(lambda: esn.EchoStateNetwork.random(20, 1, features="ux", seed=1),
                         {}, u, d, n_train=400, n_valid=100, washout=50, ridges=(1e-8,))
    states = esn.EchoStateNetwork.random(20, 1, seed=1).run(u).states
    z = np.hstack([u, states])
    r = esn.fit_ridge(z[50:400], d[50:400], 1e-8)
    y = r.predict(z)[:, 0]
    want = np.mean((y[400:500] - d[400:500]) ** 2) / d[400:500].var()
    assert ux.valid_error[0] == pytest.approx(want, rel=1e-6)


def test_free_run_test_says_how_long_the_series_must_be():
    model = esn.EchoStateNetwork.random(10, 1, feedback_scaling=0.5, seed=0)
    with pytest.raises(ValueError, match=r"spacing \+ horizon = 460 values; got 459"):
        esn.free_run_test(model, np.zeros(459), n_train=200, washout=10, horizon=60,
                          n_tests=4, spacing=50)


def test_teacher_forced_states_accept_lists():
    model = esn.EchoStateNetwork.random(6, 1, feedback_scaling=0.5, seed=0)
    u, d = [[0.1], [0.2], [-0.3]], [[0.5], [0.0], [1.0]]
    assert np.array_equal(model.teacher_forced_states(u, d),
                          model.teacher_forced_states(np.array(u), np.array(d)))


def test_teacher_forced_states_take_a_scalar_y0_for_one_output():
    model = esn.EchoStateNetwork.random(20, 1, spectral_radius=0.8, feedback_scaling=0.6,
                                        n_outputs=1, seed=4)
    W, W_rf = model.W_rc.toarray(), model.W_rf.toarray()
    rng = np.random.default_rng(1)
    u, d = rng.uniform(-1, 1, (5, 1)), rng.uniform(-1, 1, (5, 1))
    x0 = rng.uniform(-0.5, 0.5, 20)
    got = model.teacher_forced_states(u, d, x0, y0=0.4)
    x = hand_update(model, W, model.W_ri, model.t_r, x0, u[0], np.array([0.4]), W_rf)
    assert np.allclose(got[0], x, atol=1e-13)
    with pytest.raises(ValueError, match=r"y0 must have shape \(1,\) or \(1,\); got \(3,\)"):
        model.teacher_forced_states(u, d, x0, y0=[0.4, 0.1, 0.2])


def test_generate_takes_y_last_as_a_list_and_refuses_nan():
    model = esn.EchoStateNetwork.random(20, 1, spectral_radius=0.8, feedback_scaling=0.6,
                                        n_outputs=1, seed=5)
    W, W_rf = model.W_rc.toarray(), model.W_rf.toarray()
    rng = np.random.default_rng(2)
    u = rng.uniform(-1, 1, (60, 1))
    model.fit(u, np.sin(np.arange(60) / 5)[:, None], washout=10, ridge=1e-6)
    x_last = rng.uniform(-0.5, 0.5, 20)
    gen = model.generate(u[:3], x_last, [0.25])
    x, y = x_last, np.array([0.25])
    for k in range(3):
        x = hand_update(model, W, model.W_ri, model.t_r, x, u[k], y, W_rf)
        y = model.W_or[0] @ x + model.t_o[0]
        assert np.allclose(gen[0, k], y, atol=1e-12)
    with pytest.raises(ValueError, match="y_last contains NaN"):
        model.generate(u[:3], x_last, [float("nan")])


def test_spectral_radius_refuses_a_non_square_matrix():
    with pytest.raises(ValueError, match=r"^W must be square; got shape \(3, 4\)$"):
        esn.spectral_radius(np.ones((3, 4)))


@pytest.mark.parametrize("call", [
    lambda m, u, d: m.teacher_forced_states(u, d, seed=-1),
    lambda m, u, d: m.fit(u, d, washout=2, seed=-1),
    lambda m, u, d: esn.free_run_test(m, d[:, 0], n_train=10, washout=2, horizon=2,
                                     n_tests=1, spacing=1, seed=-1),
])
def test_a_bad_seed_is_refused_even_without_noise(call):
    model = esn.EchoStateNetwork.random(10, 1, feedback_scaling=0.5, n_outputs=1, seed=0)
    u = np.zeros((20, 1))
    d = np.sin(np.arange(20) / 3)[:, None]
    with pytest.raises(ValueError, match="seed must be a non-negative integer; got -1"):
        call(model, u, d)


@pytest.mark.parametrize("n", [65, 100])
def test_spectral_radius_of_nilpotent_and_zero_large_matrices(n):
    # a delay line is nilpotent (W^n = 0): every eigenvalue is 0, at any size
    assert esn.spectral_radius(esn.delay_line_reservoir(n, 0.9)) == 0.0
    assert esn.spectral_radius(np.zeros((n, n))) == 0.0
    assert esn.spectral_radius(np.zeros((64, 64))) == 0.0           # the dense path
    # a triangular matrix: the largest modulus on its diagonal, here the last
    rng = np.random.default_rng(n)
    upper = np.triu(rng.uniform(-1, 1, (n, n)))
    upper[np.diag_indices(n)] = np.linspace(0.1, -0.7, n)
    assert esn.spectral_radius(upper) == pytest.approx(0.7, rel=1e-12)
    assert esn.spectral_radius(upper.T) == pytest.approx(0.7, rel=1e-12)
    # not triangular (one entry below the diagonal): ARPACK, checked densely
    upper[n - 1, 0] = 0.5
    dense = np.max(np.abs(np.linalg.eigvals(upper)))
    assert esn.spectral_radius(upper) == pytest.approx(dense, rel=1e-8)


# ------------------------------------------------ the benchmarks' series (sequences)
def test_mackey_glass_before_the_delay_acts_is_the_linear_closed_form():
    # for 0 <= t <= tau the delayed value is the constant history c, so
    # x' = A - gamma x with A = beta c / (1 + c^n): x(t) = A/gamma + (c - A/gamma) e^(-gamma t).
    # Classical RK4 multiplies the distance to A/gamma by exactly
    # R(z) = 1 + z + z^2/2 + z^3/6 + z^4/24, z = -gamma dt, per step (10 steps a sample),
    # which differs from e^z by z^5/120 ~ 1e-12 per step
    c, beta, gamma, n, dt = 1.2, 0.2, 0.1, 10.0, 0.1
    series = sequences.mackey_glass(16, discard=0)           # t = 1 .. 16 < tau = 17
    A = beta * c / (1 + c ** n)
    t = np.arange(1, 17)
    z = -gamma * dt
    R = 1 + z + z ** 2 / 2 + z ** 3 / 6 + z ** 4 / 24
    np.testing.assert_allclose(series, A / gamma + (c - A / gamma) * R ** (10 * t), rtol=1e-13)
    exact = A / gamma + (c - A / gamma) * np.exp(-gamma * t)
    np.testing.assert_allclose(series, exact, rtol=2e-10)     # 160 steps of <= 1e-12
    # a zero history stays zero
    assert np.array_equal(sequences.mackey_glass(5, initial=0.0, discard=0), np.zeros(5))


def test_narma_refuses_a_diverging_series():
    # order 20, seed 16: written out here, the recursion stays below 140 for 56 steps
    # and then jumps to ~1550 (and to ~1e6 one step later): diverged
    u = np.random.default_rng(16).uniform(0.0, 0.5, 57)
    y = np.zeros(58)
    for t in range(57):
        past = y[max(0, t - 19):t + 1].sum()
        old_u = u[t - 19] if t >= 19 else 0.0
        y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * past + 1.5 * old_u * u[t] + 0.1
    assert np.abs(y[:57]).max() < 150 and 1400 < y[57] < 1700
    u56, y56 = sequences.narma(56, 20, seed=16)
    np.testing.assert_allclose(y56, y[1:57], rtol=1e-12)
    with pytest.raises(ValueError, match="the NARMA recursion diverged for this seed"):
        sequences.narma(57, 20, seed=16)


def test_lag_matrix_by_hand():
    X, y = sequences.lag_matrix([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2)
    np.testing.assert_array_equal(X, [[2.0, 1.0], [3.0, 2.0], [4.0, 3.0], [5.0, 4.0]])
    np.testing.assert_array_equal(y, [3.0, 4.0, 5.0, 6.0])


def _draws_just_below_one():
    """A generator whose first two doubles are 1 - 2**-53, the largest below 1.

    SFC64 returns a + b + counter and then moves to a' = b ^ (b >> 11),
    b' = c + 8 c, counter + 1: from (a, b, c, counter) = (1, 0, 0, 2**64 - 2) both
    outputs are 2**64 - 1, and a double is the top 53 bits over 2**53."""
    bits = np.random.SFC64()
    state = bits.state
    state["state"]["state"] = np.array([1, 0, 0, 2 ** 64 - 2], dtype=np.uint64)
    bits.state = state
    return np.random.Generator(bits)


def test_markov_chain_never_draws_a_forbidden_symbol():
    assert _draws_just_below_one().random(2).tolist() == [1 - 2 ** -53] * 2
    # every row sums to 1 - 5e-9 (allowed: within 1e-8) and forbids symbol 2; a draw
    # just below 1 must take the last allowed symbol, 1, not the forbidden one
    P = np.tile([0.5, 0.5 - 5e-9, 0.0], (3, 1))
    s = sequences.markov_chain(P, 2, seed=_draws_just_below_one())
    assert s.tolist() == [2, 1]            # the uniform initial symbol: the last, 2


def test_markov_chain_initial_must_sum_to_one_within_1e_8():
    P = np.full((2, 2), 0.5)
    assert sequences.markov_chain(P, 3, seed=0, initial=[0.5, 0.5 + 5e-9]).shape == (3,)
    with pytest.raises(ValueError, match="initial must be non-negative and sum to 1"):
        sequences.markov_chain(P, 3, seed=0, initial=[0.5, 0.5 + 1.5e-8])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_sparse_reservoir_with_nan_or_inf_is_refused(bad):
    import scipy.sparse
    W = scipy.sparse.csr_array(np.array([[0.0, 0.5], [bad, 0.0]]))
    with pytest.raises(ValueError, match="W_rc contains NaN or inf"):
        esn.EchoStateNetwork(W, np.ones((2, 1)))


def test_free_run_test_refuses_a_bad_seed_before_anything_else():
    # the seed is checked with the other arguments, before the series is
    # looked at (here it is too short as well)
    model = esn.EchoStateNetwork.random(10, 1, n_outputs=1, feedback_scaling=0.5, seed=0)
    with pytest.raises(TypeError, match="seed"):
        esn.free_run_test(model, np.zeros(50), n_train=40, washout=5, horizon=5,
                          n_tests=1, spacing=10, seed="x")
