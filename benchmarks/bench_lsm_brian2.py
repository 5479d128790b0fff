"""Benchmark: rnnbook's liquid against Brian2 on the same 135-neuron network, 1 s.

Brian2 is an optional extra in its own virtual environment (it needs
numpy < 2.4, the book pins a newer numpy), so the script has two modes that
talk through an ``.npz`` file::

    # 1. with the book's environment: draw the liquid, run it with rnnbook,
    #    and export the network, the input and the initial state
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_lsm_brian2.py export /tmp/lsm.npz

    # 2. once: a separate environment for Brian2, outside the repository
    python3.11 -m venv ../venvs/brian2
    ../venvs/brian2/bin/pip install brian2 'numpy<2.4' scipy

    # 3. with that environment: rebuild the network in Brian2, run it, compare
    OPENBLAS_NUM_THREADS=1 ../venvs/brian2/bin/python \\
        benchmarks/bench_lsm_brian2.py brian2 /tmp/lsm.npz

The network is the chapter's (``rnnbook.lsm.liquid_network(seed=2002)``) with
**static** synapses at a quarter of the paper's amplitudes (the chapter's
scaled static liquid, which fires at a moderate rate): Brian2 has no built-in
Markram-Tsodyks synapse, and static synapses test the same neuron, current,
delay and refractory machinery. The input is one 20 Hz Poisson train over
1 s; the initial potentials are rnnbook's random ones.

Both simulators use the same integration scheme: time step 0.1 ms, the
linear equations of ``V``, ``I_e`` and ``I_i`` integrated exactly over each
step (Brian2's ``method='exact'``), and Brian2's default schedule (state
update, threshold, synaptic events, reset), which rnnbook follows. Spike
times are exported on the time grid, so both see the same input spikes in
the same steps. The script reports the number of spikes of every neuron in
both and whether they are identical, the first spike (if any) where the two
differ, and the wall times: rnnbook's ``Liquid.simulate`` (median of 5 runs)
against Brian2's ``Network.run`` with the ``numpy`` and ``cython`` code
generation targets (median of 3 runs after a first, compiling run; set-up
not counted). All on one thread. Not a test: it prints.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

SEED, SCALE, RATE, DURATION = 2002, 0.25, 20.0, 1000.0


def export(path: str) -> int:
    from rnnbook import lsm

    net = lsm.liquid_network(seed=SEED).scaled(SCALE)
    liquid = lsm.Liquid(net, dynamic=False)
    train = lsm.poisson_spike_train(RATE, DURATION, seed=SEED + 1)
    u = lsm.spike_counts([[train]], DURATION, liquid.dt)
    x0 = liquid.random_initial_states(1, seed=SEED + 2)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        run = liquid.simulate(u, x0=x0)
        times.append(time.perf_counter() - start)
    input_steps = np.flatnonzero(u[0, :, 0])         # 0-based: Brian's time steps
    if np.any(u[0, input_steps, 0] > 1):
        raise RuntimeError("two input spikes in one step; draw another train")
    np.savez(path, v0=x0[0, :net.n_neurons], pre=net.pre, post=net.post,
             amplitude=net.amplitude, delay=net.delay, inhibitory=net.inhibitory,
             input_weights=net.input_weights[0], background=net.background,
             refractory=net.refractory, tau_m=net.tau_m[0], threshold=net.threshold[0],
             reset=net.reset[0], resistance=net.resistance[0],
             tau_syn=np.array(net.tau_syn), dt=liquid.dt, duration=DURATION,
             input_steps=input_steps, spike_step=run.step, spike_neuron=run.neuron,
             rnnbook_time=statistics.median(times))
    counts = np.bincount(run.neuron, minlength=net.n_neurons)
    print(f"rnnbook: {net.n_neurons} neurons, {net.pre.size} synapses (static, "
          f"amplitudes x {SCALE}), {input_steps.size} input spikes in {DURATION:g} ms")
    print(f"rnnbook: {counts.sum()} spikes ({counts.sum() / net.n_neurons:.1f} Hz mean), "
          f"median wall time {statistics.median(times):.3f} s; wrote {path}")
    return 0


def run_brian2(path: str) -> int:
    import brian2 as b2

    d = np.load(path)
    n = d["v0"].size
    dt = float(d["dt"])
    tau_e, tau_i = d["tau_syn"]
    namespace = dict(tau_m=float(d["tau_m"]) * b2.ms, tau_e=float(tau_e) * b2.ms,
                     tau_i=float(tau_i) * b2.ms, R=float(d["resistance"]) * b2.Mohm,
                     v_th=float(d["threshold"]) * b2.mV, v_reset=float(d["reset"]) * b2.mV)
    eqs = """
    dv/dt = (-v + R * (I_b + i_e + i_i)) / tau_m : volt (unless refractory)
    di_e/dt = -i_e / tau_e : amp
    di_i/dt = -i_i / tau_i : amp
    I_b : amp (constant)
    t_ref : second (constant)
    """
    exc = ~d["inhibitory"][d["pre"]]
    results = {}
    for target in ("numpy", "cython"):
        try:
            b2.prefs.codegen.target = target
            b2.start_scope()
            b2.defaultclock.dt = dt * b2.ms
            group = b2.NeuronGroup(n, eqs, threshold="v > v_th", reset="v = v_reset",
                                   refractory="t_ref", method="exact", namespace=namespace)
            group.v = d["v0"] * b2.mV
            group.I_b = d["background"] * b2.nA
            group.t_ref = d["refractory"] * b2.ms
            synapses = []
            for sel, current in ((exc, "i_e"), (~exc, "i_i")):
                s = b2.Synapses(group, group, "w : amp (constant)",
                                on_pre=f"{current}_post += w")
                s.connect(i=d["pre"][sel], j=d["post"][sel])
                s.w = d["amplitude"][sel] * b2.nA
                s.delay = d["delay"][sel] * b2.ms
                synapses.append(s)
            steps = d["input_steps"]
            source = b2.SpikeGeneratorGroup(1, np.zeros(steps.size, dtype=int),
                                            steps * dt * b2.ms)
            targets = np.flatnonzero(d["input_weights"] > 0)
            feed = b2.Synapses(source, group, "w : amp (constant)", on_pre="i_e_post += w")
            feed.connect(i=0, j=targets)
            feed.w = d["input_weights"][targets] * b2.nA
            monitor = b2.SpikeMonitor(group)
            network = b2.Network(group, source, feed, monitor, *synapses)
            network.store()
            times = []
            for repeat in range(4):             # the first run compiles (cython)
                network.restore()
                start = time.perf_counter()
                network.run(float(d["duration"]) * b2.ms)
                if repeat:
                    times.append(time.perf_counter() - start)
            spike_step = np.rint(np.asarray(monitor.t / b2.ms) / dt).astype(int) + 1
            results[target] = (statistics.median(times), spike_step,
                               np.asarray(monitor.i))
        except Exception as exc_info:               # e.g. no compiler for cython
            print(f"brian2 ({target}): failed: {type(exc_info).__name__}: {exc_info}")
    ours_step, ours_neuron = d["spike_step"], d["spike_neuron"]
    ours_counts = np.bincount(ours_neuron, minlength=n)
    ours = sorted(zip(ours_step.tolist(), ours_neuron.tolist()))
    print(f"brian2 {b2.__version__}, numpy {np.__version__}")
    print(f"rnnbook: {ours_counts.sum()} spikes, wall time {float(d['rnnbook_time']):.3f} s")
    for target, (wall, step, neuron) in results.items():
        counts = np.bincount(neuron, minlength=n)
        theirs = sorted(zip(step.tolist(), neuron.tolist()))
        same_counts = np.array_equal(counts, ours_counts)
        same_spikes = theirs == ours
        first = next((k for k, (a, b) in enumerate(zip(ours, theirs)) if a != b), None)
        print(f"brian2 ({target}): {counts.sum()} spikes, identical counts per neuron: "
              f"{same_counts}, identical spike times: {same_spikes}"
              + ("" if first is None else f", first difference at spike {first}: "
                 f"rnnbook {ours[first]}, brian2 {theirs[first]}"))
        print(f"brian2 ({target}): wall time {wall:.3f} s, "
              f"ratio brian2 / rnnbook {wall / float(d['rnnbook_time']):.2f}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("export", "brian2"):
        print(__doc__)
        return 2
    return export(argv[1]) if argv[0] == "export" else run_brian2(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
