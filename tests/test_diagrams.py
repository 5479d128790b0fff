"""Tests of rnnbook.diagrams: the book map matches the table of contents and the
committed image, and bad arguments are refused with a message naming them."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import pytest
import yaml
from matplotlib.patches import Circle

from rnnbook import diagrams

ROOT = Path(__file__).resolve().parent.parent


def toc_chapters() -> dict[int, tuple[str, str]]:
    """``{number: (file, part caption)}`` of every chapter listed in ``_toc.yml``."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = {}
    for part in toc["parts"]:
        for entry in part["chapters"]:
            match = re.fullmatch(r"chapters/(\d\d)_\w+", entry["file"])
            if match:
                found[int(match.group(1))] = (entry["file"], part["caption"])
    return found


def load_draw_figures():
    """tools/draw_figures.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("draw_figures",
                                                  ROOT / "tools" / "draw_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def labels(fig) -> list[str]:
    """Every text drawn in the figure, with line breaks turned into spaces."""
    return [" ".join(text.get_text().split()) for ax in fig.axes for text in ax.texts]


@pytest.fixture
def book_map_figure():
    fig = diagrams.book_map()
    yield fig
    plt.close(fig)


# ---------------------------------------------------------------- the data

def test_description_has_one_entry_per_chapter_of_the_toc():
    toc = toc_chapters()
    assert len(toc) == 11
    numbers = [number for number, _, _ in diagrams.CHAPTERS]
    assert numbers == sorted(toc)
    for number, title, _ in diagrams.CHAPTERS:       # each chapter's notebook exists
        assert (ROOT / f"{toc[number][0]}.ipynb").is_file(), title


def test_the_two_routes_hold_chapters_2_to_5_and_6_to_11():
    by_part = {part: [n for n, _, p in diagrams.CHAPTERS if p == part] for part in diagrams.PARTS}
    assert by_part == {"state space": [1], "learn f": [2, 3, 4, 5],
                       "fix f, train h": [6, 7, 8, 9, 10, 11]}
    # and they agree with the parts of the table of contents
    toc = toc_chapters()
    assert [n for n in toc if toc[n][1] == "Learning through time"] == by_part["learn f"]
    assert [n for n in toc if toc[n][1] in ("Fixed dynamics", "Reservoir computing")] \
        == by_part["fix f, train h"]


def test_check_chapters_sorts_by_number():
    shuffled = list(reversed(diagrams.CHAPTERS))
    assert diagrams.check_chapters(shuffled) == list(diagrams.CHAPTERS)


# ---------------------------------------------------------------- the drawing

def test_map_labels_every_chapter_once_with_number_and_title(book_map_figure):
    drawn = labels(book_map_figure)
    for number, title, _ in diagrams.CHAPTERS:
        assert drawn.count(str(number)) == 1, f"chapter {number}"
        assert drawn.count(title) == 1, title
    stations = [p for p in book_map_figure.axes[0].patches if isinstance(p, Circle)]
    assert len(stations) == len(diagrams.CHAPTERS)
    assert "$y(t) = h(x(t))$" in drawn                 # chapter 1 shows the model


def test_map_draws_a_given_description_into_given_axes():
    fig, ax = plt.subplots()
    try:
        chapters = [(1, "Start", "state space"), (4, "Trained", "learn f"),
                    (7, "Fixed", "fix f, train h"), (8, "Also fixed", "fix f, train h")]
        assert diagrams.book_map(chapters, ax=ax) is fig
        drawn = labels(fig)
        for number, title, _ in chapters:
            assert str(number) in drawn and title in drawn
        assert "Elman networks" not in drawn
        assert not ax.axison
    finally:
        plt.close(fig)


def test_map_leaves_the_global_style_alone():
    def style():  # the backend may be resolved on first use; it is not style
        return {key: value for key, value in plt.rcParams.items() if key != "backend"}

    before = style()
    plt.close(diagrams.book_map())
    assert style() == before


BAD = [
    ("a string", TypeError, r"chapters must be a sequence"),
    ([(1, "Start", "state space"), 5], TypeError, r"chapters\[1\] must be a \(number, title"),
    ([(1, "Start")], ValueError, r"chapters\[0\] must be a .* got 2 items"),
    ([(1.0, "Start", "state space")], TypeError, r"chapters\[0\] number must be a positive"),
    ([(0, "Start", "state space")], ValueError, r"chapters\[0\] number must be a positive"),
    ([(1, None, "state space")], TypeError, r"chapters\[0\] title must be a string"),
    ([(1, "  ", "state space")], ValueError, r"chapters\[0\] title must not be blank"),
    ([(1, "Start", "learn h")], ValueError, r"chapters\[0\] part must be one of"),
    ([(1, "A", "state space"), (1, "B", "learn f"), (2, "C", "fix f, train h")],
     ValueError, r"distinct numbers; repeated: \[1\]"),
    ([(1, "A", "learn f"), (2, "B", "fix f, train h")], ValueError, r"exactly one 'state space'"),
    ([(1, "A", "state space"), (2, "B", "learn f")], ValueError,
     r"at least one 'fix f, train h' chapter"),
]


@pytest.mark.parametrize("chapters, error, message", BAD)
def test_bad_chapters_are_refused(chapters, error, message):
    with pytest.raises(error, match=message):
        diagrams.book_map(chapters)


def test_bad_axes_are_refused():
    with pytest.raises(TypeError, match="ax must be matplotlib Axes"):
        diagrams.book_map(ax="left")


# ---------------------------------------------------------------- the committed image

def test_committed_book_map_is_what_the_code_draws(tmp_path):
    committed = ROOT / "images" / "book_map.png"
    path = load_draw_figures().draw("book_map.png", tmp_path)
    assert path == tmp_path / "book_map.png"
    fresh, stored = mpimg.imread(path), mpimg.imread(committed)
    assert fresh.shape == stored.shape, "re-draw it: python tools/draw_figures.py"
    difference = abs(fresh - stored).mean()
    assert difference < 1e-3, f"images differ by {difference:.2g}: python tools/draw_figures.py"
    assert b"Software" not in path.read_bytes()        # no version strings in the file


def test_draw_figures_refuses_an_unknown_figure(tmp_path):
    with pytest.raises(ValueError, match="name must be one of"):
        load_draw_figures().draw("no_such_figure.png", tmp_path)
