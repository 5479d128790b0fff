"""Benchmark: rnnbook's echo state network against reservoirpy on Mackey-Glass.

reservoirpy is an optional peer, never installed into the project's own
.venv. Set up a peer environment outside the repository once (the book's
numpy and scipy pins from requirements.txt; rnnbook itself editable, in
compat mode)::

    python3 -m venv /tmp/benchvenv
    /tmp/benchvenv/bin/pip install torch==2.13.0 reservoirpy==0.4.2
    /tmp/benchvenv/bin/pip install numpy==2.4.6 scipy==1.17.1
    /tmp/benchvenv/bin/pip install --no-deps -e . --config-settings editable_mode=compat

and run, from the repository root::

    /tmp/benchvenv/bin/python benchmarks/bench_esn_reservoirpy.py

Task: the Mackey-Glass series of :func:`rnnbook.sequences.mackey_glass`
(tau = 17, one sample per time unit), scaled to [-1, 1]. One-step prediction:
input u(t) = s(t), target s(t + 1); 2000 training steps (the first 100 washed
out of the fit) and 500 test steps continuing from the last training state.

Timed work, the same on both sides (one call = one pipeline): build the
network (weights, and the rescaling to the spectral radius, which both
libraries compute with ARPACK), harvest the 2000 training states, fit the
readout, run the 500 test steps with the readout. Both networks are
input-driven without output feedback, readout [1; x(t)] (bias fitted),
which is what ``reservoirpy.ESN`` builds by default. Same hyperparameters on
both sides: N = 1000, spectral radius 1.25 and leak 0.3 (reservoirpy's
Mackey-Glass tutorial), input scaling 1, recurrent density 0.01 and 0.1, no
reservoir bias, ridge 1e-8. The weight distributions are matched too:
reservoirpy's defaults (Gaussian W, Bernoulli +-1 input weights on 10 % of
the units) are replaced by its ``mat_gen.uniform`` initialiser so that, like
rnnbook, W is sparse uniform on [-1, 1] rescaled to the spectral radius and
W_in is dense uniform on [-1, 1]. The two libraries draw different matrices
from their seeds; round k uses seed k on both sides. rnnbook's readout is its
default (``solver="auto"``: Cholesky of the Gram matrix with iterative
refinement, as accurate as QR); reservoirpy's Ridge solves the normal
equations (``scipy.linalg.solve``, ``assume_a="sym"``).

Timing: one thread (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and
MKL_NUM_THREADS are set to 1 below, before numpy is imported; reservoirpy's
``workers`` stays at 1); one warm-up of everything on each side per density;
then ROUNDS interleaved rounds, each running, in a rotated order, one
pipeline of each library and one measurement of the **floor**: the work
both sides must do, with the same kernels (the 2500 leaky state updates
``x = (1 - a) x + a tanh(W x + d)`` with the drive ``d = W_in u`` of every
step computed beforehand and ``W @ x`` by the bare CSR kernel, in a plain
loop; the Gram matrix of the 1900 x 1001 regression by BLAS ``dsyrk``, and
one solve of its normal equations by Cholesky, LAPACK ``dpotrf`` and
``dpotrs``, the cheapest factorisation of a symmetric positive definite
matrix) and the ARPACK call of rnnbook's spectral radius (``k=6``,
``ncv=40``, ``tol=1e-10``; reservoirpy asks ARPACK for ``k=1`` at ``tol=0``,
which took more mat-vecs on the reservoirs we tried). The mat-vecs alone are
timed too and printed, as the part of the updates no library can avoid.
Not in the floor: the iterative refinement that makes rnnbook's readout as
accurate as a QR solve (reservoirpy's is not refined), and building the
random matrices.
Printed per density: minimum and median times, the median over rounds of
the per-round ratios rnnbook / reservoirpy (lower is faster for rnnbook; the
goal is <= 0.33 at density 0.01 and <= 0.67 at 0.1) and floor / reservoirpy
(rnnbook's pipeline cannot go below it without a cheaper spectral radius or
mat-vec kernel). Accuracy (not timed):
the one-step NRMSE of the timed runs and the NRMSE of a 100-step free run
(y = esn.step(y) in reservoirpy, a loop over ``EchoStateNetwork.step`` and
``output`` in rnnbook; medians over N_SEEDS reservoirs; the free run varies
several-fold between draws). The last line is machine-readable:
``RATIOS {json}``. Not a test: it prints.
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
import scipy  # noqa: E402
import scipy.linalg.blas  # noqa: E402
import scipy.linalg.lapack  # noqa: E402

from rnnbook.esn import EchoStateNetwork, random_reservoir, spectral_radius  # noqa: E402

try:  # rnnbook's reservoir product: scipy's CSR kernel without the dispatch around it
    from rnnbook.esn import _apply  # noqa: E402
except ImportError:  # an older rnnbook (to measure "before"): scipy's own product
    def _apply(W, x):
        return W @ x
from rnnbook.readout import nrmse  # noqa: E402
from rnnbook.sequences import mackey_glass  # noqa: E402

N_UNITS, RADIUS, LEAK, INPUT_SCALING, RIDGE = 1000, 1.25, 0.3, 1.0, 1e-8
DENSITIES = (0.01, 0.1)
N_TRAIN, N_TEST, WASHOUT, N_FREE = 2000, 500, 100, 100
ROUNDS = 12   # interleaved timed rounds per density (seeds 0..ROUNDS-1); a multiple
#               of 3, so each of the three rotated orders comes up equally often
N_SEEDS = 7   # reservoirs for the free-run NRMSE medians (untimed)
GOALS = {0.01: 1 / 3, 0.1: 2 / 3}


def load_series() -> np.ndarray:
    s = mackey_glass(N_TRAIN + N_TEST + 1)
    return 2 * (s - s.min()) / (s.max() - s.min()) - 1


def rnnbook_pipeline(s: np.ndarray, seed: int, density: float):
    """Build, train and test rnnbook's ESN; returns (network, last train state, one-step)."""
    esn = EchoStateNetwork.random(N_UNITS, 1, spectral_radius=RADIUS, density=density,
                                  input_scaling=INPUT_SCALING, leak=LEAK, seed=seed)
    states = esn.fit(s[:N_TRAIN, None], s[1:N_TRAIN + 1], washout=WASHOUT, ridge=RIDGE)
    one_step = esn.run(s[N_TRAIN:N_TRAIN + N_TEST, None], x0=states[-1]).outputs[:, 0]
    return esn, states[-1], one_step


def rnnbook_free_run(esn, x_train_end, s):
    free = np.empty(N_FREE)
    x, u = x_train_end, s[N_TRAIN:N_TRAIN + 1]
    for k in range(N_FREE):
        x = esn.step(u, x)
        u = esn.output(x)
        free[k] = u[0]
    return free


def reservoirpy_pipeline(s: np.ndarray, seed: int, density: float, rpy):
    """Build, train and test reservoirpy's ESN; returns (model, last train state, one-step)."""
    from reservoirpy.mat_gen import uniform
    from reservoirpy.nodes import Reservoir, Ridge

    rpy.set_seed(seed)
    reservoir = Reservoir(N_UNITS, lr=LEAK, sr=RADIUS, input_scaling=INPUT_SCALING,
                          rc_connectivity=density, input_connectivity=1.0, W=uniform,
                          Win=uniform, bias=0.0, seed=seed)
    esn = rpy.ESN(reservoir=reservoir, readout=Ridge(ridge=RIDGE))
    esn.fit(s[:N_TRAIN, None], s[1:N_TRAIN + 1, None], warmup=WASHOUT)
    train_end = {"out": reservoir.state["out"].copy()}
    one_step = esn.run(s[N_TRAIN:N_TRAIN + N_TEST, None])[:, 0]
    return (esn, reservoir), train_end, one_step


def reservoirpy_free_run(model, train_end, s):
    esn, reservoir = model
    reservoir.state = dict(train_end)  # free run from the end of training, like rnnbook's
    free = np.empty(N_FREE)
    y = s[N_TRAIN:N_TRAIN + 1]
    for k in range(N_FREE):
        y = esn.step(y)
        free[k] = y[0]
    return free


def floor_parts(density: float, seed: int) -> tuple[dict, float]:
    """Time the shared work with the kernels both sides use (one measurement each).

    Returns the floor's parts (seconds) and, apart, the time of the updates'
    mat-vecs alone.
    """
    W = random_reservoir(N_UNITS, RADIUS, density=density, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, N_UNITS)
    drive = np.outer(rng.uniform(-1, 1, N_TRAIN + N_TEST), rng.uniform(-1, 1, N_UNITS))
    Z = np.random.default_rng(seed).uniform(-1, 1, (N_TRAIN - WASHOUT, N_UNITS + 1))
    out = {}
    start = time.perf_counter()
    for _ in range(N_TRAIN + N_TEST):
        _apply(W, x)                       # the bare CSR kernel, no Python dispatch
    matvecs = time.perf_counter() - start
    start = time.perf_counter()
    for k in range(N_TRAIN + N_TEST):      # the leaky tanh updates, in place
        pre = _apply(W, x)
        pre += drive[k]
        np.tanh(pre, out=pre)
        pre *= LEAK
        pre += (1.0 - LEAK) * x
        x = pre
    out["updates"] = time.perf_counter() - start
    start = time.perf_counter()
    gram = scipy.linalg.blas.dsyrk(1.0, Z.T)
    out["gram"] = time.perf_counter() - start
    gram[np.diag_indices_from(gram)] += RIDGE
    rhs = Z.T @ Z[:, :1]                   # outside the timing: any right-hand side
    start = time.perf_counter()
    factor, _ = scipy.linalg.lapack.dpotrf(gram, lower=0, clean=0, overwrite_a=1)
    scipy.linalg.lapack.dpotrs(factor, rhs, lower=0)
    out["solve"] = time.perf_counter() - start
    start = time.perf_counter()
    spectral_radius(W)
    out["spectral_radius"] = time.perf_counter() - start
    return out, matvecs


def run_density(density: float, s: np.ndarray, rpy) -> dict:
    ours = lambda k: rnnbook_pipeline(s, k, density)              # noqa: E731
    theirs = lambda k: reservoirpy_pipeline(s, k, density, rpy)   # noqa: E731
    ours(100)                                                      # warm-up, both sides
    theirs(100)
    floor_parts(density, 100)
    t_ours, t_theirs, floors, matvec_times = [], [], [], []
    results = {"rnnbook": [], "reservoirpy": []}
    for k in range(ROUNDS):
        jobs = [("rnnbook", ours, t_ours), ("reservoirpy", theirs, t_theirs), ("floor",)]
        for job in (jobs[k % 3:] + jobs[:k % 3]):          # rotate the order every round
            if job[0] == "floor":
                parts, matvecs = floor_parts(density, k)
                floors.append(parts)
                matvec_times.append(matvecs)
                continue
            name, fn, store = job
            start = time.perf_counter()
            result = fn(k)
            store.append(time.perf_counter() - start)
            results[name].append(result)
    truth_1 = s[N_TRAIN + 1:N_TRAIN + N_TEST + 1]
    truth_free = s[N_TRAIN + 1:N_TRAIN + N_FREE + 1]
    free_fn = {"rnnbook": rnnbook_free_run, "reservoirpy": reservoirpy_free_run}
    errors = {}
    for name, runs in results.items():
        e1 = statistics.median(nrmse(r[2], truth_1) for r in runs)
        ef = statistics.median(nrmse(free_fn[name](r[0], r[1], s), truth_free)
                               for r in runs[:N_SEEDS])
        errors[name] = (e1, ef)
    ratio = statistics.median(a / b for a, b in zip(t_ours, t_theirs))
    f_total = [sum(f.values()) for f in floors]
    floor_ratio = statistics.median(f / b for f, b in zip(f_total, t_theirs))
    parts = {key: statistics.median(f[key] for f in floors) for key in floors[0]}
    print(f"\ndensity {density}: {ROUNDS} interleaved rounds (seeds 0..{ROUNDS - 1})")
    print(f"  {'library':<14}{'min [s]':>9}{'median [s]':>12}{'NRMSE 1-step':>15}"
          f"{'NRMSE free':>12}")
    for name, times in (("rnnbook", t_ours), ("reservoirpy", t_theirs)):
        e1, ef = errors[name]
        print(f"  {name:<14}{min(times):>9.3f}{statistics.median(times):>12.3f}"
              f"{e1:>15.2e}{ef:>12.2e}")
    print(f"  ratio rnnbook / reservoirpy: median of rounds {ratio:.3f} "
          f"(goal <= {GOALS[density]:.2f}), of minima {min(t_ours) / min(t_theirs):.3f}")
    print(f"  floor (medians): {N_TRAIN + N_TEST} leaky tanh updates {parts['updates']:.3f} s "
          f"(their bare CSR mat-vecs alone {statistics.median(matvec_times):.3f} s) + "
          f"Gram (dsyrk, {N_TRAIN - WASHOUT} x {N_UNITS + 1}) {parts['gram']:.3f} s + "
          f"Cholesky solve (dpotrf + dpotrs, {N_UNITS + 1} x {N_UNITS + 1}) "
          f"{parts['solve']:.3f} s + "
          f"spectral radius (ARPACK) {parts['spectral_radius']:.3f} s; floor / reservoirpy: "
          f"median of rounds {floor_ratio:.3f}; rnnbook / floor: median of rounds "
          f"{statistics.median(a / f for a, f in zip(t_ours, f_total)):.2f}")
    return {"ratio": ratio, "floor": floor_ratio}


def main() -> int:
    try:
        import reservoirpy as rpy
    except ImportError as err:
        print(f"reservoirpy is not importable ({err}); set up the peer environment as the "
              "module docstring says. Nothing measured.")
        return 0
    s = load_series()
    print(f"Mackey-Glass, N={N_UNITS}, sr {RADIUS}, leak {LEAK}, ridge {RIDGE:g}, "
          f"{N_TRAIN} train (washout {WASHOUT}) / {N_TEST} test steps; timed: build + "
          f"harvest + fit + test; one thread")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"reservoirpy {rpy.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    ratios = {}
    for density in DENSITIES:
        out = run_density(density, s, rpy)
        key = f"esn_pipeline_d{density:g}_vs_reservoirpy"
        ratios[key] = round(out["ratio"], 3)
        ratios[key.replace("_vs_", "_floor_vs_")] = round(out["floor"], 3)
    print("RATIOS " + json.dumps(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
