"""Behaviour of :mod:`rnnbook.diagrams`: where the drawn artists are.

Positions are checked against numbers computed here, independently of the
drawing code (the codes of the contractive coder by its recursion
``x(t) = k x(t-1) + (1 - k) t(s_t)``, centres of boxes by hand).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

from rnnbook import diagrams  # noqa: E402
from rnnbook.contractive import ContractiveCoder  # noqa: E402


@pytest.fixture
def close():
    yield
    plt.close("all")


def last_code(coder, symbols, x0=(0.0, 0.0)):
    """The code after reading ``symbols`` from ``x0`` (the origin), by the recursion."""
    x = np.asarray(x0, dtype=float)
    for s in symbols:
        x = coder.k * x + (1 - coder.k) * np.asarray(coder.corners[s], dtype=float)
    return x


def test_box_is_centred_on_its_point_with_its_label(close):
    fig, ax = plt.subplots()
    patch = diagrams._box(ax, 2.0, 3.0, 1.2, 0.5, "f", gid="box:f")
    assert patch.get_x() + patch.get_width() / 2 == pytest.approx(2.0)
    assert patch.get_y() + patch.get_height() / 2 == pytest.approx(3.0)
    assert (patch.get_width(), patch.get_height()) == (pytest.approx(1.2), pytest.approx(0.5))
    assert patch.get_gid() == "box:f" and patch in ax.patches
    text, = ax.texts
    assert text.get_text() == "f" and text.get_position() == (2.0, 3.0)
    diagrams._box(ax, 0.0, 0.0, 1.0, 1.0, "")
    assert len(ax.texts) == 1          # no label, no text


def test_suffix_code_joins_each_past_to_its_code_after_the_suffix(close):
    coder = ContractiveCoder(4, 0.5)
    suffix = [1, 2]
    prefixes = [[0, 3, 3], [2], [3, 0, 1, 1]]
    fig = diagrams.suffix_code(coder, suffix, prefixes)
    ax = fig.axes[0]
    for j, prefix in enumerate(prefixes):
        start, = [ln for ln in ax.lines if ln.get_gid() == f"prefix:{j}"]
        end, = [ln for ln in ax.lines if ln.get_gid() == f"code:{j}"]
        # the coder's own start: the centre of the square
        want_start = last_code(coder, prefix, x0=(0.5, 0.5))
        want_end = last_code(coder, prefix + suffix, x0=(0.5, 0.5))
        assert np.allclose(start.get_xydata()[0], want_start)
        assert np.allclose(end.get_xydata()[0], want_end)
        joins = [ln for ln in ax.lines if ln.get_gid() is None
                 and np.allclose(ln.get_xydata(), [want_start, want_end])]
        assert len(joins) == 1
    outline = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() is None]
    assert [(tuple(p.get_xy()), p.get_width(), p.get_height()) for p in outline] == [
        ((0, 0), 1, 1)]                                # the unit square
    # nested squares of side k**L at the code of the suffix's last L symbols
    for length in (1, 2):
        box, = [p for p in ax.patches if p.get_gid() == f"box:{length}"]
        assert box.get_width() == pytest.approx(0.5 ** length)
        assert np.allclose(box.get_xy(), last_code(coder, suffix[2 - length:]))


def arrow_ends(patch: FancyArrowPatch):
    return np.array(patch._posA_posB[0]), np.array(patch._posA_posB[1])


@pytest.mark.parametrize("n_symbols, k", [(4, 0.5), (3, 0.4)])
def test_contraction_arrows_run_from_the_centre_towards_each_image(close, n_symbols, k):
    coder = ContractiveCoder(n_symbols, k)
    fig = diagrams.contraction_maps(coder, levels=1)
    ax, = fig.axes
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == n_symbols
    for s, arrow in enumerate(arrows):
        start, end = arrow_ends(arrow)
        centre = last_code(coder, [s]) + k / 2          # the image square's centre
        assert np.allclose(start, [0.5, 0.5])
        # 35 % of the way back from the image's centre to the square's centre
        assert np.allclose(end, centre + 0.35 * (0.5 - centre))
    squares = [p for p in ax.patches if isinstance(p, Rectangle)
               and str(p.get_gid()).startswith("image:")]
    for s, sq in enumerate(squares):
        assert np.allclose(sq.get_xy(), last_code(coder, [s]))


@pytest.mark.parametrize("n_states", [3, 5])
def test_automaton_ring_is_centred_and_inside_the_view(close, n_states):
    """States on a circle about the origin; the view is centred on it, wide enough for labels."""
    from rnnbook.automata import DFA

    transitions = np.array([[(q + 1) % n_states, q] for q in range(n_states)])
    accepting = np.arange(n_states) == 0
    fig = diagrams.automaton(DFA(transitions, accepting, start=0), alphabet="ab")
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    assert x0 == pytest.approx(-x1)
    circles = [p for p in ax.patches if str(p.get_gid()).startswith("state:")]
    centres = np.array([c.center for c in circles])
    assert len(circles) == n_states
    assert np.allclose(np.linalg.norm(centres, axis=1), 1.3)
    assert np.allclose(centres.mean(axis=0), 0.0, atol=1e-12)
    for text in ax.texts:
        x, y = text.get_position()
        assert x0 < x < x1, text.get_text()


def test_reservoir_edges_join_the_input_and_the_output_to_each_unit(close):
    from rnnbook import esn

    model = esn.EchoStateNetwork.random(12, density=0.2, seed=4)
    fig = diagrams.reservoir_graph(model)
    ax = fig.axes[0]
    units = {p.get_gid(): np.array(p.center) for p in ax.patches
             if str(p.get_gid()).startswith("unit:")}
    source, sink = units["unit:U:0"], units["unit:Y:0"]
    assert source[1] == 0.0 and sink[1] == 0.0 and source[0] == pytest.approx(-sink[0])
    inputs = {ln.get_gid(): ln.get_xydata() for ln in ax.lines
              if str(ln.get_gid()).startswith("edge:W_ri:")}
    assert sorted(inputs) == sorted(f"edge:W_ri:{i}:0"
                                    for i in np.flatnonzero(model.W_ri[:, 0]))
    for gid, xy in inputs.items():
        i = int(gid.split(":")[2])
        assert np.allclose(xy, [source, units[f"unit:X:{i}"]])
    for i in range(12):
        out, = [ln.get_xydata() for ln in ax.lines if ln.get_gid() == f"edge:W_or:0:{i}"]
        assert np.allclose(out, [units[f"unit:X:{i}"], sink])
    # units evenly on the unit circle, the first at the top
    ring = np.array([units[f"unit:X:{i}"] for i in range(12)])
    assert np.allclose(np.linalg.norm(ring, axis=1), 1.0)
    assert np.allclose(ring[0], [0.0, 1.0])


def test_lstm_cell_view_holds_every_part(close):
    from rnnbook.lstm import LSTM

    fig = diagrams.lstm_cell(LSTM.random(2, 3, 1, seed=0))
    ax = fig.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for text in ax.texts:
        x, y = text.get_position()
        assert x0 < x < x1 and y0 < y < y1, text.get_text()
    for patch in ax.patches:
        if hasattr(patch, "get_x") and hasattr(patch, "get_height"):
            assert x0 <= patch.get_x() and patch.get_x() + patch.get_width() <= x1
            assert y0 <= patch.get_y() and patch.get_y() + patch.get_height() <= y1


def test_suffix_tree_title_names_the_threshold_only_when_pruned(close):
    from rnnbook import markov

    symbols = np.random.default_rng(6).integers(0, 3, 600)
    grown = markov.fit_vlmm(symbols, 3, max_depth=2, threshold=0.0)
    fig = diagrams.suffix_tree(grown, alphabet="abc", pruned=False)
    title = fig.axes[-1].get_title()
    assert title.startswith("tree: ") and f"{grown.n_contexts} used contexts" in title
    cut = grown.with_threshold(3.0)
    fig = diagrams.suffix_tree(cut, alphabet="abc", pruned=False)
    assert fig.axes[-1].get_title().startswith("pruned at threshold 3: ")


def test_lstm_gate_arrows_leave_from_the_top_of_each_gate(close):
    from rnnbook.lstm import GATES, LSTM

    fig = diagrams.lstm_cell(LSTM.random(2, 3, 1, seed=0))
    ax = fig.axes[0]
    starts = [arrow_ends(p)[0] for p in ax.patches if isinstance(p, FancyArrowPatch)]
    for gate in GATES:
        box, = [p for p in ax.patches if p.get_gid() == f"gate:{gate}"]
        top = (box.get_x() + box.get_width() / 2, box.get_y() + box.get_height())
        assert sum(np.allclose(s, top) for s in starts) == 1, gate


def test_elman_copy_arrows_run_from_each_state_unit_down_to_its_context_unit(close):
    from rnnbook import RNN

    fig = diagrams.elman_network(RNN.random(2, 3, 1, seed=0))
    ax = fig.axes[0]
    units = {p.get_gid(): (np.array(p.center), p.radius) for p in ax.patches
             if str(p.get_gid()).startswith("unit:")}
    for i in range(3):
        arrow, = [p for p in ax.patches if p.get_gid() == f"copy:{i}"]
        start, end = arrow_ends(arrow)
        (x_c, r), (c_c, _) = units[f"unit:X:{i}"], units[f"unit:C:{i}"]
        # on the rim of the state unit (its lower right), on the rim of the context unit
        assert np.linalg.norm(start - x_c) == pytest.approx(r * 0.7 * np.sqrt(2))
        assert start[1] < x_c[1] and start[0] > x_c[0]
        assert np.linalg.norm(end - c_c) == pytest.approx(r * 0.7 * np.sqrt(2))
        assert end[1] > c_c[1]
