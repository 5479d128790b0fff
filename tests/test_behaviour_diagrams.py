"""Behaviour of :mod:`rnnbook.diagrams`: where the drawn artists are.

Positions are checked against numbers computed here, independently of the
drawing code (the codes of the contractive coder by its recursion
``x(t) = k x(t-1) + (1 - k) t(s_t)``, centres of boxes by hand).
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle  # noqa: E402

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


# ---- issue 16: behaviour the mutants of diagrams exposed, and the cut-off automaton
def text_boxes(fig, ax):
    """The display boxes of the non-empty visible texts of ``ax`` (drawn first)."""
    fig.canvas.draw()
    return [(t.get_text(), t.get_window_extent()) for t in ax.texts
            if t.get_visible() and t.get_text().strip()]


def assert_readable(fig, *, skip=()):
    """Every text of every (2-D) axes in view, no two texts on top of each other,
    and nothing drawn beyond the figure."""
    for ax in fig.axes:
        if ax.name == "3d" or ax in skip:
            continue
        boxes = text_boxes(fig, ax)
        view = ax.get_window_extent()
        for text, box in boxes:
            assert (box.x0 >= view.x0 - 0.5 and box.x1 <= view.x1 + 0.5
                    and box.y0 >= view.y0 - 0.5 and box.y1 <= view.y1 + 0.5), text
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            assert not box_a.overlaps(box_b), (a, b)
    drawn = fig.get_tightbbox().transformed(fig.dpi_scale_trans)
    page = fig.bbox
    assert (drawn.x0 >= page.x0 - 2 and drawn.x1 <= page.x1 + 2
            and drawn.y0 >= page.y0 - 2 and drawn.y1 <= page.y1 + 2)


def ring_dfa(n, start, loops=1):
    """n states on a ring: symbol ``loops`` moves on, the ones before it stay; with
    ``loops=0`` the two symbols move on and back (no state stays)."""
    from rnnbook.automata import DFA

    if loops:
        transitions = np.array([[q] * loops + [(q + 1) % n] for q in range(n)])
    else:
        transitions = np.array([[(q + 1) % n, (q - 1) % n] for q in range(n)])
    return DFA(transitions, np.arange(n) % 2 == 0, start=start)


@pytest.mark.parametrize("n_states", range(1, 9))
def test_automaton_view_holds_every_label_apart(close, n_states):
    """Issue 16: with 4 or 5 states the loop label of the top state was cut off. For
    1 to 8 states, each start state, loops labelled with one or two symbols: every
    label is inside the view and none lies on another."""
    for start in range(n_states):
        for loops, alphabet in ((1, "ab"), (2, ["x", "yy", "z"]), (0, "ab")):
            fig = diagrams.automaton(ring_dfa(n_states, start, loops), alphabet=alphabet)
            assert_readable(fig)
            ax = fig.axes[0]
            x0, x1 = ax.get_xlim()
            assert x0 == pytest.approx(-x1)                      # centred on the ring
            # widened beyond the book's view (y from -2.15 to 1.95) only as far as needed:
            # the outermost label ends less than 0.25 from the edge
            to_data = ax.transData.inverted()
            extents = [to_data.transform(t.get_window_extent())[:, 1] for t in ax.texts]
            y0, y1 = ax.get_ylim()
            if y1 > 1.95:
                assert y1 - max(top for _, top in extents) < 0.25
            if y0 < -2.15:
                assert min(bottom for bottom, _ in extents) - y0 < 0.25
            plt.close(fig)


def test_automaton_start_arrow_comes_from_outside_its_loop(close):
    """The start arrow points at the start state's rim, radially; with a loop on top
    of the start state it comes in from the side instead of through the loop."""
    for n, start in [(1, 0), (4, 1), (8, 2), (8, 1), (5, 1), (3, 1), (2, 0), (7, 4), (3, 2)]:
        fig = diagrams.automaton(ring_dfa(n, start), alphabet="ab")
        ax = fig.axes[0]
        circle, = [p for p in ax.patches if p.get_gid() == f"state:{start}"]
        centre, r = np.array(circle.center), circle.radius
        arrow, = [p for p in ax.patches if p.get_gid() == "start"]
        tail, head = arrow_ends(arrow)
        assert np.linalg.norm(head - centre) == pytest.approx(r)
        assert np.linalg.norm(tail - centre) == pytest.approx(r + 0.55)
        direction = (tail - centre) / (r + 0.55)
        outward = centre / np.linalg.norm(centre) if n > 1 else np.array([0.0, 1.0])
        loop_on_top = outward[1] > 0.5
        if loop_on_top:
            assert direction @ outward < np.cos(np.radians(55))
        label, = [t for t in ax.texts if t.get_text() == "start"]
        assert np.allclose(label.get_position(), centre + direction * (r + 0.58))
        plt.close(fig)
    # the chapter's parity automaton: the start state at the left, the arrow from above
    from rnnbook.automata import parity_dfa

    ax = diagrams.automaton(parity_dfa()).axes[0]
    arrow, = [p for p in ax.patches if p.get_gid() == "start"]
    tail, head = arrow_ends(arrow)
    assert tail[0] == head[0] and tail[1] > head[1]


def test_automaton_title_counts_states_and_transitions_are_drawn_alike(close):
    from rnnbook.automata import DFA

    fig = diagrams.automaton(DFA([[0, 0]], [True], 0), alphabet="ab")
    assert fig.axes[0].get_title() == "1 state, 1 accepting (double circle)"
    fig = diagrams.automaton(ring_dfa(5, 0), alphabet="ab")
    ax = fig.axes[0]
    assert ax.get_title() == "5 states, 3 accepting (double circle)"
    assert diagrams.automaton(ring_dfa(5, 0), alphabet="ab", title="T").axes[0].get_title() \
        == "T"
    arrows = [p for p in ax.patches if str(p.get_gid()).startswith("transition:")]
    assert len(arrows) == 10 and len({a.get_linewidth() for a in arrows}) == 1
    start, = [p for p in ax.patches if p.get_gid() == "start"]
    assert start.get_linewidth() > arrows[0].get_linewidth()
    # each label between two states names the symbols of that transition, beside its chord
    for q in range(5):
        target = (q + 1) % 5
        centre = {p.get_gid(): np.array(p.center) for p in ax.patches if isinstance(p, Circle)}
        a, b = centre[f"state:{q}"], centre[f"state:{target}"]
        mid = (a + b) / 2
        near = [t for t in ax.texts if np.linalg.norm(np.array(t.get_position()) - mid) < 0.3]
        assert [t.get_text() for t in near] == ["b"]
        # on the side the arc bends to (arc3 bends towards (dy, -dx) for rad > 0)
        arc, = [p for p in ax.patches if p.get_gid() == f"transition:{q}:{target}"]
        bend = np.array([(b - a)[1], -(b - a)[0]]) * arc.get_connectionstyle().rad
        assert (np.array(near[0].get_position()) - mid) @ bend > 0


@pytest.mark.parametrize("make", [
    lambda: diagrams.book_map(),
    lambda: diagrams.state_space_model(),
    lambda: diagrams.state_space_model(__import__("rnnbook").RNN.random(2, 3, 1, seed=0)),
    lambda: diagrams.elman_network(__import__("rnnbook").RNN.random(3, 5, 2, seed=0)),
    lambda: diagrams.elman_network(__import__("rnnbook").RNN.random(1, 2, 1, seed=0)),
    lambda: diagrams.elman_network(__import__("rnnbook").RNN.random(10, 10, 10, seed=0)),
    lambda: diagrams.unrolled_network(__import__("rnnbook").RNN.random(2, 3, 1, seed=0), 6),
    lambda: diagrams.unrolled_network(__import__("rnnbook").RNN.random(2, 3, 1, seed=0), 2),
    lambda: diagrams.lstm_cell(__import__("rnnbook.lstm").lstm.LSTM.random(2, 3, 1, seed=0)),
    lambda: diagrams.reservoir_graph(
        __import__("rnnbook.esn").esn.EchoStateNetwork.random(12, density=0.2, seed=4)),
    lambda: diagrams.contraction_maps(ContractiveCoder(4, 0.5)),
    lambda: diagrams.contraction_maps(ContractiveCoder(3, 0.4)),
    lambda: diagrams.suffix_code(ContractiveCoder(4, 0.5), [1, 2, 3], [[0], [1, 2], [3, 0]]),
    lambda: diagrams.suffix_tree(__import__("rnnbook.markov").markov.fit_vlmm(
        np.random.default_rng(2).integers(0, 3, 2000), 3, max_depth=2, threshold=2.0)),
], ids=["book_map", "ssm", "ssm_rnn", "elman_35", "elman_12", "elman_10s", "unrolled_6", "unrolled_2",
        "lstm", "reservoir", "maps_4", "maps_3", "suffix_code", "suffix_tree"])
def test_drawings_keep_their_labels_in_view_and_apart(close, make):
    assert_readable(make())


def test_prediction_machine_panels_explain_themselves(close):
    from rnnbook import fpm

    symbols = np.random.default_rng(3).integers(0, 3, 600)
    coder = ContractiveCoder(3, 0.5)
    machine = fpm.fit_fpm(symbols, 3, 5, coder=coder, seed=1)
    fig = diagrams.prediction_machine(machine, symbols, alphabet="xyz", n_shown=5)
    top, codes, counts, prediction = fig.axes
    # the last five symbols in boxes, left to right, then the state map's equation
    boxes = [p for p in top.patches if str(p.get_gid()).startswith("symbol:")]
    assert [p.get_gid() for p in boxes] == [f"symbol:{j}" for j in range(5)]
    centres = [p.get_x() + p.get_width() / 2 for p in boxes]
    assert np.all(np.diff(centres) > 0)
    assert [t.get_text() for t in top.texts[:5]] == ["xyz"[s] for s in symbols[-5:]]
    assert "k = 0.5: a fixed contraction" in top.texts[5].get_text()
    # the codes: the star at the last state, by the coder's recursion from the centre
    star, = [ln for ln in codes.lines if ln.get_marker() == "*"]
    assert np.allclose(star.get_xydata()[0], last_code(coder, symbols, x0=(0.5, 0.5)))
    assert codes.get_xlabel() == "star: the last state"
    assert codes.get_title() == "codes, 5 codebook\nvectors (filled: used)"
    # the prediction panel names the context of the last state: its nearest codebook vector
    markers = [ln for ln in codes.lines if str(ln.get_gid()).startswith("codebook:")]
    assert np.allclose([ln.get_xydata()[0] for ln in markers], machine.codebook)
    nearest = int(np.argmin(np.linalg.norm(machine.codebook - star.get_xydata()[0], axis=1)))
    assert prediction.get_title() == f"$P(x \\mid c)$, $c$ = {nearest}"
    assert len(prediction.patches) == 3
    assert np.sum([p.get_height() for p in prediction.patches]) == pytest.approx(1.0)
    assert prediction.get_ylim() == (0.0, 1.0)
    assert [t.get_text() for t in prediction.get_xticklabels()] == ["x", "y", "z"]
    assert counts.get_title().endswith(f"row per context ({machine.n_contexts})")
    assert_readable(fig, skip=(top,))


def test_elman_group_names_sit_beside_their_groups(close):
    from rnnbook import RNN

    net = RNN.random(2, 3, 2, seed=0)
    fig = diagrams.elman_network(net)
    ax = fig.axes[0]
    units = {p.get_gid(): np.array(p.center) for p in ax.patches
             if str(p.get_gid()).startswith("unit:")}
    names = {t.get_text(): t for t in ax.texts}
    for group, name, n in (("X", "recurrent $X$ (3)", 3), ("Y", "output $Y$ (2)", 2)):
        x, y = names[name].get_position()
        last = units[f"unit:{group}:{n - 1}"]
        # just right of the group's band (which ends 0.45 right of its last unit)
        assert y == last[1] and 0 < x - (last[0] + 0.45) <= 0.25
        assert names[name].get_ha() == "left"
    for group, name, n in (("U", "input $U$ (2)", 2), ("C", "context $C$ (3)", 3)):
        x, y = names[name].get_position()
        row = [units[f"unit:{group}:{j}"] for j in range(n)]
        assert x == pytest.approx(np.mean([c[0] for c in row]))    # centred below
        assert y < row[0][1] - 0.3 and names[name].get_va() == "top"
    # weights: width grows with the magnitude, 0.5 for none to 3 for the largest
    largest = max(np.abs(w).max() for w in (net.W_ri, net.W_rc, net.W_or))
    for name, matrix in (("W_ri", net.W_ri), ("W_rc", net.W_rc), ("W_or", net.W_or)):
        for (i, j), w in np.ndenumerate(matrix):
            line, = diagrams.parts(fig, f"edge:{name}:{i}:{j}")
            assert line.get_linewidth() == pytest.approx(0.5 + 2.5 * abs(w) / largest)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "positive weight", "negative weight", "copy (weight 1, fixed)"]


def test_reservoir_graph_fades_a_dense_web_and_loops_self_connections(close):
    import scipy.sparse

    from rnnbook import esn

    # a ring of 8 with two self-connections
    W = np.zeros((8, 8))
    W[(np.arange(8) + 1) % 8, np.arange(8)] = 0.5
    W[2, 2], W[5, 5] = -0.25, 0.5
    model = esn.EchoStateNetwork(scipy.sparse.csr_array(W), np.ones((8, 1)))
    fig = diagrams.reservoir_graph(model, title="T")
    ax = fig.axes[0]
    assert ax.get_title() == "T"
    units = {p.get_gid(): np.array(p.center) for p in ax.patches
             if str(p.get_gid()).startswith("unit:X:")}
    radius = next(p.radius for p in ax.patches if p.get_gid() == "unit:X:0")
    for i in (2, 5):
        loop, = diagrams.parts(fig, f"edge:W_rc:{i}:{i}")
        assert isinstance(loop, Circle)
        # a small circle just outside the unit, on the ray from the centre
        assert np.allclose(loop.center, units[f"unit:X:{i}"] * (1 + 2 * radius))
    widths = {i: diagrams.parts(fig, f"edge:W_rc:{i}:{i}")[0].get_linewidth() for i in (2, 5)}
    assert widths[2] == pytest.approx(1.0) and widths[5] == pytest.approx(1.5)
    for i in range(8):
        arrow, = diagrams.parts(fig, f"edge:W_rc:{(i + 1) % 8}:{i}")
        start, end = arrow_ends(arrow)
        assert np.allclose(start, units[f"unit:X:{i}"])
        assert np.allclose(end, units[f"unit:X:{(i + 1) % 8}"])
        assert arrow.get_alpha() == 0.9                      # few connections: strong
    assert diagrams.reservoir_graph(model).axes[0].get_title() == \
        "8 units, 10 reservoir connections"
    # thousands of connections: each faint, but still visible
    dense = esn.EchoStateNetwork.random(100, density=0.3, seed=0)
    count = dense.W_rc.nnz if scipy.sparse.issparse(dense.W_rc) else np.count_nonzero(
        dense.W_rc)
    assert count > 2000
    fig = diagrams.reservoir_graph(dense)
    alphas = {p.get_alpha() for p in diagrams.parts(fig, "edge:W_rc")}
    assert len(alphas) == 1 and 0.2 <= alphas.pop() <= 0.3
    chord = next(p for p in diagrams.parts(fig, "edge:W_rc") if isinstance(p, FancyArrowPatch))
    units = {p.get_gid(): np.array(p.center) for p in fig.axes[0].patches
             if str(p.get_gid()).startswith("unit:X:")}
    _, _, i, j = chord.get_gid().split(":")
    assert np.allclose(arrow_ends(chord), [units[f"unit:X:{j}"], units[f"unit:X:{i}"]])
    # straight chords from centre to centre, not shortened
    assert chord.shrinkA == chord.shrinkB == 0
    assert chord.get_connectionstyle().rad == 0.0


def test_lstm_cell_labels_sit_at_their_parts(close):
    from rnnbook.lstm import GATES, LSTM

    model = LSTM.random(3, 5, 1, forget_bias=2.5, seed=0)
    fig = diagrams.lstm_cell(model)
    ax = fig.axes[0]
    path, = diagrams.parts(fig, "cell_path")
    xs, ys = path.get_data()
    texts = {t.get_text(): t for t in ax.texts}
    # c(t-1) starts where the cell path starts, c(t) ends where its arrow ends
    begin, end = texts["$c(t-1)$"], texts["$c(t)$"]
    assert begin.get_position()[0] == xs[0] and begin.get_ha() == "left"
    assert begin.get_position()[1] > ys[0] and begin.get_va() == "bottom"
    tip = max(arrow_ends(p)[1][0] for p in ax.patches if isinstance(p, FancyArrowPatch))
    assert end.get_position()[0] == tip and end.get_ha() == "right"
    # under each gate the size of its block of rows
    for gate in GATES:
        box, = diagrams.parts(fig, f"gate:{gate}")
        centre = box.get_x() + box.get_width() / 2
        below = [t for t in ax.texts if t.get_text() == "5 units"
                 and t.get_position()[0] == pytest.approx(centre)]
        assert len(below) == 1 and below[0].get_position()[1] < box.get_y()
    assert "forget bias\n2.5" in texts
    assert ax.get_title() == "LSTM cell, H = 5 units"
    assert "$u(t)$ (3),\n$h(t-1)$ (5)" in texts
    assert_readable(fig)


def box_of(patch):
    """(left, bottom, right, top) of a box patch."""
    return (patch.get_x(), patch.get_y(), patch.get_x() + patch.get_width(),
            patch.get_y() + patch.get_height())


def on_edge(point, patch, tol=0.05):
    """Whether ``point`` lies on the outline of the box ``patch`` (to ``tol``)."""
    x0, y0, x1, y1 = box_of(patch)
    x, y = point
    within = x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol
    return within and min(abs(x - x0), abs(x - x1), abs(y - y0), abs(y - y1)) <= tol


def test_unrolled_network_arrows_join_the_boxes_of_each_step(close):
    from rnnbook import RNN

    n = 3
    fig = diagrams.unrolled_network(RNN.random(2, 4, 1, seed=0), n)
    ax = fig.axes[0]
    box = {p.get_gid(): p for p in ax.patches if p.get_gid() and ":" in p.get_gid()
           and p.get_gid().split(":")[0] in ("state", "input", "output")}
    arrows = {p.get_gid(): arrow_ends(p) for p in ax.patches if isinstance(p, FancyArrowPatch)}
    for t in range(1, n + 1):
        pairs = {f"forward:input:{t}": (f"input:{t}", f"state:{t}"),
                 f"forward:output:{t}": (f"state:{t}", f"output:{t}"),
                 f"forward:state:{t}": (f"state:{t - 1}", f"state:{t}"),
                 f"backward:output:{t}": (f"output:{t}", f"state:{t}")}
        if t >= 2:
            pairs[f"backward:state:{t}"] = (f"state:{t}", f"state:{t - 1}")
        for arrow, (source, target) in pairs.items():
            start, end = arrows[arrow]
            assert on_edge(start, box[source], tol=0.1), (arrow, source)
            assert on_edge(end, box[target], tol=0.1), (arrow, target)
        # one column per step, evenly spaced; the initial state left of the first
        centres = [box[f"{kind}:{t}"].get_x() + box[f"{kind}:{t}"].get_width() / 2
                   for kind in ("input", "state", "output")]
        assert centres[0] == centres[1] == centres[2] == pytest.approx(1.75 * t)
        assert box[f"input:{t}"].get_y() < box[f"state:{t}"].get_y() < box[f"output:{t}"].get_y()
    texts = [t.get_text() for t in ax.texts]
    assert "$x(0)$" in texts and "$W^{RI}$" in texts and "$J^\\top$" in texts
    assert "RNN; numbers in $u$, $x$, $y$: 2, 4, 1" in texts
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["forward", "backward (BPTT)"]
    backward = [p for p in ax.patches if str(p.get_gid()).startswith("backward:")]
    assert all(p.get_linestyle() == "--" for p in backward)
    forward = [p for p in ax.patches if str(p.get_gid()).startswith("forward:")]
    assert all(p.get_linestyle() == "-" for p in forward)


def test_state_space_model_signals_run_between_the_blocks(close):
    from rnnbook import RNN

    fig = diagrams.state_space_model(RNN.random(1, 3, 2, seed=0))
    ax = fig.axes[0]
    block = {p.get_gid(): p for p in ax.patches if str(p.get_gid()).startswith("block:")}
    signal = {p.get_gid(): arrow_ends(p) for p in ax.patches
              if isinstance(p, FancyArrowPatch) and p.get_gid()}
    assert on_edge(signal["signal:u"][1], block["block:f"])           # u(t) into f
    assert on_edge(signal["signal:x"][0], block["block:f"])           # x(t) out of f
    assert on_edge(signal["signal:x"][1], block["block:h"])           # ... into h
    assert on_edge(signal["signal:y"][0], block["block:h"])           # y(t) out of h
    texts = [t.get_text() for t in ax.texts]
    for want in ("$u(t)$\n1 number", "$x(t)$\n3 numbers", "$y(t)$\n2 numbers", "$x(t-1)$",
                 "$f$", "$h$", "$z^{-1}$\n(delay)"):
        assert want in texts
    assert ax.get_title() == "RNN as a state-space model"
    # the delay's output line runs back into f from below
    back, = [ln for ln in ax.lines if ln.get_gid() == "signal:x_prev"]
    (x_a, y_a), (x_b, y_b) = back.get_xydata()
    delay, f = block["block:delay"], block["block:f"]
    assert y_a == y_b == pytest.approx(delay.get_y() + delay.get_height() / 2)
    assert x_b == pytest.approx(f.get_x() + f.get_width() / 2)
    bare = diagrams.state_space_model()
    assert bare.axes[0].get_title() == ""
    assert "$u(t)$" in [t.get_text() for t in bare.axes[0].texts]


def test_book_map_stations_are_evenly_spaced_with_their_titles_below(close):
    fig = diagrams.book_map()
    ax = fig.axes[0]
    for part in diagrams.PARTS[1:]:
        chapters = [c for c in diagrams.CHAPTERS if c[2] == part]
        numbers = [str(c[0]) for c in chapters]
        badges = [t for t in ax.texts if t.get_text() in numbers and t.get_ha() == "center"
                  and t.get_va() == "center"]
        xs = [t.get_position()[0] for t in badges]
        ys = {t.get_position()[1] for t in badges}
        assert len(xs) == len(chapters) and len(ys) == 1
        assert np.allclose(np.diff(xs), np.diff(xs)[0]) and np.diff(xs)[0] > 0
        # each station a circle around its number, its title (wrapped) just below
        circles = [p for p in ax.patches if isinstance(p, Circle)
                   and np.allclose(p.center[1], ys.copy().pop()) and p.center[0] in xs]
        assert len(circles) == len(chapters)
        for (number, title, _), x in zip(chapters, xs):
            below, = [t for t in ax.texts if " ".join(t.get_text().split()) == title]
            bx, by = below.get_position()
            assert bx == x and by < ys.copy().pop() and below.get_va() == "top"
            assert max(len(line) for line in below.get_text().split("\n")) <= max(
                12, max(len(w) for w in title.split()))
    heading = {t.get_text() for t in ax.texts if t.get_fontweight() == "bold"}
    assert "learn $f$ through time" in heading and "fix $f$, train only $h$" in heading


def test_contraction_maps_label_each_square_with_its_word(close):
    coder = ContractiveCoder(3, 0.4)
    fig = diagrams.contraction_maps(coder, alphabet="xyz")
    one, two = fig.axes
    assert one.get_title() == "after 1 symbol: squares of side 0.4"
    assert two.get_title() == "after 2 symbols: squares of side 0.4$^2$"
    for ax, level in ((one, 1), (two, 2)):
        squares = {p.get_gid(): p for p in ax.patches if str(p.get_gid()).startswith("image:")}
        for word in itertools.product(range(3), repeat=level):
            name = "".join("xyz"[s] for s in word)
            square = squares[f"image:{name}"]
            low = last_code(coder, word)
            assert np.allclose(square.get_xy(), low)
            centre = low + 0.4 ** level / 2
            label, = [t for t in ax.texts if t.get_text() == name]
            assert np.allclose(label.get_position(), centre)
            # coloured by the last symbol read
            assert np.allclose(square.get_edgecolor()[:3],
                               matplotlib.colors.to_rgb(diagrams.plotting.PALETTE[word[-1]]))
        corners = [ln for ln in ax.lines if ln.get_marker() == "o"]
        assert np.allclose([ln.get_xydata()[0] for ln in corners], coder.corners)
        assert ax.get_xlim() == ax.get_ylim()
        assert ax.get_xlim()[0] < 0 and ax.get_xlim()[1] > 1
    one_level = diagrams.contraction_maps(coder, levels=1)
    assert len(one_level.axes) == 1
    assert one_level.get_size_inches()[0] < fig.get_size_inches()[0]


def test_suffix_code_title_and_nested_squares_darken_inwards(close):
    coder = ContractiveCoder(4, 0.5)
    prefixes = [[0], [1, 2], [3, 0], [2, 2, 2]]
    fig = diagrams.suffix_code(coder, [3, 1], prefixes, alphabet="ACGT")
    ax = fig.axes[0]
    assert ax.get_title() == ("4 pasts (hollow), each followed by TC\n(filled): all in the "
                              "square of side 0.5$^{2}$")
    one, two = (next(p for p in ax.patches if p.get_gid() == f"box:{L}") for L in (1, 2))
    assert two.get_alpha() > one.get_alpha()
    # the letters just outside their corners
    for name, corner in zip("ACGT", coder.corners):
        text, = [t for t in ax.texts if t.get_text() == name]
        offset = np.array(text.get_position()) - corner
        assert np.allclose(np.abs(offset), 0.05)
        assert np.all(np.sign(offset) == np.where(corner > 0, 1, -1))
    # each past's own marker and its code in one colour, different pasts apart
    colours = [matplotlib.colors.to_hex(diagrams.parts(fig, f"code:{j}")[0].get_color())
               for j in range(4)]
    assert len(set(colours)) == 4
    for j in range(4):
        hollow, = diagrams.parts(fig, f"prefix:{j}")
        assert matplotlib.colors.to_hex(hollow.get_markeredgecolor()) == colours[j]
        assert hollow.get_markerfacecolor() == "white"


def tree_nodes(ax):
    """{context name: (x, y, line)} of the drawn nodes."""
    return {ln.get_gid()[5:]: (*ln.get_xydata()[0], ln) for ln in ax.lines
            if str(ln.get_gid()).startswith("node:")}


def test_suffix_tree_hangs_each_context_under_its_suffix(close):
    from rnnbook import markov

    # the next symbol depends on the last one, and after "c" on the one before it too
    source = {(0,): [0.8, 0.1, 0.1], (1,): [0.1, 0.8, 0.1], (0, 2): [0.1, 0.1, 0.8],
              (1, 2): [0.45, 0.45, 0.1], (2, 2): [0.1, 0.45, 0.45]}
    symbols = markov.sample_context_source(source, 6000, seed=1)
    model = markov.fit_vlmm(symbols, 3, max_depth=2, threshold=10.0)
    assert 1 < len(diagrams.tree_contexts(model)) < len(
        diagrams.tree_contexts(model.with_threshold(0.0)))
    fig = diagrams.suffix_tree(model, alphabet="xyz")
    grown, pruned = fig.axes
    kept = {"".join("xyz"[s] for s in c) or "root" for c in diagrams.tree_contexts(model)}
    used = {"".join("xyz"[s] for s in c) for c in model.used_contexts()}

    def suffix(name):       # the parent: the context one symbol shorter (oldest dropped)
        return "root" if len(name) == 1 else name[1:]

    for ax in (grown, pruned):
        nodes = tree_nodes(ax)
        edges = [ln.get_xydata() for ln in ax.lines if ln.get_gid() is None]
        children = {name: sorted((c for c in nodes if c != "root" and suffix(c) == name),
                                 key=lambda c: c[0]) for name in nodes}
        for name, (x, y, line) in nodes.items():
            assert y == -(0 if name == "root" else len(name))
            if name != "root":
                px, py, _ = nodes[suffix(name)]
                assert sum(np.allclose(e, [[px, py], [x, y]]) for e in edges) == 1
            if children[name]:    # centred over its first and last child (in symbol order)
                first, last = nodes[children[name][0]][0], nodes[children[name][-1]][0]
                assert first < last or len(children[name]) == 1
                assert x == pytest.approx((first + last) / 2)
            label, = [t for t in ax.texts if t.get_text() == name]
            assert label.get_position() == pytest.approx((x, y - 0.2))
        leaves = sorted(nodes[name][0] for name in nodes if not children[name])
        assert leaves == list(range(len(leaves)))              # one column per leaf
        assert len(edges) == len(nodes) - 1
        depth = max(-y for _, y, _ in nodes.values())
        x0, x1 = ax.get_xlim()
        assert x0 < 0 and x1 > len(leaves) - 1
        assert ax.get_ylim()[0] < -depth <= 0 < ax.get_ylim()[1]
    # the pruned tree: its nodes, filled where the model predicts
    nodes = tree_nodes(pruned)
    assert set(nodes) == kept
    assert {n for n, (_, _, ln) in nodes.items() if ln.get_markerfacecolor() != "white"} == used
    # the grown tree: what pruning removes in grey, the rest in the tree's colour
    nodes = tree_nodes(grown)
    assert kept < set(nodes)
    for name, (_, _, line) in nodes.items():
        grey = matplotlib.colors.same_color(line.get_markeredgecolor(), "0.6")
        assert grey == (name not in kept), name
        text, = [t for t in grown.texts if t.get_text() == name]
        assert matplotlib.colors.same_color(text.get_color(), "0.5" if grey else "black")


def test_suffix_tree_turns_crowded_leaf_labels_upright(close):
    from rnnbook import markov

    symbols = np.random.default_rng(1).integers(0, 5, 4000)
    model = markov.fit_ngram(symbols, 5, 2)               # 25 leaves
    ax = diagrams.suffix_tree(model, pruned=False).axes[0]
    rotation = {t.get_text(): t.get_rotation() for t in ax.texts}
    assert all(rotation[name] == 90 for name in rotation if len(name) == 2)
    assert all(rotation[name] == 0 for name in rotation if len(name) < 2 or name == "root")
    few = markov.fit_ngram(np.random.default_rng(1).integers(0, 3, 900), 3, 2)   # 9 leaves
    ax = diagrams.suffix_tree(few, pruned=False).axes[0]
    assert all(t.get_rotation() == 0 for t in ax.texts)


def test_book_map_routes_end_in_an_arrowhead_under_their_two_line_label(close):
    ax = diagrams.book_map().axes[0]
    texts = [t.get_text() for t in ax.texts]
    for part in diagrams.PARTS[1:]:
        heading, detail = diagrams._ROUTE_LABELS[part]
        head, = [t for t in ax.texts if t.get_text() == heading]
        below, = [t for t in ax.texts if t.get_text() == detail]
        assert head.get_position()[0] == below.get_position()[0]
        assert below.get_position()[1] < head.get_position()[1]
        assert detail in texts
    lines = [ln for ln in ax.lines if ln.get_linewidth() == 5]
    heads = [ln for ln in ax.lines if ln.get_marker() == ">"]
    assert len(lines) == len(heads) == 2
    for line, tip in zip(lines, heads):
        (x_end, y_end), (x_tip, y_tip) = line.get_xydata()[-1], tip.get_xydata()[0]
        assert y_tip == y_end and 0 < x_tip - x_end <= 0.1     # just past the line's end


def test_unrolled_network_defaults_to_four_steps_with_the_jacobian_between_the_first(close):
    from rnnbook import RNN

    fig = diagrams.unrolled_network(RNN.random(1, 2, 1, seed=0))
    ax = fig.axes[0]
    assert len(diagrams.parts(fig, "input")) == 4
    jacobian, = [t for t in ax.texts if t.get_text() == "$J^\\top$"]
    start, end = arrow_ends(diagrams.parts(fig, "backward:state:2")[0])
    x, y = jacobian.get_position()
    assert end[0] < x < start[0] and y < start[1]           # under the arrow x(2) -> x(1)


def test_reservoir_legend_names_what_is_fixed_and_what_is_trained(close):
    from rnnbook import esn

    ax = diagrams.reservoir_graph(esn.EchoStateNetwork.random(10, seed=0)).axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "fixed ($W^{RI}$, $W^{RC}$)", "trained ($W^{OR}$)"]
    assert_readable(ax.figure)


def test_lstm_cell_every_arrow_ends_at_a_part(close):
    from rnnbook.lstm import LSTM

    fig = diagrams.lstm_cell(LSTM.random(1, 2, 1, seed=0))
    ax = fig.axes[0]
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    boxes = [p for p in ax.patches if str(p.get_gid()).startswith(("gate:", "tanh_cell"))]
    path, = diagrams.parts(fig, "cell_path")
    right_end = 7.9                                         # c(t) and h(t) leave the cell

    def at_part(point):
        return (any(abs(np.linalg.norm(point - c.center) - c.radius) < 0.02 for c in circles)
                or any(on_edge(point, b, tol=0.04) for b in boxes)
                or point[0] == pytest.approx(right_end))

    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 8
    for arrow in arrows:
        start, end = arrow_ends(arrow)
        assert at_part(end), end
        assert at_part(start) or np.isclose(start[1], path.get_ydata()[0]), start


def test_drawings_title_one_point_above_the_text(close):
    from rnnbook import RNN, esn, lsm
    from rnnbook.automata import parity_dfa
    from rnnbook.lstm import LSTM

    titles = [diagrams.state_space_model(RNN.random(1, 2, 1, seed=0)).axes[0].title,
              diagrams.lstm_cell(LSTM.random(1, 2, 1, seed=0)).axes[0].title,
              diagrams.reservoir_graph(esn.EchoStateNetwork.random(10, seed=0)).axes[0].title,
              diagrams.automaton(parity_dfa()).axes[0].title]
    column = diagrams.liquid_column(lsm.liquid_network((3, 2, 2), seed=0)).axes[0]
    titles += [t for t in column.texts if t.get_text().startswith("12 neurons")]
    assert len(titles) == 5
    assert all(t.get_text() and t.get_fontsize() == diagrams.FONT + 1 for t in titles)
