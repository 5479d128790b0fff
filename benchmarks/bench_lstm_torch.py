"""Benchmark: rnnbook's LSTM forward and backward against PyTorch's nn.LSTM (CPU).

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_lstm_torch.py

Batch 32, hidden 32, input 1, T = 100, float64, a linear readout and a
squared-error loss at the last step. The same weights are copied into
``torch.nn.LSTM`` (whose gate order, input-forget-cell-output, is rnnbook's)
and the gradients are compared. PyTorch is an optional extra, not in
requirements.txt: ``pip install torch``. Both run on one thread (numpy through
OPENBLAS_NUM_THREADS, PyTorch through ``torch.set_num_threads(1)``), the
median of 20 timed repetitions after 3 warm-ups. Not a test: it prints.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

from rnnbook.lstm import LSTM

BATCH, HIDDEN, INPUTS, STEPS, REPEATS = 32, 32, 1, 100, 20


def median_time(fn, repeats=REPEATS, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed (pip install torch); nothing to compare against.")
        return 0
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    model = LSTM.random(INPUTS, HIDDEN, 1, forget_bias=1.0, seed=0)
    u = rng.normal(size=(BATCH, STEPS, INPUTS))
    targets = rng.normal(size=(BATCH, STEPS, 1))
    mask = np.zeros((BATCH, STEPS))
    mask[:, -1] = 1.0

    def ours():
        return model.loss_and_gradients(u, targets, mask, loss="squared_error")

    lstm = torch.nn.LSTM(INPUTS, HIDDEN, batch_first=True, dtype=torch.float64)
    readout = torch.nn.Linear(HIDDEN, 1, dtype=torch.float64)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(model.W_ri))
        lstm.weight_hh_l0.copy_(torch.from_numpy(model.W_rc))
        lstm.bias_ih_l0.copy_(torch.from_numpy(model.t_r))
        lstm.bias_hh_l0.zero_()
        readout.weight.copy_(torch.from_numpy(model.W_or))
        readout.bias.copy_(torch.from_numpy(model.t_o))
    u_t = torch.from_numpy(u)
    d_t = torch.from_numpy(targets[:, -1, :])
    params = [lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0,
              readout.weight, readout.bias]

    def theirs():
        for p in params:
            p.grad = None
        out, _ = lstm(u_t)
        loss = 0.5 * ((readout(out[:, -1, :]) - d_t) ** 2).sum(dim=1).mean()
        loss.backward()
        return loss

    value, grads = ours()
    loss = theirs()
    differences = {
        "loss": abs(value - loss.item()),
        "W_ri": np.abs(grads["W_ri"] - lstm.weight_ih_l0.grad.numpy()).max(),
        "W_rc": np.abs(grads["W_rc"] - lstm.weight_hh_l0.grad.numpy()).max(),
        "t_r (bias_ih)": np.abs(grads["t_r"] - lstm.bias_ih_l0.grad.numpy()).max(),
        "t_r (bias_hh)": np.abs(grads["t_r"] - lstm.bias_hh_l0.grad.numpy()).max(),
        "W_or": np.abs(grads["W_or"] - readout.weight.grad.numpy()).max(),
        "t_o": np.abs(grads["t_o"] - readout.bias.grad.numpy()).max(),
    }
    ours_time = median_time(ours)
    theirs_time = median_time(theirs)
    print(f"LSTM forward + backward, batch {BATCH}, hidden {HIDDEN}, input {INPUTS}, "
          f"T = {STEPS}, float64, one thread")
    print(f"  OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"numpy {np.__version__}, torch {torch.__version__}")
    print(f"  rnnbook: {ours_time * 1e3:8.2f} ms   torch.nn.LSTM: {theirs_time * 1e3:8.2f} ms"
          f"   ratio rnnbook / torch = {ours_time / theirs_time:.2f}")
    print("  largest absolute differences: " +
          ", ".join(f"{k} {v:.1e}" for k, v in differences.items()))
    worst = max(differences.values())
    print(f"  gradients agree to {worst:.1e}" + ("" if worst < 1e-10 else "  (CHECK)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
