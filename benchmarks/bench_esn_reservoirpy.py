"""Benchmark: rnnbook's echo state network against reservoirpy on Mackey-Glass.

Set up (reservoirpy is an optional extra and must not go into the project's
own .venv) and run, from the repository root::

    python3.11 -m venv ../venvs/rpy
    ../venvs/rpy/bin/pip install numpy==2.4.6 scipy==1.17.1 reservoirpy
    ../venvs/rpy/bin/pip install --no-deps -e .
    ../venvs/rpy/bin/python benchmarks/bench_esn_reservoirpy.py

Task: the Mackey-Glass series of :func:`rnnbook.sequences.mackey_glass`
(tau = 17, one sample per time unit), scaled to [-1, 1]. One-step prediction:
input u(t) = s(t), target s(t + 1); 2000 training steps (the first 100 washed
out of the fit) and 500 test steps continuing from the last training state.
Free run (generative): from the last training state, feed the true s(2000)
once, then the network's own prediction back as its next input for 100 steps
in all; NRMSE against s(2001..2100). NRMSE = sqrt(mean squared error / variance
of the target stretch), :func:`rnnbook.readout.nrmse`, for both libraries.

Both networks are input-driven without output feedback, readout [1; x(t)]
(bias unpenalised), which is what ``reservoirpy.ESN`` builds by default. The
free run is reservoirpy's generative loop (``y = esn.step(y)``); rnnbook's
equivalent is a loop over ``EchoStateNetwork.step`` and ``output`` (no
``W_rf``/``generate``: an output-feedback network trained with teacher forcing
would be a different model). Same hyperparameters on both sides: N = 1000,
spectral radius 1.25 and leak 0.3 (reservoirpy's Mackey-Glass tutorial),
input scaling 1, recurrent density 0.1, no reservoir bias, ridge 1e-8. The
weight distributions are matched too: reservoirpy's defaults (Gaussian W,
Bernoulli +-1 input weights on 10 % of the units) are replaced by its
``mat_gen.uniform`` initialiser so that, like rnnbook, W is sparse uniform on
[-1, 1] rescaled to the spectral radius and W_in is dense uniform on
[-1, 1]. The two libraries still draw different matrices from their seeds.

Timing: ``time.perf_counter`` around one repetition = building the network
(weights and spectral-radius rescaling) + harvesting states and fitting the
readout + one-step test + free run; median of 5 repetitions, repetition k
with seed k. The NRMSEs are medians over 20 reservoirs (seeds 0..19): the
free-run error of a single draw varies several-fold from draw to draw. rnnbook is
timed with both ridge solvers, ``"qr"`` (default) and ``"cholesky"``;
reservoirpy's Ridge solves the normal equations (``scipy.linalg.solve``,
``assume_a="sym"``). Everything runs on one thread: OPENBLAS_NUM_THREADS and
OMP_NUM_THREADS are set to 1 below, before numpy is imported, and
reservoirpy's ``workers`` stays at 1. Not a test: it prints a table.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402

from rnnbook.esn import EchoStateNetwork  # noqa: E402
from rnnbook.readout import nrmse  # noqa: E402
from rnnbook.sequences import mackey_glass  # noqa: E402

N_UNITS, DENSITY, RADIUS, LEAK, INPUT_SCALING, RIDGE = 1000, 0.1, 1.25, 0.3, 1.0, 1e-8
N_TRAIN, N_TEST, WASHOUT, N_FREE, REPEATS = 2000, 500, 100, 100, 5
N_SEEDS = 20  # reservoirs for the NRMSE medians (the free run varies a lot between draws)


def load_series() -> np.ndarray:
    s = mackey_glass(N_TRAIN + N_TEST + 1)
    return 2 * (s - s.min()) / (s.max() - s.min()) - 1


def rnnbook_once(s: np.ndarray, seed: int, solver: str):
    """Build, train and test rnnbook's ESN; returns (one-step, free-run predictions)."""
    esn = EchoStateNetwork.random(N_UNITS, 1, spectral_radius=RADIUS, density=DENSITY,
                                  input_scaling=INPUT_SCALING, leak=LEAK, seed=seed)
    states = esn.fit(s[:N_TRAIN, None], s[1:N_TRAIN + 1], washout=WASHOUT, ridge=RIDGE,
                     solver=solver)
    x_train_end = states[-1]
    one_step = esn.run(s[N_TRAIN:N_TRAIN + N_TEST, None], x0=x_train_end).outputs[:, 0]
    free = np.empty(N_FREE)
    x, u = x_train_end, s[N_TRAIN:N_TRAIN + 1]
    for k in range(N_FREE):
        x = esn.step(u, x)
        u = esn.output(x)
        free[k] = u[0]
    return one_step, free


def reservoirpy_once(s: np.ndarray, seed: int, rpy):
    """Build, train and test reservoirpy's ESN; returns (one-step, free-run predictions)."""
    from reservoirpy.mat_gen import uniform
    from reservoirpy.nodes import Reservoir, Ridge

    rpy.set_seed(seed)
    reservoir = Reservoir(N_UNITS, lr=LEAK, sr=RADIUS, input_scaling=INPUT_SCALING,
                          rc_connectivity=DENSITY, input_connectivity=1.0, W=uniform,
                          Win=uniform, bias=0.0, seed=seed)
    esn = rpy.ESN(reservoir=reservoir, readout=Ridge(ridge=RIDGE))
    esn.fit(s[:N_TRAIN, None], s[1:N_TRAIN + 1, None], warmup=WASHOUT)
    train_end = {"out": reservoir.state["out"].copy()}
    one_step = esn.run(s[N_TRAIN:N_TRAIN + N_TEST, None])[:, 0]
    reservoir.state = dict(train_end)  # free run from the end of training, like rnnbook's
    free = np.empty(N_FREE)
    y = s[N_TRAIN:N_TRAIN + 1]
    for k in range(N_FREE):
        y = esn.step(y)
        free[k] = y[0]
    return one_step, free


def measure(once, s: np.ndarray) -> tuple[float, float, float]:
    """Median wall time of seeds 0..REPEATS-1; median NRMSEs over seeds 0..N_SEEDS-1."""
    times, errs_1, errs_free = [], [], []
    for seed in range(N_SEEDS):
        start = time.perf_counter()
        one_step, free = once(s, seed)
        if seed < REPEATS:
            times.append(time.perf_counter() - start)
        errs_1.append(nrmse(one_step, s[N_TRAIN + 1:N_TRAIN + N_TEST + 1]))
        errs_free.append(nrmse(free, s[N_TRAIN + 1:N_TRAIN + N_FREE + 1]))
    return statistics.median(times), statistics.median(errs_1), statistics.median(errs_free)


def main() -> int:
    try:
        import reservoirpy as rpy
    except ImportError as err:
        print(f"reservoirpy is not importable ({err}); set up its venv as the module "
              "docstring says. Nothing measured.")
        return 0
    s = load_series()
    rows = [
        ("rnnbook (qr)", measure(lambda s, k: rnnbook_once(s, k, "qr"), s)),
        ("rnnbook (cholesky)", measure(lambda s, k: rnnbook_once(s, k, "cholesky"), s)),
        ("reservoirpy (Ridge)", measure(lambda s, k: reservoirpy_once(s, k, rpy), s)),
    ]
    print(f"Mackey-Glass, N={N_UNITS}, density {DENSITY}, sr {RADIUS}, leak {LEAK}, "
          f"ridge {RIDGE:g}, {N_TRAIN} train (washout {WASHOUT}) / {N_TEST} test steps, "
          f"{N_FREE}-step free run; time: median of {REPEATS} (seeds 0..{REPEATS - 1}); "
          f"NRMSE: medians over seeds 0..{N_SEEDS - 1}; 1 thread")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"reservoirpy {rpy.__version__}")
    t_ref = rows[-1][1][0]
    print(f"\n{'library':<22}{'time [s]':>10}{'speed-up':>10}{'NRMSE 1-step':>15}"
          f"{'NRMSE free':>13}")
    for name, (t, e1, ef) in rows:
        print(f"{name:<22}{t:>10.3f}{t_ref / t:>9.2f}x{e1:>15.2e}{ef:>13.2e}")
    print("\nspeed-up = reservoirpy's median time / this row's (target: rnnbook >= 2x "
          "at equal or better NRMSE)")
    floor, n_steps = matvec_floor(), N_TRAIN + N_TEST + N_FREE
    print(f"\nfloor: the {n_steps} steps need one sparse mat-vec each ({floor * 1e6:.0f} us "
          f"for this reservoir): {n_steps * floor:.3f} s, {n_steps * floor / t_ref:.0%} of "
          "reservoirpy's time, before the spectral radius (ARPACK, hundreds more mat-vecs) "
          "and the readout")
    return 0


def matvec_floor() -> float:
    """Median time of one bare ``W @ x`` (scipy CSR) for the benchmark's reservoir."""
    from rnnbook.esn import random_reservoir

    W = random_reservoir(N_UNITS, RADIUS, density=DENSITY, seed=0)
    x = np.random.default_rng(0).uniform(-1, 1, N_UNITS)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(500):
            W @ x
        times.append((time.perf_counter() - start) / 500)
    return statistics.median(times)


if __name__ == "__main__":
    sys.exit(main())
