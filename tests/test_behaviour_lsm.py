"""Behaviour of rnnbook.lsm pinned against independent references.

Closed forms of the LIF membrane with exponential synaptic currents, brute-force
filters of recorded spikes, numerical integrals of the Gaussian-kernel distance,
hand-built runs for rates and windows, truncated-normal means for the drawn
parameters. Written to kill the mutants that the unit tests of test_lsm.py let
survive (tools/mutation.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from rnnbook import lsm
from rnnbook.readout import Readout

DT = 0.1


def quiet(liquid, v=0.0):
    x0 = liquid.initial_state()
    x0[:liquid.n_neurons] = v
    return x0


def membrane(t, *, v0=0.0, r_ib=0.0, tau_m=30.0, jump=0.0, tau_s=3.0):
    """V(t) of tau_m V' = -V + R I_b + R I(t), I(t) = jump e^{-t/tau_s}, V(0) = v0."""
    t = np.asarray(t, dtype=float)
    return (r_ib + (v0 - r_ib) * np.exp(-t / tau_m)
            + jump * tau_s / (tau_s - tau_m) * (np.exp(-t / tau_s) - np.exp(-t / tau_m)))


def two_neurons(*, pre_inhibitory, tau_m0=30.0, background1=10.0, amplitude=-20.0,
                delay=0.8, tau_e=0.05, tau_i=6.0):
    """Neuron 0, kicked by the input so that it fires once, projects onto neuron 1."""
    one = lsm.single_neuron(background=0.0, n_inputs=1)
    return one._replace(
        positions=np.zeros((2, 3)), inhibitory=np.array([pre_inhibitory, False]),
        tau_m=np.array([tau_m0, 30.0]), threshold=np.full(2, 15.0), reset=np.full(2, 13.5),
        resistance=np.ones(2), refractory=np.full(2, 2.0),
        background=np.array([0.0, background1]), tau_syn=(tau_e, tau_i),
        pre=np.array([0]), post=np.array([1]), amplitude=np.array([amplitude]),
        U=np.array([0.5]), D=np.array([100.0]), F=np.array([50.0]),
        delay=np.array([delay]), input_weights=np.array([[3e4, 0.0]]))


# ------------------------------------------------------------ the membrane
@pytest.mark.parametrize("tau_m0", [30.0, 20.0])   # shared coefficients / per neuron
@pytest.mark.parametrize("inhibitory", [True, False])
def test_synaptic_current_and_membrane_follow_the_closed_form(tau_m0, inhibitory):
    """After the delayed spike arrives, I decays as e^{-t/tau} and V follows the
    exact solution of the linear ODE; before, V relaxes towards R I_b."""
    tau_e, tau_i = 0.05, 6.0        # tau_e short: neuron 0 fires once per input spike
    amp = -20.0 if inhibitory else 600.0
    net = two_neurons(pre_inhibitory=inhibitory, tau_m0=tau_m0, amplitude=amp,
                      tau_e=tau_e, tau_i=tau_i)
    liquid = lsm.Liquid(net, dynamic=False)
    u = np.zeros((500, 1))
    u[50, 0] = 1
    traj = liquid.run(u, quiet(liquid))
    run = liquid.simulate(u, x0=quiet(liquid))
    assert run.neuron.tolist() == [0]
    p = int(run.step[0])
    arrive = p - 1 + 8                  # 0.8 ms = 8 steps after the spike
    channel = 1 if inhibitory else 0
    current = traj.states[:, 2 + 2 * channel + 1]     # packed: V (2), I_e (2), I_i (2)
    assert np.all(current[:arrive] == 0.0)
    tau_s = tau_i if inhibitory else tau_e
    k = np.arange(traj.states.shape[0] - arrive)
    assert np.allclose(current[arrive:], amp * np.exp(-k * DT / tau_s), rtol=1e-12,
                       atol=1e-14 * abs(amp))
    v1 = traj.states[:, 1]
    before = membrane((np.arange(arrive) + 1) * DT, r_ib=10.0)
    assert np.allclose(v1[:arrive], before, rtol=0, atol=1e-12)
    v_arrive = membrane((arrive + 1) * DT, r_ib=10.0)
    after = membrane(k * DT, v0=v_arrive, r_ib=10.0, jump=amp, tau_s=tau_s)
    assert np.allclose(v1[arrive:], after, rtol=0, atol=1e-11)


def test_input_current_closed_form_and_default_time_constants():
    """An input spike of w nA into I_e (tau_e = 3 ms, single_neuron's default)."""
    net = lsm.single_neuron(input_weight=20.0)
    assert net.tau_syn == (3.0, 6.0)
    liquid = lsm.Liquid(net)
    u = np.zeros((600, 1))
    u[10, 0] = 1
    traj = liquid.run(u, quiet(liquid))
    k = np.arange(600 - 10)
    assert np.allclose(traj.states[10:, 1], 20.0 * np.exp(-k * DT / 3.0), rtol=1e-12)
    want = membrane(k * DT, jump=20.0, tau_s=3.0)
    assert np.allclose(traj.states[10:, 0], want, atol=1e-12)
    assert np.all(traj.states[:10, :3] == 0.0)
    assert 1.0 < traj.states[:, 0].max() < 15.0     # stays below threshold


@pytest.mark.parametrize("current, refractory", [(16.0, 3.0), (25.0, 2.0)])
def test_reset_hold_and_interspike_interval(current, refractory):
    """After a spike in step p, V sits at the reset through step p + k - 1
    (k = round(ref/dt)) and relaxes from it in step p + k on:
    V = R I + (reset - R I) e^{-t/tau_m}. It crosses the threshold after
    t_c = tau_m ln((R I - reset)/(R I - theta)), so the interval is
    k - 1 + ceil(t_c / dt) steps (never shorter than ref)."""
    net = lsm.single_neuron(background=current, refractory=refractory)
    liquid = lsm.Liquid(net)
    x0 = quiet(liquid, v=13.5)                  # start at the reset potential
    traj = liquid.run(np.zeros((1000, 1)), x0)
    run = liquid.simulate(np.zeros((1000, 1)), x0=x0)
    steps = run.step
    assert steps.size >= 3
    v = traj.states[:, 0]
    p = int(steps[0])
    hold = int(round(refractory / DT))
    assert np.all(v[p - 1:p - 1 + hold] == 13.5)
    j = np.arange(1, int(steps[1]) - p - hold + 1)
    assert np.allclose(v[p - 1 + hold: int(steps[1]) - 1],
                       current + (13.5 - current) * np.exp(-j * DT / 30.0), atol=1e-12)
    t_c = 30.0 * math.log((current - 13.5) / (current - 15.0))
    assert np.all(np.diff(steps) == hold - 1 + math.ceil(t_c / DT))
    assert steps[0] == math.ceil(t_c / DT)     # from the reset, with no refractory hold


def test_initial_state_is_rest_and_random_states_are_uniform():
    net = lsm.liquid_network(seed=2, background=(13.5, 14.5))
    liquid = lsm.Liquid(net)
    x = liquid.initial_state()
    n = net.n_neurons
    assert np.array_equal(x[:n], net.background * net.resistance)
    assert np.all(x[n:3 * n] == 0.0)
    x = liquid.random_initial_states(400, seed=1)
    v = x[:, :n]
    assert v.shape == (400, n) and v.min() >= 13.5 and v.max() < 15.0
    # uniform on (13.5, 15): mean 14.25, SD 1.5 / sqrt(12)
    se = 1.5 / math.sqrt(12) / math.sqrt(v.size)
    assert abs(v.mean() - 14.25) < 5 * se
    assert abs(v.std() - 1.5 / math.sqrt(12)) < 0.01
    rest = liquid.initial_state()[n:]
    assert np.array_equal(x[:, n:], np.broadcast_to(rest, (400, rest.size)))


# ------------------------------------------------------------ liquid state
def brute_filter(steps, neurons, trials, times, n_trials, n_neurons, tau):
    out = np.zeros((n_trials, len(times), n_neurons))
    for s, j, b in zip(steps, neurons, trials):
        for k, t in enumerate(times):
            if s * DT <= t + 1e-9:
                out[b, k, j] += math.exp(-(t - s * DT) / tau)
    return out


@pytest.mark.parametrize("tau_state", [None, 10.0])
def test_liquid_state_is_the_exponentially_filtered_spike_train(tau_state):
    net = lsm.liquid_network((3, 2, 2), seed=3)
    kwargs = {} if tau_state is None else {"tau_state": tau_state}
    tau = 30.0 if tau_state is None else tau_state
    liquid = lsm.Liquid(net.scaled(0.5), dynamic=False, **kwargs)
    trains = [[lsm.poisson_spike_train(300.0, 60.0, seed=s)] for s in range(2)]
    u = lsm.spike_counts(trains, 60.0)
    samples = np.array([1, 57, 300, 301, 599, 600])
    run = liquid.simulate(u, seed=5, sample_steps=samples)
    assert run.step.size > 10
    want = brute_filter(run.step, run.neuron, run.trial, samples * DT, 2, net.n_neurons, tau)
    assert np.allclose(run.states, want, rtol=1e-12, atol=1e-12)
    got = lsm.filtered_spike_trains(run, samples * DT, net.n_neurons, tau=tau)
    assert np.allclose(got, want, rtol=1e-12, atol=1e-12)
    # the packed state path reads the same filter
    x0 = liquid.random_initial_states(2, seed=5)
    traj = liquid.run(u, x0)
    assert np.allclose(liquid.liquid_state(traj.states[:, samples - 1]), want, atol=1e-12)


def test_filtered_spike_trains_default_tau_and_window():
    run = lsm.LiquidRun(trial=np.array([0, 1, 0]), step=np.array([10, 20, 30]),
                        neuron=np.array([1, 0, 1]), states=None, sample_steps=np.zeros(0),
                        dt=DT, n_steps=50, n_trials=2)
    times = np.array([0.5, 1.0, 2.0, 2.5, 3.0, 4.0])
    got = lsm.filtered_spike_trains(run, times, 2)
    want = brute_filter(run.step, run.neuron, run.trial, times, 2, 2, 30.0)
    assert np.allclose(got, want, rtol=1e-14)
    assert got[0, 1, 1] == 1.0            # a spike at exactly t counts, with weight 1
    assert got[0, 0].sum() == 0.0


# ------------------------------------------------------------ rates, distances
def test_firing_rates_count_the_half_open_window():
    # trial 0: spikes at 10.0, 20.0, 20.1 ms; trial 1: at 5.0 and 30.0 ms
    run = lsm.LiquidRun(trial=np.array([0, 0, 0, 1, 1]), step=np.array([100, 200, 201, 50, 300]),
                        neuron=np.array([0, 1, 0, 2, 1]), states=None,
                        sample_steps=np.zeros(0), dt=DT, n_steps=400, n_trials=3)
    rates = lsm.firing_rates(run, 10.0, 20.0, 4)     # (10, 20]: only 20.0 of trial 0
    assert np.allclose(rates, [1 / 4 / 0.010, 0.0, 0.0])
    rates = lsm.firing_rates(run, 5.0, 30.0, 3)      # (5, 30]
    assert np.allclose(rates, [3 / 3 / 0.025, 1 / 3 / 0.025, 0.0])
    with pytest.raises(ValueError, match="n_neurons must exceed every neuron index"):
        lsm.firing_rates(run, 5.0, 30.0, 2)          # neuron 2 spiked


def test_state_distance_is_euclidean_over_the_last_axis():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4, 5))
    want = np.array([[math.sqrt(sum((a[i, j] - b[i, j]) ** 2)) for j in range(4)]
                     for i in range(3)])
    assert np.allclose(lsm.state_distance(a, b), want, rtol=1e-14)
    with pytest.raises(ValueError, match="same shape"):
        lsm.state_distance(a, b[:, :2])


def numeric_distance(a, b, duration, tau):
    t = np.arange(-60.0, duration + 60.0, 0.005)
    f = (np.exp(-((t[:, None] - a[None]) / tau) ** 2).sum(1)
         - np.exp(-((t[:, None] - b[None]) / tau) ** 2).sum(1))
    return math.sqrt(np.trapezoid(f ** 2, t) * 1e-3) / (duration * 1e-3)


@pytest.mark.parametrize("tau", [5.0, 2.0, 12.0])
def test_spike_train_distance_equals_the_numerical_integral(tau):
    a = np.array([20.0, 40.0, 43.0, 150.0])
    b = np.array([22.0, 41.0, 90.0])
    kwargs = {} if tau == 5.0 else {"tau": tau}
    got = lsm.spike_train_distance(a, b, 200.0, **kwargs)
    assert got == pytest.approx(numeric_distance(a, b, 200.0, tau), rel=1e-7)
    # empty trains: the distance of a train to nothing is its own norm
    assert lsm.spike_train_distance(a, [], 200.0, **kwargs) == pytest.approx(
        numeric_distance(a, np.zeros(0), 200.0, tau), rel=1e-7)
    assert lsm.spike_train_distance([], [], 200.0) == 0.0


def test_poisson_spike_train_rate_and_range():
    counts = np.array([lsm.poisson_spike_train(40.0, 250.0, seed=s).size for s in range(400)])
    # Poisson with mean 40 Hz * 0.25 s = 10: the mean of 400 counts is 10 +- 0.16
    assert abs(counts.mean() - 10.0) < 4 * math.sqrt(10.0 / 400)
    assert abs(counts.var() - 10.0) < 2.0
    train = lsm.poisson_spike_train(500.0, 100.0, seed=1)
    assert np.all(np.diff(train) >= 0) and train.min() >= 0 and train.max() < 100.0
    assert lsm.poisson_spike_train(0.0, 100.0, seed=1).size == 0


def test_jitter_moves_spikes_by_the_sd_and_reflects_at_the_edges():
    centre = np.array([lsm.jitter_spike_train([500.0], 4.0, 1000.0, seed=s)[0]
                       for s in range(600)])
    assert abs(centre.mean() - 500.0) < 4 * 4.0 / math.sqrt(600)
    assert abs(centre.std() - 4.0) < 0.4
    # a spike at 0 reflected at the edge: |N(0, 4)| with mean 4 sqrt(2/pi)
    edge = np.array([lsm.jitter_spike_train([0.0], 4.0, 1000.0, seed=s)[0]
                     for s in range(600)])
    assert np.all(edge >= 0)
    assert abs(edge.mean() - 4.0 * math.sqrt(2 / math.pi)) < 4 * 4.0 * 0.6 / math.sqrt(600)
    top = np.array([lsm.jitter_spike_train([1000.0], 4.0, 1000.0, seed=s)[0]
                    for s in range(600)])
    assert np.all(top <= 1000.0)
    assert abs(1000.0 - top.mean() - 4.0 * math.sqrt(2 / math.pi)) < 4 * 2.4 / math.sqrt(600)
    # output sorted, same size; sd 0 changes nothing
    a = np.array([5.0, 1.0, 3.0])
    assert np.array_equal(lsm.jitter_spike_train(a, 0.0, 10.0, seed=0), [1.0, 3.0, 5.0])


# ------------------------------------------------------------ the circuit
def test_connection_probability_closed_form():
    d = np.array([0.0, 1.0, 2.0, math.sqrt(3.0)])
    got = lsm.connection_probability(d, C=0.3, lam=2.0)
    assert np.allclose(got, [0.3, 0.3 * math.exp(-0.25), 0.3 * math.exp(-1), 0.3 * math.exp(-0.75)],
                       rtol=1e-14)
    assert lsm.connection_probability([3.0], C=1.0, lam=1.5)[0] == pytest.approx(math.exp(-4))


def test_grid_positions_enumerate_the_grid():
    pos = lsm.grid_positions((2, 3, 1))
    assert pos.shape == (6, 3)
    assert {tuple(p) for p in pos} == {(i, j, 0.0) for i in range(2) for j in range(3)}


def truncated_mean(mean, spread, upper=None):
    sd = spread * abs(mean)
    lo = (0 - abs(mean)) / sd
    hi = np.inf if upper is None else (upper - abs(mean)) / sd
    return math.copysign(stats.truncnorm.mean(lo, hi, loc=abs(mean), scale=sd), mean)


def test_drawn_parameters_follow_the_truncated_gaussians():
    nets = [lsm.liquid_network(seed=s, n_inputs=2) for s in range(6)]
    types = np.concatenate([n.types for n in nets])
    for name in ("amplitude", "U", "D", "F"):
        values = np.concatenate([getattr(n, name) for n in nets])
        key = "A" if name == "amplitude" else name
        for t in lsm.TYPES:
            sel = values[types == t]
            mean = lsm.PAPER[key][t]
            upper = 1.0 if name == "U" else None
            want = truncated_mean(mean, 0.5, upper)
            se = 0.5 * abs(mean) / math.sqrt(sel.size)
            assert abs(sel.mean() - want) < 4.5 * se, (name, t, sel.mean(), want)
            assert np.all(np.sign(sel) == np.sign(mean))
            if name == "U":
                assert sel.max() <= 1.0
    # delays and refractory periods by type, time constants as in the paper
    for n in nets:
        assert np.array_equal(n.refractory, np.where(n.inhibitory, 2.0, 3.0))
        assert n.tau_syn == (3.0, 6.0) and n.v_init == (13.5, 15.0)
        assert np.all(n.tau_m == 30.0) and np.all(n.threshold == 15.0)
        assert np.all(n.reset == 13.5) and np.all(n.resistance == 1.0)
        assert np.all(n.background == 13.5)
    # input connections: probability 0.3, 18 nA onto E, 9 nA onto I
    w = np.concatenate([n.input_weights for n in nets], axis=1)
    inh = np.concatenate([n.inhibitory for n in nets])
    assert w.shape[0] == 2
    frac = (w > 0).mean()
    assert abs(frac - 0.3) < 4 * math.sqrt(0.3 * 0.7 / w.size)
    for target, mean in ((~inh, 18.0), (inh, 9.0)):
        sel = w[:, target][w[:, target] > 0]
        want = truncated_mean(mean, 0.5)
        assert abs(sel.mean() - want) < 4.5 * 0.5 * mean / math.sqrt(sel.size)


def test_spread_zero_gives_the_paper_means_exactly():
    net = lsm.liquid_network(seed=1, spread=0.0)
    for t in lsm.TYPES:
        sel = net.types == t
        assert np.all(net.amplitude[sel] == lsm.PAPER["A"][t])
        assert np.all(net.U[sel] == lsm.PAPER["U"][t])
        assert np.all(net.D[sel] == lsm.PAPER["D"][t])
        assert np.all(net.F[sel] == lsm.PAPER["F"][t])
    w = net.input_weights[0]
    assert set(np.unique(w[net.inhibitory])) <= {0.0, 9.0}
    assert set(np.unique(w[~net.inhibitory])) <= {0.0, 18.0}


@pytest.mark.parametrize("fraction, shape, n_inh", [(0.2, (5, 3, 3), 9), (0.5, (3, 1, 1), 2),
                                                    (0.0, (4, 2, 1), 0), (1.0, (2, 2, 1), 4)])
def test_inhibitory_count_is_the_rounded_fraction(fraction, shape, n_inh):
    net = lsm.liquid_network(shape, inhibitory_fraction=fraction, seed=0)
    assert net.n_neurons == math.prod(shape) and int(net.inhibitory.sum()) == n_inh


def test_background_range_and_network_properties():
    net = lsm.liquid_network(seed=4, background=(13.5, 14.5), n_inputs=3)
    assert net.n_inputs == 3 and net.input_weights.shape == (3, 135)
    bg = net.background
    assert bg.min() >= 13.5 and bg.max() < 14.5 and np.unique(bg).size == 135
    assert abs(bg.mean() - 14.0) < 4 / math.sqrt(12 * 135)
    # types: presynaptic letter first
    t = net.types
    assert np.array_equal(t, np.char.add(np.where(net.inhibitory[net.pre], "I", "E"),
                                         np.where(net.inhibitory[net.post], "I", "E")))
    half = net.scaled(0.5)
    assert np.array_equal(half.amplitude, net.amplitude * 0.5)
    assert np.array_equal(half.U, net.U)
    with pytest.raises(ValueError, match="factor"):
        net.scaled(-1.0)


def test_without_connections_probability_no_synapse_and_c_one_is_dense():
    net = lsm.liquid_network((3, 1, 1), C={"EE": 0.0, "EI": 0.0, "IE": 0.0, "II": 0.0}, seed=0)
    assert net.pre.size == 0
    net = lsm.liquid_network((2, 1, 1), lam=1e6, inhibitory_fraction=0.0,
                             C={"EE": 1.0, "EI": 1.0, "IE": 1.0, "II": 1.0}, seed=0)
    assert sorted(zip(net.pre.tolist(), net.post.tolist())) == [(0, 1), (1, 0)]
    net = lsm.liquid_network((4, 1, 1), input_fraction=1.0, seed=0)
    assert np.all(net.input_weights > 0)
    net = lsm.liquid_network((4, 1, 1), input_fraction=0.0, seed=0)
    assert np.all(net.input_weights == 0)


# ------------------------------------------------------------ experiments
def small_liquid(seed=5):
    return lsm.liquid_network((4, 3, 3), seed=seed)


def rates_by_hand(run, start, stop, n):
    t = run.step * DT
    out = []
    for b in range(run.n_trials):
        sel = (run.trial == b) & (t > start) & (t <= stop)
        out.append(sel.sum() / n / ((stop - start) / 1000.0))
    return float(np.mean(out))


def test_scale_scan_rates_during_and_after_the_input():
    net = small_liquid()
    trains = [[lsm.poisson_spike_train(150.0, 150.0, seed=s)] for s in range(2)]
    u = lsm.spike_counts(trains, 455.0)        # 150 ms of input, then >= 300 ms silence
    stop = (np.flatnonzero(u.any(axis=(0, 2)))[-1] + 1) * DT
    scales = np.array([0.0, 1.5])
    scan = lsm.scale_scan(net, scales, u, seed=3)
    assert np.array_equal(scan.scales, scales)
    # by hand: static synapses (the default), the same initial states for every scale
    x0 = lsm.Liquid(net, dynamic=False).random_initial_states(2, seed=3)
    run = lsm.Liquid(net.scaled(1.5), dynamic=False).simulate(u, x0=x0)
    assert scan.during[1] == pytest.approx(rates_by_hand(run, 100.0, stop, 36), rel=1e-12)
    assert scan.after[1] == pytest.approx(
        rates_by_hand(run, stop + 100.0, stop + 300.0, 36), rel=1e-12, abs=1e-12)
    assert scan.baseline == scan.during[0] > 0
    assert scan.during[1] > scan.during[0]
    with pytest.raises(ValueError, match="300 ms"):
        lsm.scale_scan(net, [1.0], u[:, :4400], seed=3)
    with pytest.raises(ValueError, match="no spike"):
        lsm.scale_scan(net, [1.0], np.zeros_like(u), seed=3)
    with pytest.raises(ValueError, match="scales"):
        lsm.scale_scan(net, [-1.0], u, seed=3)


def test_choose_scale_takes_the_largest_quiet_active_scale():
    scan = lsm.ScaleScan(scales=np.array([0.1, 0.2, 0.4, 0.8]),
                         during=np.array([5.0, 6.0, 9.0, 30.0]),
                         after=np.array([0.0, 0.5, 0.99, 12.0]), baseline=5.0)
    assert lsm.choose_scale(scan) == 0.4           # 0.1 is not above the baseline
    assert lsm.choose_scale(scan, quiet=0.99) == 0.2   # after must be strictly below
    assert lsm.choose_scale(scan, quiet=20.0) == 0.8
    with pytest.raises(ValueError, match="no scale"):
        lsm.choose_scale(scan, quiet=0.0)
    flat = scan._replace(during=np.full(4, 5.0))
    with pytest.raises(ValueError, match="no scale"):
        lsm.choose_scale(flat, quiet=20.0)


def test_segment_inputs_without_jitter_are_the_templates_in_sequence():
    templates = lsm.segment_templates(3, 2, length=50.0, rate=200.0, seed=1)
    assert len(templates) == 3 and all(len(t) == 2 for t in templates)
    u, labels = lsm.segment_inputs(templates, 6, length=50.0, jitter=0.0, seed=2)
    assert u.shape == (6, 1500, 1) and labels.shape == (6, 3)
    assert set(np.unique(labels)) == {0, 1}
    edges = np.arange(1501) * DT
    for b in range(6):
        spikes = np.concatenate([k * 50.0 + templates[k][c] for k, c in enumerate(labels[b])])
        assert np.array_equal(u[b, :, 0], np.histogram(spikes, edges)[0])
    jittered, same = lsm.segment_inputs(templates, 6, length=50.0, jitter=2.0, seed=2)
    assert np.array_equal(same, labels)
    assert jittered.sum() == u.sum() and not np.array_equal(jittered, u)


def test_segment_templates_are_poisson_of_the_rate():
    templates = lsm.segment_templates(20, 3, length=500.0, rate=30.0, seed=0)
    counts = np.array([[t.size for t in seg] for seg in templates])
    assert counts.shape == (20, 3)
    assert abs(counts.mean() - 15.0) < 4 * math.sqrt(15.0 / 60)
    assert all(t.max() < 500.0 for seg in templates for t in seg if t.size)


def ridge_by_hand(z, y, ridge):
    zm, ym = z.mean(0), y.mean(0)
    zc, yc = z - zm, y - ym
    w = np.linalg.solve(zc.T @ zc + ridge * np.eye(z.shape[1]), zc.T @ yc)
    return w, ym - zm @ w


def test_fit_classifier_is_ridge_on_one_hot_targets():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((30, 4))
    labels = rng.integers(0, 3, 30)
    for ridge in (1e-2, 2.0):
        kwargs = {} if ridge == 1e-2 else {"ridge": ridge}
        r = lsm.fit_classifier(z, labels, 3, **kwargs)
        w, b = ridge_by_hand(z, np.eye(3)[labels], ridge)
        assert isinstance(r, Readout)
        assert np.allclose(r.W_or, w.T, atol=1e-10) and np.allclose(r.t_o, b, atol=1e-10)


def test_segment_readouts_accuracy_from_the_recorded_spikes():
    net = lsm.liquid_network((3, 3, 3), seed=7)
    liquid = lsm.Liquid(net, dynamic=False)
    templates = lsm.segment_templates(2, 2, length=40.0, rate=150.0, seed=2)
    times = np.array([40.0, 80.0])
    res = lsm.segment_readouts(liquid, templates, n_train=12, n_test=6, times=times,
                               length=40.0, jitter=1.0, ridge=0.5, seed=3)
    assert np.array_equal(res.times, times) and res.n_train == 12
    assert res.accuracy.shape == (2, 2) and res.labels.shape == (18, 2)
    z = lsm.filtered_spike_trains(res.run, times, net.n_neurons)
    for i in range(2):
        for k in range(2):
            w, b = ridge_by_hand(z[:12, i], np.eye(2)[res.labels[:12, k]], 0.5)
            guess = (z[12:, i] @ w + b).argmax(-1)
            assert res.accuracy[i, k] == np.mean(guess == res.labels[12:, k])
    assert res.run.n_trials == 18 and res.run.n_steps == 800


def test_separation_experiment_shapes_and_distances():
    net = lsm.liquid_network((3, 3, 3), seed=7)
    liquid = lsm.Liquid(net, dynamic=False)
    sep = lsm.separation_experiment(liquid, [0.0, 0.3], 2, duration=60.0, every=2.0, seed=1)
    assert np.allclose(sep.times, np.arange(1, 31) * 2.0)
    assert sep.per_pair.shape == (2, 2, 30) and sep.curves.shape == (2, 30)
    assert np.allclose(sep.curves, sep.per_pair.mean(axis=1))
    assert np.array_equal(sep.distances, [0.0, 0.3])
    assert np.all(sep.per_pair >= 0) and sep.per_pair[1].max() > 0


def test_documented_defaults():
    """The defaults of the signatures, against explicit arguments (same seeds)."""
    assert lsm.liquid_network(seed=0).n_neurons == math.prod(lsm.PAPER["shape"]) == 135
    templates = lsm.segment_templates(seed=0)
    assert len(templates) == 4 and all(len(seg) == 2 for seg in templates)
    explicit = lsm.segment_templates(4, 2, length=250.0, rate=20.0, seed=0)
    assert all(np.array_equal(a, b) for s, t in zip(templates, explicit) for a, b in zip(s, t))
    u, labels = lsm.segment_inputs(templates, 3, seed=1)
    v, same = lsm.segment_inputs(templates, 3, length=250.0, jitter=4.0, dt=0.1, seed=1)
    assert np.array_equal(u, v) and np.array_equal(labels, same) and u.shape == (3, 10000, 1)
    a, b = lsm.spike_train_pair(0.2, seed=5)
    c, d = lsm.spike_train_pair(0.2, rate=20.0, duration=500.0, tol=1e-3, seed=5)
    assert np.array_equal(a, c) and np.array_equal(b, d)
    assert lsm.spike_train_distance([1.0], [9.0], 50.0) == lsm.spike_train_distance(
        [1.0], [9.0], 50.0, tau=5.0)
    assert lsm.spike_counts([[np.array([0.25])]], 1.0).shape == (1, 10, 1)


@pytest.mark.parametrize("call, match", [
    (lambda: lsm.connection_probability([1.0], C=0.3, lam=0.0), "lam"),
    (lambda: lsm.connection_probability([1.0], C=1.5, lam=1.0), "C"),
    (lambda: lsm.connection_probability([np.nan], C=0.3, lam=1.0), "distance"),
    (lambda: lsm.liquid_network(background=-1.0), "background"),
    (lambda: lsm.liquid_network(background=(-1.0, 2.0)), "background"),
    (lambda: lsm.liquid_network(background="x"), "background"),
    (lambda: lsm.firing_rates(lsm.LiquidRun(np.zeros(0, int), np.zeros(0, int),
                                            np.zeros(0, int), None, np.zeros(0), 0.1, 1, 1),
                              5.0, 5.0, 1), "stop"),
    (lambda: lsm.choose_scale(lsm.ScaleScan(np.ones(1), np.ones(1), np.zeros(1), 0.0),
                              quiet=-1.0), "quiet"),
    (lambda: lsm.segment_inputs([[np.array([1.0])]], 0), "n_trials"),
    (lambda: lsm.segment_readouts("liquid", [[np.array([1.0])]], n_train=2, n_test=2,
                                  times=[1.0]), "liquid"),
    (lambda: lsm.separation_experiment("liquid", [0.1], 2), "liquid"),
    (lambda: lsm.separation_experiment(lsm.Liquid(lsm.single_neuron()), [0.1], 0), "n_pairs"),
    (lambda: lsm.liquid_network(background=(13.5, np.nan)), "background\\[1\\]"),
    (lambda: lsm.jitter_spike_train([1.0], 1.0, 0.0), "duration"),
    (lambda: lsm.fit_classifier(np.zeros((4, 2)), np.array([0.0, 1.0, 0.0, 1.0]), 2), "labels"),
    (lambda: lsm.segment_readouts(lsm.Liquid(lsm.single_neuron()), [[np.array([1.0])]],
                                  n_train=2, n_test=2, times=[[1.0]]), "times"),
    (lambda: lsm.Liquid(lsm.single_neuron()._replace(
        pre=np.array([0]), post=np.array([0]), amplitude=np.ones(1), U=np.full(1, 0.5),
        D=np.ones(1), F=np.ones(1), delay=np.zeros(1))), "at least one time step"),
    (lambda: lsm.Liquid(lsm.single_neuron()._replace(
        pre=np.array([0]), post=np.array([0]), amplitude=np.ones(1), U=np.full(1, 0.5),
        D=np.zeros(1), F=np.ones(1), delay=np.ones(1))), "D and network.F"),
    (lambda: lsm.Liquid(lsm.single_neuron()._replace(
        pre=np.array([0]), post=np.array([0]), amplitude=np.ones(1), U=np.full(1, 1.5),
        D=np.ones(1), F=np.ones(1), delay=np.ones(1))), "network.U"),
])
def test_more_bad_arguments_name_the_argument(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


def test_paper_parameters_are_those_of_appendix_b():
    """Maass, Natschläger and Markram (2002), Appendix B (D and F in ms)."""
    P = lsm.PAPER
    assert P["shape"] == (15, 3, 3) and P["lam"] == 2.0 and P["inhibitory_fraction"] == 0.2
    assert (P["tau_m"], P["threshold"], P["reset"], P["resistance"], P["background"]) == \
        (30.0, 15.0, 13.5, 1.0, 13.5)
    assert P["refractory"] == {"E": 3.0, "I": 2.0} and P["tau_syn"] == {"E": 3.0, "I": 6.0}
    assert P["v_init"] == (13.5, 15.0)
    assert P["C"] == {"EE": 0.3, "EI": 0.2, "IE": 0.4, "II": 0.1}
    assert P["A"] == {"EE": 30.0, "EI": 60.0, "IE": -19.0, "II": -19.0}
    assert P["A_input"] == {"E": 18.0, "I": 9.0}
    assert P["delay"] == {"EE": 1.5, "EI": 0.8, "IE": 0.8, "II": 0.8}
    assert P["U"] == {"EE": 0.5, "EI": 0.05, "IE": 0.25, "II": 0.32}
    assert P["D"] == {"EE": 1100.0, "EI": 125.0, "IE": 700.0, "II": 144.0}
    assert P["F"] == {"EE": 50.0, "EI": 1200.0, "IE": 20.0, "II": 60.0}


def test_single_neuron_defaults_and_the_step_counter():
    net = lsm.single_neuron()
    assert np.all(net.input_weights == 0.0) and net.background[0] == 0.0
    assert (net.tau_m[0], net.threshold[0], net.reset[0], net.refractory[0],
            net.resistance[0]) == (30.0, 15.0, 13.5, 3.0, 1.0)
    liquid = lsm.Liquid(net)
    x0 = liquid.initial_state()
    assert x0[-1] == 0.0                         # the packed step counter starts at 0 ...
    traj = liquid.run(np.zeros((7, 1)), x0)
    assert traj.states[:, -1].tolist() == [1, 2, 3, 4, 5, 6, 7]   # ... and counts the steps


@pytest.mark.parametrize("call, error, match", [
    # the input must play longer than the 100 ms that scale_scan skips
    (lambda: lsm.scale_scan(lsm.liquid_network((3, 2, 2), seed=0), [1.0],
                            np.concatenate([np.ones((1, 500, 1)), np.zeros((1, 3000, 1))], 1),
                            seed=0), ValueError, "inputs must play for more than 100 ms"),
    # templates of a segment lie within its length; every segment has as many templates
    (lambda: lsm.segment_inputs([[np.array([5.0, 30.0])]], 2, length=20.0, seed=0),
     ValueError, r"templates\[0\]\[0\] has spikes outside \[0, length\]"),
    (lambda: lsm.segment_inputs([[np.array([1.0]), np.array([2.0])], [np.array([3.0])]], 2,
                                length=20.0, seed=0),
     ValueError, "as many templates in every segment"),
    (lambda: lsm.segment_readouts(lsm.Liquid(lsm.single_neuron()), [[np.array([1.0])]],
                                  n_train=2, n_test=2, times=[20.0, 10.0], length=20.0),
     ValueError, "times must increase strictly"),
    # the N x N connection draw is refused before allocation above 10**4 neurons
    (lambda: lsm.liquid_network((100, 100, 2), seed=0), ValueError,
     r"shape \(100, 100, 2\) has 20000 points; at most 10000"),
    (lambda: lsm.spike_train_pair(0.1, rate=0.0, seed=0), ValueError, "rate must be positive"),
])
def test_new_argument_checks(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_grid_positions_of_a_large_grid_are_allowed_below_the_limit():
    # the limit that liquid_network puts on N (its N x N draw) is not the grid's
    assert lsm.grid_positions((100, 100, 2)).shape == (20000, 3)


def test_a_grid_of_exactly_the_maximum_size_passes_the_shape_check():
    # liquid_network allows at most 10**4 neurons (its N x N draw): a 100 x 100 x 1
    # grid is allowed, so the error is the next argument's, one more point is refused
    with pytest.raises(ValueError, match=r"^lam must be positive; got -1.0$"):
        lsm.liquid_network((100, 100, 1), lam=-1.0)
    with pytest.raises(ValueError, match=r"has 10002 points; at most 10000 are allowed"):
        lsm.liquid_network((5001, 2, 1), lam=-1.0)


def test_filtered_spike_trains_checks_n_neurons_against_the_run():
    run = lsm.LiquidRun(trial=np.array([0]), step=np.array([10]), neuron=np.array([3]),
                        states=None, sample_steps=np.zeros(0), dt=DT, n_steps=50,
                        n_trials=1)
    with pytest.raises(ValueError, match="n_neurons must exceed every neuron index of run"):
        lsm.filtered_spike_trains(run, [2.0], 3)         # neuron 3 spiked: needs 4


def test_spike_train_pair_checks_duration_before_drawing():
    # the arguments are checked in order, before the generator is made from the seed
    with pytest.raises(ValueError, match="^duration must be positive"):
        lsm.spike_train_pair(0.1, duration=-1.0, seed=-1)


def test_spike_train_pair_at_an_unreachable_tolerance_returns_the_bisected_pair():
    # a tolerance that only an exactly equal distance meets: after the 200 halvings of
    # [0, duration] the bisection has closed on sigma, and the pair is at the distance
    # to rounding (several seeds, so that some end the loop without an exact hit)
    for seed in range(4):
        a, b = lsm.spike_train_pair(0.0731, tol=1e-300, seed=seed)
        assert a.size > 0 and np.all(np.diff(b) >= 0)
        assert lsm.spike_train_distance(a, b, 500.0) == pytest.approx(0.0731, rel=1e-9)


def test_simulate_accepts_a_single_step_and_refuses_none():
    liquid = lsm.Liquid(lsm.single_neuron())
    run = liquid.simulate(np.zeros((1, 1)), x0=quiet(liquid))
    assert (run.n_steps, run.n_trials, run.step.size) == (1, 1, 0)
    with pytest.raises(ValueError, match="inputs must hold at least one step of one trial"):
        liquid.simulate(np.zeros((1, 0, 1)), x0=quiet(liquid))


@pytest.mark.parametrize("train", [[5.0], np.array([5.0])])
def test_spike_counts_of_a_one_spike_train(train):
    # a trial given as one array of one spike is one channel; the spike at 5 ms
    # falls into step floor(5 / 1) = 5
    counts = lsm.spike_counts([train], 10.0, dt=1.0)
    want = np.zeros((1, 10, 1), dtype=np.uint8)
    want[0, 5, 0] = 1
    np.testing.assert_array_equal(counts, want)
