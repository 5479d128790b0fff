"""Schematic drawings: pictures of ideas and models rather than plots of data.

This module is the home of the book's schematics. A schematic is drawn from a
data description (or, for a model, from the model object itself), never from a
hand-made image file, so the picture always matches the text and the code.
Every drawing function takes optional axes to draw into and returns the
matplotlib figure, like the plots of :mod:`rnnbook.plotting`, whose palette
and style it uses.

The first drawing is :func:`book_map`, the map of the lecture on the landing
page; ``tools/draw_figures.py`` writes it to ``images/book_map.png``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch

from rnnbook import plotting
from rnnbook.validation import check_positive_int

# ---------------------------------------------------------------- the book map

#: The three parts of the lecture's path: the common start, then the two ways
#: of getting a state-space model ``x(t) = f(u(t), x(t-1))``, ``y(t) = h(x(t))``.
PARTS = ("state space", "learn f", "fix f, train h")

#: The chapters of the book as ``(number, short title, part)``, in reading order.
#: ``part`` is one of :data:`PARTS`. :func:`book_map` draws this description.
CHAPTERS = (
    (1, "State-space models", "state space"),
    (2, "Elman networks", "learn f"),
    (3, "Attractive sets", "learn f"),
    (4, "Vanishing gradients", "learn f"),
    (5, "LSTM", "learn f"),
    (6, "Contractive dynamics", "fix f, train h"),
    (7, "Markovian coding", "fix f, train h"),
    (8, "Variable-length Markov models", "fix f, train h"),
    (9, "Echo state networks", "fix f, train h"),
    (10, "Liquid state machines", "fix f, train h"),
    (11, "Fractal prediction machines", "fix f, train h"),
)

#: The size of the book map in inches: about the width of the book's text column.
BOOK_MAP_SIZE = (7.6, 3.8)

# One colour per part, from the book's colour-blind-safe palette.
_PART_COLOURS = {"state space": "0.2", "learn f": plotting.PALETTE[5],
                 "fix f, train h": plotting.PALETTE[0]}
# What the two routes do, written above their line.
_ROUTE_LABELS = {
    "learn f": ("learn $f$ through time",
                "$f$ and $h$ trained by backpropagation through time"),
    "fix f, train h": ("fix $f$, train only $h$",
                       "$f$ fixed (contractive, random or spiking), only $h$ fitted"),
}


def check_chapters(chapters) -> list[tuple[int, str, str]]:
    """Check a description of the book's chapters, as :func:`book_map` draws it.

    Parameters
    ----------
    chapters : sequence of (int, str, str)
        ``(number, short title, part)`` per chapter, with ``part`` one of
        :data:`PARTS`. Numbers are positive and distinct; exactly one chapter
        is the common start (``"state space"``) and each route holds at least
        one chapter.

    Returns
    -------
    list of (int, str, str)
        The entries sorted by chapter number.

    Raises
    ------
    TypeError
        If ``chapters`` is not a sequence of triples, a number is not an
        integer or a title not a string.
    ValueError
        If a number is not positive or appears twice, a title is blank, a
        part is unknown, or a part holds the wrong number of chapters.
    """
    if isinstance(chapters, (str, bytes)) or not isinstance(chapters, Sequence):
        raise TypeError("chapters must be a sequence of (number, title, part) triples; "
                        f"got {type(chapters).__name__}")
    checked = []
    for i, entry in enumerate(chapters):
        if isinstance(entry, (str, bytes)) or not isinstance(entry, Sequence):
            raise TypeError(f"chapters[{i}] must be a (number, title, part) triple; "
                            f"got {type(entry).__name__} {entry!r}")
        if len(entry) != 3:
            raise ValueError(f"chapters[{i}] must be a (number, title, part) triple; "
                             f"got {len(entry)} items: {entry!r}")
        number, title, part = entry
        number = check_positive_int(f"chapters[{i}] number", number)
        if not isinstance(title, str):
            raise TypeError(f"chapters[{i}] title must be a string; got {type(title).__name__}")
        if not title.strip():
            raise ValueError(f"chapters[{i}] title must not be blank")
        if part not in PARTS:
            raise ValueError(f"chapters[{i}] part must be one of {PARTS}; got {part!r}")
        checked.append((number, title, part))
    numbers_seen = [number for number, _, _ in checked]
    repeated = sorted({n for n in numbers_seen if numbers_seen.count(n) > 1})
    if repeated:
        raise ValueError(f"chapters must have distinct numbers; repeated: {repeated}")
    counts = {part: sum(p == part for _, _, p in checked) for part in PARTS}
    if counts["state space"] != 1:
        raise ValueError("chapters must hold exactly one 'state space' chapter (the common "
                         f"start); got {counts['state space']}")
    for part in PARTS[1:]:
        if counts[part] == 0:
            raise ValueError(f"chapters must hold at least one {part!r} chapter")
    return sorted(checked)


def book_map(chapters=None, ax=None):
    """Draw the map of the book: one start, then two routes to a state-space model.

    Chapter 1 sets up the state-space view

    .. math::

        x(t) = f(u(t), x(t-1)), \\qquad y(t) = h(x(t)).

    From there the lecture takes two routes, drawn as two lines of a metro
    map with a station per chapter: *learn f* (the state map is trained
    through time, with the trouble that brings) and *fix f, train h* (the
    state map is fixed, and only the readout is fitted).

    Parameters
    ----------
    chapters : sequence of (int, str, str), optional
        ``(number, short title, part)`` per chapter, checked by
        :func:`check_chapters`; :data:`CHAPTERS` (the book) by default.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure of size :data:`BOOK_MAP_SIZE` by default.
        The axes are switched off and their limits and aspect set.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``ax`` is not matplotlib axes, or ``chapters`` is malformed.
    ValueError
        If ``chapters`` is malformed (see :func:`check_chapters`).

    Notes
    -----
    Shown on the landing page of the book. The layout is sized for the book's
    routes of four and six chapters; much longer routes would crowd the titles.
    """
    chapters = check_chapters(CHAPTERS if chapters is None else chapters)
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be matplotlib Axes or None; got {type(ax).__name__}")
    with mpl.rc_context():  # the book's style, for this drawing only
        mpl.rcdefaults()    # so the map looks the same whatever the caller set
        plotting.use_style()
        if ax is None:
            _, ax = plt.subplots(figsize=BOOK_MAP_SIZE)
        _draw_book_map(ax, chapters)
    return ax.figure


# The layout of the map, in "map units": the axes show x in 0..10 and y in
# -0.2..4.85 with equal aspect, so a station is a round circle. The start box
# sits top left. The "learn f" route leaves its right side and runs straight to
# the right; the "fix f, train h" route leaves its bottom, bends by 45 degrees
# and runs to the right below everything, which gives its six stations room.
_START_BOX = (0.1, 2.45, 2.6, 1.9)                # x, y, width, height
_LIMITS = {"xlim": (0, 10), "ylim": (-0.2, 4.85)}
_ROUTES = {  # height of the line, and x of its first and last station
    "learn f": {"y": 3.75, "first_x": 3.75, "last_x": 9.3},
    "fix f, train h": {"y": 1.1, "first_x": 1.45, "last_x": 9.3},
}
_RADIUS = 0.27                                    # of a station
_FONT = {"heading": 12, "detail": 9.5, "number": 10.5, "title": 10, "equation": 11.5}


def _draw_book_map(ax, chapters):
    start = next(chapter for chapter in chapters if chapter[2] == "state space")
    _draw_start(ax, *start)
    for part in PARTS[1:]:
        _draw_route(ax, part, [chapter for chapter in chapters if chapter[2] == part])
    ax.set(**_LIMITS, aspect="equal")
    ax.axis("off")


def _draw_start(ax, number, title, part):
    """Chapter 1 as a box: its number and title, and the model's two equations."""
    x, y, width, height = _START_BOX
    colour = _PART_COLOURS[part]
    ax.add_patch(FancyBboxPatch((x, y), width, height, fc="white", ec=colour, lw=2.0,
                                boxstyle="round,pad=0.02,rounding_size=0.18", zorder=3))
    badge_x, badge_y = x + 0.42, y + height - 0.42
    ax.add_patch(Circle((badge_x, badge_y), _RADIUS, fc=colour, ec=colour, zorder=4))
    ax.text(badge_x, badge_y, str(number), ha="center", va="center", color="white",
            fontsize=_FONT["number"], fontweight="bold", zorder=5)
    ax.text(badge_x + 0.42, badge_y, _wrap(title, 14), ha="left", va="center",
            fontsize=_FONT["title"] + 0.5, fontweight="bold", color=colour, zorder=5)
    ax.text(x + width / 2, y + 0.88, r"$x(t) = f\,(u(t),\, x(t-1))$", ha="center",
            va="center", fontsize=_FONT["equation"], zorder=5)
    ax.text(x + width / 2, y + 0.36, r"$y(t) = h(x(t))$", ha="center", va="center",
            fontsize=_FONT["equation"], zorder=5)


def _route_path(part):
    """The corners of a route's line, from the start box to past its last station."""
    x, y, width, height = _START_BOX
    route = _ROUTES[part]
    end_x = route["last_x"] + 0.45
    if route["y"] > y:            # level with the box: straight out of its right side
        return [x + width, end_x], [route["y"], route["y"]]
    drop_x, bend = x + 0.6, 0.4   # down out of the bottom, then a 45-degree bend
    return ([drop_x, drop_x, drop_x + bend, end_x],
            [y, route["y"] + bend, route["y"], route["y"]])


def _draw_route(ax, part, stations):
    """One route: a line from the start box, its label, and a station per chapter."""
    colour = _PART_COLOURS[part]
    route = _ROUTES[part]
    xs, ys = _route_path(part)
    ax.add_line(Line2D(xs, ys, color=colour, lw=5, solid_capstyle="round",
                       solid_joinstyle="round", zorder=1))
    ax.plot(xs[-1] + 0.05, ys[-1], marker=">", ms=10, color=colour, zorder=1)

    heading, detail = _ROUTE_LABELS[part]
    label_x = route["first_x"] - _RADIUS
    ax.text(label_x, route["y"] + 0.88, heading, ha="left", va="center",
            fontsize=_FONT["heading"], fontweight="bold", color=colour)
    ax.text(label_x, route["y"] + 0.56, detail, ha="left", va="center",
            fontsize=_FONT["detail"], color="0.3")

    step = (route["last_x"] - route["first_x"]) / max(len(stations) - 1, 1)
    for k, (number, title, _) in enumerate(stations):
        x, y = route["first_x"] + k * step, route["y"]
        ax.add_patch(Circle((x, y), _RADIUS, fc="white", ec=colour, lw=2.5, zorder=2))
        ax.text(x, y, str(number), ha="center", va="center", fontsize=_FONT["number"],
                fontweight="bold", color=colour, zorder=3)
        ax.text(x, y - _RADIUS - 0.1, _wrap(title, 12), ha="center", va="top",
                fontsize=_FONT["title"], zorder=3)


def _wrap(title: str, width: int) -> str:
    """Break a title into lines of at most ``width`` characters (never inside a word)."""
    return textwrap.fill(title, width, break_on_hyphens=False, break_long_words=False)
