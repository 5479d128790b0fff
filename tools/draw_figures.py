"""Draw the book's stand-alone figures (the pictures outside the notebooks).

    python tools/draw_figures.py            # writes every figure into images/

Each figure is drawn by a function of :mod:`rnnbook.diagrams` and written as a
PNG of fixed size and resolution, without the version strings matplotlib
would otherwise store in the file, so re-drawing an unchanged figure gives
the same image. ``tests/test_diagrams.py`` checks that the committed images
are what the code draws now: after changing a drawing, run this script.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window

import matplotlib.pyplot as plt  # noqa: E402

from rnnbook import diagrams  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "images"

#: Resolution of the written PNGs: twice the screen's 100 dpi, sharp on
#: high-density displays when the page scales the image to its text column.
DPI = 200

#: The figures: file name in images/ and the function that draws it.
FIGURES = {"book_map.png": diagrams.book_map}


def draw(name: str, folder: Path = IMAGES) -> Path:
    """Draw the figure ``name`` (a key of :data:`FIGURES`) into ``folder``; return its path."""
    if name not in FIGURES:
        raise ValueError(f"name must be one of {sorted(FIGURES)}; got {name!r}")
    fig = FIGURES[name]()
    path = Path(folder) / name
    # no "Software" entry: the bytes then do not depend on the matplotlib version
    fig.savefig(path, dpi=DPI, facecolor="white", metadata={"Software": None})
    plt.close(fig)
    return path


def main(argv: list[str]) -> int:
    names = argv or sorted(FIGURES)
    for name in names:
        print(draw(name).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
