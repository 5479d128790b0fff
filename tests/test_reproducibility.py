"""The reproducibility contract (README): what makes the stored outputs hold on a
reader's machine, and what a new reader, Binder and the publishing workflow get.

* nbval runs under other numerics than the ones that stored the outputs
  (``conftest.py``): checked here from a process started like a notebook kernel.
* Stored outputs print no round-off digits and glue only rounded numbers.
* Binder gets Python 3.11 and the book's thread setting.
* The installed ``rnnbook`` wins over a folder named ``rnnbook`` in the current
  directory (the clone, seen from its parent folder).
* The licence, ``.gitignore`` and the publishing workflow.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from numpy._core._multiarray_umath import __cpu_dispatch__

import conftest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
IDS = [path.name for path in NOTEBOOKS]

PROBE = """
import hashlib, json, numpy as np
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
x = np.linspace(-3.0, 3.0, 10001)
a = np.random.default_rng(0).standard_normal((200, 200))
print(json.dumps({
    "dispatched": [f for f in __cpu_dispatch__ if __cpu_features__.get(f)],
    "tanh": hashlib.sha256(np.tanh(x).tobytes()).hexdigest(),
    "matmul": hashlib.sha256((a @ a.T).tobytes()).hexdigest(),
    "solve": hashlib.sha256(np.linalg.solve(a, x[:200]).tobytes()).hexdigest(),
}))
"""


def probe(env: dict) -> dict:
    """What numpy does in a process started with ``env``, as a notebook kernel is."""
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def test_nbval_kernels_inherit_perturbed_numerics():
    if not conftest.perturbed():
        pytest.skip("RNNBOOK_NUMERICS=native: the run checks the native numerics")
    for name, value in conftest.VERIFY_ENV.items():
        assert os.environ[name] == value
    assert set(os.environ["NPY_DISABLE_CPU_FEATURES"].split()) == set(__cpu_dispatch__)
    kernel = probe(dict(os.environ))
    assert kernel["dispatched"] == []          # numpy runs its baseline code paths


def test_perturbed_numerics_really_change_the_last_bits():
    # the CPU's features from a fresh process with the native settings: this
    # process may itself run with them disabled (a pytest-xdist worker inherits
    # the environment that pytest_configure set for the kernels)
    native_env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    native = probe(native_env)
    if not native["dispatched"]:
        pytest.skip("this CPU has no SIMD features above numpy's baseline")
    perturbed = probe({**native_env, **conftest.VERIFY_ENV})
    assert set(native["dispatched"]) <= set(__cpu_dispatch__)
    assert perturbed["dispatched"] == []
    assert perturbed["tanh"] != native["tanh"]


def test_verification_uses_another_blas_kernel_or_thread_count():
    tool = (ROOT / "tools" / "execute_notebooks.py").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f'os.environ.setdefault("OPENBLAS_NUM_THREADS", "{conftest.EXECUTE_THREADS}")' in tool
    assert f"export OPENBLAS_NUM_THREADS := {conftest.EXECUTE_THREADS}" in makefile
    if conftest.VERIFY_CORE is None:
        assert conftest.VERIFY_ENV["OPENBLAS_NUM_THREADS"] != conftest.EXECUTE_THREADS
    else:
        assert conftest.VERIFY_CORE != conftest.NATIVE_CORE
        assert conftest.VERIFY_ENV["OPENBLAS_CORETYPE"] == conftest.VERIFY_CORE


def test_blas_core_choice():
    assert conftest.other_blas_core(None) is None
    if conftest.platform.machine() == "x86_64":
        assert conftest.other_blas_core("SkylakeX") == "Sandybridge"
        assert conftest.other_blas_core("Haswell") == "Sandybridge"
        assert conftest.other_blas_core("Sandybridge") == "Haswell"
    # the native core is read with any forced core removed (as in a worker)
    forced = {**os.environ, "OPENBLAS_CORETYPE": "Prescott"}
    assert conftest.native_blas_core(forced) == conftest.NATIVE_CORE


def test_other_blas_kernel_really_changes_products_and_solves():
    if conftest.VERIFY_CORE is None:
        pytest.skip("no other OpenBLAS kernel can be forced on this machine")
    native_env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    native = probe({**native_env, "OPENBLAS_NUM_THREADS": conftest.EXECUTE_THREADS})
    other = probe({**native_env, "OPENBLAS_CORETYPE": conftest.VERIFY_CORE,
                   "OPENBLAS_NUM_THREADS": "1"})
    assert native["matmul"] != other["matmul"]
    assert native["solve"] != other["solve"]


# ---------------------------------------------------------------- stored outputs

def outputs(path: Path):
    """(cell index, text) of every compared output of a stored notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if "text" in out:
                yield index, "".join(out["text"]), None
            for mime, data in out.get("data", {}).items():
                if mime.startswith("image/") or mime == "text/html":
                    continue
                text = "".join(data) if isinstance(data, list) else str(data)
                name = out.get("metadata", {}).get("scrapbook", {}).get("name")
                yield index, text, name if mime.endswith("papermill.record/text/plain") else None


# the round-off of numbers of order one (1.1e-16, 4.4e-16, 6.2e-15): a small
# quantity computed as a product (0.5 ** 100) is accurate and may be printed
ROUND_OFF = re.compile(r"(?<![\w.])\d\.?\d*e-1[5-7]\b")
LONG_FLOAT = re.compile(r"(?<![\w.])\d+\.\d{10,}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_round_off_digits_in_stored_outputs(path):
    """Round-off differs between machines: print a bound (rnnbook.report.small)."""
    problems = []
    for index, text, _ in outputs(path):
        for pattern in (ROUND_OFF, LONG_FLOAT):
            for match in pattern.finditer(text):
                problems.append(f"cell {index}: {match.group(0)!r}")
    assert not problems, "outputs that show round-off digits:\n" + "\n".join(problems)


def significant_digits(number: float) -> int:
    """Significant digits of the shortest repr of ``number``."""
    mantissa = repr(abs(number)).lower().split("e")[0]
    return len(mantissa.replace(".", "").strip("0"))


def numbers_in(value):
    if isinstance(value, bool):
        return
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from numbers_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from numbers_in(item)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_glued_floats_are_rounded(path):
    """Glued numbers are rounded (rnnbook.report.glue) to at most 6 significant digits."""
    too_long = []
    for index, text, name in outputs(path):
        if name is None:
            continue
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            continue
        for number in numbers_in(value):
            if number != 0 and np.isfinite(number) and significant_digits(number) > 6:
                too_long.append(f"cell {index}: {name} = {number!r}")
    assert not too_long, "glued values with round-off digits:\n" + "\n".join(too_long)


def test_significant_digits_helper():
    assert significant_digits(0.0002343) == 4
    assert significant_digits(0.2342723057460281) == 16
    assert significant_digits(19.015) == 5
    assert significant_digits(1e-20) == 1
    assert significant_digits(120000.0) == 2


def test_the_glue_of_every_chapter_is_the_rounding_one():
    for path in NOTEBOOKS:
        text = path.read_text(encoding="utf-8")
        assert "from myst_nb import glue" not in text, path.name
        assert "from rnnbook.report import glue" in text, path.name


# ---------------------------------------------------------------- Binder, install, repo

def test_binder_pins_the_python_the_requirements_were_frozen_on():
    assert (ROOT / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"
    header = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()[:3]
    assert any("Python 3.11" in line for line in header)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "sys.version_info[:2] == (3, 11)" in makefile
    # no binder/ folder, whose presence would make repo2docker ignore these files
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


def test_binder_kernels_get_the_documented_thread_setting():
    start = ROOT / "start"
    assert os.access(start, os.X_OK), "start must be executable for repo2docker"
    script = start.read_text(encoding="utf-8")
    assert f"export OPENBLAS_NUM_THREADS={conftest.EXECUTE_THREADS}" in script
    assert script.rstrip().endswith('exec "$@"')
    result = subprocess.run([str(start), sys.executable, "-c",
                             "import os; print(os.environ['OPENBLAS_NUM_THREADS'])"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == conftest.EXECUTE_THREADS


def test_installed_package_wins_over_a_folder_named_rnnbook(tmp_path):
    # a clone named rnnbook, seen from its parent folder: the folder has no
    # __init__.py and would be imported as an empty namespace package
    (tmp_path / "rnnbook").symlink_to(ROOT, target_is_directory=True)
    code = ("import rnnbook; from rnnbook.datasets import load_lambda_phage; "
            "print(rnnbook.__file__); print(rnnbook.RNN.__name__); "
            "print(len(load_lambda_phage().symbols))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    where, name, length = result.stdout.split()
    assert Path(where).resolve() == (ROOT / "rnnbook" / "__init__.py").resolve()
    assert name == "RNN" and int(length) > 40_000


def test_licence_file_matches_the_package_metadata():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    assert "The rnnbook authors" in licence
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "MIT"' in pyproject and 'license-files = ["LICENSE"]' in pyproject


def test_gitignore_covers_build_outputs():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for entry in ("build/", "dist/", "_build/", ".venv/", "*.egg-info/"):
        assert entry in ignored


def test_publish_workflow_builds_once_and_only_deploys_share_pages():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    jobs = workflow["jobs"]
    build_steps = " ".join(str(step.get("run", "")) for step in jobs["build"]["steps"])
    assert "make test" in build_steps          # builds the book (tests/test_book.py)
    assert "make book" not in build_steps and "jupyter-book build" not in build_steps
    assert jobs["build"]["concurrency"]["group"] != "pages"
    assert jobs["deploy"]["concurrency"]["group"] == "pages"
    assert "concurrency" not in workflow       # pull requests never queue behind deploys
    assert "pages: write" not in json.dumps(workflow.get("permissions", {}))
    upload = [s for s in jobs["build"]["steps"]
              if "upload-pages-artifact" in str(s.get("uses", ""))]
    assert upload and upload[0]["with"]["path"] == "_build/html"
