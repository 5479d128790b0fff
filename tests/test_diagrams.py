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


def toc_chapters() -> dict:
    """``{number: (file, part caption)}`` of every chapter listed in ``_toc.yml``;
    a number is an int, or a string like ``"5b"`` for ``chapters/05b_...``."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = {}
    for part in toc["parts"]:
        for entry in part["chapters"]:
            match = re.fullmatch(r"chapters/(\d\d)([a-z]?)_\w+", entry["file"])
            if match:
                number = int(match.group(1))
                found[f"{number}{match.group(2)}" if match.group(2) else number] = (
                    entry["file"], part["caption"])
    return found


#: The chapter being written as this map is drawn: on the map, not yet in the book.
PENDING = {"5b": "chapters/05b_gradient_flow"}


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
    assert len(toc) >= 11
    numbers = [number for number, _, _ in diagrams.CHAPTERS]
    assert len(numbers) == 12 and numbers[5] == "5b"   # 5b sits between 5 and 6
    assert set(toc) <= set(numbers), f"chapters missing from the map: {set(toc) - set(numbers)}"
    for number, title, _ in diagrams.CHAPTERS:
        if number in toc:                             # each chapter's notebook exists
            assert (ROOT / f"{toc[number][0]}.ipynb").is_file(), title
        else:   # only a chapter still being written may be missing from the book
            assert number in PENDING, f"chapter {number} is neither in _toc.yml nor pending"
            assert not (ROOT / f"{PENDING[number]}.ipynb").is_file(), \
                f"{PENDING[number]}.ipynb exists: list it in _toc.yml"


def test_the_two_routes_hold_chapters_2_to_5_and_6_to_11():
    by_part = {part: [n for n, _, p in diagrams.CHAPTERS if p == part] for part in diagrams.PARTS}
    assert by_part == {"state space": [1], "learn f": [2, 3, 4, 5, "5b"],
                       "fix f, train h": [6, 7, 8, 9, 10, 11]}
    # and they agree with the parts of the table of contents
    toc = toc_chapters()
    learn = [n for n in toc if toc[n][1] == "Learning through time"]
    assert learn == [n for n in by_part["learn f"] if n in toc]
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
    ([("5", "Start", "state space")], ValueError, r"chapters\[0\] number must be a positive .*'5b'"),
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


# ================================================================ model drawings
#
# Each drawing is made from a model object; these tests count the drawn parts
# (found by their gids, diagrams.parts) against the model.

import numpy as np  # noqa: E402

from rnnbook import RNN, esn, fpm, lsm, markov  # noqa: E402
from rnnbook.automata import DFA, parity_dfa  # noqa: E402
from rnnbook.contractive import ContractiveCoder  # noqa: E402
from rnnbook.lstm import GATES, LSTM  # noqa: E402
from rnnbook.sequences import random_symbols  # noqa: E402

#: The text column of a page 1200 px wide, and the book's figure resolution.
COLUMN_PX, FIGURE_DPI = 600, 100


@pytest.fixture
def close():
    """Close every figure a test opens."""
    yield
    plt.close("all")


def gids(fig, kind):
    return [artist.get_gid() for artist in diagrams.parts(fig, kind)]


def smallest_shown_font(fig) -> float:
    """The smallest font of the figure as shown in the 600-px column (points)."""
    scale = min(1.0, COLUMN_PX / (fig.get_figwidth() * FIGURE_DPI))
    sizes = [text.get_fontsize() for text in fig.findobj(plt.Text) if text.get_text().strip()]
    return min(sizes) * scale


def assert_light_and_legible(fig):
    fig.canvas.draw()
    assert smallest_shown_font(fig) >= 9.0
    face = fig.get_facecolor()
    assert face[3] == 1.0 and min(face[:3]) >= 0.95     # opaque and light: fine on dark pages


def toy_source(n=40_000):
    source = {(0,): [0.1, 0.2, 0.2, 0.5], (1,): [0.2, 0.1, 0.2, 0.5],
              (2,): [0.2, 0.2, 0.1, 0.5], (0, 3): [0.7, 0.1, 0.1, 0.1],
              (1, 3): [0.1, 0.7, 0.1, 0.1], (2, 3): [0.1, 0.1, 0.7, 0.1],
              (3, 3): [0.25, 0.25, 0.25, 0.25]}
    return markov.sample_context_source(source, n, seed=3)


# ---------------------------------------------------------------- state space

def test_state_space_model_has_f_h_and_the_delay(close):
    fig = diagrams.state_space_model(RNN.random(3, 2, 1, seed=0))
    assert sorted(gids(fig, "block")) == ["block:delay", "block:f", "block:h"]
    drawn = labels(fig)
    assert "$u(t)$ 3 numbers" in drawn and "$x(t)$ 2 numbers" in drawn
    assert "$y(t)$ 1 number" in drawn
    assert_light_and_legible(fig)


def test_state_space_model_without_readout_has_no_h(close):
    fig = diagrams.state_space_model(RNN.random(3, 2, None, seed=0))
    assert sorted(gids(fig, "block")) == ["block:delay", "block:f"]
    assert gids(fig, "signal:y") == []


# ---------------------------------------------------------------- Elman network

@pytest.mark.parametrize("sizes", [(1, 2, 1), (3, 5, 2), (2, 4, None)])
def test_elman_network_has_a_marker_per_unit_and_a_line_per_weight(close, sizes):
    n_inputs, n_hidden, n_outputs = sizes
    net = RNN.random(n_inputs, n_hidden, n_outputs, seed=1)
    net.W_rc[0, 1] = 0.0                                  # a missing connection
    fig = diagrams.elman_network(net)
    for group, n in {"U": n_inputs, "C": n_hidden, "X": n_hidden, "Y": n_outputs or 0}.items():
        assert len(gids(fig, f"unit:{group}")) == n, group
    assert len(gids(fig, "edge:W_ri")) == np.count_nonzero(net.W_ri)
    assert len(gids(fig, "edge:W_rc")) == np.count_nonzero(net.W_rc) == n_hidden ** 2 - 1
    assert "edge:W_rc:0:1" not in gids(fig, "edge")
    assert len(gids(fig, "edge:W_or")) == (0 if n_outputs is None else net.W_or.size)
    assert sorted(gids(fig, "copy")) == [f"copy:{i}" for i in range(n_hidden)]
    assert_light_and_legible(fig)


def test_elman_network_shows_sign_and_size_of_the_weights(close):
    net = RNN(W_ri=[[2.0], [-0.5]], W_rc=[[0.0, 1.0], [-1.0, 0.0]], W_or=[[0.5, 0.5]])
    fig = diagrams.elman_network(net)
    strong, weak = diagrams.parts(fig, "edge:W_ri:0:0")[0], diagrams.parts(fig, "edge:W_ri:1:0")[0]
    assert strong.get_linewidth() > weak.get_linewidth()
    assert strong.get_color() != weak.get_color()         # positive and negative


# ---------------------------------------------------------------- unrolled network

@pytest.mark.parametrize("n_steps", [2, 4, 6])
def test_unrolled_network_has_every_step_and_every_bptt_path(close, n_steps):
    fig = diagrams.unrolled_network(RNN.random(1, 3, 1, seed=0), n_steps)
    assert sorted(gids(fig, "state")) == sorted(f"state:{t}" for t in range(n_steps + 1))
    assert len(gids(fig, "input")) == len(gids(fig, "output")) == n_steps
    assert len(gids(fig, "backward:output")) == n_steps
    assert sorted(gids(fig, "backward:state")) == sorted(
        f"backward:state:{t}" for t in range(2, n_steps + 1))
    assert len(gids(fig, "forward:state")) == n_steps
    assert_light_and_legible(fig)


def test_unrolled_network_reads_the_sizes_from_the_model(close):
    fig = diagrams.unrolled_network(LSTM.random(2, 5, 3, seed=0), 3)
    assert any("LSTM" in text and "2, 10, 3" in text for text in labels(fig))


# ---------------------------------------------------------------- LSTM cell

def test_lstm_cell_has_four_gates_the_cell_path_and_the_model_sizes(close):
    model = LSTM.random(2, 6, 1, forget_bias=3.0, seed=0)
    fig = diagrams.lstm_cell(model)
    assert gids(fig, "gate") == [f"gate:{g}" for g in GATES]
    assert len(gids(fig, "cell_path")) == 1
    assert sorted(gids(fig, "op")) == ["op:add", "op:forget", "op:input", "op:output"]
    drawn = labels(fig)
    assert drawn.count("6 units") == 4
    assert "forget bias 3" in drawn
    assert any("(24$\\times$2)" in text and "(24$\\times$6)" in text for text in drawn)
    assert_light_and_legible(fig)


# ---------------------------------------------------------------- reservoirs

def test_reservoir_graph_has_a_unit_per_unit_and_an_arrow_per_weight(close):
    model = esn.EchoStateNetwork.random(30, density=0.1, seed=4)
    W = model.W_rc.toarray()
    fig = diagrams.reservoir_graph(model)
    assert len(gids(fig, "unit:X")) == 30
    drawn = set(gids(fig, "edge:W_rc"))
    assert drawn == {f"edge:W_rc:{i}:{j}" for i, j in zip(*np.nonzero(W))}
    assert len(gids(fig, "edge:W_ri")) == np.count_nonzero(model.W_ri)
    assert len(gids(fig, "edge:W_or")) == 30                     # the trained readout
    assert_light_and_legible(fig)


def test_simple_cycle_reservoir_is_drawn_as_a_ring(close):
    n = 12
    model = esn.EchoStateNetwork(esn.simple_cycle_reservoir(n, 0.9),
                                 esn.aperiodic_input_weights(n, 1, 0.1, start=1))
    fig = diagrams.reservoir_graph(model)
    assert sorted(gids(fig, "edge:W_rc")) == sorted(
        f"edge:W_rc:{(i + 1) % n}:{i}" for i in range(n))
    # the units sit on a circle, in index order
    centres = np.array([p.center for p in diagrams.parts(fig, "unit:X")])
    assert np.allclose(np.hypot(*centres.T), 1.0)


# ---------------------------------------------------------------- liquid column

def test_liquid_column_has_every_neuron_at_its_position_and_every_synapse(close):
    network = lsm.liquid_network((6, 2, 2), seed=5)
    fig = diagrams.liquid_column(lsm.Liquid(network))
    neurons = {kind: diagrams.parts(fig, f"neurons:{kind}")[0] for kind in "EI"}
    assert neurons["E"].get_offsets().shape[0] == np.sum(~network.inhibitory)
    assert neurons["I"].get_offsets().shape[0] == np.sum(network.inhibitory)
    fig.canvas.draw()                       # 3-D lines have 2-D segments once projected
    synapses = sum(len(c.get_segments()) for c in diagrams.parts(fig, "synapses"))
    assert synapses == network.pre.size > 0
    assert_light_and_legible(fig)


def test_liquid_column_needs_3d_axes(close):
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="ax must be 3-D axes"):
        diagrams.liquid_column(lsm.liquid_network((3, 2, 2), seed=0), ax=ax)


# ---------------------------------------------------------------- prediction machine

def test_prediction_machine_draws_its_codebook_and_count_table(close):
    symbols = random_symbols(3000, 4, seed=6)
    machine = fpm.fit_fpm(symbols, 4, 12, seed=6)
    fig = diagrams.prediction_machine(machine, symbols)
    assert len(gids(fig, "codebook")) == machine.codebook.shape[0] == 12
    filled = [m for m in diagrams.parts(fig, "codebook") if m.get_markerfacecolor() == "black"]
    assert len(filled) == machine.n_contexts
    table = diagrams.parts(fig, "counts")[0].get_array()
    assert table.shape == (machine.n_contexts, 4)
    assert np.allclose(table, np.log1p(machine.context_counts()))
    heights = [bar.get_height() for bar in diagrams.parts(fig, "prediction")]
    assert np.allclose(heights, machine.predict_proba(symbols[:1], before=symbols)[0])
    assert len(gids(fig, "symbol")) == 8
    assert_light_and_legible(fig)


def test_prediction_machine_bars_are_the_titled_context_s_distribution(close):
    # the bars are P(x | c) for c, the context of the last state (the star and
    # the title), not of the state before it: a sequence whose last two states
    # fall in different contexts tells the two apart
    symbols = random_symbols(3000, 4, seed=6)
    machine = fpm.fit_fpm(symbols, 4, 12, seed=6)
    states = machine.encoder.run(np.eye(4)[symbols]).states
    rows = machine._rows(states)
    end = next(t for t in range(len(symbols) - 1, 0, -1)
               if rows[t] != rows[t - 1]
               and not np.allclose(machine.readout(states[t]), machine.readout(states[t - 1])))
    fig = diagrams.prediction_machine(machine, symbols[:end + 1])
    heights = [bar.get_height() for bar in diagrams.parts(fig, "prediction")]
    assert f"$c$ = {rows[end]}" in fig.axes[-1].get_title()
    # the distribution of the context, from the counts with additive smoothing
    # (the machine was fitted on the states before every symbol, the initial one too)
    counts = np.zeros(4)
    if machine._rows(machine.encoder.initial_state()[None, :])[0] == rows[end]:
        counts[symbols[0]] += 1
    for t in range(len(symbols) - 1):
        if rows[t] == rows[end]:
            counts[symbols[t + 1]] += 1
    want = (counts + machine.alpha) / (counts.sum() + 4 * machine.alpha)
    np.testing.assert_allclose(heights, want, rtol=1e-12)
    assert not np.allclose(heights, machine.readout(states[end - 1]))


def test_neural_prediction_machine_is_drawn_in_its_principal_plane(close):
    symbols = random_symbols(2000, 4, seed=7)
    net = RNN.random(4, 5, input_scale=1.0, recurrent_scale=0.5, seed=7)
    fig = diagrams.prediction_machine(fpm.fit_npm(symbols, net, 6, seed=7), symbols)
    assert len(gids(fig, "codebook")) == 6
    assert any("RNN" in text for text in labels(fig))


# ---------------------------------------------------------------- suffix trees

def test_suffix_tree_has_a_node_per_context_before_and_after_pruning(close):
    model = markov.fit_vlmm(toy_source(), 4, max_depth=2, threshold=10.0)
    full = model.with_threshold(0.0)
    fig = diagrams.suffix_tree(model, alphabet="abcd")
    grown, pruned = fig.axes
    nodes = [[line.get_gid() for line in ax.lines if str(line.get_gid()).startswith("node:")]
             for ax in (grown, pruned)]
    # every context counted is a node; the nodes of a tree are its used
    # contexts and all their suffixes
    def closure(used):
        return {c[i:] for c in used for i in range(len(c) + 1)}
    assert len(nodes[0]) == len(closure(full.used_contexts())) == 21
    assert len(nodes[1]) == len(closure(model.used_contexts())) == 9
    assert len(model.used_contexts()) == model.n_contexts == 7
    filled = [line for line in pruned.lines if str(line.get_gid()).startswith("node:")
              and line.get_markerfacecolor() != "white"]
    assert len(filled) == model.n_contexts
    assert "node:ad" in nodes[1] and "node:ab" in nodes[0] and "node:ab" not in nodes[1]
    assert_light_and_legible(fig)


def test_tree_contexts_are_the_suffixes_of_the_used_contexts():
    model = markov.fit_vlmm(toy_source(), 4, max_depth=3, threshold=10.0)
    used = model.used_contexts()
    assert set(diagrams.tree_contexts(model)) == {c[i:] for c in used for i in range(len(c) + 1)}
    ngram = markov.fit_ngram(toy_source(), 4, 2)
    assert len(diagrams.tree_contexts(ngram)) == 1 + 4 + 16


def test_suffix_tree_refuses_a_tree_too_big_to_read(close):
    model = markov.fit_ngram(toy_source(), 4, 4)
    with pytest.raises(ValueError, match=r"model has \d+ tree nodes, more than max_nodes=120"):
        diagrams.suffix_tree(model)


# ---------------------------------------------------------------- automaton

def test_automaton_has_a_circle_per_state_and_an_arrow_per_transition(close):
    dfa = DFA([[1, 2], [3, 0], [2, 2], [3, 1]], [0, 1, 0, 1], 0)
    fig = diagrams.automaton(dfa, alphabet="ab")
    assert sorted(gids(fig, "state")) == [f"state:{q}" for q in range(4)]
    assert sorted(gids(fig, "accept")) == ["accept:1", "accept:3"]
    pairs = {(q, int(dfa.transitions[q, a])) for q in range(4) for a in range(2)}
    assert sorted(gids(fig, "transition")) == sorted(f"transition:{q}:{r}" for q, r in pairs)
    assert "a, b" in labels(fig)                           # state 2 stays on both symbols
    assert_light_and_legible(fig)


def test_parity_automaton(close):
    fig = diagrams.automaton(parity_dfa())
    assert len(gids(fig, "state")) == 2 and gids(fig, "accept") == ["accept:1"]


# ---------------------------------------------------------------- contraction maps

@pytest.mark.parametrize("n_symbols, k", [(4, 0.5), (3, 0.4)])
def test_contraction_maps_are_squares_of_side_k_and_k_squared(close, n_symbols, k):
    coder = ContractiveCoder(n_symbols, k)
    fig = diagrams.contraction_maps(coder)
    one, two = fig.axes
    for ax, level in ((one, 1), (two, 2)):
        squares = [p for p in ax.patches if str(p.get_gid()).startswith("image:")]
        assert len(squares) == n_symbols ** level
        assert np.allclose([p.get_width() for p in squares], k ** level)
    # each first-level image sits at its corner: the fixed point of its map
    for s, corner in enumerate(coder.corners):
        square = [p for p in one.patches if p.get_gid() == f"image:{'abcd'[s]}"][0]
        low = np.array(square.get_xy())
        assert np.allclose(low + k * corner, corner)
    assert_light_and_legible(fig)


def test_suffix_code_puts_every_history_in_the_square_of_its_suffix(close):
    coder = ContractiveCoder(4, 0.5)
    rng = np.random.default_rng(8)
    prefixes = [rng.integers(0, 4, int(n)) for n in rng.integers(1, 9, 7)]
    fig = diagrams.suffix_code(coder, [1, 2, 3], prefixes)
    boxes = {p.get_gid(): p for p in diagrams.parts(fig, "box")}
    assert sorted(boxes) == ["box:1", "box:2", "box:3"]
    inner = boxes["box:3"]
    low, side = np.array(inner.get_xy()), inner.get_width()
    assert side == pytest.approx(0.5 ** 3)
    codes = [line.get_xydata()[0] for line in diagrams.parts(fig, "code")]
    assert len(codes) == len(prefixes)
    for point in codes:
        assert np.all(point >= low - 1e-12) and np.all(point <= low + side + 1e-12)
    assert_light_and_legible(fig)


# ---------------------------------------------------------------- bad arguments

BAD_DRAWINGS = [
    (lambda: diagrams.state_space_model("RNN"), TypeError, "model must be an rnnbook"),
    (lambda: diagrams.elman_network(LSTM.random(1, 2, 1, seed=0)), TypeError,
     "net must be an rnnbook.RNN"),
    (lambda: diagrams.elman_network(RNN.random(1, 11, 1, seed=0)), ValueError,
     "net has a group of 11 units, more than max_units=10"),
    (lambda: diagrams.elman_network(RNN.random(1, 2, 1, seed=0), max_units=0), ValueError,
     "max_units must be a positive integer"),
    (lambda: diagrams.unrolled_network(RNN.random(1, 2, 1, seed=0), 7), ValueError,
     "n_steps must be 2 to 6"),
    (lambda: diagrams.unrolled_network(RNN.random(1, 2, 1, seed=0), 3.0), TypeError,
     "n_steps must be a positive integer"),
    (lambda: diagrams.unrolled_network(RNN.random(1, 2, None, seed=0)), ValueError,
     "model must have a readout"),
    (lambda: diagrams.lstm_cell(RNN.random(1, 2, 1, seed=0)), TypeError,
     "model must be an rnnbook.lstm.LSTM"),
    (lambda: diagrams.reservoir_graph(np.eye(3)), TypeError,
     "model must be an rnnbook.esn.EchoStateNetwork"),
    (lambda: diagrams.reservoir_graph(esn.EchoStateNetwork.random(20, density=0.3, n_runs=2,
                                                                seed=0)),
     ValueError, "model must hold one reservoir"),
    (lambda: diagrams.reservoir_graph(esn.EchoStateNetwork.random(30, seed=0), max_units=20),
     ValueError, "model has 30 units, more than max_units=20"),
    (lambda: diagrams.liquid_column("liquid"), TypeError, "network must be an rnnbook.lsm"),
    (lambda: diagrams.prediction_machine(markov.fit_ngram([0, 1] * 20, 2, 1), [0, 1]),
     TypeError, "machine must be an rnnbook.fpm.CodebookMachine"),
    (lambda: diagrams.prediction_machine(fpm.fit_fpm([0, 1, 2, 3] * 30, 4, 3, seed=0),
                                         [0, 1, 2, 3] * 3, alphabet="ab"),
     ValueError, "alphabet must have 4 symbols"),
    (lambda: diagrams.prediction_machine(fpm.fit_fpm([0, 1, 2, 3] * 30, 4, 3, seed=0),
                                         [0, 1, 5, 3] * 3),
     ValueError, "symbols"),
    (lambda: diagrams.prediction_machine(fpm.fit_fpm([0, 1, 2, 3] * 30, 4, 3, seed=0),
                                         [0, 1, 2]), ValueError,
     "symbols must hold at least n_shown=8"),
    (lambda: diagrams.suffix_tree("tree"), TypeError, "model must be an rnnbook.markov"),
    (lambda: diagrams.suffix_tree(markov.fit_ngram([0, 1] * 20, 2, 1), pruned="yes"),
     TypeError, "pruned must be a bool"),
    (lambda: diagrams.suffix_tree(markov.fit_ngram([0, 1] * 20, 2, 1), alphabet="abc"),
     ValueError, "alphabet must have 2 symbols"),
    (lambda: diagrams.tree_contexts(None), TypeError, "model must be an rnnbook.markov"),
    (lambda: diagrams.automaton([[0]]), TypeError, "dfa must be an rnnbook.automata.DFA"),
    (lambda: diagrams.automaton(parity_dfa(), alphabet="abc"), ValueError,
     "alphabet must have 2 symbols"),
    (lambda: diagrams.contraction_maps(ContractiveCoder(8, 0.5)), ValueError,
     "coder must code in the plane"),
    (lambda: diagrams.contraction_maps(ContractiveCoder(4, 0.5), levels=3), ValueError,
     "levels must be 1 or 2"),
    (lambda: diagrams.contraction_maps(RNN.random(1, 2, 1, seed=0)), TypeError,
     "coder must be an rnnbook.contractive.ContractiveCoder"),
    (lambda: diagrams.suffix_code(ContractiveCoder(4, 0.5), [], [[0]]), ValueError,
     "suffix must hold 1 to 6 symbols"),
    (lambda: diagrams.suffix_code(ContractiveCoder(4, 0.5), [1], "abc"), ValueError,
     "prefixes must be a sequence of 1 to 12"),
    (lambda: diagrams.suffix_code(ContractiveCoder(4, 0.5), [1], [[0], [7]]), ValueError,
     r"prefixes\[1\]"),
    (lambda: diagrams.state_space_model(ax="left"), TypeError, "ax must be matplotlib Axes"),
    (lambda: diagrams.parts(plt.figure(), ""), TypeError, "kind must be a non-empty string"),
]


@pytest.mark.parametrize("draw, error, message", BAD_DRAWINGS)
def test_bad_drawing_arguments_are_refused(close, draw, error, message):
    with pytest.raises(error, match=message):
        draw()


def test_drawings_leave_the_global_style_alone(close):
    def style():
        return {key: value for key, value in plt.rcParams.items() if key != "backend"}

    before = style()
    diagrams.lstm_cell(LSTM.random(1, 2, 1, seed=0))
    diagrams.suffix_tree(markov.fit_ngram([0, 1] * 20, 2, 1), pruned=False)
    assert style() == before


def test_drawings_go_into_given_axes(close):
    fig, (left, right) = plt.subplots(1, 2)
    assert diagrams.automaton(parity_dfa(), ax=left) is fig
    assert diagrams.elman_network(RNN.random(1, 2, 1, seed=0), ax=right) is fig
    assert len(gids(fig, "state")) == 2 and len(gids(fig, "unit:X")) == 2
