"""Sphinx extension that makes the rnnbook build one you can trust.

1. Offline math. MathJax 3 comes from the pip package ``django-static-mathjax``
   (pinned in requirements.txt) and is copied into ``_static/mathjax`` of the
   built book, so pages typeset their math without any network. The build
   stops if MathJax is not installed or ``mathjax_path`` points off-site.
2. Stored outputs only. The book renders the outputs stored in each notebook
   (the ones nbval verified); this extension warns, and so fails the ``-W``
   build, when a notebook was not executed top to bottom in one kernel, has
   a code cell without output count, or holds an error output that is not
   tagged ``raises-exception``.
3. One copy of each script on a page (see :func:`drop_duplicate_scripts`).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

MATHJAX_SUBDIR = ("static", "mathjax", "es5")
# MathJax files the book does not use (other outputs, the all-in-one bundles).
MATHJAX_IGNORE = shutil.ignore_patterns(
    "*-full*.js", "*svg*", "mml-*.js", "tex-mml-*.js", "node-main.js", "latest.js")


def mathjax_source() -> Path:
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(
            "MathJax is not installed: `pip install -r requirements.txt` "
            "(package django-static-mathjax) before building the book")
    root = Path(list(spec.submodule_search_locations)[0]).joinpath(*MATHJAX_SUBDIR)
    if not (root / "tex-chtml.js").is_file():
        raise ExtensionError(f"MathJax's tex-chtml.js is missing from {root}")
    return root


def check_config(app: Sphinx, config) -> None:
    path = config.mathjax_path or ""
    if "://" in path or path.startswith("//") or path != "mathjax/tex-chtml.js":
        raise ConfigError(
            f"mathjax_path must be the bundled 'mathjax/tex-chtml.js', not {path!r}: "
            "the book is read offline")
    mathjax_source()


def copy_mathjax(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.copytree(mathjax_source(), target, ignore=MATHJAX_IGNORE, dirs_exist_ok=True)


def notebook_problems(path: Path) -> list[str]:
    """What is wrong with a notebook that is about to be rendered from its stored outputs."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    problems = []
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append("not executed top to bottom in one fresh kernel "
                        f"(execution counts {counts}); run `make execute`")
    for index, cell in enumerate(code, start=1):
        tags = cell.get("metadata", {}).get("tags", [])
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and "raises-exception" not in tags:
                problems.append(f"code cell {index} has an error output "
                                f"({out.get('ename')}: {out.get('evalue')})")
    return problems


def check_notebook(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    for problem in notebook_problems(path):
        logger.warning("%s: %s", path.name, problem, location=docname)


def drop_duplicate_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Keep one copy of each script tag.

    sphinx-thebe (which Jupyter Book always loads) registers its inline
    configuration script twice in some builds, and the second copy throws
    "Identifier 'THEBE_JS_URL' has already been declared" in the browser.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # the same file (None and "" both mean an inline script) and attributes
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(getattr(script, "filename", script) or ""), tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("config-inited", check_config)
    app.connect("source-read", check_notebook)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

