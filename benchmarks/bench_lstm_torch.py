"""Benchmark: rnnbook's LSTM and tanh RNN, forward + backward, against PyTorch (CPU).

PyTorch is an optional peer, never installed into the project's own .venv.
Set up a peer environment outside the repository once (PyTorch 2.13.0, CPU
build; the book's numpy and scipy pins from requirements.txt; rnnbook itself
editable, in compat mode)::

    python3 -m venv /tmp/benchvenv
    /tmp/benchvenv/bin/pip install torch==2.13.0 reservoirpy==0.4.2
    /tmp/benchvenv/bin/pip install numpy==2.4.6 scipy==1.17.1
    /tmp/benchvenv/bin/pip install --no-deps -e . --config-settings editable_mode=compat

and run, from the repository root::

    /tmp/benchvenv/bin/python benchmarks/bench_lstm_torch.py

Work, the same on both sides: a batch of 32 sequences of T = 100 steps, one
input, hidden size 32, float64, a linear readout and the squared-error loss
``0.5 |y - d|^2`` on EVERY step, averaged over batch and steps; one call =
forward pass, loss, and the gradients of all weights (backward). rnnbook:
:meth:`rnnbook.lstm.LSTM.loss_and_gradients` (mask ``None``: every step);
PyTorch: ``nn.LSTM`` (gate order input-forget-cell-output, as rnnbook's) and
``nn.Linear`` on all steps, then ``loss.backward()``. The same weights are
copied in, and before timing the script checks that the loss and every
gradient agree (largest absolute difference printed). The same for a tanh
``RNN`` against ``nn.RNN``.

Timing: one thread on both sides (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and
MKL_NUM_THREADS are set to 1 below, before numpy is imported;
``torch.set_num_threads(1)``); 5 warm-up calls on each side; then ROUNDS
rounds, each timing one call of each side in alternating order (interleaved,
so a slow spell of a shared machine hits both). Printed: the minimum and the
median time per call of each side, and the median over rounds of the
per-round ratio rnnbook / torch (lower is faster for rnnbook). The last line
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

from rnnbook import RNN  # noqa: E402
from rnnbook.lstm import LSTM  # noqa: E402

BATCH, HIDDEN, INPUTS, STEPS = 32, 32, 1, 100
WARMUP, ROUNDS = 5, 60


def interleaved(ours, theirs, rounds=ROUNDS, warmup=WARMUP):
    """Per-call times of both sides, alternating which goes first each round."""
    for _ in range(warmup):
        ours()
        theirs()
    t_ours, t_theirs = [], []
    for r in range(rounds):
        pair = [(ours, t_ours), (theirs, t_theirs)]
        for fn, store in (pair if r % 2 == 0 else pair[::-1]):
            start = time.perf_counter()
            fn()
            store.append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(t_ours, t_theirs)]
    return t_ours, t_theirs, statistics.median(ratios)


def report(label, t_ours, t_theirs, ratio):
    print(f"  {label}: rnnbook min {min(t_ours) * 1e3:7.2f} ms, median "
          f"{statistics.median(t_ours) * 1e3:7.2f} ms | torch min "
          f"{min(t_theirs) * 1e3:7.2f} ms, median {statistics.median(t_theirs) * 1e3:7.2f} ms"
          f" | ratio rnnbook / torch: median of rounds {ratio:.3f}, of minima "
          f"{min(t_ours) / min(t_theirs):.3f}")


def max_differences(value, grads, loss, pairs):
    out = {"loss": abs(value - loss.item())}
    for name, tensor in pairs:
        out[name] = float(np.abs(grads[name.split(" ")[0]] - tensor.grad.numpy()).max())
    return out


def lstm_case(torch, rng):
    model = LSTM.random(INPUTS, HIDDEN, 1, forget_bias=1.0, seed=0)
    u = rng.normal(size=(BATCH, STEPS, INPUTS))
    targets = rng.normal(size=(BATCH, STEPS, 1))

    def ours():
        return model.loss_and_gradients(u, targets, loss="squared_error")

    lstm = torch.nn.LSTM(INPUTS, HIDDEN, batch_first=True, dtype=torch.float64)
    readout = torch.nn.Linear(HIDDEN, 1, dtype=torch.float64)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(model.W_ri))
        lstm.weight_hh_l0.copy_(torch.from_numpy(model.W_rc))
        lstm.bias_ih_l0.copy_(torch.from_numpy(model.t_r))
        lstm.bias_hh_l0.zero_()
        readout.weight.copy_(torch.from_numpy(model.W_or))
        readout.bias.copy_(torch.from_numpy(model.t_o))
    u_t, d_t = torch.from_numpy(u), torch.from_numpy(targets)
    params = [lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0,
              readout.weight, readout.bias]

    def theirs():
        for p in params:
            p.grad = None
        out, _ = lstm(u_t)                                    # (B, T, H): every step
        loss = 0.5 * ((readout(out) - d_t) ** 2).sum(dim=-1).mean()
        loss.backward()
        return loss

    value, grads = ours()
    loss = theirs()
    diffs = max_differences(value, grads, loss, [
        ("W_ri", lstm.weight_ih_l0), ("W_rc", lstm.weight_hh_l0),
        ("t_r (bias_ih)", lstm.bias_ih_l0), ("t_r (bias_hh)", lstm.bias_hh_l0),
        ("W_or", readout.weight), ("t_o", readout.bias)])
    return ours, theirs, diffs


def rnn_case(torch, rng):
    model = RNN.random(INPUTS, HIDDEN, 1, recurrent_scale=1 / np.sqrt(HIDDEN),
                       threshold_scale=0.1, hidden_activation="tanh",
                       output_activation="identity", seed=1)
    u = rng.normal(size=(BATCH, STEPS, INPUTS))
    targets = rng.normal(size=(BATCH, STEPS, 1))

    def ours():
        return model.loss_and_gradients(u, targets, loss="squared_error")

    rnn = torch.nn.RNN(INPUTS, HIDDEN, nonlinearity="tanh", batch_first=True,
                       dtype=torch.float64)
    readout = torch.nn.Linear(HIDDEN, 1, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(model.W_ri))
        rnn.weight_hh_l0.copy_(torch.from_numpy(model.W_rc))
        rnn.bias_ih_l0.copy_(torch.from_numpy(model.t_r))
        rnn.bias_hh_l0.zero_()
        readout.weight.copy_(torch.from_numpy(model.W_or))
        readout.bias.copy_(torch.from_numpy(model.t_o))
    u_t, d_t = torch.from_numpy(u), torch.from_numpy(targets)
    params = [rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0,
              readout.weight, readout.bias]

    def theirs():
        for p in params:
            p.grad = None
        out, _ = rnn(u_t)
        loss = 0.5 * ((readout(out) - d_t) ** 2).sum(dim=-1).mean()
        loss.backward()
        return loss

    value, grads = ours()
    loss = theirs()
    diffs = max_differences(value, grads, loss, [
        ("W_ri", rnn.weight_ih_l0), ("W_rc", rnn.weight_hh_l0),
        ("t_r (bias_ih)", rnn.bias_ih_l0), ("t_r (bias_hh)", rnn.bias_hh_l0),
        ("W_or", readout.weight), ("t_o", readout.bias)])
    return ours, theirs, diffs


def main() -> int:
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed; set up the peer environment as the module "
              "docstring says. Nothing measured.")
        return 0
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    print(f"forward + backward, batch {BATCH}, hidden {HIDDEN}, input {INPUTS}, "
          f"T = {STEPS}, float64, squared-error loss on every step, one thread; "
          f"{WARMUP} warm-ups, {ROUNDS} interleaved rounds")
    print(f"  numpy {np.__version__}, torch {torch.__version__}, "
          f"torch threads {torch.get_num_threads()}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    ratios, worst_all = {}, 0.0
    for key, label, case in (("lstm_fwd_bwd_vs_torch", "LSTM vs nn.LSTM", lstm_case),
                             ("rnn_tanh_fwd_bwd_vs_torch", "tanh RNN vs nn.RNN", rnn_case)):
        ours, theirs, diffs = case(torch, rng)
        worst = max(diffs.values())
        worst_all = max(worst_all, worst)
        print(f"  {label}: largest absolute differences: "
              + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
              + ("" if worst < 1e-12 else "  (CHECK: above 1e-12)"))
        t_ours, t_theirs, ratio = interleaved(ours, theirs)
        report(label, t_ours, t_theirs, ratio)
        ratios[key] = round(ratio, 3)
    ratios["max_abs_difference"] = float(f"{worst_all:.1e}")
    print("RATIOS " + json.dumps(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
