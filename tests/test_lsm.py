"""Tests of rnnbook.lsm: the LIF neuron, the connection rule, synapses, batching, seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from rnnbook import lsm

DT = 0.1
TAU_E = 0.05


def quiet_start(liquid, v0=0.0):
    x0 = liquid.initial_state()
    x0[:liquid.n_neurons] = v0
    return x0


# ------------------------------------------------------------ the neuron
@pytest.mark.parametrize("current, tau_m", [(15.5, 30.0), (16.0, 30.0), (20.0, 30.0),
                                            (40.0, 10.0), (17.3, 45.0)])
def test_first_spike_at_the_closed_form_time(current, tau_m):
    """From V = 0 under constant R I > theta: t = tau_m ln(R I / (R I - theta))."""
    net = lsm.single_neuron(background=current, tau_m=tau_m, threshold=15.0, reset=13.5)
    liquid = lsm.Liquid(net, dt=DT)
    t_star = tau_m * math.log(current / (current - 15.0))
    n_steps = int(t_star / DT) + 50
    run = liquid.simulate(np.zeros((n_steps, 1)), x0=quiet_start(liquid))
    first = run.step[0] * DT
    # the spike is seen at the end of the step in which V crosses the threshold
    assert t_star <= first + 1e-9 < t_star + DT + 1e-9


def test_no_spike_below_rheobase():
    net = lsm.single_neuron(background=14.9)   # R I = 14.9 mV < 15 mV
    liquid = lsm.Liquid(net)
    run = liquid.simulate(np.zeros((20000, 1)), x0=quiet_start(liquid))
    assert run.step.size == 0


@pytest.mark.parametrize("refractory", [2.0, 3.0, 5.0])
def test_refractory_period_bounds_the_intervals(refractory):
    net = lsm.single_neuron(background=5000.0, refractory=refractory)
    liquid = lsm.Liquid(net)
    run = liquid.simulate(np.zeros((5000, 1)), x0=quiet_start(liquid))
    isi = np.diff(run.step) * DT
    assert isi.size > 10
    assert isi.min() >= refractory - 1e-9
    # the drive is so strong that the neuron fires within a step of release
    assert isi.max() <= refractory + DT + 1e-9


def test_refractory_periods_in_a_driven_liquid():
    net = lsm.liquid_network(seed=5)
    liquid = lsm.Liquid(net.scaled(0.5), dynamic=False)
    trains = [[lsm.poisson_spike_train(200.0, 300.0, seed=s)] for s in range(3)]
    run = liquid.simulate(lsm.spike_counts(trains, 300.0), seed=1)
    assert run.step.size > 500
    for b in range(3):
        for j in range(net.n_neurons):
            steps = run.step[(run.trial == b) & (run.neuron == j)]
            if steps.size > 1:
                assert np.diff(steps).min() * DT >= net.refractory[j] - 1e-9


# ------------------------------------------------------------ the circuit
def test_connection_frequencies_follow_the_rule():
    """Counts by type and distance bin agree with sum of C exp(-(D/lambda)^2)."""
    C = lsm.PAPER["C"]
    observed, expected, variance = {}, {}, {}
    bins = [0.0, 1.01, 1.5, 2.01, 2.5, 3.5, 20.0]
    for seed in range(25):
        net = lsm.liquid_network(seed=seed)
        pos, inh = net.positions, net.inhibitory
        dist = np.sqrt(((pos[:, None] - pos[None]) ** 2).sum(-1))
        kind = np.char.add(np.where(inh, "I", "E")[:, None], np.where(inh, "I", "E")[None])
        prob = np.vectorize(C.get)(kind) * np.exp(-(dist / 2.0) ** 2)
        np.fill_diagonal(prob, 0.0)
        adjacency = np.zeros_like(prob, dtype=bool)
        adjacency[net.pre, net.post] = True
        which = np.digitize(dist, bins)
        for t in lsm.TYPES:
            for k in range(1, len(bins)):
                sel = (kind == t) & (which == k)
                key = (t, k)
                observed[key] = observed.get(key, 0) + adjacency[sel].sum()
                expected[key] = expected.get(key, 0) + prob[sel].sum()
                variance[key] = variance.get(key, 0) + (prob[sel] * (1 - prob[sel])).sum()
    for key in observed:
        if expected[key] > 20:
            z = (observed[key] - expected[key]) / math.sqrt(variance[key])
            assert abs(z) < 4.5, (key, observed[key], expected[key])
    # far pairs are (almost) never connected, near ones often
    assert expected[("IE", 1)] > expected[("IE", 6)]


def test_network_shape_and_types():
    net = lsm.liquid_network(seed=0)
    assert net.n_neurons == 135 and net.inhibitory.sum() == 27
    types = net.types
    assert np.all(net.amplitude[np.isin(types, ["IE", "II"])] < 0)
    assert np.all(net.amplitude[np.isin(types, ["EE", "EI"])] > 0)
    assert np.all(net.delay[types == "EE"] == 1.5)
    assert np.all(net.delay[types != "EE"] == 0.8)
    assert np.all((net.U > 0) & (net.U <= 1))
    assert np.all(np.diff(net.pre) >= 0)
    assert not np.any(net.pre == net.post)
    for t in lsm.TYPES:   # drawn around the paper's means
        sel = types == t
        mean = lsm.PAPER["A"][t]
        # Gaussian with SD |mean| / 2 truncated at 0: its mean is |mean| (1 + 0.5
        # phi(2) / Phi(2)); the sample mean of n draws lies within 4.5 standard errors
        truncated = abs(mean) * (1 + 0.5 * stats.norm.pdf(2) / stats.norm.cdf(2))
        se = 0.5 * abs(mean) / math.sqrt(sel.sum())
        assert abs(abs(net.amplitude[sel].mean()) - truncated) < 4.5 * se, t


# ------------------------------------------------------------ synapses
def two_neuron_network(dynamic_params):
    """Neuron 0 (driven hard by the input) projects onto neuron 1 with one synapse.

    Excitatory currents decay within a step or two (tau_e = 0.05 ms), so that
    each input spike makes neuron 0 fire exactly once.
    """
    U, D, F = dynamic_params
    one = lsm.single_neuron(background=0.0, n_inputs=1)
    return one._replace(
        positions=np.zeros((2, 3)), inhibitory=np.zeros(2, dtype=bool),
        tau_m=np.full(2, 30.0), threshold=np.full(2, 15.0), reset=np.full(2, 13.5),
        resistance=np.ones(2), refractory=np.full(2, 3.0), background=np.zeros(2),
        tau_syn=(TAU_E, 6.0),
        pre=np.array([0]), post=np.array([1]), amplitude=np.array([1.0]),
        U=np.array([U]), D=np.array([D]), F=np.array([F]), delay=np.array([1.5]),
        input_weights=np.array([[3e4, 0.0]]))


def test_dynamic_synapse_follows_the_markram_recursion():
    U, D, F = 0.5, 1100.0, 50.0
    net = two_neuron_network((U, D, F))
    liquid = lsm.Liquid(net, dynamic=True)
    spike_steps = [100, 300, 350, 600]
    u = np.zeros((800, 1))
    u[spike_steps, 0] = 1
    traj = liquid.run(u, quiet_start(liquid))
    run = liquid.simulate(u, x0=quiet_start(liquid))
    pre_steps = run.step[run.neuron == 0]
    assert pre_steps.size == len(spike_steps)
    # the current of neuron 1 jumps by A u R when each spike arrives (1.5 ms later)
    i_e = traj.states[:, 2 * 1 + 1]    # packed layout: V (2), then I_e (2)
    jumps = [i_e[s - 1 + 15] - i_e[s - 1 + 14] * math.exp(-DT / TAU_E) for s in pre_steps]
    u_n, r_n, expected = U, 1.0, []
    for k, s in enumerate(pre_steps):
        if k:
            gap = (s - pre_steps[k - 1]) * DT
            u_n, r_n = (U + u_n * (1 - U) * math.exp(-gap / F),
                        1 + (r_n - u_n * r_n - 1) * math.exp(-gap / D))
        expected.append(u_n * r_n)
    assert np.allclose(jumps, expected, rtol=1e-9, atol=1e-12)
    assert expected[2] < expected[1]    # depression at short intervals

    static = lsm.Liquid(net, dynamic=False).run(u, quiet_start(liquid)).states[:, 3]
    jumps = [static[s - 1 + 15] - static[s - 1 + 14] * math.exp(-DT / TAU_E) for s in pre_steps]
    assert np.allclose(jumps, 1.0)


# ------------------------------------------------------------ the simulator
@pytest.fixture(scope="module")
def liquid_and_inputs():
    net = lsm.liquid_network(seed=11)
    trains = [[lsm.poisson_spike_train(30.0, 200.0, seed=s)] for s in range(3)]
    return net, lsm.spike_counts(trains, 200.0)


@pytest.mark.parametrize("dynamic", [True, False])
def test_batch_equals_separate_runs(liquid_and_inputs, dynamic):
    net, u = liquid_and_inputs
    liquid = lsm.Liquid(net if dynamic else net.scaled(0.25), dynamic=dynamic)
    x0 = liquid.random_initial_states(3, seed=4)
    samples = np.array([500, 1000, 2000])
    batch = liquid.simulate(u, x0=x0, sample_steps=samples)
    assert batch.step.size > 50
    for b in range(3):
        alone = liquid.simulate(u[b], x0=x0[b], sample_steps=samples)
        sel = batch.trial == b
        assert np.array_equal(alone.step, batch.step[sel])
        assert np.array_equal(alone.neuron, batch.neuron[sel])
        assert np.array_equal(alone.states[0], batch.states[b])


def test_state_space_run_equals_the_fast_path(liquid_and_inputs):
    net, u = liquid_and_inputs
    liquid = lsm.Liquid(net)
    u = u[:, :300]
    x0 = liquid.random_initial_states(3, seed=2)
    traj = liquid.run(u, x0)
    fast = liquid.simulate(u, x0=x0, sample_steps=np.arange(1, 301))
    assert np.allclose(liquid.liquid_state(traj.states), fast.states, atol=1e-12)
    from_spikes = lsm.filtered_spike_trains(fast, np.arange(1, 301) * DT, net.n_neurons)
    assert np.allclose(from_spikes, fast.states, atol=1e-9)


def test_same_seed_same_result(liquid_and_inputs):
    _, u = liquid_and_inputs
    runs = []
    for seed in (7, 7, 8):
        net = lsm.liquid_network(seed=seed)
        run = lsm.Liquid(net).simulate(u, seed=seed, sample_steps=np.array([2000]))
        runs.append((net, run))
    (n1, r1), (n2, r2), (n3, r3) = runs
    assert np.array_equal(n1.pre, n2.pre) and np.array_equal(n1.amplitude, n2.amplitude)
    assert np.array_equal(r1.step, r2.step) and np.array_equal(r1.states, r2.states)
    assert not (n1.pre.size == n3.pre.size and np.array_equal(n1.pre, n3.pre))
    a = lsm.poisson_spike_train(20, 1000, seed=3)
    assert np.array_equal(a, lsm.poisson_spike_train(20, 1000, seed=3))
    assert np.array_equal(lsm.jitter_spike_train(a, 4, 1000, seed=1),
                          lsm.jitter_spike_train(a, 4, 1000, seed=1))


# ------------------------------------------------------------ inputs
def test_spike_train_distance_and_pairs():
    a = np.array([100.0, 250.0])
    assert lsm.spike_train_distance(a, a, 500) == 0.0
    # one spike moved far away: sqrt(2 * tau sqrt(pi/2) ms) / T, in seconds
    far = lsm.spike_train_distance(np.array([100.0]), np.array([400.0]), 500)
    assert far == pytest.approx(math.sqrt(2 * 5 * math.sqrt(math.pi / 2) * 1e-3) / 0.5)
    for d in (0.1, 0.2, 0.4):
        u, v = lsm.spike_train_pair(d, seed=3)
        assert lsm.spike_train_distance(u, v, 500) == pytest.approx(d, abs=1e-3)  # the tol
        assert u.size == v.size and np.all((v >= 0) & (v <= 500))


def test_jitter_keeps_spikes_inside():
    a = np.array([0.5, 10.0, 999.0])
    b = lsm.jitter_spike_train(a, 20.0, 1000.0, seed=0)
    assert b.size == 3 and np.all((b >= 0) & (b <= 1000))


def test_spike_counts_bins_spikes():
    u = lsm.spike_counts([[np.array([0.0, 0.05, 0.25])], [np.array([9.95])]], 10.0)
    assert u.shape == (2, 100, 1)
    assert u[0, 0, 0] == 2 and u[0, 2, 0] == 1 and u[1, 99, 0] == 1 and u.sum() == 4


def test_classifier_separates_separable_data():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 200)
    features = np.eye(3)[labels] * 2 + 0.1 * rng.standard_normal((200, 3))
    readout = lsm.fit_classifier(features, labels, 3)
    assert np.mean(readout.predict(features).argmax(-1) == labels) == 1.0


# ------------------------------------------------------------ errors
@pytest.mark.parametrize("call, error, word", [
    (lambda: lsm.single_neuron(tau_m=-30.0), ValueError, "tau_m"),
    (lambda: lsm.single_neuron(refractory=-1.0), ValueError, "refractory"),
    (lambda: lsm.single_neuron(reset=16.0), ValueError, "reset"),
    (lambda: lsm.liquid_network(inhibitory_fraction=1.5), ValueError, "inhibitory_fraction"),
    (lambda: lsm.liquid_network(input_fraction=-0.1), ValueError, "input_fraction"),
    (lambda: lsm.liquid_network(C={"EE": 1.2, "EI": 0.2, "IE": 0.4, "II": 0.1}),
     ValueError, "C['EE']"),
    (lambda: lsm.liquid_network(C={"EE": 0.3}), ValueError, "C"),
    (lambda: lsm.liquid_network(C=0.3), TypeError, "C"),
    (lambda: lsm.liquid_network(lam=0.0), ValueError, "lam"),
    (lambda: lsm.liquid_network(spread=-0.5), ValueError, "spread"),
    (lambda: lsm.liquid_network(shape=(15, 3)), ValueError, "shape"),
    (lambda: lsm.liquid_network(seed=-1), ValueError, "seed"),
    (lambda: lsm.liquid_network(seed=1.5), TypeError, "seed"),
    (lambda: lsm.liquid_network(background=(14.5, 13.5)), ValueError, "background"),
    (lambda: lsm.Liquid(lsm.single_neuron(), dt=-0.1), ValueError, "dt"),
    (lambda: lsm.Liquid(lsm.single_neuron(), tau_state=0.0), ValueError, "tau_state"),
    (lambda: lsm.Liquid(lsm.single_neuron(), dynamic=1), TypeError, "dynamic"),
    (lambda: lsm.Liquid("net"), TypeError, "network"),
    (lambda: lsm.connection_probability([1.0], C=-0.2, lam=2.0), ValueError, "C"),
    (lambda: lsm.poisson_spike_train(-5.0, 100.0), ValueError, "rate"),
    (lambda: lsm.poisson_spike_train(5.0, 0.0), ValueError, "duration"),
    (lambda: lsm.jitter_spike_train([1.0], -1.0, 10.0), ValueError, "sd"),
    (lambda: lsm.spike_counts([[np.array([12.0])]], 10.0), ValueError, "outside"),
    (lambda: lsm.spike_train_distance([1.0], [2.0], 10.0, tau=-5.0), ValueError, "tau"),
    (lambda: lsm.fit_classifier(np.zeros((4, 2)), np.array([0, 1, 2, 0]), 2),
     ValueError, "labels"),
])
def test_bad_parameters_raise_clear_errors(call, error, word):
    with pytest.raises(error, match=None) as info:
        call()
    assert word in str(info.value)


def test_bad_simulation_inputs():
    liquid = lsm.Liquid(lsm.single_neuron())
    with pytest.raises(ValueError, match="n_inputs"):
        liquid.simulate(np.zeros((10, 2)))
    with pytest.raises(ValueError, match="non-negative"):
        liquid.simulate(-np.ones((10, 1)))
    with pytest.raises(ValueError, match="sample_steps"):
        liquid.simulate(np.zeros((10, 1)), sample_steps=np.array([0, 5]))
    with pytest.raises(ValueError, match="x0"):
        liquid.simulate(np.zeros((2, 10, 1)), x0=np.zeros((3, liquid.n_states)))


def test_spike_counts_of_channels_of_different_lengths():
    """One trial, two input channels with different numbers of spikes: the normal case."""
    duration, dt = 50.0, 0.5
    train_a = np.array([0.0, 0.2, 3.1, 3.3, 49.9])
    train_b = np.array([1.0, 10.25, 25.0])
    u = lsm.spike_counts([[train_a, train_b]], duration, dt)
    edges = np.arange(101) * dt                      # 100 bins of 0.5 ms
    want = np.stack([np.histogram(train_a, edges)[0], np.histogram(train_b, edges)[0]], -1)
    assert u.shape == (1, 100, 2) and u.dtype == np.uint8
    assert np.array_equal(u[0], want)
    assert u[0, 0, 0] == 2 and u[0, 6, 0] == 2 and u[0, 2, 1] == 1
    # two trials, and lists instead of arrays, give the same counts per trial
    both = lsm.spike_counts([[train_a, train_b], [list(train_b), list(train_a)]], duration, dt)
    assert np.array_equal(both[0], want) and np.array_equal(both[1], want[:, ::-1])
    # the cases that worked before are unchanged: equal lengths, one channel per trial
    same = lsm.spike_counts([[train_b, train_b + 1.0]], duration, dt)
    assert np.array_equal(same[0, :, 1], np.histogram(train_b + 1.0, edges)[0])
    single = lsm.spike_counts([train_a, train_b], duration, dt)
    assert single.shape == (2, 100, 1) and np.array_equal(single[:, :, 0], want.T)


def test_spike_times_checks_the_trial():
    net = lsm.liquid_network(seed=5)
    liquid = lsm.Liquid(net.scaled(0.5), dynamic=False)
    trains = [[lsm.poisson_spike_train(200.0, 100.0, seed=0)]]
    run = liquid.simulate(lsm.spike_counts(trains, 100.0), seed=1)
    times, neurons = run.spike_times(0)
    assert times.size == run.step.size > 0 and np.array_equal(neurons, run.neuron)
    assert np.array_equal(run.spike_times(np.int64(0))[0], times)
    for bad in (5, 1, -1):
        with pytest.raises(ValueError, match="trial"):
            run.spike_times(bad)
    for bad in ("x", None, 0.0, True):
        with pytest.raises(TypeError, match="trial"):
            run.spike_times(bad)


# ------------------------------------------------------------ fading memory over liquids
def _ridge_accuracy(z, labels, n_train, ridge, n_classes):
    """Test accuracy of a ridge readout with unpenalised bias, solved from the normal equations."""
    mean = z[:n_train].mean(axis=0)
    targets = np.eye(n_classes)[labels[:n_train]]
    zc, tc = z[:n_train] - mean, targets - targets.mean(axis=0)
    w = np.linalg.solve(zc.T @ zc + ridge * np.eye(z.shape[1]), zc.T @ tc)
    guess = ((z[n_train:] - mean) @ w + targets.mean(axis=0)).argmax(-1)
    return np.mean(guess == labels[n_train:])


def test_segment_readouts_liquids_repeats_the_experiment_on_fresh_liquids():
    kw = dict(n_train=12, n_test=8, times=[20.0, 40.0, 60.0], n_segments=3,
              n_templates=2, length=20.0, rate=50.0, jitter=2.0, ridge=0.1)
    acc = lsm.segment_readouts_liquids(2, seed=11, **kw)
    assert acc.shape == (2, 3, 3)                       # liquid, time, segment
    assert np.all((acc >= 0) & (acc <= 1))
    assert np.allclose(acc * 8, np.round(acc * 8))      # a share of the 8 test trials
    assert np.array_equal(acc, lsm.segment_readouts_liquids(2, seed=11, **kw))
    # the documented recipe, drawn from one generator: a liquid, its templates, the trials
    rng = np.random.default_rng(11)
    nets = []
    for j in range(2):
        net = lsm.liquid_network(seed=rng)
        templates = lsm.segment_templates(3, 2, length=20.0, rate=50.0, seed=rng)
        res = lsm.segment_readouts(lsm.Liquid(net), templates, n_train=12, n_test=8,
                                   times=kw["times"], length=20.0, jitter=2.0, ridge=0.1,
                                   seed=rng)
        assert np.array_equal(acc[j], res.accuracy)
        nets.append(net)
        # each accuracy again, from the recorded spikes and the normal equations
        z = lsm.filtered_spike_trains(res.run, kw["times"], net.n_neurons)
        assert np.allclose(z, res.run.states, atol=1e-9)
        for i in range(3):
            for k in range(3):
                want = _ridge_accuracy(z[:, i], res.labels[:, k], 12, 0.1, 2)
                assert acc[j, i, k] == pytest.approx(want, abs=1e-12)
    # the liquids are different circuits, not one liquid twice
    assert not (nets[0].pre.size == nets[1].pre.size and np.array_equal(nets[0].pre,
                                                                          nets[1].pre))


@pytest.mark.parametrize("change, error, match", [
    (dict(n_liquids=0), ValueError, "n_liquids"),
    (dict(times=[80.0]), ValueError, "times must lie within the trials"),
    (dict(times=[]), ValueError, "times must hold at least one"),
    (dict(times=[40.0, 20.0]), ValueError, "times must increase"),
    (dict(rate=0.0), ValueError, "rate must be positive"),
    (dict(jitter=-1.0), ValueError, "jitter must be non-negative"),
    (dict(length="x"), TypeError, "length must be a real number"),
    (dict(n_templates=1.5), TypeError, "n_templates must be a positive integer"),
    (dict(seed=-1), ValueError, "seed must be a non-negative integer"),
])
def test_segment_readouts_liquids_refuses_bad_arguments(change, error, match):
    kw = dict(n_liquids=1, n_train=4, n_test=2, times=[20.0, 40.0], n_segments=2,
              length=20.0, seed=0)
    kw.update(change)
    with pytest.raises(error, match=match):
        lsm.segment_readouts_liquids(**kw)
