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

import re
import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import FigureBase
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from rnnbook import plotting
from rnnbook.validation import check_labels, check_positive_int

# ---------------------------------------------------------------- the book map

#: The three parts of the lecture's path: the common start, then the two ways
#: of getting a state-space model ``x(t) = f(u(t), x(t-1))``, ``y(t) = h(x(t))``.
PARTS = ("state space", "learn f", "fix f, train h")

#: The chapters of the book as ``(number, short title, part)``, in reading order.
#: ``part`` is one of :data:`PARTS`; a number is a positive integer, or a string
#: of one with a letter for a chapter inserted after it (``"5b"``, file
#: ``chapters/05b_...``). :func:`book_map` draws this description.
CHAPTERS = (
    (1, "State-space models", "state space"),
    (2, "Elman networks", "learn f"),
    (3, "Attractive sets", "learn f"),
    (4, "Vanishing gradients", "learn f"),
    (5, "LSTM", "learn f"),
    ("5b", "Gradient flow through time and depth", "learn f"),
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
        if isinstance(number, str):
            if not re.fullmatch(r"[1-9][0-9]*[a-z]", number):
                raise ValueError(f"chapters[{i}] number must be a positive integer or one "
                                 f"followed by a letter, like '5b'; got {number!r}")
        else:
            number = check_positive_int(f"chapters[{i}] number", number)
        if not isinstance(title, str):
            raise TypeError(f"chapters[{i}] title must be a string; got {type(title).__name__}")
        if not title.strip():
            raise ValueError(f"chapters[{i}] title must not be blank")
        if part not in PARTS:
            raise ValueError(f"chapters[{i}] part must be one of {PARTS}; got {part!r}")
        checked.append((number, title, part))
    numbers_seen = [number for number, _, _ in checked]
    repeated = sorted({n for n in numbers_seen if numbers_seen.count(n) > 1}, key=_chapter_key)
    if repeated:
        raise ValueError(f"chapters must have distinct numbers; repeated: {repeated}")
    counts = {part: sum(p == part for _, _, p in checked) for part in PARTS}
    if counts["state space"] != 1:
        raise ValueError("chapters must hold exactly one 'state space' chapter (the common "
                         f"start); got {counts['state space']}")
    for part in PARTS[1:]:
        if counts[part] == 0:
            raise ValueError(f"chapters must hold at least one {part!r} chapter")
    return sorted(checked, key=lambda entry: _chapter_key(entry[0]))


def _chapter_key(number) -> tuple[int, str]:
    """Sort key of a chapter number: 5 before "5b" before 6."""
    text = str(number)
    digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    return int(digits), text[len(digits):]


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


# ================================================================ model drawings
#
# Every drawing below is made from a model object of rnnbook, so that the
# picture has as many units, connections, gates, cells or tree nodes as the
# model it shows. Each artist that stands for a part of the model carries a
# ``gid`` naming it ("unit:X:3", "edge:W_rc:2:5", "node:ad", ...), and
# :func:`parts` finds them again: the tests count the drawn parts against the
# model, and a reader can do the same.

#: Smallest font size (points) of the model drawings. Their figures are at most
#: 6.4 inches wide (640 px at the book's 100 dpi); the text column of a page
#: 1200 px wide is about 600 px, so 10 pt is shown at no less than 9.4 pt.
FONT = 10.0

# colours: one per group of units, and one per sign of a weight
_GROUP_COLOURS = {"U": plotting.PALETTE[1], "C": plotting.PALETTE[3], "X": plotting.PALETTE[0],
                  "Y": plotting.PALETTE[2]}
_POSITIVE, _NEGATIVE = plotting.PALETTE[0], plotting.PALETTE[5]
_FIXED, _TRAINED = "0.45", plotting.PALETTE[2]
_BACKWARD = plotting.PALETTE[5]


def parts(fig, kind: str) -> list:
    """The artists of a drawing that stand for parts of the model, by kind.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure drawn by this module.
    kind : str
        The first field of the ``gid`` (``"unit"``, ``"edge"``, ``"node"``, ...),
        optionally with more fields (``"unit:X"``, ``"edge:W_rc"``).

    Returns
    -------
    list of matplotlib.artist.Artist
        Every artist whose ``gid`` is ``kind`` or starts with ``kind + ":"``,
        in drawing order.
    """
    if not isinstance(fig, FigureBase):
        raise TypeError(f"fig must be a matplotlib Figure (as the drawings return); got "
                        f"{type(fig).__name__}")
    if not isinstance(kind, str) or not kind:
        raise TypeError(f"kind must be a non-empty string; got {kind!r}")
    found = []
    for artist in fig.findobj():
        gid = artist.get_gid()
        if isinstance(gid, str) and (gid == kind or gid.startswith(kind + ":")):
            found.append(artist)
    return found


class _Drawing:
    """The book's style for one drawing, and its axes (new, or checked if given)."""

    def __init__(self, ax, figsize, *, projection=None):
        self.ax, self.figsize, self.projection = ax, figsize, projection

    def __enter__(self):
        if self.ax is not None:
            if not isinstance(self.ax, Axes):
                raise TypeError(f"ax must be matplotlib Axes or None; got {type(self.ax).__name__}")
            if self.projection == "3d" and self.ax.name != "3d":
                raise ValueError("ax must be 3-D axes (projection='3d') for this drawing; "
                                 f"got {self.ax.name!r} axes")
        self._rc = mpl.rc_context()
        self._rc.__enter__()
        mpl.rcdefaults()          # the same picture whatever the caller has set
        plotting.use_style()
        if self.ax is None:
            fig = plt.figure(figsize=self.figsize)
            # opaque and light: the drawing reads the same on a dark page
            fig.patch.set_facecolor("white")
            fig.patch.set_alpha(1.0)
            self.ax = fig.add_subplot(projection=self.projection)
        return self.ax

    def __exit__(self, *exc):
        self._rc.__exit__(*exc)
        return False


def _check_instance(name: str, value, cls, what: str):
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be {what}; got {type(value).__name__}")
    return value


def _box(ax, x, y, width, height, label, *, colour="0.2", fc="white", gid=None,
         fontsize=FONT, lw=1.6, text_colour="black", **text):
    """A rounded box centred at (x, y) with a label; returns the patch."""
    patch = FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                           boxstyle="round,pad=0.02,rounding_size=0.08", fc=fc, ec=colour,
                           lw=lw, zorder=3, gid=gid)
    ax.add_patch(patch)
    if label:
        ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, zorder=4,
                color=text_colour, **text)
    return patch


def _arrow(ax, start, end, *, colour="black", lw=1.4, ls="-", rad=0.0, gid=None,
           shrink=0.0, style="-|>", zorder=2, alpha=1.0, mutation=11):
    patch = FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=mutation, lw=lw,
                            ls=ls, color=colour, connectionstyle=f"arc3,rad={rad}",
                            shrinkA=shrink, shrinkB=shrink, zorder=zorder, gid=gid,
                            alpha=alpha)
    ax.add_patch(patch)
    return patch


def _finish(ax, xlim, ylim, title=None):
    ax.set(xlim=xlim, ylim=ylim, aspect="equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=FONT + 1)
    return ax.figure


def _subscript_size(n: int | None) -> str:
    return "" if n is None else f" ({n})"


# ------------------------------------------------------- 1. the state-space model

def state_space_model(model=None, *, ax=None):
    """Draw the state-space model as a block diagram: ``f``, ``h`` and the delay.

    .. math::

        x(t) = f(u(t), x(t-1)), \\qquad y(t) = h(x(t)).

    The input ``u(t)`` enters the state map ``f``; its output, the new state
    ``x(t)``, goes to the readout ``h`` (which gives ``y(t)``) and, through the
    delay :math:`z^{-1}` (a memory of one step), back into ``f`` as
    ``x(t-1)``.

    Parameters
    ----------
    model : rnnbook.core.StateSpaceModel, optional
        If given, the signals are labelled with its sizes (``n_inputs``,
        ``n_states``, ``n_outputs``) and the title names its class; a model
        without a readout (``n_outputs`` is ``None``) is drawn without ``h``.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        The blocks carry the gids ``"block:f"``, ``"block:h"`` and
        ``"block:delay"``, the signals ``"signal:u"``, ``"signal:x"``,
        ``"signal:x_prev"`` and ``"signal:y"``.
    """
    from rnnbook.core import StateSpaceModel

    if model is not None:
        _check_instance("model", model, StateSpaceModel, "an rnnbook StateSpaceModel or None")
    sizes = {"u": None, "x": None, "y": None}
    readout = True
    if model is not None:
        sizes = {"u": model.n_inputs, "x": model.n_states, "y": model.n_outputs}
        readout = model.n_outputs is not None
    with _Drawing(ax, (6.4, 2.5)) as ax:
        def size(name):
            n = sizes[name]
            return "" if n is None else f"\n{n} number{'s' if n > 1 else ''}"

        _box(ax, 2.6, 1.6, 1.3, 0.8, "$f$", gid="block:f", fontsize=FONT + 4)
        _box(ax, 4.5, 0.35, 1.3, 0.6, "$z^{-1}$\n(delay)", gid="block:delay",
             fontsize=FONT)
        _arrow(ax, (0.2, 1.6), (1.95, 1.6), gid="signal:u")
        ax.text(0.25, 1.72, "$u(t)$" + size("u"), ha="left", va="bottom", fontsize=FONT)
        x_end = 6.0 if readout else 7.6
        _arrow(ax, (3.25, 1.6), (x_end, 1.6), gid="signal:x")
        ax.text(4.5, 1.72, "$x(t)$" + size("x"), ha="center", va="bottom", fontsize=FONT)
        # x(t) goes down into the delay and comes back into f as x(t-1)
        ax.plot([5.4, 5.4], [1.6, 0.35], color="black", lw=1.4, zorder=2)
        ax.plot(5.4, 1.6, "o", color="black", ms=4, zorder=3)
        _arrow(ax, (5.4, 0.35), (5.15, 0.35))
        ax.plot([3.85, 2.6], [0.35, 0.35], color="black", lw=1.4, zorder=2, gid="signal:x_prev")
        _arrow(ax, (2.6, 0.35), (2.6, 1.2))
        ax.text(3.2, 0.47, "$x(t-1)$", ha="center", va="bottom", fontsize=FONT)
        if readout:
            _box(ax, 6.6, 1.6, 1.2, 0.8, "$h$", gid="block:h", fontsize=FONT + 4)
            _arrow(ax, (7.2, 1.6), (8.6, 1.6), gid="signal:y")
            ax.text(8.6, 1.72, "$y(t)$" + size("y"), ha="right", va="bottom", fontsize=FONT)
        title = None if model is None else f"{type(model).__name__} as a state-space model"
        return _finish(ax, (0.0, 8.9), (-0.15, 2.55), title)


# ------------------------------------------------------------ 2. Elman's network

def _row(n: int, centre: float, spacing: float = 1.0) -> np.ndarray:
    return centre + spacing * (np.arange(n) - (n - 1) / 2)


def _weight_style(w: float, largest: float) -> dict:
    return {"colour": _POSITIVE if w > 0 else _NEGATIVE,
            "lw": 0.5 + 2.5 * abs(w) / largest}


def elman_network(net, *, ax=None, max_units: int = 10):
    """Draw an :class:`~rnnbook.rnn.RNN` as Elman's four groups of units.

    The input group ``U`` (``n_inputs`` units) and the context group ``C``
    (``n_hidden`` units) feed the recurrent group ``X`` (``n_hidden``) through
    ``W_ri`` and ``W_rc``; ``X`` feeds the output group ``Y`` (``n_outputs``)
    through ``W_or``. One line is drawn per non-zero weight, blue for positive
    and red-orange for negative, wider for larger magnitudes. The dashed grey lines
    are the copy connection ``C(t) = X(t-1)``: one per recurrent unit, weight
    1, never trained.

    Parameters
    ----------
    net : rnnbook.RNN
    ax : matplotlib.axes.Axes, optional
    max_units : int
        The largest group drawn (more units would not be legible); a larger
        network is refused.

    Returns
    -------
    matplotlib.figure.Figure
        Units carry gids ``"unit:U:j"``, ``"unit:C:j"``, ``"unit:X:i"``,
        ``"unit:Y:k"``; weights ``"edge:W_ri:i:j"`` (row ``i``, column ``j`` of
        the matrix), ``"edge:W_rc:i:j"``, ``"edge:W_or:k:i"``; the copy
        connection ``"copy:i"``.

    Raises
    ------
    TypeError
        If ``net`` is not an RNN.
    ValueError
        If a group has more than ``max_units`` units.
    """
    from rnnbook.rnn import RNN

    _check_instance("net", net, RNN, "an rnnbook.RNN")
    max_units = check_positive_int("max_units", max_units)
    sizes = {"U": net.n_inputs, "C": net.n_hidden, "X": net.n_hidden,
             "Y": net.n_outputs or 0}
    largest_group = max(sizes.values())
    if largest_group > max_units:
        raise ValueError(f"net has a group of {largest_group} units, more than max_units="
                         f"{max_units} can show legibly")
    spacing = 0.9
    half_u = spacing * (sizes["U"] - 1) / 2 + 0.55
    half_c = spacing * (sizes["C"] - 1) / 2 + 0.55
    gap = 1.0
    centre_u, centre_c = -(half_u + gap / 2), half_c + gap / 2
    xs = {"U": _row(sizes["U"], centre_u, spacing), "C": _row(sizes["C"], centre_c, spacing),
          "X": _row(sizes["X"], 0.0, spacing), "Y": _row(sizes["Y"], 0.0, spacing)}
    ys = {"U": 0.0, "C": 0.0, "X": 2.2, "Y": 4.2}
    names = {"U": "input $U$", "C": "context $C$", "X": "recurrent $X$", "Y": "output $Y$"}
    weights = [net.W_ri, net.W_rc] + ([net.W_or] if net.W_or is not None else [])
    largest = max(float(np.abs(w).max()) for w in weights) or 1.0
    radius = 0.22
    x_min = min(xs["U"][0], xs["X"][0]) - 0.8
    x_max = max(xs["C"][-1] + 3.1, xs["X"][-1] + 5.6)
    top = ys["Y"] + 0.6 if sizes["Y"] else ys["X"] + 0.8
    # labels and legend have a fixed size in points, so a wide drawing (a small
    # scale) needs more room for them: below for the group labels, right for
    # the copy and recurrent labels; and its legend goes above the drawing,
    # where it cannot cover the output row's label
    wide = x_max - x_min > 9.0
    if wide:
        for _ in range(3):                          # the room depends on the scale
            per_inch = (x_max - x_min) / (6.4 * 0.85)          # data units per inch
            x_max = max(xs["C"][-1] + 0.75 + 1.25 * per_inch,
                        xs["X"][-1] + 0.65 + 1.6 * per_inch)
    per_inch = (x_max - x_min) / (6.4 * 0.85)
    bottom = min(-1.05, ys["U"] - 0.72 - (FONT + 3) / 72 * per_inch)
    with _Drawing(ax, (6.4, 4.4)) as ax:
        for group, n in sizes.items():
            if n == 0:
                continue
            colour = _GROUP_COLOURS[group]
            left, right = xs[group][0] - 0.45, xs[group][-1] + 0.45
            ax.add_patch(FancyBboxPatch((left, ys[group] - 0.38), right - left, 0.76,
                                        boxstyle="round,pad=0.0,rounding_size=0.2",
                                        fc=colour, alpha=0.18, ec=colour, lw=1.2, zorder=1))
            for j, x in enumerate(xs[group]):
                ax.add_patch(Circle((x, ys[group]), radius, fc="white", ec=colour, lw=2.0,
                                    zorder=4, gid=f"unit:{group}:{j}"))
            label_y = ys[group] - 0.62 if group in "UC" else ys[group]
            if group in "UC":
                ax.text((left + right) / 2, label_y, f"{names[group]} ({n})", ha="center",
                        va="top", fontsize=FONT, color=colour, fontweight="bold")
            else:
                ax.text(right + 0.2, ys[group], f"{names[group]} ({n})", ha="left",
                        va="center", fontsize=FONT, color=colour, fontweight="bold")

        def connect(matrix, name, source, target):
            for i, j in zip(*np.nonzero(matrix)):
                style = _weight_style(float(matrix[i, j]), largest)
                start = (xs[source][j], ys[source] + radius)
                end = (xs[target][i], ys[target] - radius)
                ax.add_line(Line2D([start[0], end[0]], [start[1], end[1]],
                                   color=style["colour"], lw=style["lw"], alpha=0.8,
                                   zorder=2, gid=f"edge:{name}:{i}:{j}"))

        connect(net.W_ri, "W_ri", "U", "X")
        connect(net.W_rc, "W_rc", "C", "X")
        if net.W_or is not None:
            connect(net.W_or, "W_or", "X", "Y")
        # the copy connection: from each X unit round the right, down into its C unit
        for i in range(sizes["X"]):
            start = (xs["X"][i] + radius * 0.7, ys["X"] - radius * 0.7)
            end = (xs["C"][i] + radius * 0.7, ys["C"] + radius * 0.7)
            _arrow(ax, start, end, colour="0.5", lw=1.1, ls=(0, (3, 2)), rad=-0.5,
                   gid=f"copy:{i}", mutation=8)
        label_x = {"W_ri": (xs["U"].mean() + xs["X"].mean()) / 2 - 0.5,
                   "W_rc": (xs["C"].mean() + xs["X"].mean()) / 2 - 0.35}
        ax.text(label_x["W_ri"], 1.1, "$W^{RI}$", ha="right", va="center", fontsize=FONT + 1)
        ax.text(label_x["W_rc"], 1.1, "$W^{RC}$", ha="right", va="center", fontsize=FONT + 1)
        if net.W_or is not None:
            ax.text(xs["Y"][0] - 0.6, 3.2, "$W^{OR}$", ha="right", va="center",
                    fontsize=FONT + 1)
        ax.text(xs["C"][-1] + 0.75, 1.15, "copy\n$C(t) = X(t-1)$", ha="left", va="center",
                fontsize=FONT, color="0.35")
        ax.add_line(Line2D([], [], color=_POSITIVE, lw=2, label="positive weight"))
        ax.add_line(Line2D([], [], color=_NEGATIVE, lw=2, label="negative weight"))
        ax.add_line(Line2D([], [], color="0.5", lw=1.1, ls=(0, (3, 2)),
                           label="copy (weight 1, fixed)"))
        if wide:
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, fontsize=FONT,
                      handlelength=1.8, borderaxespad=0.2)
        else:
            ax.legend(loc="upper right", fontsize=FONT, handlelength=1.8, borderaxespad=0.0)
        return _finish(ax, (x_min, x_max), (bottom, top))


# ------------------------------------------------- 3. unrolled in time, with BPTT

def unrolled_network(model, n_steps: int = 4, *, ax=None):
    """Draw a state-space model unrolled over ``n_steps`` steps, with the BPTT paths.

    One column per time step: the input ``u(t)`` below, the state ``x(t)`` in
    the middle and the output ``y(t)`` above. Black arrows are the forward
    pass (the same ``f`` and ``h``, with the same weights, at every step);
    red-orange dashed arrows are the backward pass of backpropagation through time:
    the error of each output enters its state, and the error of each state is
    sent one step back through the transposed Jacobian
    :math:`J(t+1)^\\top`, :math:`J(t) = \\partial x(t) / \\partial x(t-1)`.

    Parameters
    ----------
    model : rnnbook.core.StateSpaceModel
        A model with a readout (``n_outputs`` not ``None``): the boxes give
        its sizes, and the forward arrows its weight names if it has
        ``W_ri``, ``W_rc`` and ``W_or`` (an RNN, an LSTM).
    n_steps : int
        Time steps drawn, 2 to 6.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        States carry the gids ``"state:t"`` (``t = 0 .. n_steps``), inputs
        ``"input:t"``, outputs ``"output:t"``; forward arrows
        ``"forward:..."``, backward arrows ``"backward:output:t"`` (from
        ``y(t)`` into ``x(t)``) and ``"backward:state:t"`` (from ``x(t)``
        to ``x(t-1)``, ``t = 2 .. n_steps``).
    """
    from rnnbook.core import StateSpaceModel

    _check_instance("model", model, StateSpaceModel, "an rnnbook StateSpaceModel")
    if model.n_outputs is None:
        raise ValueError("model must have a readout (n_outputs is None): BPTT starts from "
                         "the errors of the outputs")
    n_steps = check_positive_int("n_steps", n_steps)
    if not 2 <= n_steps <= 6:
        raise ValueError(f"n_steps must be 2 to 6 (to fit the page); got {n_steps}")
    named = all(hasattr(model, name) for name in ("W_ri", "W_rc", "W_or"))
    step_x = 1.75
    y_u, y_x, y_y = 0.0, 1.5, 3.0
    with _Drawing(ax, (6.4, 3.3)) as ax:
        _box(ax, 0.0, y_x, 0.95, 0.6, "$x(0)$", gid="state:0", colour=_GROUP_COLOURS["X"])
        for t in range(1, n_steps + 1):
            x = t * step_x
            _box(ax, x, y_u, 0.95, 0.5, f"$u({t})$", gid=f"input:{t}",
                 colour=_GROUP_COLOURS["U"])
            _box(ax, x, y_x, 0.95, 0.6, f"$x({t})$", gid=f"state:{t}",
                 colour=_GROUP_COLOURS["X"], fc="#e8f1f8")
            _box(ax, x, y_y, 0.95, 0.5, f"$y({t})$", gid=f"output:{t}",
                 colour=_GROUP_COLOURS["Y"])
            _arrow(ax, (x, y_u + 0.27), (x, y_x - 0.32), gid=f"forward:input:{t}")
            _arrow(ax, (x - 0.12, y_x + 0.32), (x - 0.12, y_y - 0.27), gid=f"forward:output:{t}")
            _arrow(ax, (x - step_x + 0.5, y_x + 0.08), (x - 0.5, y_x + 0.08),
                   gid=f"forward:state:{t}")
            # backward: the output's error into the state, and one step back
            _arrow(ax, (x + 0.14, y_y - 0.27), (x + 0.14, y_x + 0.32), colour=_BACKWARD,
                   ls="--", gid=f"backward:output:{t}")
            if t >= 2:
                _arrow(ax, (x - 0.5, y_x - 0.14), (x - step_x + 0.5, y_x - 0.14),
                       colour=_BACKWARD, ls="--", gid=f"backward:state:{t}")
        first = step_x
        if named:
            ax.text(first + 0.08, (y_u + y_x) / 2, "$W^{RI}$", ha="left", va="center",
                    fontsize=FONT)
            ax.text(first - 0.2, (y_x + y_y) / 2, "$W^{OR}$", ha="right", va="center",
                    fontsize=FONT)
            ax.text(first + step_x / 2, y_x + 0.2, "$W^{RC}$", ha="center", va="bottom",
                    fontsize=FONT)
        ax.text(2 * step_x - step_x / 2, y_x - 0.24, "$J^\\top$", ha="center", va="top",
                fontsize=FONT, color=_BACKWARD)
        sizes = (f"{type(model).__name__}; numbers in $u$, $x$, $y$: {model.n_inputs}, "
                 f"{model.n_states}, {model.n_outputs}")
        ax.text(-0.55, y_y + 0.5, sizes, ha="left", va="bottom", fontsize=FONT)
        ax.add_line(Line2D([], [], color="black", lw=1.4, label="forward"))
        ax.add_line(Line2D([], [], color=_BACKWARD, lw=1.4, ls="--",
                           label="backward (BPTT)"))
        ax.legend(loc="upper right", fontsize=FONT, ncols=2, handlelength=1.8,
                  borderaxespad=0.0)
        return _finish(ax, (-0.6, n_steps * step_x + 0.6), (-0.4, y_y + 1.05))


# -------------------------------------------------------------- 4. the LSTM cell

def lstm_cell(model, *, ax=None):
    """Draw one step of an :class:`~rnnbook.lstm.LSTM` cell: its gates and the cell path.

    The cell path (thick, along the top) carries ``c(t-1)`` to ``c(t)``
    through one multiplication by the forget gate and one addition:
    ``c(t) = f * c(t-1) + i * g``. The four gate blocks (input ``i``, forget
    ``f``, cell input ``g``, output ``o``) each read ``u(t)`` and ``h(t-1)``
    through their rows of ``W_ri`` and ``W_rc``; ``h(t) = o * tanh c(t)``.
    Sizes and the forget gate's mean bias are read from the model.

    Parameters
    ----------
    model : rnnbook.lstm.LSTM
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        The gates carry the gids ``"gate:input"``, ``"gate:forget"``,
        ``"gate:cell"``, ``"gate:output"`` (in :data:`rnnbook.lstm.GATES`
        order), the operations ``"op:forget"``, ``"op:add"``, ``"op:input"``,
        ``"op:output"``, and the cell path ``"cell_path"``.
    """
    from rnnbook.lstm import GATES, LSTM

    _check_instance("model", model, LSTM, "an rnnbook.lstm.LSTM")
    H = model.n_hidden
    forget_bias = float(np.mean(model.t_r[model.gate_slice("forget")]))
    symbols = {"input": ("$i$", r"$\sigma$"), "forget": ("$f$", r"$\sigma$"),
               "cell": ("$g$", r"$\tanh$"), "output": ("$o$", r"$\sigma$")}
    gate_x = {"forget": 1.6, "input": 3.0, "cell": 4.2, "output": 5.6}
    y_cell, y_gate, y_in = 3.1, 1.1, -0.25
    with _Drawing(ax, (6.4, 4.0)) as ax:
        # the cell path: c(t-1) -> x f -> + -> c(t)
        ax.add_line(Line2D([-0.3, 7.7], [y_cell, y_cell], color=_GROUP_COLOURS["X"], lw=4,
                           zorder=1, gid="cell_path", solid_capstyle="butt"))
        _arrow(ax, (7.5, y_cell), (7.9, y_cell), colour=_GROUP_COLOURS["X"], lw=2.5)
        ax.text(-0.3, y_cell + 0.25, "$c(t-1)$", ha="left", va="bottom", fontsize=FONT)
        ax.text(7.9, y_cell + 0.25, "$c(t)$", ha="right", va="bottom", fontsize=FONT)

        def operation(x, y, label, gid):
            ax.add_patch(Circle((x, y), 0.24, fc="white", ec="black", lw=1.4, zorder=5,
                                gid=gid))
            ax.text(x, y, label, ha="center", va="center", fontsize=FONT + 2, zorder=6)

        operation(gate_x["forget"], y_cell, r"$\times$", "op:forget")
        operation(3.6, y_cell, "$+$", "op:add")
        operation(3.6, 2.15, r"$\times$", "op:input")
        operation(6.6, 2.15, r"$\times$", "op:output")
        # tanh of the new cell, gated by o, gives h(t)
        _box(ax, 6.6, y_cell, 0.7, 0.42, r"$\tanh$", fontsize=FONT, gid="tanh_cell")
        _arrow(ax, (6.6, y_cell - 0.22), (6.6, 2.4))
        _arrow(ax, (6.85, 2.15), (7.9, 2.15))
        ax.text(7.9, 1.95, "$h(t)$", ha="right", va="top", fontsize=FONT)
        for gate in GATES:
            x = gate_x[gate]
            name, function = symbols[gate]
            rows = model.gate_slice(gate)
            _box(ax, x, y_gate, 1.0, 0.62, f"{name} = {function}", gid=f"gate:{gate}",
                 colour=plotting.PALETTE[(1, 3, 2, 4)[GATES.index(gate)]], fontsize=FONT)
            ax.text(x, y_gate - 0.38, f"{rows.stop - rows.start} units", ha="center",
                    va="top", fontsize=FONT, color="0.3")
            ax.plot([x, x], [y_in + 0.3, y_gate - 0.66], color="0.4", lw=1.0, zorder=1)
        _arrow(ax, (gate_x["forget"], y_gate + 0.31), (gate_x["forget"], y_cell - 0.24))
        _arrow(ax, (gate_x["input"], y_gate + 0.31), (3.36, 2.15), rad=-0.2)
        _arrow(ax, (gate_x["cell"], y_gate + 0.31), (3.84, 2.15), rad=0.2)
        _arrow(ax, (3.6, 2.39), (3.6, y_cell - 0.24))
        _arrow(ax, (gate_x["output"], y_gate + 0.31), (6.36, 2.15), rad=-0.2)
        # the inputs of every gate
        ax.plot([0.9, 6.2], [y_in + 0.3, y_in + 0.3], color="0.4", lw=1.0)
        ax.text(0.8, y_in + 0.3, f"$u(t)$ ({model.n_inputs}),\n$h(t-1)$ ({H})",
                ha="right", va="center", fontsize=FONT)
        ax.text(3.6, y_in - 0.05, f"weights $W^{{RI}}$ ({4 * H}$\\times${model.n_inputs}), "
                f"$W^{{RC}}$ ({4 * H}$\\times${H})", ha="center", va="top", fontsize=FONT)
        ax.text(-0.3, 2.05, f"forget bias\n{forget_bias:.3g}", ha="left", va="center",
                fontsize=FONT, color="0.3")
        return _finish(ax, (-1.3, 8.0), (-0.75, 3.65),
                       f"LSTM cell, H = {H} units")


# ----------------------------------------------------------------- 5. reservoirs

def reservoir_graph(model, *, ax=None, title: str | None = None, max_units: int = 200):
    """Draw an echo state network's reservoir as a graph: fixed parts and trained readout.

    The units sit on a circle in index order, so a simple cycle reservoir
    (:func:`rnnbook.esn.simple_cycle_reservoir`) shows as a ring and a random
    sparse one as a web of chords. One grey arrow is drawn per non-zero entry
    of ``W_rc`` (``W_rc[i, j]`` from unit ``j`` to unit ``i``; a self-connection
    as a small loop), one grey line from the input per non-zero entry of
    ``W_ri``: all fixed. The green lines from every unit to the output are the
    readout ``W_or``, the only trained weights.

    Parameters
    ----------
    model : rnnbook.esn.EchoStateNetwork
        One reservoir (``n_runs = 1``), one input.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
        The default names the size and the number of reservoir connections.
    max_units : int
        Larger reservoirs are refused (they would be a grey disc).

    Returns
    -------
    matplotlib.figure.Figure
        Units carry gids ``"unit:X:i"``, reservoir connections
        ``"edge:W_rc:i:j"``, input connections ``"edge:W_ri:i:0"`` and readout
        connections ``"edge:W_or:0:i"``.
    """
    import scipy.sparse

    from rnnbook.esn import EchoStateNetwork

    _check_instance("model", model, EchoStateNetwork, "an rnnbook.esn.EchoStateNetwork")
    max_units = check_positive_int("max_units", max_units)
    if model.n_runs != 1:
        raise ValueError(f"model must hold one reservoir (n_runs = 1); got n_runs = "
                         f"{model.n_runs}")
    if model.n_inputs != 1:
        raise ValueError(f"model must have one input to draw; got {model.n_inputs}")
    n = model.n_units
    if n > max_units:
        raise ValueError(f"model has {n} units, more than max_units={max_units}")
    W = scipy.sparse.coo_array(model.W_rc) if scipy.sparse.issparse(model.W_rc) \
        else scipy.sparse.coo_array(np.asarray(model.W_rc))
    keep = W.data != 0
    rows, cols, values = W.row[keep], W.col[keep], W.data[keep]
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    xy = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    radius = min(0.09, 1.2 / n + 0.02)
    largest = float(np.abs(values).max()) if values.size else 1.0
    with _Drawing(ax, (4.4, 4.0)) as ax:
        alpha = 0.9 if values.size <= 60 else max(0.25, 0.9 * 60 / values.size)
        for i, j, w in zip(rows, cols, values):
            style = dict(colour=_FIXED, lw=0.5 + 1.0 * abs(w) / largest, alpha=alpha,
                         gid=f"edge:W_rc:{i}:{j}", mutation=7 if n <= 40 else 4)
            if i == j:   # a self-connection: a small loop outside the circle
                centre = xy[i] * (1 + 2 * radius)
                ax.add_patch(Circle(centre, radius, fc="none", ec=_FIXED, lw=style["lw"],
                                    alpha=alpha, gid=style["gid"]))
            else:
                _arrow(ax, xy[j], xy[i], rad=0.15 if n <= 40 else 0.0,
                       shrink=2 if n <= 40 else 0, **style)
        for i in range(n):
            ax.add_patch(Circle(xy[i], radius, fc="white", ec=_GROUP_COLOURS["X"], lw=1.2,
                                zorder=4, gid=f"unit:X:{i}"))
        # input on the left (fixed), readout on the right (trained)
        source, sink = np.array([-1.75, 0.0]), np.array([1.75, 0.0])
        for i in np.flatnonzero(model.W_ri[:, 0]):
            ax.add_line(Line2D([source[0], xy[i, 0]], [source[1], xy[i, 1]], color=_FIXED,
                               lw=0.5, alpha=0.35, ls=":", zorder=1, gid=f"edge:W_ri:{i}:0"))
        for i in range(n):
            ax.add_line(Line2D([xy[i, 0], sink[0]], [xy[i, 1], sink[1]], color=_TRAINED,
                               lw=0.6, alpha=0.45, zorder=1, gid=f"edge:W_or:0:{i}"))
        ax.add_patch(Circle(source, 0.14, fc=_GROUP_COLOURS["U"], ec="black", zorder=5,
                            gid="unit:U:0"))
        ax.add_patch(Circle(sink, 0.14, fc=_TRAINED, ec="black", zorder=5, gid="unit:Y:0"))
        ax.text(source[0], -0.24, "input\n$u(t)$", ha="center", va="top", fontsize=FONT)
        ax.text(sink[0], -0.24, "output\n$y(t)$", ha="center", va="top", fontsize=FONT)
        ax.add_line(Line2D([], [], color=_FIXED, lw=1.2, label="fixed ($W^{RI}$, $W^{RC}$)"))
        ax.add_line(Line2D([], [], color=_TRAINED, lw=1.2, label="trained ($W^{OR}$)"))
        ax.legend(loc="lower center", fontsize=FONT, ncols=2, bbox_to_anchor=(0.5, -0.02),
                  handlelength=1.5, columnspacing=1.0)
        if title is None:
            title = f"{n} units, {values.size} reservoir connections"
        return _finish(ax, (-2.15, 2.15), (-1.55, 1.3), title)


# -------------------------------------------------------------- 6. liquid column

def liquid_column(network, *, ax=None, title: str | None = None):
    """Draw a liquid of LIF neurons in its 3-D grid, with every synapse.

    The neurons sit at their grid positions (:attr:`LiquidNetwork.positions`),
    excitatory ones as blue circles, inhibitory ones as orange triangles; the
    neurons that the input reaches are outlined in black. One line per
    synapse (``pre -> post``), coloured by the type of its presynaptic neuron.

    Parameters
    ----------
    network : rnnbook.lsm.LiquidNetwork or rnnbook.lsm.Liquid
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D, optional
        3-D axes to draw into.
    title : str, optional
        The default gives the numbers of neurons and synapses.

    Returns
    -------
    matplotlib.figure.Figure
        Neurons are two scatter collections with gids ``"neurons:E"`` and
        ``"neurons:I"``; synapses two line collections ``"synapses:E"`` and
        ``"synapses:I"`` (by presynaptic type), one segment per synapse.
    """
    from mpl_toolkits.mplot3d.art3d import Line3DCollection

    from rnnbook import lsm

    if isinstance(network, lsm.Liquid):
        network = network.network
    _check_instance("network", network, lsm.LiquidNetwork,
                    "an rnnbook.lsm.LiquidNetwork or Liquid")
    positions = network.positions
    inhibitory = network.inhibitory
    reached = np.any(network.input_weights != 0, axis=0)
    with _Drawing(ax, (6.4, 3.6), projection="3d") as ax:
        for kind, sel, colour in (("E", ~inhibitory[network.pre], _POSITIVE),
                                  ("I", inhibitory[network.pre], _NEGATIVE)):
            segments = np.stack([positions[network.pre[sel]], positions[network.post[sel]]],
                                axis=1)
            ax.add_collection3d(Line3DCollection(segments, colors=colour, linewidths=0.4,
                                                 alpha=0.35, gid=f"synapses:{kind}"))
        for kind, sel, colour, marker in (("E", ~inhibitory, _POSITIVE, "o"),
                                          ("I", inhibitory, _NEGATIVE, "^")):
            edge = np.where(reached[sel], "black", "white")
            ax.scatter(*positions[sel].T, s=26, c=colour, marker=marker, edgecolors=edge,
                       linewidths=0.8, depthshade=False, gid=f"neurons:{kind}",
                       label=f"{'excitatory' if kind == 'E' else 'inhibitory'} "
                             f"({int(sel.sum())})")
        ax.scatter([], [], [], s=26, c="white", edgecolors="black", label="reached by the input")
        extent = positions.max(axis=0) - positions.min(axis=0) + 1
        ax.set_box_aspect(tuple(extent), zoom=1.2)
        ax.view_init(elev=18, azim=-70)
        ax.set_axis_off()
        ax.legend(loc="lower center", fontsize=FONT, bbox_to_anchor=(0.5, 0.02), ncols=3,
                  handletextpad=0.2, columnspacing=0.8, borderaxespad=0.0)
        if title is None:
            title = (f"{network.n_neurons} neurons on a "
                     f"{' x '.join(str(int(e)) for e in extent)} grid, "
                     f"{network.pre.size} synapses")
        ax.text2D(0.5, 0.97, title, transform=ax.transAxes, ha="center", va="top",
                  fontsize=FONT + 1)
        return ax.figure


# -------------------------------------------------- 7. the prediction machine

def prediction_machine(machine, symbols, *, alphabet=None, n_shown: int = 8):
    """Draw a fitted prediction machine as its pipeline: symbols, code, codebook, counts.

    Top: the last ``n_shown`` of ``symbols`` and the state map that reads them.
    Bottom, left to right: the states of the training histories with the
    machine's codebook vectors (one marker per vector; filled if its context
    predicted training symbols), the count table ``N(c, x)`` (one row per used
    context) and the distribution it gives for the context of the last
    state, ``P(x | c)``.

    Parameters
    ----------
    machine : rnnbook.fpm.CodebookMachine
        From :func:`rnnbook.fpm.fit_fpm` or :func:`rnnbook.fpm.fit_npm`. States
        of more than two dimensions are drawn in their principal plane.
    symbols : array_like of int
        A sequence to run (for example the training symbols); its codes are
        drawn and its last symbols shown.
    alphabet : sequence of str, optional
        Symbol names; ``"abcd..."`` by default.
    n_shown : int
        How many of the last symbols to show, 2 to 12.

    Returns
    -------
    matplotlib.figure.Figure
        Codebook vectors carry the gids ``"codebook:m"``, the shown symbols
        ``"symbol:j"``, the count table ``"counts"`` (an image with one row per
        used context and one column per symbol) and the bars of the
        prediction ``"prediction:x"``.
    """
    from rnnbook import fpm
    from rnnbook.contractive import ContractiveCoder
    from rnnbook.validation import as_symbols

    _check_instance("machine", machine, fpm.CodebookMachine, "an rnnbook.fpm.CodebookMachine")
    A = machine.n_symbols
    symbols = as_symbols("symbols", symbols, A)
    n_shown = check_positive_int("n_shown", n_shown)
    if not 2 <= n_shown <= 12:
        raise ValueError(f"n_shown must be 2 to 12; got {n_shown}")
    if symbols.size < n_shown:
        raise ValueError(f"symbols must hold at least n_shown={n_shown} symbols; "
                         f"got {symbols.size}")
    if alphabet is None:
        alphabet = "abcdefghijklmnopqrstuvwxyz"[:A]
    alphabet = check_labels("alphabet", alphabet)
    if len(alphabet) != A:
        raise ValueError(f"alphabet must have {A} symbols (n_symbols); got {len(alphabet)}")
    encoder = machine.encoder
    states = encoder.run(np.eye(A)[symbols]).states
    codebook = machine.codebook
    if states.shape[1] == 2:
        project = lambda z: np.asarray(z, float)  # noqa: E731
    else:
        project = plotting.principal_plane(states)
    used = np.zeros(codebook.shape[0], dtype=bool)
    used[machine._used] = True
    counts = machine.context_counts()
    last_context = int(machine._rows(states[-1:])[0])
    prediction = machine.readout(states[-1])   # P(. | c), c the last state's context
    with mpl.rc_context():
        mpl.rcdefaults()
        plotting.use_style()
        fig = plt.figure(figsize=(6.4, 4.6))
        fig.patch.set_facecolor("white")
        grid = fig.add_gridspec(2, 3, height_ratios=[1, 2.6], width_ratios=[1.25, 1, 1],
                                wspace=0.12)
        top = fig.add_subplot(grid[0, :])
        code_ax, count_ax, pred_ax = (fig.add_subplot(grid[1, k]) for k in range(3))
        # the symbols and the state map
        shown = symbols[-n_shown:]
        for j, s in enumerate(shown):
            _box(top, j * 0.62, 0.5, 0.5, 0.5, alphabet[s], gid=f"symbol:{j}",
                 colour=plotting.PALETTE[s % len(plotting.PALETTE)], fontsize=FONT + 1)
        end = (n_shown - 1) * 0.62 + 0.35
        _arrow(top, (end, 0.5), (end + 0.7, 0.5))
        if isinstance(encoder, ContractiveCoder):
            text = (f"$x(t) = k\\,x(t-1) + (1-k)\\,t(s(t))$\nk = {encoder.k:g}: "
                    "a fixed contraction")
        else:
            text = f"{type(encoder).__name__}: a fixed state map,\n{encoder.n_states} numbers"
        top.text(end + 0.8, 0.5, text, ha="left", va="center", fontsize=FONT)
        top.set(xlim=(-0.35, 9.6), ylim=(0.1, 0.9))
        top.axis("off")
        # the code and the codebook
        xy = project(states)
        code_ax.scatter(xy[:, 0], xy[:, 1], s=1, color="0.7", lw=0, rasterized=True)
        centres = project(codebook)
        for m, (cx, cy) in enumerate(centres):
            code_ax.plot(cx, cy, "o", ms=4, mec="black", mew=0.7,
                         mfc="black" if used[m] else "white", gid=f"codebook:{m}")
        code_ax.plot(*project(states[-1]), "*", ms=13, color=plotting.PALETTE[5], zorder=5)
        code_ax.set_title(f"codes, {codebook.shape[0]} codebook\nvectors (filled: used)",
                          fontsize=FONT)
        code_ax.set_xlabel("star: the last state", fontsize=FONT)
        code_ax.set_xticks([])
        code_ax.set_yticks([])
        code_ax.spines[["top", "right"]].set_visible(True)
        code_ax.set_aspect("equal", adjustable="datalim")
        # the counts
        image = count_ax.imshow(np.log1p(counts), aspect="auto", cmap="Greys",
                                interpolation="nearest")
        image.set_gid("counts")
        count_ax.set_title(f"counts $N(c, x)$, one\nrow per context ({counts.shape[0]})",
                           fontsize=FONT)
        count_ax.set_xticks(range(A) if A <= 8 else [], alphabet if A <= 8 else [],
                            fontsize=FONT)
        count_ax.set_yticks([])
        count_ax.grid(False)
        # the prediction for the last state
        bars = pred_ax.bar(range(A), prediction, color=[plotting.PALETTE[x % 8]
                                                        for x in range(A)])
        for x, bar in enumerate(bars):
            bar.set_gid(f"prediction:{x}")
        pred_ax.set_title(f"$P(x \\mid c)$, $c$ = {last_context}", fontsize=FONT)
        pred_ax.set_xticks(range(A) if A <= 8 else [], alphabet if A <= 8 else [],
                           fontsize=FONT)
        pred_ax.tick_params(labelsize=FONT)
        pred_ax.yaxis.tick_right()
        pred_ax.spines[["left"]].set_visible(False)
        pred_ax.spines[["right"]].set_visible(True)
        pred_ax.set_ylim(0, 1)
        for left, right in ((code_ax, count_ax), (count_ax, pred_ax)):
            fig.add_artist(mpl.patches.ConnectionPatch(
                (1.03, 0.5), (-0.04, 0.5), "axes fraction",
                "axes fraction", axesA=left,
                axesB=right, arrowstyle="-|>", mutation_scale=12, lw=1.4))
    return fig


# ------------------------------------------------ 8. prediction suffix trees

def tree_contexts(model) -> list[tuple[int, ...]]:
    """The contexts in a context tree: every node of the (pruned) tree, root first.

    Parameters
    ----------
    model : rnnbook.markov.ContextTree

    Returns
    -------
    list of tuple of int
        Each context oldest symbol first, sorted by length and then by the
        symbols read backwards in time; the root is ``()``. The used contexts
        (:meth:`~rnnbook.markov.ContextTree.used_contexts`) are among them; the
        others are inner nodes that predict no training symbol.
    """
    from rnnbook.markov import ContextTree

    _check_instance("model", model, ContextTree, "an rnnbook.markov.ContextTree")
    return [model._decode(int(code), k) for k in range(model.max_depth + 1)
            for code in model._kept_codes[k]]


def _draw_tree(ax, model, alphabet, *, kept=None, max_nodes=120):
    contexts = tree_contexts(model)
    if len(contexts) > max_nodes:
        raise ValueError(f"model has {len(contexts)} tree nodes, more than max_nodes="
                         f"{max_nodes} can show; fit it with a smaller max_depth")
    used = set(model.used_contexts())
    children = {c: [] for c in contexts}
    for c in contexts:
        if c:
            children[c[1:]].append(c)
    for c in children:   # the child a w of w, in the order of a
        children[c].sort(key=lambda w: w[0])
    position, leaves = {}, [0]

    def place(c):
        if not children[c]:
            position[c] = float(leaves[0])
            leaves[0] += 1
        else:
            for child in children[c]:
                place(child)
            position[c] = (position[children[c][0]] + position[children[c][-1]]) / 2

    place(())
    n_leaves = max(leaves[0], 1)
    depth = max(len(c) for c in contexts)
    for c in contexts:
        if c:
            ax.plot([position[c[1:]], position[c]], [-(len(c) - 1), -len(c)], color="0.5",
                    lw=1.0, zorder=1)
    for c in contexts:
        name = "".join(alphabet[s] for s in c) or "root"
        dropped = kept is not None and c not in kept
        filled = c in used
        colour = "0.6" if dropped else _GROUP_COLOURS["X"]
        ax.plot(position[c], -len(c), "o", ms=9, mec=colour, mew=1.5,
                mfc=colour if filled else "white", zorder=3, gid=f"node:{name}")
        ax.text(position[c], -len(c) - 0.2, name, ha="center", va="top",
                fontsize=FONT, color="0.5" if dropped else "black", zorder=4,
                bbox=dict(fc="white", ec="none", pad=0.5),
                rotation=90 if n_leaves > 16 and len(c) == depth else 0)
    ax.set(xlim=(-0.7, n_leaves - 0.3), ylim=(-depth - 0.75, 0.35))
    ax.axis("off")
    return contexts


def suffix_tree(model, *, alphabet=None, pruned: bool = True, max_nodes: int = 120):
    """Draw a prediction suffix tree from a fitted :class:`~rnnbook.markov.ContextTree`.

    The root is the empty context; the children of a context ``w`` are the
    contexts ``a w`` that look one symbol further into the past. Filled nodes
    are the contexts the model predicts from
    (:meth:`~rnnbook.markov.ContextTree.used_contexts`), hollow ones inner
    nodes that predict nothing themselves. With ``pruned=True`` the figure
    has two rows: the full tree of the same counts
    (``model.with_threshold(0)``), with the nodes that pruning removes in
    grey, and below it the pruned tree of ``model``.

    Parameters
    ----------
    model : rnnbook.markov.ContextTree
        From :func:`rnnbook.markov.fit_vlmm` or :func:`rnnbook.markov.fit_ngram`.
    alphabet : sequence of str, optional
        Symbol names; ``"abcd..."`` by default.
    pruned : bool
        Draw the full tree above the pruned one (True), or only ``model``'s tree.
    max_nodes : int
        Trees with more nodes are refused (fit with a smaller ``max_depth``).

    Returns
    -------
    matplotlib.figure.Figure
        Nodes carry gids ``"node:<context>"`` (``"node:root"`` for the root);
        with ``pruned=True`` the first axes hold the full tree.
    """
    from rnnbook.markov import ContextTree

    _check_instance("model", model, ContextTree, "an rnnbook.markov.ContextTree")
    if not isinstance(pruned, bool):
        raise TypeError(f"pruned must be a bool; got {type(pruned).__name__}")
    max_nodes = check_positive_int("max_nodes", max_nodes)
    if alphabet is None:
        alphabet = "abcdefghijklmnopqrstuvwxyz"[:model.n_symbols]
    alphabet = check_labels("alphabet", alphabet)
    if len(alphabet) != model.n_symbols:
        raise ValueError(f"alphabet must have {model.n_symbols} symbols (n_symbols); got "
                         f"{len(alphabet)}")
    with mpl.rc_context():
        mpl.rcdefaults()
        plotting.use_style()
        rows = 2 if pruned else 1
        fig, axes = plt.subplots(rows, 1, figsize=(6.4, 2.3 * rows + 0.2), squeeze=False)
        fig.patch.set_facecolor("white")
        axes = axes[:, 0]
        if pruned:
            full = model.with_threshold(0.0)
            kept = set(tree_contexts(model))
            contexts = _draw_tree(axes[0], full, alphabet, kept=kept, max_nodes=max_nodes)
            axes[0].set_title(f"grown: {len(contexts)} nodes, {full.n_contexts} used "
                              "contexts (grey: pruned away)", fontsize=FONT)
        contexts = _draw_tree(axes[-1], model, alphabet, max_nodes=max_nodes)
        what = f"pruned at threshold {model.threshold:g}" if model.threshold > 0 else "tree"
        axes[-1].set_title(f"{what}: {len(contexts)} nodes, {model.n_contexts} used "
                           "contexts (filled)", fontsize=FONT)
    return fig


# ------------------------------------------- chapter 3: an automaton's states

def automaton(dfa, *, alphabet=None, ax=None, title: str | None = None):
    """Draw a :class:`~rnnbook.automata.DFA` as a state diagram.

    One circle per state (a double circle if it accepts), an arrow from
    nowhere into the start state, and one arrow per pair of states joined by
    some symbol, labelled with those symbols (a loop for a state that stays).
    The states sit on a ring; the start arrow comes from above, or from the
    side where that would cross the start state's loop, another state or a
    label. The view is widened where it would cut off a label.

    Parameters
    ----------
    dfa : rnnbook.automata.DFA
        At most 12 states.
    alphabet : sequence of str, optional
        Symbol names; ``"12..."`` (the chapter's parity alphabet) by default.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        States carry gids ``"state:q"``, accepting rings ``"accept:q"``,
        transitions ``"transition:q:r"`` (one per pair ``q -> r``).
    """
    from rnnbook.automata import DFA

    _check_instance("dfa", dfa, DFA, "an rnnbook.automata.DFA")
    n = dfa.n_states
    if n > 12:
        raise ValueError(f"dfa has {n} states, more than the 12 this drawing can show")
    if alphabet is None:
        alphabet = "123456789"[:dfa.n_symbols]
    alphabet = check_labels("alphabet", alphabet)
    if len(alphabet) != dfa.n_symbols:
        raise ValueError(f"alphabet must have {dfa.n_symbols} symbols (n_symbols); got "
                         f"{len(alphabet)}")
    angle = np.pi - 2 * np.pi * np.arange(n) / n
    xy = 1.3 * np.stack([np.cos(angle), np.sin(angle)], axis=1) if n > 1 else np.zeros((1, 2))
    r = 0.34
    with _Drawing(ax, (4.8, 3.4)) as ax:
        for q in range(n):
            colour = plotting.PALETTE[2] if dfa.accepting[q] else "0.3"
            ax.add_patch(Circle(xy[q], r, fc="white", ec=colour, lw=1.8, zorder=3,
                                gid=f"state:{q}"))
            if dfa.accepting[q]:
                ax.add_patch(Circle(xy[q], r - 0.07, fc="none", ec=colour, lw=1.4, zorder=3,
                                    gid=f"accept:{q}"))
            ax.text(*xy[q], str(q), ha="center", va="center", fontsize=FONT + 1, zorder=4)
        pairs = {}
        for q in range(n):
            for a in range(dfa.n_symbols):
                pairs.setdefault((q, int(dfa.transitions[q, a])), []).append(alphabet[a])

        def outward(q):   # where a loop of state q goes: away from the ring's centre
            return xy[q] / (np.linalg.norm(xy[q]) or 1.0) if n > 1 else np.array([0, 1.0])

        labels = []       # (position, text) of each transition's label
        for (q, target), names in pairs.items():
            if q == target:
                labels.append((xy[q] + outward(q) * (r + 0.55), ", ".join(names)))
            else:
                d = xy[target] - xy[q]
                normal = np.array([d[1], -d[0]]) / np.linalg.norm(d)
                labels.append(((xy[q] + xy[target]) / 2 + 0.28 * normal, ", ".join(names)))
        loop = outward(dfa.start) if (dfa.start, dfa.start) in pairs else None
        out = _start_direction(xy, dfa.start, r, loop, labels)
        start = xy[dfa.start]
        where = _alignment(out)
        _arrow(ax, start + out * (r + 0.55), start + out * r, lw=1.6, gid="start")
        ax.text(*(start + out * (r + 0.58)), "start", fontsize=FONT, **where)
        for ((q, target), names), (position, label) in zip(pairs.items(), labels):
            if q == target:  # a loop outside the circle
                direction = outward(q)
                normal = np.array([-direction[1], direction[0]])
                a0 = xy[q] + r * (0.7 * direction + 0.7 * normal)
                a1 = xy[q] + r * (0.7 * direction - 0.7 * normal)
                _arrow(ax, a0, a1, rad=-1.6, gid=f"transition:{q}:{q}", lw=1.3)
            else:
                _arrow(ax, xy[q], xy[target], rad=0.25, shrink=17, lw=1.3,
                       gid=f"transition:{q}:{target}")
            ax.text(*position, label, ha="center", va="center", fontsize=FONT)
        if title is None:
            title = (f"{n} state{'s' if n > 1 else ''}, {int(dfa.accepting.sum())} "
                     "accepting (double circle)")
        # the book's view, widened (about the centre) where a label would be cut off
        boxes = [_label_box(p, text) for p, text in labels]
        boxes.append(_label_box(start + out * (r + 0.58), "start", **where))
        boxes.append((xy.min(axis=0) - r, xy.max(axis=0) + r))
        low = np.min([lo for lo, _ in boxes], axis=0) - 0.1
        high = np.max([hi for _, hi in boxes], axis=0) + 0.1
        half_width = max(2.6, -low[0], high[0])
        return _finish(ax, (-half_width, half_width), (min(-2.15, low[1]), max(1.95, high[1])),
                       title)


def _label_box(position, label: str, ha: str = "center", va: str = "center"):
    """An estimate of the box of a label of :func:`automaton`, in data units.

    Half a line (0.14) above and below, 0.06 plus 0.07 per character to each
    side: a little more than a label of ``FONT`` points takes in the drawing's
    default size. Returns the low and the high corner.
    """
    half = np.array([0.06 + 0.07 * len(label), 0.14])
    shift = [{"left": 1, "right": -1}.get(ha, 0), {"bottom": 1, "top": -1}.get(va, 0)]
    centre = np.asarray(position, dtype=float) + half * shift
    return centre - half, centre + half


def _alignment(out) -> dict:
    """How to align a label at the tail of an arrow pointing against ``out``."""
    return dict(ha="right" if out[0] < -0.3 else "left" if out[0] > 0.3 else "center",
                va="bottom" if out[1] > 0.3 else "top" if out[1] < -0.3 else "center")


def _start_direction(xy, start: int, r: float, loop, labels) -> np.ndarray:
    """Where the start arrow of :func:`automaton` comes from (a unit vector).

    From above, unless its arrow or its label would run into another state or a
    transition's label, or (closer than 55 degrees) into the start state's own
    loop ``loop`` (its direction, or None); then the first clear one of the
    directions 60 and 105 degrees to either side of the state's outward
    direction, and from above if none is clear.
    """
    def turned(v, degrees):
        c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
        return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])

    up = np.array([0.0, 1.0])
    centre = xy[start]
    outward = centre / np.linalg.norm(centre) if np.linalg.norm(centre) > 0 else up
    others = np.delete(xy, start, axis=0)
    boxes = [_label_box(p, text) for p, text in labels]

    def clear(out):
        if loop is not None and out @ loop > np.cos(np.radians(55)):
            return False
        lo, hi = _label_box(centre + out * (r + 0.58), "start", **_alignment(out))
        if any(np.all(lo < high + 0.05) and np.all(low - 0.05 < hi) for low, high in boxes):
            return False
        if any(np.linalg.norm(p - np.clip(p, lo, hi)) < r + 0.05 for p in others):
            return False
        for f in np.linspace(0.0, 1.0, 6):
            point = centre + out * (r + 0.58 * f)
            if any(np.all(low < point) and np.all(point < high) for low, high in boxes):
                return False
            if any(np.linalg.norm(point - p) < r + 0.05 for p in others):
                return False
        return True

    candidates = [up] + [turned(outward, a) for a in (60, -60, 105, -105)]
    return next((c for c in candidates if clear(c)), up)


# ----------------------------------- chapter 6: the contraction maps of the coder

def _check_planar(coder):
    from rnnbook.contractive import ContractiveCoder

    _check_instance("coder", coder, ContractiveCoder, "an rnnbook.contractive.ContractiveCoder")
    if coder.n_states != 2:
        raise ValueError(f"coder must code in the plane (3 or 4 symbols); its codes have "
                         f"{coder.n_states} dimensions")


def contraction_maps(coder, *, alphabet=None, levels: int = 2):
    """Draw the maps of a contractive coder as an iterated function system.

    Each symbol ``s`` is the map :math:`w_s(x) = k\\,x + (1-k)\\,t(s)`: it
    shrinks the unit square by ``k`` towards the corner ``t(s)``. Left: the
    images :math:`w_s([0,1]^2)`, one square of side ``k`` per symbol, with an
    arrow from the centre of the square to the centre of each image. Right:
    the images after two symbols, :math:`w_a(w_b([0,1]^2))`, of side
    :math:`k^2`, labelled ``ba`` (older symbol first): the last symbol picks
    the big square, the one before it the small one.

    Parameters
    ----------
    coder : rnnbook.contractive.ContractiveCoder
        A coder with codes in the plane (3 or 4 symbols).
    alphabet : sequence of str, optional
    levels : int
        1 (left panel only) or 2.

    Returns
    -------
    matplotlib.figure.Figure
        Image squares carry gids ``"image:<word>"`` (word oldest symbol first).
    """
    _check_planar(coder)
    levels = check_positive_int("levels", levels)
    if levels > 2:
        raise ValueError(f"levels must be 1 or 2; got {levels}")
    A, k = coder.n_symbols, coder.k
    if alphabet is None:
        alphabet = "abcdefgh"[:A]
    alphabet = check_labels("alphabet", alphabet)
    if len(alphabet) != A:
        raise ValueError(f"alphabet must have {A} symbols (n_symbols); got {len(alphabet)}")
    with mpl.rc_context():
        mpl.rcdefaults()
        plotting.use_style()
        fig, axes = plt.subplots(1, levels, figsize=(3.2 * levels, 3.4), squeeze=False)
        fig.patch.set_facecolor("white")
        for level, ax in zip(range(1, levels + 1), axes[0]):
            ax.add_patch(Rectangle((0, 0), 1, 1, fc="none", ec="0.3", lw=1.2))
            for word in np.ndindex(*(A,) * level):
                low = coder.code_blocks([list(word)], x0=np.zeros(2))[0]
                side = k ** level
                colour = plotting.PALETTE[word[-1] % 8]
                name = "".join(alphabet[s] for s in word)
                ax.add_patch(Rectangle(low, side, side, fc=colour, alpha=0.25, ec=colour,
                                       lw=1.2, gid=f"image:{name}"))
                ax.text(low[0] + side / 2, low[1] + side / 2, name, ha="center",
                        va="center", fontsize=FONT + (2 if level == 1 else 0))
                if level == 1:
                    _arrow(ax, (0.5, 0.5), low + side / 2 + (0.5 - low - side / 2) * 0.35,
                           lw=1.2, colour="0.2")
            for s, corner in enumerate(coder.corners):
                ax.plot(*corner, "o", ms=6, color=plotting.PALETTE[s % 8], mec="black")
            ax.set(xlim=(-0.08, 1.08), ylim=(-0.08, 1.08), aspect="equal")
            ax.axis("off")
            ax.set_title(f"after {level} symbol{'s' if level > 1 else ''}: "
                         f"squares of side {k:g}" + ("" if level == 1 else "$^2$"),
                         fontsize=FONT)
    return fig


# -------------------------------- chapter 7: common suffixes, nearby codes

def suffix_code(coder, suffix, prefixes, *, alphabet=None, ax=None):
    """Draw why the code is Markovian: histories with a common suffix land close.

    The codes of ``prefix + suffix`` for every prefix are drawn as points,
    with the nested squares of the suffix's last 1, 2, ... symbols: reading
    the suffix maps the whole unit square into a square of side
    :math:`k^L`, so whatever the prefix, the code lies in it. Each prefix's
    own code (a hollow marker) is joined to where the suffix takes it.

    Parameters
    ----------
    coder : rnnbook.contractive.ContractiveCoder
        A coder with codes in the plane (3 or 4 symbols).
    suffix : sequence of int
        The common suffix, 1 to 6 symbols.
    prefixes : sequence of sequences of int
        The different pasts, 1 to 12 of them.
    alphabet : sequence of str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        Squares carry gids ``"box:L"`` (``L = 1 .. len(suffix)``), the codes
        ``"code:j"`` (one per prefix, in order), and ``"prefix:j"``.
    """
    from rnnbook.validation import as_symbols

    _check_planar(coder)
    A, k = coder.n_symbols, coder.k
    suffix = as_symbols("suffix", suffix, A)
    if not 1 <= suffix.size <= 6:
        raise ValueError(f"suffix must hold 1 to 6 symbols; got {suffix.size}")
    if isinstance(prefixes, (str, bytes)) or not isinstance(prefixes, Sequence) \
            or not 1 <= len(prefixes) <= 12:
        raise ValueError("prefixes must be a sequence of 1 to 12 symbol sequences")
    prefixes = [as_symbols(f"prefixes[{j}]", p, A) for j, p in enumerate(prefixes)]
    if alphabet is None:
        alphabet = "abcdefgh"[:A]
    alphabet = check_labels("alphabet", alphabet)
    if len(alphabet) != A:
        raise ValueError(f"alphabet must have {A} symbols (n_symbols); got {len(alphabet)}")
    name = "".join(alphabet[s] for s in suffix)
    with _Drawing(ax, (4.6, 4.2)) as ax:
        ax.add_patch(Rectangle((0, 0), 1, 1, fc="none", ec="0.3", lw=1.2))
        L = suffix.size
        for length in range(1, L + 1):
            tail = suffix[L - length:]
            low = coder.code_blocks([tail], x0=np.zeros(2))[0]
            side = k ** length
            colour = plotting.PALETTE[2]
            ax.add_patch(Rectangle(low, side, side, fc=colour, alpha=0.08 + 0.06 * length,
                                   ec=colour, lw=1.2, gid=f"box:{length}"))
        for j, prefix in enumerate(prefixes):
            start = coder.code(prefix)[-1]
            end = coder.code(np.concatenate([prefix, suffix]))[-1]
            colour = [plotting.PALETTE[i] for i in (0, 1, 3, 4, 5, 7)][j % 6]
            ax.plot(*start, "o", ms=6, mfc="white", mec=colour, gid=f"prefix:{j}")
            ax.plot(*end, "o", ms=5, color=colour, gid=f"code:{j}", zorder=4)
            ax.plot([start[0], end[0]], [start[1], end[1]], color=colour, lw=0.7, alpha=0.6,
                    ls=":")
        for s, corner in enumerate(coder.corners):
            ax.text(corner[0] + (0.05 if corner[0] else -0.05),
                    corner[1] + (0.05 if corner[1] else -0.05), alphabet[s], ha="center",
                    va="center", fontsize=FONT + 1, fontweight="bold")
        return _finish(ax, (-0.1, 1.1), (-0.1, 1.1),
                       f"{len(prefixes)} pasts (hollow), each followed by {name}\n"
                       f"(filled): all in the square of side {k:g}$^{{{L}}}$")
