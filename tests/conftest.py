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
another OpenBLAS kernel, Sandybridge's (AVX without fused multiply-add, so
matrix products and solves round differently), with one BLAS thread. Where no
other kernel can be forced (off x86-64), two BLAS threads instead.
The last bits of many results change, as they do on a reader's machine with
another CPU; an output that shows such bits fails here before it lands.
``RNNBOOK_NUMERICS=native`` turns this off (to check outputs on the machine
that stored them).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys

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


def native_blas_core(env=None) -> str | None:
    """The kernel OpenBLAS picks for this CPU (``"SkylakeX"``, ``"Haswell"``...).

    Read from OpenBLAS's own report in a fresh process with no core forced, so
    a pytest-xdist worker that inherits the kernels' settings gets the same
    answer as the controller; ``None`` where OpenBLAS does not report one.
    """
    env = {k: v for k, v in (env or os.environ).items() if k != "OPENBLAS_CORETYPE"}
    env["OPENBLAS_VERBOSE"] = "2"
    result = subprocess.run([sys.executable, "-c", "import numpy"], env=env,
                            capture_output=True, text=True, check=False)
    for line in (result.stdout + result.stderr).splitlines():
        if line.startswith("Core: "):
            return line.split(":", 1)[1].strip()
    return None


def other_blas_core(native: str | None) -> str | None:
    """A real x86-64 OpenBLAS kernel other than the native one: Sandybridge
    (AVX without FMA, so products and solves round differently from the
    Haswell and SkylakeX kernels of today's CPUs), or Haswell on a Sandybridge.
    ``None`` off x86-64, where the thread count is perturbed instead."""
    if native is None or platform.machine() not in ("x86_64", "AMD64"):
        return None
    return "Haswell" if native == "Sandybridge" else "Sandybridge"


NATIVE_CORE = native_blas_core()
VERIFY_CORE = other_blas_core(NATIVE_CORE)
# and those the notebook kernels of the tests run with: numpy's SIMD limited to
# its baseline, and another BLAS kernel with one thread (two threads where no
# other kernel can be forced)
VERIFY_ENV = {"NPY_DISABLE_CPU_FEATURES": " ".join(__cpu_dispatch__)}
if VERIFY_CORE is not None:
    VERIFY_ENV.update(OPENBLAS_CORETYPE=VERIFY_CORE, OPENBLAS_NUM_THREADS="1",
                      OMP_NUM_THREADS="1")
else:
    VERIFY_ENV.update(OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")


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
            f"OpenBLAS kernel {VERIFY_ENV.get('OPENBLAS_CORETYPE', NATIVE_CORE)} "
            f"(native: {NATIVE_CORE}), {VERIFY_ENV['OPENBLAS_NUM_THREADS']} BLAS thread(s)")


# The files that take longest go first. `make test` hands whole files to two
# pytest-xdist workers (--dist loadfile) in collection order; with the long
# files at the end, one worker could be left running a 40 s notebook while the
# other idles. (xdist's default order, by number of tests per file, put the
# notebooks, which hold few cells each, near the end; the Makefile turns it off.)
LONG_FILES = ("test_book.py", "test_behaviour_diagrams.py")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        name = item.path.name
        if name in LONG_FILES:
            return LONG_FILES.index(name)
        return len(LONG_FILES) + (0 if name.endswith(".ipynb") else 1)

    items.sort(key=rank)   # stable: the order within a file and within a rank is kept
