"""Benchmark: rnnbook's liquid against Brian2 on the same 135-neuron network, 1 s.

Brian2 2.9 is an optional peer that needs numpy < 2.4 (it uses
``ndarray.ptp``, which numpy 2.4 removed), so it gets a peer environment of
its own, outside the repository, with rnnbook editable beside it (rnnbook
runs on numpy 2.3 too); both simulators then run in ONE process::

    python3 -m venv /tmp/benchvenv-brian2
    /tmp/benchvenv-brian2/bin/pip install 'brian2==2.9.*' 'numpy<2.4' scipy==1.17.1
    /tmp/benchvenv-brian2/bin/pip install --no-deps -e . --config-settings editable_mode=compat
    /tmp/benchvenv-brian2/bin/python benchmarks/bench_lsm_brian2.py

The network is the chapter's (``rnnbook.lsm.liquid_network(seed=2002)``) with
**static** synapses at a quarter of the paper's amplitudes (the chapter's
scaled static liquid, which fires at a moderate rate): Brian2 has no built-in
Markram-Tsodyks synapse, and static synapses test the same neuron, current,
delay and refractory machinery. The input is one 20 Hz Poisson train over
1 s; the initial potentials are rnnbook's random ones.

Both simulators do the same work with the same integration scheme: time step
0.1 ms, the linear equations of ``V``, ``I_e`` and ``I_i`` integrated
exactly over each step (Brian2's ``method='exact'``), and Brian2's default
schedule (state update, threshold, synaptic events, reset), which rnnbook
follows. Spike times are compared on the time grid, so both see the same
input spikes in the same steps. The script reports the number of spikes of
every neuron in both, whether they are identical, and the first spike (if
any) where the two differ.

Timing: one thread (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and
MKL_NUM_THREADS are set to 1 below, before numpy is imported); for each of
Brian2's ``numpy`` and ``cython`` code generation targets: one warm-up run on
each side (the first Brian2 run compiles), then ROUNDS rounds, each timing
one rnnbook ``Liquid.simulate`` and one Brian2 ``Network.run`` (after
``Network.restore``, not timed; set-up not timed) in alternating order.
Printed: minimum and median times and the median over rounds of the
per-round ratio rnnbook / Brian2 (lower is faster for rnnbook). The last line
is machine-readable: ``RATIOS {json}``. Not a test: it prints.
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

SEED, SCALE, RATE, DURATION = 2002, 0.25, 20.0, 1000.0
ROUNDS = 5


def rnnbook_setup():
    """The liquid, its input, its initial state, and a function that simulates it."""
    from rnnbook import lsm

    net = lsm.liquid_network(seed=SEED).scaled(SCALE)
    liquid = lsm.Liquid(net, dynamic=False)
    train = lsm.poisson_spike_train(RATE, DURATION, seed=SEED + 1)
    u = lsm.spike_counts([[train]], DURATION, liquid.dt)
    x0 = liquid.random_initial_states(1, seed=SEED + 2)
    input_steps = np.flatnonzero(u[0, :, 0])         # 0-based: Brian's time steps
    if np.any(u[0, input_steps, 0] > 1):
        raise RuntimeError("two input spikes in one step; draw another train")
    return net, liquid, input_steps, x0, lambda: liquid.simulate(u, x0=x0)


def brian2_network(b2, net, liquid, input_steps, x0):
    """The same network in Brian2 (current code generation target); with its monitor."""
    n = net.n_neurons
    dt = liquid.dt
    tau_e, tau_i = net.tau_syn
    namespace = dict(tau_m=float(net.tau_m[0]) * b2.ms, tau_e=float(tau_e) * b2.ms,
                     tau_i=float(tau_i) * b2.ms, R=float(net.resistance[0]) * b2.Mohm,
                     v_th=float(net.threshold[0]) * b2.mV,
                     v_reset=float(net.reset[0]) * b2.mV)
    eqs = """
    dv/dt = (-v + R * (I_b + i_e + i_i)) / tau_m : volt (unless refractory)
    di_e/dt = -i_e / tau_e : amp
    di_i/dt = -i_i / tau_i : amp
    I_b : amp (constant)
    t_ref : second (constant)
    """
    b2.start_scope()
    b2.defaultclock.dt = dt * b2.ms
    group = b2.NeuronGroup(n, eqs, threshold="v > v_th", reset="v = v_reset",
                           refractory="t_ref", method="exact", namespace=namespace)
    group.v = x0[0, :n] * b2.mV
    group.I_b = net.background * b2.nA
    group.t_ref = net.refractory * b2.ms
    exc = ~net.inhibitory[net.pre]
    synapses = []
    for sel, current in ((exc, "i_e"), (~exc, "i_i")):
        s = b2.Synapses(group, group, "w : amp (constant)", on_pre=f"{current}_post += w")
        s.connect(i=net.pre[sel], j=net.post[sel])
        s.w = net.amplitude[sel] * b2.nA
        s.delay = net.delay[sel] * b2.ms
        synapses.append(s)
    source = b2.SpikeGeneratorGroup(1, np.zeros(input_steps.size, dtype=int),
                                    input_steps * dt * b2.ms)
    weights = net.input_weights[0]
    targets = np.flatnonzero(weights > 0)
    feed = b2.Synapses(source, group, "w : amp (constant)", on_pre="i_e_post += w")
    feed.connect(i=0, j=targets)
    feed.w = weights[targets] * b2.nA
    monitor = b2.SpikeMonitor(group)
    network = b2.Network(group, source, feed, monitor, *synapses)
    network.store()
    return network, monitor


def compare(b2, run, monitor, dt, n):
    ours = sorted(zip(run.step.tolist(), run.neuron.tolist()))
    step = np.rint(np.asarray(monitor.t / b2.ms) / dt).astype(int) + 1
    theirs = sorted(zip(step.tolist(), np.asarray(monitor.i).tolist()))
    same_counts = np.array_equal(np.bincount(run.neuron, minlength=n),
                                 np.bincount(np.asarray(monitor.i, dtype=int), minlength=n))
    first = next((k for k, (a, b) in enumerate(zip(ours, theirs)) if a != b), None)
    return len(theirs), same_counts, theirs == ours, first, ours, theirs


def main() -> int:
    try:
        import brian2 as b2
    except Exception as err:                          # not installed, or numpy too new
        print(f"Brian2 is not importable ({type(err).__name__}: {err}); set up its peer "
              "environment as the module docstring says. Nothing measured.")
        return 0
    net, liquid, input_steps, x0, ours = rnnbook_setup()
    n = net.n_neurons
    run = ours()
    print(f"rnnbook: {n} neurons, {net.pre.size} synapses (static, amplitudes x {SCALE}), "
          f"{input_steps.size} input spikes in {DURATION:g} ms; {run.neuron.size} spikes")
    print(f"brian2 {b2.__version__}, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; {ROUNDS} interleaved "
          "rounds per target")
    ratios = {}
    for target in ("numpy", "cython"):
        try:
            b2.prefs.codegen.target = target
            network, monitor = brian2_network(b2, net, liquid, input_steps, x0)

            def theirs():
                network.restore()
                start = time.perf_counter()
                network.run(DURATION * b2.ms)
                return time.perf_counter() - start

            theirs()                                   # warm-up (compiles for cython)
            ours()
            count, same_counts, same, first, a, b = compare(b2, run, monitor, liquid.dt, n)
            t_ours, t_theirs = [], []
            for r in range(ROUNDS):
                for side in (("ours", "theirs") if r % 2 == 0 else ("theirs", "ours")):
                    if side == "ours":
                        start = time.perf_counter()
                        ours()
                        t_ours.append(time.perf_counter() - start)
                    else:
                        t_theirs.append(theirs())
        except Exception as err:                       # e.g. no compiler for cython
            print(f"brian2 ({target}): failed: {type(err).__name__}: {err}")
            continue
        ratio = statistics.median(x / y for x, y in zip(t_ours, t_theirs))
        ratios[f"lsm_vs_brian2_{target}"] = round(ratio, 3)
        print(f"brian2 ({target}): {count} spikes, identical counts per neuron: {same_counts}, "
              f"identical spike times: {same}"
              + ("" if first is None else f", first difference at spike {first}: "
                 f"rnnbook {a[first]}, brian2 {b[first]}"))
        print(f"  rnnbook min {min(t_ours):.3f} s, median {statistics.median(t_ours):.3f} s | "
              f"brian2 ({target}) min {min(t_theirs):.3f} s, median "
              f"{statistics.median(t_theirs):.3f} s | ratio rnnbook / brian2: median of rounds "
              f"{ratio:.3f}")
    print("RATIOS " + json.dumps(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
