"""The book's figure style and the figures that recur across chapters.

Every plotting function draws into axes it is given (or creates a figure) and
returns the figure, so the same function serves the static, checked output of
a chapter, its interactive explorer (:mod:`rnnbook.widgets`) and the
precomputed frames of :func:`animate` for readers without a kernel.

Introduced in chapter 1, *State-space models*.
"""

from __future__ import annotations

from typing import Callable, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from rnnbook.rnn import RNN
from rnnbook.validation import as_float_array

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
    symbols = np.asarray(symbols)
    if symbols.shape != states.shape[:1]:
        raise ValueError(f"symbols must have shape ({states.shape[0]},); got {symbols.shape}")
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
    fig, ax = _axes(ax, (4.2, 4.0))
    path = states if x0 is None else np.vstack([as_float_array("x0", x0, ndim=1), states])
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
    if orbits.shape[-1] != weights.size:
        raise ValueError(f"orbits must end in an axis of length {weights.size}; "
                         f"got shape {orbits.shape}")
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


def draw_elman_network(ax=None, *, n_inputs: int = 1, n_hidden: int = 2, n_outputs: int = 1):
    """Draw Elman's network: input U, context C, recurrent X and output Y layers.

    Solid arrows are trained weights (``W_ri``: U to X, ``W_rc``: C to X,
    ``W_or``: X to Y); the dashed arrow is the fixed copy of X into C that
    makes the context at time ``t`` equal the state at ``t - 1``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, ax = _axes(ax, (5.6, 4.2))
    boxes = {"Y": (0.5, 0.86, f"output Y ({n_outputs})", PALETTE[2]),
             "X": (0.5, 0.52, f"recurrent X ({n_hidden})", PALETTE[0]),
             "U": (0.24, 0.16, f"input U ({n_inputs})", PALETTE[1]),
             "C": (0.76, 0.16, f"context C ({n_hidden})", PALETTE[3])}
    for x, y, label, colour in boxes.values():
        ax.add_patch(FancyBboxPatch((x - 0.17, y - 0.06), 0.34, 0.12,
                                    boxstyle="round,pad=0.01", fc=colour, ec="black",
                                    alpha=0.85))
        ax.text(x, y, label, ha="center", va="center", color="white", fontsize=10,
                fontweight="bold")

    def arrow(start, end, label, style="-|>", dashed=False, rad=0.0, where=(0, 0)):
        (x0, y0), (x1, y1) = start, end
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle=style, mutation_scale=14,
                                     lw=1.6, ls="--" if dashed else "-", color="black",
                                     connectionstyle=f"arc3,rad={rad}"))
        ax.text((x0 + x1) / 2 + where[0], (y0 + y1) / 2 + where[1], label, fontsize=10,
                ha="center", va="center",
                bbox=dict(fc="white", ec="none", alpha=0.9, pad=1))

    arrow((0.28, 0.22), (0.42, 0.46), "$W^{RI}$", where=(-0.06, 0.0))
    arrow((0.72, 0.22), (0.58, 0.46), "$W^{RC}$", where=(0.06, 0.0))
    arrow((0.5, 0.58), (0.5, 0.80), "$W^{OR}$", where=(0.07, 0.0))
    arrow((0.67, 0.52), (0.86, 0.22), "copy\n(delay 1)", dashed=True, rad=-0.35,
          where=(0.12, 0.06))
    ax.set(xlim=(0, 1.02), ylim=(0.04, 0.96))
    ax.axis("off")
    ax.set_title("Elman's network: C(t) = X(t-1)")
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
    symbols = np.asarray(symbols)
    n_steps = probabilities.shape[0]
    if symbols.shape[0] < n_steps + 1:
        raise ValueError(f"symbols must hold at least {n_steps + 1} entries (one more than "
                         f"probabilities); got {symbols.shape[0]}")
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
    from rnnbook.automata import equivalent, extract_dfa

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

    values = list(values)
    if not values:
        raise ValueError("values must hold at least one parameter value")
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
