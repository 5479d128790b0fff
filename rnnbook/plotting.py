"""The book's figure style and the figures that recur across chapters.

Every plotting function draws into axes it is given (or creates a figure) and
returns the figure, so the same function serves the static, checked output of
a chapter, its interactive explorer (:mod:`rnnbook.widgets`) and the
precomputed frames of :func:`animate` for readers without a kernel.

Introduced in chapter 1, *State-space models*.
"""

from __future__ import annotations

from typing import Callable, Sequence

import inspect

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from rnnbook.rnn import RNN
from rnnbook.validation import (
    as_float_array,
    as_generator,
    as_symbols,
    check_bool,
    check_callable,
    check_finite_float,
    check_float_range,
    check_labels,
    check_nonnegative_float,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
)
from rnnbook.validation import MAX_SIZE

#: One colour per symbol or series, readable by colour-blind readers (Okabe-Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]

STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.titlesize": "medium",
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def use_style() -> None:
    """Apply the book's figure style (call once, in a chapter's first code cell)."""
    mpl.rcParams.update(STYLE)
    # the SVG and PDF backends embed a random id unless told otherwise; the
    # book renders PNG, and this keeps any other output reproducible too
    mpl.rcParams["svg.hashsalt"] = "rnnbook"


def _axes(ax, figsize=None):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def _check_dims(dims, n_states: int) -> tuple[int, int]:
    """Check a pair of distinct state indices to draw (``dims``)."""
    if not (isinstance(dims, (tuple, list)) and len(dims) == 2):
        raise TypeError(f"dims must be a pair of state indices; got {dims!r}")
    i, j = (check_nonnegative_int("dims", d, maximum=n_states - 1) for d in dims)
    if i == j:
        raise ValueError(f"dims must name two different states; got {dims!r}")
    return i, j


def _check_seed(seed) -> None:
    """Check a seed the way rnnbook.validation.as_generator does (naming ``seed``)."""
    as_generator(seed)


def _check_curves(name: str, curves, ndim: int) -> dict:
    """Check a non-empty dict of label to finite arrays of ``ndim`` dimensions (``curves``)."""
    if not isinstance(curves, dict):
        raise TypeError(f"{name} must be a dict of label to array; got {type(curves).__name__}")
    if not curves:
        raise ValueError(f"{name} must hold at least one entry")
    checked = {label: as_float_array(f"{name}[{label!r}]", value, ndim=ndim)
               for label, value in curves.items()}
    if any(v.size == 0 for v in checked.values()):
        raise ValueError(f"{name} holds an empty array: nothing to draw")
    return checked


def _check_sweep(name: str, sweep):
    """Check a model-choice sweep (``rnnbook.markov.Sweep``) with test scores."""
    from rnnbook.markov import Sweep

    if not isinstance(sweep, Sweep):
        raise TypeError(f"{name} must be a rnnbook.markov.Sweep; got {type(sweep).__name__}")
    if sweep.test_nll is None:
        raise ValueError(f"{name} has no test scores: run the sweep with test data")
    return sweep


def principal_plane(states):
    """The plane of the two largest principal components of a set of states.

    Parameters
    ----------
    states : array_like, shape ``(N, n_states)``

    Returns
    -------
    callable
        ``project(x)`` maps states of shape ``(..., n_states)`` to ``(..., 2)``
        coordinates in that plane (centred on the mean state).
    """
    states = as_float_array("states", states, ndim=2)
    if states.shape[0] < 2:
        raise ValueError(f"states must hold at least 2 states to have a plane; "
                         f"got {states.shape[0]}")
    mean = states.mean(axis=0)
    _, _, vt = np.linalg.svd(states - mean, full_matrices=False)
    # fix each component's sign, so the picture does not flip between runs
    basis = vt[:2] * np.sign(vt[:2, [0]] + (vt[:2, [0]] == 0))

    def project(x):
        return (np.asarray(x, dtype=float) - mean) @ basis.T

    return project


def plot_state_cloud(states, symbols, alphabet: Sequence[str], *, ax=None,
                     title: str | None = None, dims: tuple[int, int] = (0, 1)):
    """Scatter two state coordinates, coloured by the symbol just read.

    Parameters
    ----------
    states : array_like, shape ``(T, n_states)``
    symbols : array_like of int, shape ``(T,)``
        ``symbols[t]`` is the input that produced ``states[t]``.
    alphabet : sequence of str
        Symbol names for the legend.
    dims : (int, int)
        The two state coordinates to draw.
    """
    states = as_float_array("states", states, ndim=2)
    if states.shape[0] == 0:
        raise ValueError("states is empty: nothing to draw")
    alphabet = check_labels("alphabet", alphabet)
    symbols = as_symbols("symbols", symbols, len(alphabet))
    if symbols.shape != states.shape[:1]:
        raise ValueError(f"symbols must have shape ({states.shape[0]},); got {symbols.shape}")
    dims = _check_dims(dims, states.shape[1])
    fig, ax = _axes(ax, (4.2, 4.0))
    for k, name in enumerate(alphabet):
        sel = symbols == k
        ax.scatter(states[sel, dims[0]], states[sel, dims[1]], s=6, alpha=0.6,
                   color=PALETTE[k % len(PALETTE)], label=f"last symbol {name}")
    ax.set_xlabel(f"$x_{dims[0] + 1}(t)$")
    ax.set_ylabel(f"$x_{dims[1] + 1}(t)$")
    ax.legend(loc="best", markerscale=3)
    if title:
        ax.set_title(title)
    return fig


def plot_trajectory(states, labels: Sequence[str] | None = None, *, ax=None,
                    x0=None, title: str | None = None, dims: tuple[int, int] = (0, 1),
                    limits: tuple[float, float] | None = (0.0, 1.0)):
    """Draw a state trajectory in the plane as arrows from each state to the next.

    Parameters
    ----------
    states : array_like, shape ``(T, n_states)``
    labels : sequence of str, optional
        A label per step (the input symbol), written at the state it produced.
    x0 : array_like, shape ``(n_states,)``, optional
        The initial state, drawn as a square.
    limits : (float, float) or None
        Axis limits for both coordinates (the sigmoid network's unit square by default).
    """
    states = as_float_array("states", states, ndim=2)
    if states.shape[0] == 0:
        raise ValueError("states is empty: nothing to draw")
    dims = _check_dims(dims, states.shape[1])
    if x0 is not None:
        x0 = as_float_array("x0", x0, shape=(states.shape[1],))
    if labels is not None:
        labels = check_labels("labels", labels)
        if len(labels) != states.shape[0]:
            raise ValueError(f"labels must hold one label per state ({states.shape[0]}); "
                             f"got {len(labels)}")
    if limits is not None:
        limits = tuple(as_float_array("limits", limits, shape=(2,)))
        if limits[0] >= limits[1]:
            raise ValueError(f"limits must be increasing (low, high); got {limits}")
    fig, ax = _axes(ax, (4.2, 4.0))
    path = states if x0 is None else np.vstack([x0, states])
    xs, ys = path[:, dims[0]], path[:, dims[1]]
    ax.plot(xs, ys, color="0.7", lw=0.8, zorder=1)
    ax.quiver(xs[:-1], ys[:-1], np.diff(xs), np.diff(ys), angles="xy", scale_units="xy",
              scale=1, width=0.004, color=PALETTE[0], zorder=2)
    if x0 is not None:
        ax.plot(xs[0], ys[0], "s", color="black", ms=6, label="$x(0)$", zorder=3)
        ax.legend(loc="best")
    if labels is not None:
        offset = 0 if x0 is None else 1
        for t, label in enumerate(labels):
            ax.annotate(f"{label}", (xs[t + offset], ys[t + offset]), fontsize=8,
                        xytext=(3, 3), textcoords="offset points")
    if limits is not None:
        ax.set_xlim(*limits)
        ax.set_ylim(*limits)
        ax.set_aspect("equal")
    ax.set_xlabel(f"$x_{dims[0] + 1}$")
    ax.set_ylabel(f"$x_{dims[1] + 1}$")
    if title:
        ax.set_title(title)
    return fig


def plot_orbit_diagram(weights, orbits, *, ax=None, title: str | None = None,
                       xlabel: str = "self-weight $w$", start_labels: Sequence[str] | None = None):
    """Orbit (bifurcation) diagram: the states visited in the long run against a parameter.

    Parameters
    ----------
    weights : array_like, shape ``(K,)``
        The parameter values.
    orbits : array_like, shape ``(S, n_keep, K)``
        States after a transient, for ``S`` initial conditions (one colour each)
        and every parameter value.
    start_labels : sequence of str, optional
        Legend entries for the ``S`` initial conditions.
    """
    weights = as_float_array("weights", weights, ndim=1)
    orbits = as_float_array("orbits", orbits, ndim=3)
    if weights.size == 0:
        raise ValueError("weights is empty: nothing to draw")
    if orbits.shape[-1] != weights.size:
        raise ValueError(f"orbits must end in an axis of length {weights.size}; "
                         f"got shape {orbits.shape}")
    if orbits.shape[0] == 0 or orbits.shape[1] == 0:
        raise ValueError(f"orbits is empty: nothing to draw; got shape {orbits.shape}")
    if start_labels is not None:
        start_labels = check_labels("start_labels", start_labels)
        if len(start_labels) != orbits.shape[0]:
            raise ValueError(f"start_labels must hold one label per initial condition "
                             f"({orbits.shape[0]}); got {len(start_labels)}")
    fig, ax = _axes(ax)
    for s, orbit in enumerate(orbits):
        label = None if start_labels is None else start_labels[s]
        ax.plot(np.broadcast_to(weights, orbit.shape).ravel(), orbit.ravel(), ".",
                ms=1.5, color=PALETTE[s % len(PALETTE)], alpha=0.7)
        if label is not None:  # a visible legend marker
            ax.plot([], [], "o", color=PALETTE[s % len(PALETTE)], label=label)
    if start_labels is not None:
        ax.legend(loc="center right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("long-run states $x$")
    ax.set_ylim(-0.02, 1.02)
    if title:
        ax.set_title(title)
    return fig


def rotation_network(scale: float, angle: float) -> RNN:
    """Two sigmoid units whose recurrent weights are a scaled rotation.

    ``W_rc = scale * R(angle)`` with ``R`` the rotation by ``angle`` radians, and
    thresholds ``t_r = -W_rc [1/2, 1/2]`` so that the centre of the unit square
    is a fixed point for every scale. The Jacobian there is ``scale/4 * R``,
    with eigenvalues of modulus ``scale/4``: the centre attracts for
    ``scale < 4`` and repels beyond. ``angle = 0`` makes the units excite
    themselves (they saturate), ``angle = pi`` inhibit themselves (period-2
    oscillation), angles in between rotate the state (oscillation).
    The network has one input with zero weights: its dynamics are autonomous.
    """
    scale = check_positive_float("scale", scale)
    angle = check_finite_float("angle", angle)
    c, s = np.cos(angle), np.sin(angle)
    W_rc = scale * np.array([[c, -s], [s, c]])
    return RNN(np.zeros((2, 1)), W_rc, t_r=-W_rc @ np.array([0.5, 0.5]))


#: Initial states used by :func:`plot_scale_dynamics`.
EXPLORER_STARTS = np.array([[0.05, 0.5], [0.45, 0.55], [0.9, 0.15], [0.7, 0.95]])


def plot_scale_dynamics(scale: float = 3.0, angle: float = 1.0, n_steps: int = 60):
    """The explorer of chapter 1: how the scale of ``W_rc`` shapes the dynamics.

    Runs :func:`rotation_network` from four initial states and draws (left) the
    trajectories in the unit square and (right) the first unit's state over time.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook.dynamics import asymptotic_states, classify_orbit

    net = rotation_network(scale, angle)
    n_steps = check_positive_int("n_steps", n_steps, maximum=10 ** 6)
    u = np.zeros((n_steps, 1))
    states = net.run(np.broadcast_to(u, (len(EXPLORER_STARTS),) + u.shape),
                     EXPLORER_STARTS).states
    fate = classify_orbit(asymptotic_states(net, [0.0], EXPLORER_STARTS[0],
                                            n_transient=2000, n_keep=200), atol=1e-5,
                          max_period=40)
    verdict = {1: "settles on a fixed point", "aperiodic": "oscillates (no short period)"}.get(
        fate, f"oscillates with period {fate}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 3.8),
                                      gridspec_kw={"width_ratios": [1, 1.4]})
    for k, (x0, run) in enumerate(zip(EXPLORER_STARTS, states)):
        path = np.vstack([x0, run])
        left.plot(path[:, 0], path[:, 1], "-", lw=0.8, color=PALETTE[k], alpha=0.8)
        left.plot(*x0, "s", color=PALETTE[k], ms=5)
        left.plot(*run[-1], "o", color=PALETTE[k], ms=5)
        if k < 2:  # two starts keep the time course readable
            right.plot(np.arange(n_steps + 1), path[:, 0], ".-", lw=1, ms=3, color=PALETTE[k])
    left.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
             title="trajectories (square: start, dot: end)")
    right.set(ylim=(-0.02, 1.02), xlabel="time step $t$", ylabel="$x_1(t)$",
              title=f"two of the runs; stretch at the centre = scale/4 = {scale / 4:.2f}")
    fig.suptitle(f"scale {scale:.3g}, angle {angle:.3g} rad: the state {verdict}")
    return fig


def plot_next_symbol_prediction(probabilities, symbols, alphabet: Sequence[str],
                                position: int = 0, window: int = 24):
    """What a next-symbol predictor expects, step by step, over a window of a sequence.

    Parameters
    ----------
    probabilities : array_like, shape ``(T, n_symbols)``
        ``probabilities[t]`` is the predicted distribution of ``symbols[t + 1]``
        after reading ``symbols[: t + 1]``.
    symbols : array_like of int, shape ``(T + 1,)`` or longer
    alphabet : sequence of str
    position, window : int
        The first step shown and how many steps.

    Returns
    -------
    matplotlib.figure.Figure
        A heat map of the predicted distributions with the symbol that really
        came next marked, and the squared error of each prediction below it.
    """
    probabilities = as_float_array("probabilities", probabilities, ndim=2)
    alphabet = check_labels("alphabet", alphabet)
    if probabilities.shape[1] != len(alphabet) or np.any(probabilities < 0) or not np.allclose(
            probabilities.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError(f"probabilities must be rows of {len(alphabet)} non-negative numbers "
                         "summing to 1 (one per symbol of alphabet)")
    symbols = as_symbols("symbols", symbols, len(alphabet))
    position = check_nonnegative_int("position", position)
    window = check_positive_int("window", window)
    n_steps = probabilities.shape[0]
    if symbols.shape[0] < n_steps + 1:
        raise ValueError(f"symbols must hold at least {n_steps + 1} entries (one more than "
                         f"probabilities); got {symbols.shape[0]}")
    if n_steps == 0:
        raise ValueError("probabilities is empty: nothing to draw")
    if not 0 <= position < n_steps:
        raise ValueError(f"position must be in 0 .. {n_steps - 1}; got {position}")
    stop = min(position + window, n_steps)
    steps = np.arange(position, stop)
    target = np.eye(len(alphabet))[symbols[steps + 1]]
    error = np.sum((probabilities[steps] - target) ** 2, axis=1)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8.4, 4.6), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    top.imshow(probabilities[steps].T, aspect="auto", cmap="Blues", vmin=0, vmax=1,
               extent=(position - 0.5, stop - 0.5, len(alphabet) - 0.5, -0.5))
    top.plot(steps, symbols[steps + 1], "o", mfc="none", mec=PALETTE[5], ms=9,
             label="the symbol that came next")
    top.set_yticks(range(len(alphabet)), list(alphabet))
    top.set_ylabel("predicted next symbol")
    top.grid(False)
    top.legend(loc="upper right", bbox_to_anchor=(1, 1.22), ncol=1)
    bottom.bar(steps, error, color=PALETTE[0])
    bottom.set_xticks(steps, [alphabet[s] for s in symbols[steps]])
    bottom.set_xlabel("symbol read")
    bottom.set_ylabel("squared error")
    return fig


def plot_extraction(model, strings, n_symbols: int, n_clusters: int = 8, *, seed=0,
                    accept_empty: bool | None = None, reference=None):
    """Chapter 3's explorer: quantise a network's state space and show the extracted automaton.

    Runs :func:`rnnbook.automata.extract_dfa` and draws the visited states in
    their principal plane, coloured by cluster, with the cluster centres and
    the initial state marked. The title reports the sizes of the raw and the
    minimal automaton and, if ``reference`` (a :class:`~rnnbook.automata.DFA`)
    is given, whether the minimal automaton accepts the same language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook.automata import DFA, equivalent, extract_dfa

    if reference is not None and not isinstance(reference, DFA):
        raise TypeError(f"reference must be a DFA; got {type(reference).__name__}")
    result = extract_dfa(model, strings, n_symbols, n_clusters=n_clusters, seed=seed,
                         accept_empty=accept_empty)
    project = principal_plane(result.states)
    xy = project(result.states)
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    colours = plt.get_cmap("tab10" if n_clusters <= 10 else "tab20")
    for k in range(n_clusters):
        sel = result.labels == k
        ax.scatter(xy[sel, 0], xy[sel, 1], s=5, color=colours(k % colours.N), alpha=0.5)
    centres = project(result.centers)
    ax.scatter(centres[:, 0], centres[:, 1], marker="X", s=80, color="black",
               label="cluster centres")
    start = project(model.initial_state())
    ax.plot(start[0], start[1], "s", color="black", mfc="white", ms=9, label="$x(0)$")
    ax.set(xlabel="first principal component", ylabel="second principal component")
    ax.legend(loc="best")
    verdict = ""
    if reference is not None:
        verdict = (", the parity automaton" if equivalent(result.minimal, reference)
                   else ", NOT the target language")
    ax.set_title(f"{n_clusters} clusters: automaton of {result.dfa.n_states} states, "
                 f"minimal {result.minimal.n_states}{verdict}")
    return fig


def frame_player(draw: Callable[..., mpl.figure.Figure], values: Sequence, *, param: str,
                 start: int = 0, dpi: float = 72, **fixed):
    """Precompute an explorer as frames a reader can step through without a kernel.

    Calls ``draw(**{param: value}, **fixed)`` for each value and returns a small
    self-contained HTML player: the frames as embedded PNG images and a slider
    that swaps them with a few lines of inline JavaScript. It loads nothing
    from the network, and the same inputs always give the same HTML.

    Parameters
    ----------
    draw : callable
        A plotting function returning a figure, such as :func:`plot_scale_dynamics`.
    values : sequence
        The values of ``param``, one frame each.
    param : str
        The keyword of ``draw`` that the slider moves.
    start : int
        Index of the frame shown first.
    dpi : float
        Resolution of the frames (a lower one keeps the page light).
    **fixed
        Further keywords passed to ``draw`` unchanged.

    Returns
    -------
    IPython.display.HTML
    """
    import base64
    import hashlib
    import io
    import json

    from IPython.display import HTML
    from PIL import Image

    check_callable("draw", draw)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"values must be a sequence of parameter values; got {values!r}")
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one parameter value")
    if not isinstance(param, str):
        raise TypeError(f"param must be the name of an argument of draw; got {param!r}")
    try:
        inspect.signature(draw).bind_partial(**{param: values[0]}, **fixed)
    except TypeError as exc:
        raise ValueError(f"param and the fixed arguments must be arguments of draw: {exc}") \
            from None
    start = check_nonnegative_int("start", start)
    dpi = check_positive_float("dpi", dpi)
    if not 0 <= start < len(values):
        raise ValueError(f"start must index values (0 .. {len(values) - 1}); got {start}")
    frames = []
    for value in values:
        fig = draw(**{param: value}, **fixed)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        plt.close(fig)
        # an adaptive 256-colour palette keeps the page small; line art loses nothing visible
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").quantize(256)
        small = io.BytesIO()
        image.save(small, format="png", optimize=True)
        frames.append("data:image/png;base64," + base64.b64encode(small.getvalue()).decode())
    labels = [f"{param} = {value:.3g}" if isinstance(value, (int, float, np.number))
              else f"{param} = {value}" for value in values]
    key = "rnnbook-player-" + hashlib.sha1("".join(frames).encode()).hexdigest()[:12]
    html = f"""<div class="rnnbook-player" id="{key}">
<img id="{key}-img" src="{frames[start]}" alt="{labels[start]}" style="max-width:100%">
<div><input type="range" id="{key}-slider" min="0" max="{len(frames) - 1}" value="{start}" \
step="1" style="width:60%" aria-label="{param}"> <span id="{key}-label">{labels[start]}</span></div>
<script>
(function () {{
  var frames = {json.dumps(frames)};
  var labels = {json.dumps(labels)};
  var img = document.getElementById("{key}-img");
  var label = document.getElementById("{key}-label");
  document.getElementById("{key}-slider").addEventListener("input", function (event) {{
    var i = Number(event.target.value);
    img.src = frames[i]; img.alt = labels[i]; label.textContent = labels[i];
  }});
}})();
</script>
</div>"""
    return HTML(html)


# ----------------------------------------------- chapters 6 and 7: contractive coding
def plot_code_cloud(codes, symbols=None, alphabet: Sequence[str] | None = None, *,
                    corners=None, ax=None, title: str | None = None, size: float = 1.0,
                    grid_level: int = 0, colour: bool = True, resolution: int | None = None):
    """The codes of a sequence in the unit square, coloured by the symbol just read.

    Parameters
    ----------
    codes : array_like, shape ``(T, 2)``
        States of a :class:`~rnnbook.contractive.ContractiveCoder` (or any points
        of the unit square).
    symbols : array_like of int, shape ``(T,)``, optional
        ``symbols[t]`` is the symbol read to reach ``codes[t]``; colours the points.
    alphabet : sequence of str, optional
        Symbol names, written at ``corners``.
    corners : array_like, shape ``(len(alphabet), 2)``, optional
        Where the symbols sit (the coder's ``corners``).
    size : float
        Marker area.
    grid_level : int
        Draw the dyadic grid of boxes of side ``2**-grid_level`` (0: none).
    colour : bool
        Colour by the last symbol (``True``) or draw all points black.
    resolution : int, optional
        Instead of a dot per code, fill every box of side ``1 / resolution``
        that holds a code (in the colour of the last code that fell into it):
        a picture of the set the codes cover at that scale, and a much
        lighter image than many thousand dots.

    Returns
    -------
    matplotlib.figure.Figure
    """
    codes = as_float_array("codes", codes, ndim=2)
    if codes.shape[1] != 2 or codes.shape[0] == 0:
        raise ValueError(f"codes must have shape (T, 2), T > 0; got {codes.shape}")
    colour = check_bool("colour", colour)
    size = check_nonnegative_float("size", size)
    # the grid has 4**grid_level cells; level 8 already draws 510 lines
    grid_level = check_nonnegative_int("grid_level", grid_level, maximum=8)
    if resolution is not None:
        resolution = check_positive_int("resolution", resolution, maximum=4096)
    if alphabet is not None:
        alphabet = check_labels("alphabet", alphabet)
    fig, ax = _axes(ax, (4.4, 4.4))
    if colour and symbols is not None:
        symbols = np.asarray(symbols)
        symbols = as_symbols("symbols", symbols,
                             MAX_SIZE if alphabet is None else len(alphabet))
        if symbols.shape != codes.shape[:1]:
            raise ValueError(f"symbols must have shape ({codes.shape[0]},); "
                             f"got {symbols.shape}")
        colours = np.array(PALETTE)[symbols % len(PALETTE)]
    else:
        colours = "black"
    if resolution is None:
        ax.scatter(codes[:, 0], codes[:, 1], s=size, c=colours, lw=0, rasterized=True)
    else:
        if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 1:
            raise ValueError(f"resolution must be a positive integer; got {resolution!r}")
        if np.any(codes < 0) or np.any(codes > 1):
            raise ValueError("codes must lie in the unit square to be drawn as boxes")
        image = np.ones((resolution, resolution, 4))
        image[..., 3] = 0.0                                   # transparent background
        cells = np.minimum((codes * resolution).astype(np.int64), resolution - 1)
        rgba = mpl.colors.to_rgba_array(colours)
        image[cells[:, 1], cells[:, 0]] = rgba if len(rgba) > 1 else rgba[0]
        ax.imshow(image, origin="lower", extent=(0, 1, 0, 1), interpolation="nearest",
                  zorder=1)
    for j in range(1, 2 ** grid_level):
        width = 1.0 if j * 2 == 2 ** grid_level else 0.5
        where = j / 2 ** grid_level
        ax.plot([where, where], [0, 1], color="0.35", lw=width, zorder=1.5)
        ax.plot([0, 1], [where, where], color="0.35", lw=width, zorder=1.5)
    if alphabet is not None and corners is not None:
        corners = as_float_array("corners", corners, shape=(len(alphabet), 2))
        for index, (name, (cx, cy)) in enumerate(zip(alphabet, corners)):
            colour_k = PALETTE[index % len(PALETTE)] if colour and symbols is not None \
                else "black"
            ax.text(cx + (0.05 if cx >= 0.5 else -0.05), cy + (0.05 if cy >= 0.5 else -0.05),
                    name, ha="center", va="center", fontsize=12, fontweight="bold",
                    color=colour_k)
    ax.plot([0, 1, 1, 0, 0], [0, 0, 1, 1, 0], color="0.5", lw=0.6, zorder=0.5)
    ax.set(xlim=(-0.1, 1.1), ylim=(-0.1, 1.1), xticks=[0, 0.5, 1], yticks=[0, 0.5, 1],
           xlabel="$x_1$", ylabel="$x_2$")
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.set_aspect("equal")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return fig


def _box_fit(points, exponents):
    from rnnbook.contractive import box_counting_dimension

    return box_counting_dimension(points, exponents)


def plot_chaos_game(k: float = 0.5, source: str | None = None, *, sources=None,
                    n_points: int = 200_000, washout: int = 20):
    """Chapter 6's explorer: the chaos game of a source for a contraction coefficient ``k``.

    Codes the first ``washout + n_points`` symbols of the chosen source with
    :class:`~rnnbook.contractive.ContractiveCoder` (four symbols at the corners
    of the unit square, unless the source gives its own corners) and draws
    (left) the set of codes (boxes of side 1/256 that hold a code, coloured
    by the last symbol) and (right) the box counts ``N(2**-j)`` with the
    fitted box-counting dimension (slope over ``j = 4 .. 8``) beside the
    similarity dimension ``log m / log(1/k)`` of the ``m`` maps the source
    uses (capped at 2; it is the dimension only for ``k <= 1/2``, where the
    maps' images do not overlap).

    Parameters
    ----------
    k : float
        Contraction coefficient, ``0 < k < 1``.
    source : str, optional
        A key of ``sources``; the first one by default.
    sources : dict
        Name to ``(symbols, alphabet)`` or ``(symbols, alphabet, corners)``;
        four-symbol sequences.
    n_points : int
        Codes drawn and counted, after a transient of ``washout`` symbols.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import math

    from rnnbook.contractive import ContractiveCoder

    k = check_float_range("k", k, 0.0, 1.0, low_open=True, high_open=True)
    n_points = check_positive_int("n_points", n_points)
    washout = check_nonnegative_int("washout", washout)
    if not isinstance(sources, dict):
        raise TypeError(f"sources must be a dict of name to (symbols, alphabet); "
                        f"got {type(sources).__name__}")
    if not sources:
        raise ValueError("sources must name at least one sequence")
    source = next(iter(sources)) if source is None else source
    if source not in sources:
        raise ValueError(f"source must be one of {list(sources)}; got {source!r}")
    symbols, alphabet, *rest = sources[source]
    alphabet = check_labels("sources", alphabet, 2)
    symbols = as_symbols("sources", symbols, len(alphabet))
    if symbols.size <= washout:
        raise ValueError(f"washout ({washout}) must be shorter than the source "
                         f"({symbols.size} symbols)")
    corners = rest[0] if rest else None
    symbols = np.asarray(symbols)[: washout + n_points]
    coder = ContractiveCoder(len(alphabet), k, corners=corners)
    codes = coder.code(symbols)[washout:]
    last = symbols[washout:]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 4.2),
                                      gridspec_kw={"width_ratios": [1, 1.05]})
    plot_code_cloud(codes, last, alphabet, corners=coder.corners, ax=left, resolution=256)
    exponents = np.arange(1, 11)
    fit_range = np.arange(4, 9)
    counts = _box_fit(codes, exponents).counts
    fit = _box_fit(codes, fit_range)
    used = np.unique(last).size
    theory = min(2.0, math.log(used) / math.log(1 / k))
    right.plot(exponents, np.log2(counts), "o-", color=PALETTE[0], label="occupied boxes")
    right.plot(fit_range, (fit.intercept + fit.dimension * fit_range * math.log(2))
               / math.log(2), "-", color=PALETTE[5], lw=2,
               label=f"fit $j$ = 4..8: slope {fit.dimension:.3f}")
    right.plot(exponents, theory * (exponents - 4) + np.log2(counts[3]), "--", color="0.4",
               label=f"slope log {used} / log(1/k) = {theory:.3f}"
                     + (" (capped)" if theory == 2.0 else ""))
    right.axhline(math.log2(len(codes)), color="0.6", lw=0.8, ls=":")
    right.text(1.2, math.log2(len(codes)) + 0.3, f"{len(codes):,} points", fontsize=8,
               color="0.4")
    right.set(xlabel="$j$ (boxes of side $2^{-j}$)", ylabel="$\\log_2 N(2^{-j})$",
              title="box counting")
    right.legend(loc="lower right", fontsize=8)
    overlap = " (maps overlap)" if k > 0.5 else ""
    fig.suptitle(f"{source}: k = {k:.2f}{overlap}")
    return fig


def plot_architectural_bias(recurrent_scale: float = 1.0, *, symbols, alphabet: Sequence[str],
                            n_hidden: int = 8, input_scale: float = 2.0, seed=0,
                            max_length: int = 8, washout: int = 20):
    """Chapter 7's explorer: an untrained sigmoid RNN's states, organised by suffix.

    Draws a network :meth:`RNN.random <rnnbook.rnn.RNN.random>` (``n_hidden``
    units, weights uniform in ``±input_scale`` and ``±recurrent_scale``), runs
    it over ``symbols`` and shows (left) its states in their principal plane
    coloured by the last symbol and (right) the mean distance between states
    whose histories share exactly ``L`` final symbols, divided by the mean
    distance of all pairs, beside the same curve for the contractive code
    with ``k = 1/2`` (:func:`rnnbook.contractive.suffix_distance_profile`).
    The left panel shows the first 5000 states after the ``washout``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook.contractive import ContractiveCoder, suffix_distance_profile
    from rnnbook.dynamics import contraction_bound

    alphabet = check_labels("alphabet", alphabet, 2)
    n_symbols = len(alphabet)
    symbols = as_symbols("symbols", symbols, n_symbols)
    washout = check_nonnegative_int("washout", washout)
    max_length = check_positive_int("max_length", max_length)
    n_hidden = check_positive_int("n_hidden", n_hidden, maximum=10 ** 4)
    if symbols.size <= washout + max_length:
        raise ValueError(f"symbols must hold more than washout + max_length = "
                         f"{washout + max_length} symbols; got {symbols.size}")
    net = RNN.random(n_symbols, n_hidden, input_scale=input_scale,
                     recurrent_scale=recurrent_scale, seed=seed)
    states = net.run(np.eye(n_symbols)[symbols]).states
    codes = ContractiveCoder(n_symbols, 0.5).code(symbols)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 4.0))
    shown = slice(washout, washout + 5000)              # enough dots to see the groups
    xy = principal_plane(states[washout:])(states[shown])
    last = symbols[shown]
    for index, name in enumerate(alphabet):
        sel = last == index
        left.scatter(xy[sel, 0], xy[sel, 1], s=2, lw=0, color=PALETTE[index % len(PALETTE)],
                     label=f"last symbol {name}", rasterized=True)
    left.set(xlabel="PC 1", ylabel="PC 2", title=f"RNN states ({n_hidden} units)")
    left.legend(loc="best", markerscale=4, fontsize=8)
    for name, run, style in [("untrained RNN", states, "o-"),
                             ("contractive code, k = 1/2", codes, "s--")]:
        profile = suffix_distance_profile(run, symbols, max_length, n_pairs=50_000,
                                          skip=washout, seed=seed)
        ok = profile.counts[:-1] >= 20
        right.semilogy(profile.lengths[:-1][ok],
                       (profile.mean_distance[:-1] / profile.overall_mean)[ok], style,
                       label=name)
    right.set(xlabel="common suffix length $L$",
              ylabel="mean distance / mean of all pairs",
              title="the longer the shared suffix, the closer")
    right.legend(loc="lower left", fontsize=8)
    bound = contraction_bound(net)
    fig.suptitle(f"recurrent scale {recurrent_scale:.3g}: contraction bound "
                 f"$\\max\\sigma' \\, \\|W^{{RC}}\\|_2$ = {bound:.2f}"
                 + (" (a contraction)" if bound < 1 else " (not a contraction)"))
    return fig


# ---------------------------------------------------------------- chapter 4
def gradient_decay_network(gain: float, n_hidden: int = 64, seed: int = 2026) -> RNN:
    """A random tanh network in the contracting (``gain < 1``) or expanding (``gain > 1``) regime.

    ``W_rc`` has independent normal entries with standard deviation
    ``gain / sqrt(n_hidden)`` (a fixed draw, scaled), ``W_ri`` standard normal
    entries, one input, no readout. For large ``n_hidden`` such networks are
    known to settle (``gain < 1``) or to move chaotically (``gain > 1``).
    """
    gain = check_nonnegative_float("gain", gain)
    n_hidden = check_positive_int("n_hidden", n_hidden, maximum=10 ** 4)
    rng = as_generator(seed)
    W_rc = rng.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_hidden, n_hidden))
    W_ri = rng.normal(0.0, 1.0, size=(n_hidden, 1))
    return RNN(W_ri, gain * W_rc, hidden_activation="tanh")


def gradient_decay_norms(gain: float, noise: float = 0.1, n_steps: int = 60,
                         n_hidden: int = 64, n_transient: int = 200, seed: int = 2026):
    """Norms of ``d x(T) / d x(T - k)``, ``k = 1 .. n_steps``, for :func:`gradient_decay_network`.

    The network is driven by Gaussian noise (standard deviation ``noise``) for
    ``n_transient`` steps from a random state, so that it has reached its
    long-run behaviour, and the Jacobians are taken along the next
    ``n_steps`` steps.

    Returns
    -------
    numpy.ndarray, shape ``(n_steps,)``
    """
    from rnnbook.dynamics import gradient_norms, trajectory_jacobians

    network = gradient_decay_network(gain, n_hidden, seed)
    noise = check_nonnegative_float("noise", noise)
    n_steps = check_positive_int("n_steps", n_steps, maximum=10 ** 6)
    n_transient = check_nonnegative_int("n_transient", n_transient, maximum=10 ** 6)
    rng = np.random.default_rng(seed + 1)
    u = rng.normal(0.0, noise, size=(n_transient + n_steps, 1))
    start = rng.normal(0.0, 0.5, size=n_hidden)
    x = network.run(u[:n_transient], start).states[-1] if n_transient else start
    return gradient_norms(trajectory_jacobians(network, u[n_transient:], x))


def plot_gradient_decay(gain: float = 0.5, noise: float = 0.1, n_steps: int = 60,
                        n_hidden: int = 64, ax=None):
    """How fast ``d x(T) / d x(T - k)`` shrinks or grows with the lag ``k``.

    Draws :func:`gradient_decay_norms` on a log scale with the fitted
    exponential rate (:func:`rnnbook.dynamics.fit_log_slope`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook.dynamics import fit_log_slope

    norms = gradient_decay_norms(gain, noise, n_steps, n_hidden)
    slope, intercept = fit_log_slope(norms)
    lags = np.arange(1, n_steps + 1)
    fig, ax = _axes(ax, (6.4, 3.6))
    ax.semilogy(lags, np.maximum(norms, 1e-300), "o", ms=3, label="measured")
    ax.semilogy(lags, np.exp(intercept + slope * lags), "-", lw=1,
                label=f"fit: slope {slope:.3f}, factor {np.exp(slope):.3f} per step")
    ax.set(xlabel="lag $k$", ylabel="$\\|\\partial x(T) / \\partial x(T-k)\\|$",
           title=f"{n_hidden} tanh units, gain {gain:g}, input noise {noise:g}")
    ax.legend(loc="best")
    return fig


# ---------------------------------------------------------------- chapter 5
def plot_forget_bias(forget_bias: float = 3.0, n_steps: int = 100, n_hidden: int = 16,
                     seed: int = 2026, ax=None):
    """How far back an untrained LSTM passes gradients, for a forget-gate bias.

    An LSTM with small weights (:meth:`rnnbook.lstm.LSTM.random` with
    ``weight_scale=0.1`` and this ``forget_bias``), as at the start of training, is
    driven by Gaussian noise; the norms of ``d x(T) / d x(T - k)`` for its state
    ``[h; c]`` are drawn against the lag with the product of the mean forget
    gate ``mean(f)**k``, the rate at which the cell forgets.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook.dynamics import gradient_norms, trajectory_jacobians
    from rnnbook.lstm import LSTM

    n_steps = check_positive_int("n_steps", n_steps, maximum=10 ** 6)
    n_hidden = check_positive_int("n_hidden", n_hidden, maximum=10 ** 4)
    network = LSTM.random(1, n_hidden, 1, forget_bias=forget_bias, weight_scale=0.1,
                          seed=seed)
    u = np.random.default_rng(seed + 1).normal(0.0, 0.5, size=(n_steps, 1))
    x0 = np.zeros(2 * n_hidden)
    norms = gradient_norms(trajectory_jacobians(network, u, x0))
    states = network.run(u, x0).states
    h_prev = np.vstack([x0[None, :n_hidden], states[:-1, :n_hidden]])
    forget = network._gates(network.input_drive(u), h_prev)[1]
    mean_f = float(forget.mean())
    lags = np.arange(1, n_steps + 1)
    fig, ax = _axes(ax, (6.4, 3.6))
    ax.semilogy(lags, norms, "o", ms=3, label="$\\|\\partial x(T) / \\partial x(T-k)\\|$")
    ax.semilogy(lags, mean_f ** lags, "-", lw=1,
                label=f"mean forget gate$^k$ (mean f = {mean_f:.3f})")
    ax.set(xlabel="lag $k$", ylabel="norm", ylim=(1e-12, 10),
           title=f"untrained LSTM, forget-gate bias {forget_bias:g}")
    ax.legend(loc="lower left")
    return fig


# ---------------------------------------------------------------- chapter 8
def plot_nll_vs_contexts(ngram, vlmm, *, ax=None, title: str | None = None,
                         marked: int | None = None, legend: bool = True,
                         log_nll: bool = False):
    """Chapter 8: held-out NLL per symbol against the number of contexts, n-grams and VLMMs.

    Parameters
    ----------
    ngram, vlmm : rnnbook.markov.Sweep
        From :func:`rnnbook.markov.ngram_sweep` and :func:`rnnbook.markov.vlmm_sweep`,
        with test data. The n-grams are joined in order of their order (some
        orders are written beside their points), the VLMMs in order of their
        size; the model each family chose on validation data is ringed.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    marked : int, optional
        Index of one VLMM of the sweep to mark with a star.
    legend : bool
        Draw the legend.
    log_nll : bool
        A logarithmic NLL axis (it spreads out the low end of the curves).

    Returns
    -------
    matplotlib.figure.Figure
    """
    ngram, vlmm = _check_sweep("ngram", ngram), _check_sweep("vlmm", vlmm)
    legend, log_nll = check_bool("legend", legend), check_bool("log_nll", log_nll)
    if marked is not None:
        marked = check_nonnegative_int("marked", marked, maximum=len(vlmm.settings) - 1)
    fig, ax = _axes(ax)
    ax.plot(ngram.n_contexts, ngram.test_nll, "o-", ms=4, lw=1.2, color=PALETTE[0],
            label="n-grams (labels: order)")
    step = max(1, int(np.ceil(len(ngram.settings) / 8)))
    for i in range(0, len(ngram.settings), step):
        ax.annotate(f"{int(ngram.settings[i])}", (ngram.n_contexts[i], ngram.test_nll[i]),
                    xytext=(-3, 5), textcoords="offset points", fontsize=8,
                    color=PALETTE[0], ha="right")
    order = np.argsort(vlmm.n_contexts, kind="stable")
    ax.plot(vlmm.n_contexts[order], vlmm.test_nll[order], "s-", ms=3, lw=1.2,
            color=PALETTE[1], label="VLMMs (one per threshold)")
    for sweep, colour, name in [(ngram, PALETTE[0], "n-gram"), (vlmm, PALETTE[1], "VLMM")]:
        b = sweep.best
        ax.plot(sweep.n_contexts[b], sweep.test_nll[b], "o", ms=12, mfc="none", mec=colour,
                mew=2, label=f"{name} chosen on validation")
    if marked is not None:
        ax.plot(vlmm.n_contexts[marked], vlmm.test_nll[marked], "*", ms=16,
                color=PALETTE[5], zorder=5, label="this threshold")
    ax.axhline(1.0, color="0.5", ls="--", lw=0.8)
    ax.set_xscale("log")
    if log_nll:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(6))
        ax.yaxis.set_major_formatter(mpl.ticker.FormatStrFormatter("%g"))
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
    ax.set(xlabel="number of contexts", ylabel="test NLL per symbol (log base A)")
    if legend:
        ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    return fig


def plot_vlmm_threshold(ngram, vlmm, threshold: float, *, title: str | None = None,
                        log_nll: bool = True):
    """Chapter 8's explorer: one VLMM of a threshold sweep, its score and its contexts.

    Picks the VLMM of ``vlmm`` whose threshold is nearest to ``threshold``
    (on a log scale) and draws (left) where it stands among all the models
    (:func:`plot_nll_vs_contexts`) and (right) how many of its contexts have
    each length: the memory it uses.

    Parameters
    ----------
    ngram, vlmm : rnnbook.markov.Sweep
    threshold : float
        Positive.
    title : str, optional
        Put before the figure's title (the data set's name, say).
    log_nll : bool
        A logarithmic NLL axis, as in :func:`plot_nll_vs_contexts`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    vlmm = _check_sweep("vlmm", vlmm)
    settings = np.asarray(vlmm.settings, dtype=float)
    threshold = check_positive_float("threshold", threshold)
    distance = np.abs(np.log(np.maximum(settings, 1e-300)) - np.log(threshold))
    i = int(np.argmin(distance))
    model = vlmm.models[i]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 3.9),
                                      gridspec_kw={"width_ratios": [1.5, 1]})
    plot_nll_vs_contexts(ngram, vlmm, ax=left, marked=i, log_nll=log_nll)
    counts = np.bincount(model.context_lengths(), minlength=model.max_depth + 1)
    right.bar(np.arange(counts.size), counts, color=PALETTE[1])
    right.set(xlabel="context length (symbols of memory)", ylabel="number of contexts",
              title=f"{model.n_contexts} contexts, the longest {model.depth}")
    right.set_xlim(-0.6, counts.size - 0.4)
    prefix = f"{title}: " if title else ""
    fig.suptitle(f"{prefix}threshold {settings[i]:.3g}, test NLL {vlmm.test_nll[i]:.4f}")
    return fig


# ---- chapter 9: echo state networks ----
def plot_echo_distances(distances: dict, *, ax=None, title: str | None = None):
    """State distance from two initial states over time, one line per setting.

    ``distances`` maps a label (say a spectral radius) to a 1-D array.
    """
    distances = _check_curves("distances", distances, 1)
    fig, ax = _axes(ax)
    for i, (label, dist) in enumerate(distances.items()):
        ax.semilogy(np.arange(1, len(dist) + 1), np.maximum(dist, 1e-17),
                    color=PALETTE[i % len(PALETTE)], label=str(label))
    ax.set_xlabel("time step $t$")
    ax.set_ylabel(r"$\|x_a(t) - x_b(t)\|$")
    ax.legend(title="spectral radius", ncols=2, fontsize="small")
    ax.set_title(title or "Two initial states, one input")
    return fig


def plot_unit_traces(traces: dict, u=None, *, n_units: int | None = None,
                     title: str | None = None):
    """A few units' activations under several settings, one panel each.

    ``traces`` maps a panel title to states of shape ``(T, N)``; ``u`` (1-D),
    if given, is drawn in grey on every panel. The first ``n_units`` units are
    drawn (at most the smallest ``N``); by default the first four, or all of
    them where a panel has fewer.
    """
    traces = _check_curves("traces", traces, 2)
    if u is not None:
        u = as_float_array("u", u, ndim=1)
        if any(len(u) != len(x) for x in traces.values()):
            raise ValueError("u must have one entry per step of the traces")
    fewest = min(x.shape[1] for x in traces.values())
    n_units = (min(4, fewest) if n_units is None
               else check_positive_int("n_units", n_units, maximum=fewest))
    n_cols = min(len(traces), 2)
    n_rows = -(-len(traces) // n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(6.4, 2.4 * n_rows + 0.3),
                             sharex=True, sharey=True, squeeze=False)
    for ax, (label, states) in zip(axes.flat, traces.items()):
        if u is not None:
            ax.plot(u, color="0.75", lw=1.0, label="input")
        for j in range(min(n_units, states.shape[1])):
            ax.plot(states[:, j], color=PALETTE[j % len(PALETTE)], lw=1.0)
        ax.set_title(label, fontsize="small")
    for ax in axes[-1]:
        ax.set_xlabel("$t$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$x_i(t)$")
    if title:
        fig.suptitle(title)
    return fig


def plot_free_run(truth, prediction, *, start: int = 0, one_step=None, ax=None,
                  title: str | None = None, ylabel: str = "$y$"):
    """A free-running (and optionally one-step) prediction against the truth."""
    truth = as_float_array("truth", truth, ndim=1)
    if truth.size == 0:
        raise ValueError("truth is empty: nothing to draw")
    prediction = as_float_array("prediction", prediction, shape=truth.shape)
    if one_step is not None:
        one_step = as_float_array("one_step", one_step, shape=truth.shape)
    start = check_nonnegative_int("start", start)
    fig, ax = _axes(ax, figsize=(6.4, 3.0))
    t = start + np.arange(len(truth))
    ax.plot(t, truth, color="0.2", lw=2.2, alpha=0.35, label="truth")
    if one_step is not None:
        ax.plot(t, one_step, color=PALETTE[2], lw=1.0, label="one step ahead")
    ax.plot(t, prediction, color=PALETTE[5], lw=1.0, ls="--", label="free run")
    ax.set_xlabel("$t$")
    ax.set_ylabel(ylabel)
    ax.legend(ncols=3, fontsize="small", loc="lower left")
    if title:
        ax.set_title(title)
    return fig


def plot_memory_curves(curves: dict, *, ax=None, title: str | None = None):
    """Memory functions ``MC_k`` against the delay ``k``, one line per reservoir.

    ``curves`` maps a label to a :class:`rnnbook.esn.MemoryCapacity`.
    """
    from rnnbook.esn import MemoryCapacity

    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves must be a non-empty dict of label to MemoryCapacity")
    for mc in curves.values():
        if not isinstance(mc, MemoryCapacity):
            raise TypeError(f"curves must map labels to MemoryCapacity results; "
                            f"got {type(mc).__name__}")
    fig, ax = _axes(ax)
    for i, (label, mc) in enumerate(curves.items()):
        ax.plot(mc.delays, mc.mc_k, color=PALETTE[i % len(PALETTE)], marker=".",
                label=f"{label}: total {mc.total:.2f}")
    ax.set_xlabel("delay $k$")
    ax.set_ylabel("$MC_k$")
    ax.set_ylim(-0.03, 1.05)
    ax.legend(fontsize="small")
    ax.set_title(title or "How well the state recalls the input $k$ steps back")
    return fig


def plot_esn_mackey_glass(spectral_radius: float = 0.9, leak: float = 0.3,
                          input_scaling: float = 0.5, n_units: int = 200, seed: int = 0):
    """Train a small input-driven ESN on Mackey-Glass and let it run freely.

    One-step prediction on 1500 steps (after a washout of 100), then 300
    steps of closed-loop generation (the output fed back as the input).
    """
    from rnnbook import esn
    from rnnbook.readout import nrmse
    from rnnbook.sequences import mackey_glass

    n_units = check_positive_int("n_units", n_units, maximum=10 ** 4)
    input_scaling = check_positive_float("input_scaling", input_scaling)
    # the model first: it checks the remaining arguments before the series is made
    model = esn.EchoStateNetwork.random(n_units, spectral_radius=spectral_radius, density=0.1,
                                        input_scaling=input_scaling, leak=leak,
                                        features="ux", seed=seed)
    series = np.tanh(mackey_glass(2000) - 1.0)
    n_train, horizon = 1500, 300
    u, d = series[:n_train, None], series[1:n_train + 1]
    states = model.fit(u, d, washout=100, ridge=1e-8)
    one_step = model.run(u).outputs[100:, 0]
    train_error = nrmse(one_step, d[100:])
    generated = esn.closed_loop(model, states[-1], d[-1], horizon)[:, 0]
    truth = series[n_train + 1:n_train + 1 + horizon]
    with np.errstate(over="ignore", invalid="ignore"):
        free_error = nrmse(np.clip(generated, -10, 10), truth)
    fig = plot_free_run(truth, np.clip(generated, -1.5, 1.5), start=n_train + 1,
                        ylabel="$\\tanh(x - 1)$")
    ax = fig.axes[0]
    ax.set_ylim(-1.0, 0.6)
    ax.set_title(f"radius {spectral_radius:.2f}, leak {leak:.2f}, input {input_scaling:.2f}: "
                 f"one-step NRMSE {train_error:.1e}, free run {free_error:.2f}",
                 fontsize="small")
    return fig


# ---- chapter 10: liquid state machines ----
def plot_raster(run, network, *, trial: int = 0, input_times=None, ax=None,
                title: str | None = None):
    """Chapter 10: a spike raster of one trial of a liquid, with its input on top.

    Parameters
    ----------
    run : rnnbook.lsm.LiquidRun
    network : rnnbook.lsm.LiquidNetwork
        Excitatory neurons are drawn below inhibitory ones, in two colours.
    trial : int
    input_times : array_like, optional
        Input spike times (ms), drawn as ticks above the liquid.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook.lsm import LiquidNetwork, LiquidRun

    if not isinstance(run, LiquidRun):
        raise TypeError(f"run must be a rnnbook.lsm.LiquidRun; got {type(run).__name__}")
    if not isinstance(network, LiquidNetwork):
        raise TypeError(f"network must be a rnnbook.lsm.LiquidNetwork; "
                        f"got {type(network).__name__}")
    trial = check_nonnegative_int("trial", trial, maximum=run.n_trials - 1)
    if input_times is not None:
        input_times = as_float_array("input_times", input_times, ndim=1)
    fig, ax = _axes(ax, figsize=(7.2, 3.6))
    order = np.argsort(network.inhibitory, kind="stable")
    row = np.empty_like(order)
    row[order] = np.arange(order.size)
    times, neurons = run.spike_times(trial)
    inh = network.inhibitory[neurons]
    ax.plot(times[~inh], row[neurons[~inh]], "|", ms=3, color=PALETTE[0],
            label="excitatory")
    ax.plot(times[inh], row[neurons[inh]], "|", ms=3, color=PALETTE[5], label="inhibitory")
    top = network.n_neurons
    if input_times is not None:
        ax.plot(np.asarray(input_times), np.full(len(input_times), top + 5), "|", ms=8,
                mew=1.5, color=PALETTE[7], label="input")
    ax.set(xlim=(0, run.n_steps * run.dt), ylim=(-1, top + 9), xlabel="time (ms)",
           ylabel="neuron")
    ax.legend(loc="upper left", fontsize=8, bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title, loc="left")
    return fig


def plot_scale_scan(scan, chosen: float | None = None, *, ax=None):
    """Chapter 10: rates of a static-synapse liquid against the amplitude scale.

    Parameters
    ----------
    scan : rnnbook.lsm.ScaleScan
    chosen : float, optional
        The scale chosen (:func:`rnnbook.lsm.choose_scale`), marked.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook.lsm import ScaleScan

    if not isinstance(scan, ScaleScan):
        raise TypeError(f"scan must be a rnnbook.lsm.ScaleScan; got {type(scan).__name__}")
    if chosen is not None:
        chosen = check_nonnegative_float("chosen", chosen)
    fig, ax = _axes(ax)
    ax.plot(scan.scales, scan.during, "o-", color=PALETTE[0], label="during the input")
    ax.plot(scan.scales, scan.after, "s-", color=PALETTE[5],
            label="100-300 ms after the input")
    ax.axhline(scan.baseline, color="0.5", ls="--", lw=0.8,
               label="input only (no recurrent synapses)")
    if chosen is not None:
        ax.axvline(chosen, color=PALETTE[2], lw=1.5, label=f"chosen: {chosen:g}")
    ax.set_xscale("log", base=2)
    ax.set(xlabel="scale of the static amplitudes (1 = the paper's)",
           ylabel="mean rate (Hz)")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def plot_separation(sep, *, window=(100.0, 500.0), ax=None):
    """Chapter 10: mean state distance over time for each input distance.

    Parameters
    ----------
    sep : rnnbook.lsm.Separation
        Distance 0 is drawn dashed: the noise floor.
    window : (float, float)
        The averaging window, shaded.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook.lsm import Separation

    if not isinstance(sep, Separation):
        raise TypeError(f"sep must be a rnnbook.lsm.Separation; got {type(sep).__name__}")
    window = as_float_array("window", window, shape=(2,))
    if not 0 <= window[0] < window[1] <= sep.times[-1]:
        raise ValueError(f"window must be (start, stop) ms with 0 <= start < stop <= "
                         f"{sep.times[-1]:g}; got {tuple(window)}")
    fig, ax = _axes(ax)
    for k, d in enumerate(sep.distances):
        style = dict(ls="--", color="0.4") if d == 0 else dict(color=PALETTE[k])
        label = "d = 0 (noise floor)" if d == 0 else f"d(u, v) = {d:g}"
        ax.plot(sep.times, sep.curves[k], lw=1.3, label=label, **style)
    ax.axvspan(*window, color="0.85", alpha=0.4, lw=0)
    ax.set(xlabel="time after input onset (ms)", ylabel="state distance",
           xlim=(0, sep.times[-1]))
    ax.legend(fontsize=8, loc="upper left")
    return fig


def plot_segment_accuracy(readouts, *, length: float = 250.0, ax=None):
    """Chapter 10: test accuracy of each segment's readout against the readout time.

    Parameters
    ----------
    readouts : rnnbook.lsm.SegmentReadouts
    length : float
        Segment length (ms): the segments are marked along the time axis.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook.lsm import SegmentReadouts

    if not isinstance(readouts, SegmentReadouts):
        raise TypeError(f"readouts must be a rnnbook.lsm.SegmentReadouts; "
                        f"got {type(readouts).__name__}")
    length = check_positive_float("length", length)
    fig, ax = _axes(ax, figsize=(7.2, 3.6))
    n_segments = readouts.accuracy.shape[1]
    for k in range(n_segments):
        ax.plot(readouts.times, readouts.accuracy[:, k], "o-", ms=3, color=PALETTE[k],
                label=f"segment {k + 1}")
        ax.axvspan(k * length, (k + 1) * length, color=PALETTE[k], alpha=0.07, lw=0)
    ax.axhline(0.5, color="0.5", ls="--", lw=0.8)
    ax.set(xlabel="readout time (ms)", ylabel="test accuracy", ylim=(0.3, 1.03),
           xlim=(0, n_segments * length))
    ax.legend(fontsize=8, ncol=n_segments, loc="lower center")
    return fig


def plot_liquid_activity(scale: float = 0.25, *, network, inputs, input_times,
                         dynamic: bool = False, seed: int = 0):
    """Chapter 10's explorer: one trial of a liquid with scaled amplitudes.

    Simulates the liquid (static or dynamic synapses, recurrent amplitudes
    times ``scale``) on ``inputs`` and draws its raster and its population
    rate in 5 ms bins.

    Parameters
    ----------
    scale : float
        Factor on the recurrent amplitudes, non-negative.
    network : rnnbook.lsm.LiquidNetwork
    inputs : array_like, shape ``(T, n_inputs)``
        Input spike counts per step.
    input_times : array_like
        The input spike times (ms), for the raster.
    dynamic : bool
    seed : int
        For the initial potentials.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook import lsm

    scale = check_nonnegative_float("scale", scale)
    _check_seed(seed)
    inputs = as_float_array("inputs", inputs, ndim=2)
    input_times = as_float_array("input_times", input_times, ndim=1)
    liquid = lsm.Liquid(network.scaled(scale), dynamic=dynamic)
    run = liquid.simulate(inputs, seed=seed)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.2, 4.8), sharex=True,
                                      gridspec_kw={"height_ratios": [2.2, 1]})
    kind = "dynamic" if dynamic else "static"
    plot_raster(run, network, input_times=input_times, ax=top,
                title=f"{kind} synapses, amplitudes x {scale:g}")
    duration = run.n_steps * run.dt
    edges = np.arange(0.0, duration + 5.0, 5.0)
    counts, _ = np.histogram(run.step * run.dt, edges)
    bottom.plot(edges[:-1] + 2.5, counts / network.n_neurons / 0.005, color=PALETTE[7],
                lw=1)
    bottom.set(xlabel="time (ms)", ylabel="rate (Hz)", ylim=(0, None))
    top.set_xlabel("")
    return fig


# ---- chapter 11: fractal prediction machines ----
def plot_fpm_sweeps(ngram, vlmm, machines: dict, *, ax=None, title: str | None = None,
                    legend: bool = True, marked: tuple | None = None):
    """Chapter 11: held-out NLL against the number of contexts, prediction machines
    beside n-grams and VLMMs.

    Parameters
    ----------
    ngram, vlmm : rnnbook.markov.Sweep
        As in :func:`plot_nll_vs_contexts`; drawn the same way.
    machines : dict
        Maps a label to a list of :class:`rnnbook.markov.Sweep` of prediction
        machines (:func:`rnnbook.fpm.fpm_sweep`) over the same sizes, one per
        k-means seed. The line joins the mean test NLL at each size (against
        the mean number of contexts used); the band spans the seeds' lowest
        to highest NLL.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    legend : bool
    marked : tuple, optional
        ``(label, index)``: a size of one family of ``machines`` to mark with a star.

    Returns
    -------
    matplotlib.figure.Figure
    """
    legend = check_bool("legend", legend)
    if not isinstance(machines, dict) or not machines:
        raise TypeError("machines must be a non-empty dict of label to a list of sweeps")
    for sweeps in machines.values():
        if not isinstance(sweeps, (list, tuple)) or not sweeps:
            raise ValueError("machines must map each label to a non-empty list of sweeps")
        for sweep in sweeps:
            _check_sweep("machines", sweep)
    if marked is not None:
        if not (isinstance(marked, tuple) and len(marked) == 2 and marked[0] in machines):
            raise ValueError(f"marked must be (label, index) with a label of machines; "
                             f"got {marked!r}")
        check_nonnegative_int("marked", marked[1],
                              maximum=len(machines[marked[0]][0].settings) - 1)
    fig = plot_nll_vs_contexts(ngram, vlmm, ax=ax, legend=False, log_nll=True, title=title)
    ax = fig.axes[0] if ax is None else ax
    styles = ["D-", "^-", "v-", "P-"]
    for i, (label, sweeps) in enumerate(machines.items()):
        colour = PALETTE[(2, 3, 4, 6)[i % 4]]
        size = np.mean([s.n_contexts for s in sweeps], axis=0)
        nll = np.array([s.test_nll for s in sweeps])
        ax.fill_between(size, nll.min(axis=0), nll.max(axis=0), color=colour, alpha=0.25,
                        lw=0)
        ax.plot(size, nll.mean(axis=0), styles[i % 4], ms=3.5, lw=1.2, color=colour,
                label=f"{label} ({len(sweeps)} seeds)")
        if marked is not None and marked[0] == label:
            ax.plot(size[marked[1]], nll.mean(axis=0)[marked[1]], "*", ms=16,
                    color=PALETTE[5], zorder=5, label="this size")
    ax.set_ylabel("test NLL per symbol")
    if legend:
        ax.legend(loc="upper right", fontsize=7)
    return fig


def plot_fpm_contexts(n_contexts: int, *, train, alphabet: Sequence[str], k: float = 0.5,
                      seed: int = 0, sweeps: dict | None = None, label: str | None = None,
                      n_points: int = 4000):
    """Chapter 11's explorer: the contexts of one fractal prediction machine.

    Fits :func:`rnnbook.fpm.fit_fpm` with ``n_contexts`` codebook vectors on
    ``train`` (four symbols or fewer: the code is drawn in the plane; with two
    symbols the code is a number in ``[0, 1]``, drawn on a line) and
    draws (left) the codes of the training histories coloured by their
    context, with the codebook vectors, and (right) how many contexts have
    each shared-suffix length (:func:`rnnbook.fpm.context_suffix_lengths`):
    the memory the contexts use. With ``sweeps`` (a dict of one data set's
    ``"n-gram"``, ``"VLMM"`` and machine sweeps) a third panel shows where
    the machine stands (:func:`plot_fpm_sweeps`).

    Parameters
    ----------
    n_contexts : int
        The codebook size ``M``.
    train : array_like of int
        Training symbols.
    alphabet : sequence of str
        Symbol names, 2 to 4 (two symbols: the codes on a line).
    k : float
        The contraction coefficient of the code.
    seed : int
        For k-means.
    sweeps : dict, optional
        ``{"n-gram": Sweep, "VLMM": Sweep, label: [Sweep, ...]}``.
    label : str, optional
        The family of ``sweeps`` whose size nearest ``n_contexts`` is starred.
    n_points : int
        How many codes to draw.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from rnnbook import fpm
    from rnnbook.contractive import ContractiveCoder

    alphabet = check_labels("alphabet", alphabet, 2)
    if len(alphabet) > 4:
        raise ValueError("alphabet: plot_fpm_contexts draws codes in the plane, so at most "
                         "4 symbols")
    train = as_symbols("train", train, len(alphabet))
    if train.size < 2:
        raise ValueError(f"train must hold at least 2 symbols; got {train.size}")
    n_points = check_positive_int("n_points", n_points)
    _check_seed(seed)
    if sweeps is not None:
        if not isinstance(sweeps, dict) or not {"n-gram", "VLMM"} <= set(sweeps):
            raise TypeError('sweeps must be a dict with keys "n-gram", "VLMM" and machine '
                            "labels")
    if label is not None and (sweeps is None or label not in sweeps):
        raise ValueError(f"label must be a key of sweeps (a family to star); got {label!r}")
    coder = ContractiveCoder(len(alphabet), k)
    machine = fpm.fit_fpm(train, len(alphabet), n_contexts, coder=coder, seed=seed)
    codes = coder.code(train)[:-1]
    context = machine._rows(codes)
    panels = 3 if sweeps is not None else 2
    # fixed margins, not constrained layout: the frame player draws this figure
    # once per frame, and the layout pass doubled the time of each
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 4.0), layout="none",
                             gridspec_kw={"width_ratios": [1, 1, 1.3][:panels]})
    fig.subplots_adjust(left=0.16 / panels, right=1 - 0.03 / panels, bottom=0.13, top=0.86,
                        wspace=0.3)
    show = np.linspace(0, codes.shape[0] - 1, min(n_points, codes.shape[0])).astype(int)
    colours = np.array(PALETTE)[context[show] % len(PALETTE)]
    if coder.n_states == 1:      # two symbols: the codes are numbers, drawn on a line
        axes[0].scatter(codes[show, 0], np.zeros(show.size), s=40, c=colours, marker="|",
                        lw=1)
        axes[0].plot(machine.codebook[:, 0], np.zeros(len(machine.codebook)), "k+", ms=9,
                     mew=0.8)
        corners = np.c_[coder.corners, np.full(len(alphabet), 0.12)]
        axes[0].set(ylim=(-0.3, 0.3), yticks=[], xlabel="code $x$")
    else:
        axes[0].scatter(codes[show, 0], codes[show, 1], s=2, c=colours, lw=0)
        axes[0].plot(machine.codebook[:, 0], machine.codebook[:, 1], "k+", ms=5, mew=0.8)
        corners = coder.corners
        axes[0].set(ylim=(-0.06, 1.06))
    for symbol, (cx, cy) in enumerate(corners):
        axes[0].text(cx, cy, alphabet[symbol], ha="center", va="center", fontsize=11,
                     bbox=dict(boxstyle="round", fc="white", ec="0.6"))
    axes[0].set(xlim=(-0.06, 1.06), aspect="equal",
                title=f"{machine.n_contexts} contexts (+: codebook)")
    lengths = fpm.context_suffix_lengths(machine, train, max_length=20)
    counts = np.bincount(lengths, minlength=21)
    axes[1].bar(np.arange(counts.size), counts, color=PALETTE[2])
    axes[1].set(xlabel="shared suffix length (symbols)", ylabel="number of contexts",
                title="memory of the contexts")
    if sweeps is not None:
        machines = {key: value for key, value in sweeps.items()
                    if key not in ("n-gram", "VLMM")}
        marked = None
        if label is not None:
            settings = np.asarray(machines[label][0].settings, dtype=float)
            marked = (label, int(np.argmin(np.abs(np.log(settings) - np.log(n_contexts)))))
        plot_fpm_sweeps(sweeps["n-gram"], sweeps["VLMM"], machines, ax=axes[2],
                        marked=marked, legend=True)
    fig.suptitle(f"fractal prediction machine, k = {k:g}, M = {n_contexts}")
    return fig


# ------------------------------------------------------- chapter 4 (cobweb)
def plot_noisy_cobweb(latch: RNN, inputs, x0, *, show_inputs=(0.0,), ax=None,
                      title: str | None = None):
    """Cobweb diagram of a one-unit latch driven by a given input sequence.

    The state map of a one-unit network changes with the input: each step
    applies :math:`x \\mapsto f_{u(t)}(x)`. The diagram draws the map for every
    input in ``show_inputs`` (thin lines, labelled), the maps of the steps of
    the run (faint), the diagonal, and the run itself from ``x0`` as a
    cobweb: up (or down) to the map of that step, across to the diagonal.
    The band of new states ``x(t)`` at which the step's derivative
    ``|dx(t) / dx(t-1)| = |w g'|`` exceeds 1 is shaded (for tanh units,
    ``|w| (1 - x(t)^2) > 1``): a perturbation of such a step grows.

    Parameters
    ----------
    latch : RNN
        One input, one hidden unit (tanh or sigmoid).
    inputs : array_like, shape ``(T, 1)``
        The inputs of the steps drawn.
    x0 : float
        The state before the first of them.
    show_inputs : sequence of float
        Constant inputs whose maps are drawn for reference.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(latch, RNN) or latch.n_hidden != 1 or latch.n_inputs != 1:
        raise ValueError("latch must be an RNN with one input and one hidden unit")
    inputs = as_float_array("inputs", inputs, shape=(None, 1))
    if inputs.shape[0] == 0:
        raise ValueError("inputs must hold at least one step")
    x0 = check_finite_float("x0", x0)
    show_inputs = as_float_array("show_inputs", show_inputs, ndim=1)
    low, high = latch.hidden_activation.output_range
    grid = np.linspace(max(low, -1.0), min(high, 1.0), 401)[:, None]
    fig, ax = _axes(ax, (5.2, 4.6))
    w = float(latch.W_rc[0, 0])
    slope = np.abs(w) * latch.hidden_activation.derivative_from_output(grid[:, 0])
    steep = slope > 1
    if np.any(steep):
        ax.fill_betweenx(grid[:, 0], -1.05, 1.05, where=steep, color="0.9", lw=0,
                         label="new state where the step's $|f'| > 1$")
    for u_t in inputs[:, 0]:
        ax.plot(grid[:, 0], latch.transition(latch.input_drive(np.array([u_t])), grid)[:, 0],
                color="0.75", lw=0.6)
    for k, u_t in enumerate(show_inputs):
        ax.plot(grid[:, 0],
                latch.transition(latch.input_drive(np.array([float(u_t)])), grid)[:, 0],
                color=PALETTE[(k + 2) % len(PALETTE)], lw=1.4, label=f"map for $u = {u_t:g}$")
    ax.plot(grid[:, 0], grid[:, 0], color="0.3", lw=0.8)
    states = np.concatenate([[x0], latch.run(inputs, np.array([x0])).states[:, 0]])
    path_x, path_y = [states[0]], [states[0]]
    for before, after in zip(states[:-1], states[1:]):
        path_x += [before, after]
        path_y += [after, after]
    ax.plot(path_x, path_y, "-", color=PALETTE[1], lw=1.2, label="the run")
    ax.plot(states[1:], states[1:], "o", color=PALETTE[1], ms=3)
    ax.set(xlabel="state $x(t-1)$", ylabel="state $x(t)$", xlim=(-1.05, 1.05),
           ylim=(-1.05, 1.05), aspect="equal", title=title)
    ax.legend(loc="lower right", fontsize=7)
    return fig
