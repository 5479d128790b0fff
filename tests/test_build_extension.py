"""The Sphinx extension in _ext/ that guards the build (offline MathJax, stored outputs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import rnnbook_build  # noqa: E402


def write_notebook(path: Path, cells: list[dict]) -> Path:
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def code(count, outputs=(), tags=()):
    return {"cell_type": "code", "execution_count": count, "source": "x = 1",
            "metadata": {"tags": list(tags)}, "outputs": list(outputs)}


ERROR = {"output_type": "error", "ename": "ValueError", "evalue": "boom", "traceback": []}


def test_a_clean_notebook_has_no_problems(tmp_path):
    path = write_notebook(tmp_path / "ok.ipynb", [code(1), code(2)])
    assert rnnbook_build.notebook_problems(path) == []


@pytest.mark.parametrize("counts", [[1, 3], [2, 1], [None, None], [1, 1]])
def test_out_of_order_or_unexecuted_notebooks_are_reported(tmp_path, counts):
    path = write_notebook(tmp_path / "bad.ipynb", [code(c) for c in counts])
    problems = rnnbook_build.notebook_problems(path)
    assert len(problems) == 1 and "top to bottom" in problems[0]


def test_error_outputs_are_reported_unless_expected(tmp_path):
    bad = write_notebook(tmp_path / "bad.ipynb", [code(1, [ERROR])])
    assert any("ValueError: boom" in p for p in rnnbook_build.notebook_problems(bad))
    expected = write_notebook(tmp_path / "ok.ipynb", [code(1, [ERROR], ["raises-exception"])])
    assert rnnbook_build.notebook_problems(expected) == []


@pytest.mark.parametrize("path", ["https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js",
                                  "//cdn.example/tex-chtml.js", "other/tex-chtml.js", ""])
def test_mathjax_from_the_web_is_refused(path):
    with pytest.raises(ConfigError, match="mathjax_path"):
        rnnbook_build.check_config(None, SimpleNamespace(mathjax_path=path))


def test_bundled_mathjax_is_found():
    source = rnnbook_build.mathjax_source()
    assert (source / "tex-chtml.js").is_file()
    rnnbook_build.check_config(None, SimpleNamespace(mathjax_path="mathjax/tex-chtml.js"))


def test_duplicate_scripts_are_dropped():
    script = SimpleNamespace(filename=None, attributes={"body": "const A = 1;"})
    same = SimpleNamespace(filename="", attributes={"body": "const A = 1;"})
    other = SimpleNamespace(filename="x.js", attributes={})
    context = {"script_files": [script, other, same]}
    rnnbook_build.drop_duplicate_scripts(None, "page", None, context, None)
    assert context["script_files"] == [script, other]
