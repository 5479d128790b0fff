"""Hygiene of every chapter notebook, read from its stored JSON (nothing is executed here).

nbval (``make test``) re-executes the notebooks and compares outputs; these
checks catch what nbval cannot see: a notebook stored out of order, error
outputs, downloads, installs, reads of ../shared, and notebooks missing from
the table of contents.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
IDS = [path.name for path in NOTEBOOKS]

# code that fetches from the network or installs packages
FORBIDDEN = {
    "a pip install": re.compile(r"^\s*[!%]\s*pip\b|\bpip install\b", re.M),
    "a shell escape": re.compile(r"^\s*!", re.M),
    "a URL": re.compile(r"https?://|ftp://"),
    "a network library": re.compile(r"\b(urllib|requests|http\.client|socket|wget|curl)\b"),
    "a read of ../shared": re.compile(r"\.\./shared|shared/data"),
}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks in chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_top_to_bottom(path):
    counts = [cell.get("execution_count") for cell in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name} was not executed top to bottom in one fresh kernel: "
        f"execution counts {counts}; run `make execute`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_error_or_stderr_outputs(path):
    for index, cell in enumerate(code_cells(load(path)), start=1):
        tags = cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                assert "raises-exception" in tags, (
                    f"{path.name}, code cell {index}: error output {output.get('ename')}")
            if output["output_type"] == "stream":
                assert output["name"] == "stdout", (
                    f"{path.name}, code cell {index} wrote to stderr (a warning?): "
                    f"{''.join(output['text'])[:200]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernel_is_python3(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_downloads_installs_or_shared_reads(path):
    for index, cell in enumerate(code_cells(load(path)), start=1):
        text = source(cell)
        for what, pattern in FORBIDDEN.items():
            assert not pattern.search(text), f"{path.name}, code cell {index} has {what}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nbval_skip_only_with_a_reason(path):
    for index, cell in enumerate(code_cells(load(path)), start=1):
        tags = cell.get("metadata", {}).get("tags", [])
        if "nbval-skip" in tags or "NBVAL_SKIP" in source(cell):
            assert re.search(r"#\s*nbval-skip because\s+\S+", source(cell)), (
                f"{path.name}, code cell {index} is skipped under nbval without a "
                "'# nbval-skip because ...' comment")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_ignored_outputs_are_only_widgets_timings_or_progress(path):
    for index, cell in enumerate(code_cells(load(path)), start=1):
        tags = cell.get("metadata", {}).get("tags", [])
        if "nbval-ignore-output" in tags:
            text = source(cell)
            assert re.search(r"widgets\.|interact|perf_counter|timeit|progress", text), (
                f"{path.name}, code cell {index}: nbval-ignore-output is for widgets, "
                "timings and progress output only")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_chapter_shape(path):
    """Title first, then imports with SEED and the style; an explorer and exercises."""
    nb = load(path)
    first, second = nb["cells"][0], nb["cells"][1]
    assert first["cell_type"] == "markdown" and source(first).startswith("# ")
    assert second["cell_type"] == "code"
    assert "SEED =" in source(second) and "use_style()" in source(second)
    markdown = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert re.search(r"^## Exercises", markdown, re.M), f"{path.name} has no exercises"
    assert any("widgets." in source(c) for c in code_cells(nb)), f"{path.name} has no explorer"
    assert "widgets" not in nb["metadata"], "widget state is stored; run `make execute`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_fits_the_page(path):
    """The rendered page shows about 80 characters of code before it scrolls sideways."""
    for index, cell in enumerate(code_cells(load(path)), start=1):
        for line in source(cell).splitlines():
            assert len(line) <= 80, f"{path.name}, code cell {index}: {len(line)} chars: {line}"


def test_every_chapter_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"file:\s*(chapters/\S+)", toc))
    on_disk = {f"chapters/{path.stem}" for path in NOTEBOOKS}
    assert listed == on_disk, f"in _toc.yml but missing: {listed - on_disk}; " \
                              f"on disk but not in _toc.yml: {on_disk - listed}"
