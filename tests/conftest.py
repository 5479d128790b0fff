"""Shared pytest configuration.

Hypothesis runs derandomised (the same examples on every run, so a failure
reproduces), with no example database written into the tree and no per-example
deadline (timings are the benchmarks' business, not the tests').

The notebooks are verified under *other numerics* than the ones that stored
their outputs. ``make execute`` stores outputs with numpy's native SIMD kernels
and one BLAS thread; the nbval kernels started by this pytest session inherit
the environment set in :func:`pytest_configure`: numpy's SIMD dispatch limited
to the baseline of its build (``NPY_DISABLE_CPU_FEATURES`` names every
dispatched feature, so ``exp``, ``log``, ``tanh`` take other code paths) and
two BLAS threads (matrix products and solves split their work differently).
The last bits of many results change, as they do on a reader's machine with
another CPU; an output that shows such bits fails here before it lands.
``RNNBOOK_NUMERICS=native`` turns this off (to check outputs on the machine
that stored them).
"""

from __future__ import annotations

import os

# numpy and OpenBLAS are loaded here, before the environment below changes, so
# that the unit tests in this process keep the native settings
import numpy  # noqa: F401
from hypothesis import settings
from numpy._core._multiarray_umath import __cpu_dispatch__

settings.register_profile("rnnbook", derandomize=True, database=None, deadline=None,
                          max_examples=60)
settings.load_profile("rnnbook")

# the settings `make execute` (tools/execute_notebooks.py) stores outputs with
EXECUTE_THREADS = "1"
# and those the notebook kernels of the tests run with
VERIFY_ENV = {
    "NPY_DISABLE_CPU_FEATURES": " ".join(__cpu_dispatch__),
    "OPENBLAS_NUM_THREADS": "2",
    "OMP_NUM_THREADS": "2",
}


def perturbed() -> bool:
    return os.environ.get("RNNBOOK_NUMERICS", "perturbed") != "native"


def pytest_configure(config):
    if perturbed():
        os.environ.update(VERIFY_ENV)


def pytest_report_header(config):
    if not perturbed():
        return "notebook kernels: native numerics (RNNBOOK_NUMERICS=native)"
    return ("notebook kernels: numpy SIMD limited to the baseline (disabled: "
            f"{VERIFY_ENV['NPY_DISABLE_CPU_FEATURES'] or 'none dispatched'}), "
            f"{VERIFY_ENV['OPENBLAS_NUM_THREADS']} BLAS threads")
