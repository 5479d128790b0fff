"""Behaviour of :mod:`rnnbook.plotting`: the drawn artists against numbers computed here.

Each figure's data (image arrays, marker positions, bar heights, tick labels,
panel sizes) is checked against an independent computation from the inputs
or from the models it draws.
"""

from __future__ import annotations

import functools
import inspect
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnbook import plotting  # noqa: E402


@pytest.fixture
def styled():
    """The book's style, as in a chapter; figures closed after."""
    with mpl.rc_context():
        plotting.use_style()
        yield
    plt.close("all")


def test_next_symbol_prediction_draws_the_window(styled):
    rng = np.random.default_rng(4)
    probs = rng.dirichlet(np.ones(3), size=8)
    symbols = rng.integers(0, 3, 9)
    fig = plotting.plot_next_symbol_prediction(probs, symbols, "xyz", position=5, window=10)
    top, bottom = fig.axes
    steps = np.arange(5, 8)                   # clipped at the end of the sequence
    image, = top.images
    assert np.allclose(image.get_array(), probs[5:8].T)
    assert np.allclose(image.get_extent(), [4.5, 7.5, 2.5, -0.5])
    marks, = top.lines
    assert np.allclose(marks.get_xydata(), np.c_[steps, symbols[steps + 1]])
    assert [t.get_text() for t in top.get_yticklabels()] == ["x", "y", "z"]
    # squared error of each prediction against the one-hot symbol that came next
    want = [sum((probs[t, a] - (a == symbols[t + 1])) ** 2 for a in range(3)) for t in steps]
    heights = [p.get_height() for p in bottom.patches]
    assert np.allclose(heights, want)
    assert np.allclose([p.get_x() + p.get_width() / 2 for p in bottom.patches], steps)
    assert [t.get_text() for t in bottom.get_xticklabels()] == ["xyz"[s] for s in symbols[5:8]]
    # a heat map without the style's grid over it
    assert top.get_legend() is not None
    assert not any(line.get_visible() for line in top.xaxis.get_gridlines())
    assert not any(line.get_visible() for line in top.yaxis.get_gridlines())


@functools.cache
def sweeps():
    from rnnbook.markov import ngram_sweep, vlmm_sweep

    rng = np.random.default_rng(0)
    train, valid, test = (rng.integers(0, 3, n) for n in (400, 80, 80))
    ngram = ngram_sweep(train, valid, test, 3, [0, 1, 2], alphas=(0.1, 1.0))
    vlmm = vlmm_sweep(train, valid, test, 3, [0.05, 0.5, 5.0], max_depth=3, alphas=(0.1, 1.0))
    return ngram, vlmm


@pytest.mark.parametrize("threshold, picked", [(0.04, 0), (0.2, 1), (1.0, 1), (2.0, 2)])
def test_vlmm_threshold_picks_the_nearest_on_a_log_scale(styled, threshold, picked):
    ngram, vlmm = sweeps()
    settings = np.asarray(vlmm.settings, dtype=float)
    assert np.argmin(np.abs(np.log(settings / threshold))) == picked   # the test's own case
    fig = plotting.plot_vlmm_threshold(ngram, vlmm, threshold, title="toy")
    left, right = fig.axes
    model = vlmm.models[picked]
    lengths = [len(c) for c in model.used_contexts()]
    want = [lengths.count(n) for n in range(model.max_depth + 1)]
    assert [p.get_height() for p in right.patches] == want
    assert fig._suptitle.get_text().startswith(f"toy: threshold {settings[picked]:.3g}")
    assert right.get_title() == f"{len(lengths)} contexts, the longest {max(lengths)}"
    # the sweep on the left is 1.5 times as wide as the histogram
    fig.canvas.draw()
    wl, wr = left.get_position().width, right.get_position().width
    assert wl / wr == pytest.approx(1.5, rel=0.15)


def test_fpm_contexts_accepts_two_symbols_and_refuses_one(styled):
    fig = plotting.plot_fpm_contexts(1, train=[0, 2], alphabet="abc")
    assert len(fig.axes) == 2
    assert fig.axes[0].get_xlim() == fig.axes[0].get_ylim()     # the unit square, square
    # one history (the code after the first symbol), drawn at its code
    dots, = fig.axes[0].collections
    k = 0.5
    from rnnbook.contractive import ContractiveCoder
    corner = np.asarray(ContractiveCoder(3, k).corners[0], dtype=float)
    assert np.allclose(dots.get_offsets(), [k * 0.5 + (1 - k) * corner])
    with pytest.raises(ValueError, match="train must hold at least 2 symbols; got 1"):
        plotting.plot_fpm_contexts(1, train=[0], alphabet="abc")


def test_fpm_sweeps_has_a_legend_by_default(styled):
    from rnnbook.contractive import ContractiveCoder
    from rnnbook.fpm import fpm_sweep

    ngram, vlmm = sweeps()
    rng = np.random.default_rng(0)
    train, valid, test = (rng.integers(0, 3, n) for n in (400, 80, 80))
    machine = fpm_sweep(train, valid, test, ContractiveCoder(3, 0.5), [2, 4], seed=0,
                        alphas=(0.1, 1.0))
    fig = plotting.plot_fpm_sweeps(ngram, vlmm, {"FPM": [machine]})
    legend = fig.axes[0].get_legend()
    assert legend is not None
    assert "FPM (1 seeds)" in [t.get_text() for t in legend.get_texts()]
    fig = plotting.plot_fpm_sweeps(ngram, vlmm, {"FPM": [machine]}, legend=False)
    assert fig.axes[0].get_legend() is None


def test_architectural_bias_shows_the_states_after_the_washout(styled):
    rng = np.random.default_rng(5)
    symbols = rng.integers(0, 3, 300)
    fig = plotting.plot_architectural_bias(1.0, symbols=symbols, alphabet="abc", washout=20,
                                           max_length=4)
    left = fig.axes[0]
    counts = [len(c.get_offsets()) for c in left.collections]
    # one scatter per last symbol, together every state after the washout
    assert counts == [int(np.sum(symbols[20:] == s)) for s in range(3)]
    assert [t.get_text() for t in left.get_legend().get_texts()] == [
        f"last symbol {a}" for a in "abc"]


def test_gradient_decay_network_scales_a_normal_draw():
    gain, n = 0.7, 200
    net = plotting.gradient_decay_network(gain, n_hidden=n, seed=3)
    assert net.W_rc.shape == (n, n) and net.W_ri.shape == (n, 1)
    # entries of standard deviation gain / sqrt(n): the sample std within 5 %
    assert np.std(net.W_rc) * np.sqrt(n) == pytest.approx(gain, rel=0.05)
    assert np.std(net.W_ri) == pytest.approx(1.0, rel=0.25)
    twice = plotting.gradient_decay_network(2 * gain, n_hidden=n, seed=3)
    assert np.allclose(twice.W_rc, 2 * net.W_rc) and np.allclose(twice.W_ri, net.W_ri)
    with pytest.raises(ValueError, match="n_hidden"):
        plotting.gradient_decay_network(gain, n_hidden=10 ** 4 + 1)


def test_fpm_sweeps_draws_the_seed_mean_and_stars_the_marked_size(styled):
    from rnnbook.contractive import ContractiveCoder
    from rnnbook.fpm import fpm_sweep

    ngram, vlmm = sweeps()
    rng = np.random.default_rng(0)
    train, valid, test = (rng.integers(0, 3, n) for n in (400, 80, 80))
    runs = [fpm_sweep(train, valid, test, ContractiveCoder(3, 0.5), [2, 4, 8], seed=s,
                      alphas=(0.1, 1.0)) for s in (0, 1)]
    size = np.mean([r.n_contexts for r in runs], axis=0)
    nll = np.mean([r.test_nll for r in runs], axis=0)
    fig = plotting.plot_fpm_sweeps(ngram, vlmm, {"A": runs, "B": runs[:1]}, marked=("A", 2))
    ax = fig.axes[0]
    line, = [ln for ln in ax.lines if ln.get_label() == "A (2 seeds)"]
    assert np.allclose(line.get_xydata(), np.c_[size, nll])
    star, = [ln for ln in ax.lines if ln.get_label() == "this size"]
    assert np.allclose(star.get_xydata(), [[size[2], nll[2]]])
    fig = plotting.plot_fpm_sweeps(ngram, vlmm, {"A": runs})
    assert not [ln for ln in fig.axes[0].lines if ln.get_label() == "this size"]


def test_code_cloud_shows_the_unit_square_alike_on_both_axes(styled):
    codes = np.random.default_rng(1).random((50, 2))
    fig = plotting.plot_code_cloud(codes)
    ax = fig.axes[0]
    assert ax.get_xlim() == ax.get_ylim()
    lo, hi = ax.get_xlim()
    assert lo < 0 and hi > 1


def all_text(fig):
    return " ".join(t.get_text() for t in fig.findobj(mpl.text.Text))


def test_chaos_game_k_is_open_unit_and_overlap_is_named(styled):
    sources = {"iid": (np.random.default_rng(2).integers(0, 4, 400), "abcd")}
    for k in (1.0, 1.5):
        with pytest.raises(ValueError, match="k"):
            plotting.plot_chaos_game(k, "iid", sources=sources, n_points=300, washout=5)
    over = plotting.plot_chaos_game(0.7, "iid", sources=sources, n_points=300, washout=5)
    assert "(maps overlap)" in all_text(over)
    for k in (0.5, 0.3):
        fig = plotting.plot_chaos_game(k, "iid", sources=sources, n_points=300, washout=5)
        assert "(maps overlap)" not in all_text(fig)


# ---- issue 16: behaviour the mutants of plotting exposed, and the 2-symbol FPM bug
def inside(inner, outer, slack=0.5):
    """Whether the display box ``inner`` lies in ``outer`` (to ``slack`` pixels)."""
    return (inner.x0 >= outer.x0 - slack and inner.x1 <= outer.x1 + slack
            and inner.y0 >= outer.y0 - slack and inner.y1 <= outer.y1 + slack)


def test_style_lays_out_figures_and_keeps_them_plain(styled):
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    fig, ax = plt.subplots()
    line, = ax.plot([0, 1], [1, 0], label="a line")
    ax.legend()
    # constrained layout: labels never overlap the neighbouring panel or fall off the figure
    assert isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    # series take the palette's colours in its order; a light grid, no box around
    assert mpl.colors.same_color(line.get_color(), plotting.PALETTE[0])
    assert all(g.get_visible() for g in ax.xaxis.get_gridlines())
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.spines["left"].get_visible() and ax.spines["bottom"].get_visible()
    assert not ax.get_legend().get_frame_on()
    assert fig.dpi == 100 and mpl.rcParams["savefig.dpi"] == 100
    assert tuple(fig.get_size_inches()) == (6.4, 3.6)
    assert mpl.rcParams["svg.hashsalt"] == "rnnbook"      # reproducible SVG ids


def test_trajectory_labels_each_state_and_arrows_join_the_states(styled):
    states = np.array([[0.1, 0.2, 0.9], [0.4, 0.3, 0.5], [0.6, 0.8, 0.1]])
    x0 = np.array([0.5, 0.5, 0.5])
    fig = plotting.plot_trajectory(states, list("abc"), x0=x0, dims=(2, 0))
    ax = fig.axes[0]
    path = np.vstack([x0, states])[:, [2, 0]]            # the drawn coordinates
    notes = [t for t in ax.texts if isinstance(t, mpl.text.Annotation)]
    assert [t.get_text() for t in notes] == ["a", "b", "c"]
    assert np.allclose([t.xy for t in notes], path[1:])  # each label at the state it reached
    arrows, = ax.collections
    assert np.allclose(arrows.get_offsets(), path[:-1])
    assert np.allclose(np.c_[arrows.U, arrows.V], np.diff(path, axis=0))
    square, = [ln for ln in ax.lines if ln.get_label() == "$x(0)$"]
    assert np.allclose(square.get_xydata(), [path[0]]) and square.get_marker() == "s"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_3$", "$x_1$")
    assert ax.get_xlim() == ax.get_ylim() == (0.0, 1.0)
    # without x0 the labels sit on the states themselves, and no legend is drawn
    fig = plotting.plot_trajectory(states, list("abc"), limits=None)
    ax = fig.axes[0]
    assert np.allclose([t.xy for t in ax.texts], states[:, :2])
    assert ax.get_legend() is None
    with pytest.raises(ValueError, match="states is empty: nothing to draw"):
        plotting.plot_trajectory(np.zeros((0, 2)))


def test_noisy_cobweb_steps_up_to_the_map_and_across_to_the_diagonal(styled):
    from rnnbook import RNN

    w, w_in, bias = 2.0, 1.5, 0.1
    latch = RNN(np.array([[w_in]]), np.array([[w]]), t_r=np.array([bias]),
                hidden_activation="tanh")
    inputs = np.array([[0.0], [1.0], [-1.0], [0.5]])
    x0 = -0.3
    fig = plotting.plot_noisy_cobweb(latch, inputs, x0, show_inputs=(0.0, 1.0))
    ax = fig.axes[0]
    states = [x0]
    for u in inputs[:, 0]:
        states.append(math.tanh(w_in * u + bias + w * states[-1]))
    run, = [ln for ln in ax.lines if ln.get_label() == "the run"]
    want = [(x0, x0)]
    for before, after in zip(states[:-1], states[1:]):
        want += [(before, after), (after, after)]
    assert np.allclose(run.get_xydata(), want)
    # the reference maps, and the square view of [-1, 1] on both axes
    for u in (0.0, 1.0):
        curve, = [ln for ln in ax.lines if ln.get_label() == f"map for $u = {u:g}$"]
        x, y = curve.get_xydata().T
        assert x[0] == -1.0 and x[-1] == 1.0
        assert np.allclose(y, np.tanh(w_in * u + bias + w * x))
    assert ax.get_xlim() == ax.get_ylim()
    assert ax.get_xlim()[0] < -1.0 < 1.0 < ax.get_xlim()[1] < 1.1
    # the band where |w| (1 - x^2) > 1: |x| < sqrt(1 - 1/w)
    band, = ax.collections
    y = band.get_paths()[0].vertices[:, 1]
    edge = math.sqrt(1 - 1 / w)
    assert y.min() == pytest.approx(-edge, abs=0.01) and y.max() == pytest.approx(edge, abs=0.01)
    weak = RNN(np.array([[w_in]]), np.array([[0.5]]), hidden_activation="tanh")
    assert not plotting.plot_noisy_cobweb(weak, inputs, x0).axes[0].collections


def test_chaos_game_refuses_k_with_its_own_range_and_counts_boxes(styled):
    rng = np.random.default_rng(3)
    symbols = rng.integers(0, 3, 3000)
    sources = {"three": (symbols, "abcd")}
    for k in (1.0, 1.5):
        with pytest.raises(ValueError, match=r"k must lie in \(0, 1\); got 1\.?5?"):
            plotting.plot_chaos_game(k, sources=sources, n_points=500)
    fig = plotting.plot_chaos_game(0.4, sources=sources, n_points=2000, washout=20)
    left, right = fig.axes
    assert fig._suptitle.get_text() == "three: k = 0.40"
    # the codes by their recursion from the centre, after the washout
    x = np.array([0.5, 0.5])
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    codes = []
    for s in symbols[:2020]:
        x = 0.4 * x + 0.6 * corners[s]
        codes.append(x)
    codes = np.array(codes[20:])
    counts = [len({tuple(c) for c in np.floor(codes * 2 ** j).astype(int)})
              for j in range(1, 11)]
    occupied, = [ln for ln in right.lines if ln.get_label() == "occupied boxes"]
    assert np.allclose(occupied.get_xydata(), np.c_[np.arange(1, 11), np.log2(counts)])
    # the similarity dimension of the three maps used: log 3 / log(1/k)
    theory = math.log(3) / math.log(1 / 0.4)
    dashed, = [ln for ln in right.lines if ln.get_label().startswith("slope log 3")]
    assert dashed.get_label() == f"slope log 3 / log(1/k) = {theory:.3f}"
    assert np.allclose(np.diff(dashed.get_ydata()), theory)
    legend = [t.get_text() for t in right.get_legend().get_texts()]
    assert legend[0] == "occupied boxes" and legend[1].startswith("fit $j$ = 4..8: slope ")
    assert "2,000 points" in [t.get_text() for t in right.texts]
    image, = left.images
    assert image.get_array().shape[:2] == (256, 256)
    # above k = log 3 / log 2 ... the cap: 4 maps at k = 0.7 have dimension 2 at most
    four = {"four": (rng.integers(0, 4, 3000), "abcd")}
    fig = plotting.plot_chaos_game(0.7, sources=four, n_points=500)
    assert any(ln.get_label() == "slope log 4 / log(1/k) = 2.000 (capped)"
               for ln in fig.axes[1].lines)


def test_scale_scan_draws_both_rates_the_baseline_and_the_choice(styled):
    from rnnbook.lsm import ScaleScan

    scan = ScaleScan(np.array([0.25, 0.5, 1.0, 2.0]), np.array([3.0, 5.0, 9.0, 30.0]),
                     np.array([0.0, 0.2, 0.5, 40.0]), 2.5)
    fig = plotting.plot_scale_scan(scan, chosen=1.0)
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.lines}
    assert np.allclose(lines["during the input"].get_xydata(), np.c_[scan.scales, scan.during])
    assert np.allclose(lines["100-300 ms after the input"].get_xydata(),
                       np.c_[scan.scales, scan.after])
    assert np.allclose(lines["input only (no recurrent synapses)"].get_ydata(), 2.5)
    assert np.allclose(lines["chosen: 1"].get_xdata(), 1.0)
    assert ax.get_xscale() == "log"
    colours = [mpl.colors.to_hex(ln.get_color()) for ln in lines.values()]
    assert len(set(colours)) == 4                       # every series its own colour
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(lines)
    assert "chosen: 1" not in [ln.get_label()
                               for ln in plotting.plot_scale_scan(scan).axes[0].lines]


def test_free_run_counts_time_from_start_and_draws_each_series(styled):
    truth, prediction, one_step = np.sin(np.arange(6.0)), np.cos(np.arange(6.0)), np.ones(6)
    ax = plotting.plot_free_run(truth, prediction).axes[0]
    assert [ln.get_label() for ln in ax.lines] == ["truth", "free run"]
    assert np.array_equal(ax.lines[0].get_xdata(), np.arange(6))
    ax = plotting.plot_free_run(truth, prediction, start=10, one_step=one_step,
                                title="t", ylabel="$z$").axes[0]
    lines = {ln.get_label(): ln.get_xydata() for ln in ax.lines}
    t = np.arange(10, 16)
    assert np.allclose(lines["truth"], np.c_[t, truth])
    assert np.allclose(lines["one step ahead"], np.c_[t, one_step])
    assert np.allclose(lines["free run"], np.c_[t, prediction])
    assert (ax.get_title(), ax.get_ylabel(), ax.get_xlabel()) == ("t", "$z$", "$t$")
    with pytest.raises(ValueError, match="truth is empty"):
        plotting.plot_free_run([], [])


def test_segment_accuracy_shades_the_segments_of_the_default_length(styled):
    from rnnbook import lsm

    length = inspect.signature(lsm.segment_templates).parameters["length"].default
    times = np.array([100.0, 400.0, 700.0])
    accuracy = np.array([[0.5, 0.9, 1.0], [0.55, 0.6, 0.95], [0.5, 0.5, 0.7]])
    readouts = lsm.SegmentReadouts(times, accuracy, None, None, 0)
    ax = plotting.plot_segment_accuracy(readouts).axes[0]
    for k in range(3):
        line, = [ln for ln in ax.lines if ln.get_label() == f"segment {k + 1}"]
        assert np.allclose(line.get_xydata(), np.c_[times, accuracy[:, k]])
    assert [(p.get_x(), p.get_x() + p.get_width()) for p in ax.patches] == [
        (k * length, (k + 1) * length) for k in range(3)]
    assert ax.get_xlim() == (0.0, 3 * length)
    low, high = ax.get_ylim()
    assert low < 0.5 and 1.0 < high <= 1.05                  # chance level to perfect
    chance, = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert np.allclose(chance.get_ydata(), 0.5)


def test_state_cloud_colours_each_point_by_its_symbol(styled):
    rng = np.random.default_rng(7)
    states, symbols = rng.random((40, 3)), rng.integers(0, 3, 40)
    ax = plotting.plot_state_cloud(states, symbols, "xyz", dims=(2, 1), title="c").axes[0]
    for k, dots in enumerate(ax.collections):
        assert np.allclose(dots.get_offsets(), states[symbols == k][:, [2, 1]])
        assert mpl.colors.same_color(dots.get_facecolor()[0][:3], plotting.PALETTE[k])
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("$x_3(t)$", "$x_2(t)$", "c")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "last symbol x", "last symbol y", "last symbol z"]


def test_unit_traces_one_panel_per_setting_with_the_input_in_grey(styled):
    rng = np.random.default_rng(8)
    traces = {name: rng.random((20, 5)) for name in ("a", "b", "c")}
    u = rng.random(20)
    fig = plotting.plot_unit_traces(traces, u, n_units=3, title="units")
    assert fig._suptitle.get_text() == "units"
    panels = [ax for ax in fig.axes if ax.lines]
    assert [ax.get_title() for ax in panels] == ["a", "b", "c"]
    for ax, states in zip(panels, traces.values()):
        grey, *units = ax.lines
        assert np.allclose(grey.get_ydata(), u) and grey.get_label() == "input"
        assert len(units) == 3
        for j, line in enumerate(units):
            assert np.allclose(line.get_ydata(), states[:, j])
    assert len(fig.axes) == 4                               # two columns, two rows
    assert [ax.get_xlabel() for ax in fig.axes] == ["", "", "$t$", "$t$"]
    assert [ax.get_ylabel() for ax in fig.axes] == ["$x_i(t)$", "", "$x_i(t)$", ""]
    assert plotting.plot_unit_traces({"a": traces["a"]})._suptitle is None


@pytest.mark.parametrize("width, drawn", [(2, 2), (3, 3), (6, 4)])
def test_unit_traces_by_default_draw_four_units_or_all_of_fewer(styled, width, drawn):
    states = np.random.default_rng(9).random((10, width))
    fig = plotting.plot_unit_traces({"a": states})
    (ax,) = [ax for ax in fig.axes if ax.lines]
    assert len(ax.lines) == drawn
    for j, line in enumerate(ax.lines):
        assert np.allclose(line.get_ydata(), states[:, j])
    with pytest.raises(ValueError, match="n_units"):
        plotting.plot_unit_traces({"a": states}, n_units=width + 1)


def test_echo_distances_on_a_log_scale_from_step_one(styled):
    distances = {0.5: np.array([1.0, 0.1, 0.0]), 1.5: np.array([1.0, 2.0, 3.0])}
    ax = plotting.plot_echo_distances(distances).axes[0]
    first, second = ax.lines
    assert np.allclose(first.get_xydata(), [[1, 1.0], [2, 0.1], [3, 1e-17]])  # 0 drawn low
    assert np.allclose(second.get_xydata(), np.c_[[1, 2, 3], [1.0, 2.0, 3.0]])
    assert [first.get_label(), second.get_label()] == ["0.5", "1.5"]
    assert ax.get_yscale() == "log"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("time step $t$", r"$\|x_a(t) - x_b(t)\|$")
    assert ax.get_title() == "Two initial states, one input"
    assert ax.get_legend().get_title().get_text() == "spectral radius"
    assert plotting.plot_echo_distances(distances, title="T").axes[0].get_title() == "T"


def test_raster_puts_excitatory_rows_below_inhibitory_and_the_input_on_top(styled):
    from rnnbook.lsm import LiquidRun, liquid_network

    network = liquid_network((3, 2, 2), seed=0)
    n = network.n_neurons
    inhibitory = np.asarray(network.inhibitory)
    assert 0 < inhibitory.sum() < n
    neuron = np.arange(n)
    run = LiquidRun(trial=np.zeros(n, int), step=np.arange(n) * 2, neuron=neuron,
                    states=None, sample_steps=np.arange(1), dt=0.5, n_steps=40, n_trials=1)
    ax = plotting.plot_raster(run, network, input_times=[1.0, 3.0], title="T").axes[0]
    lines = {ln.get_label(): ln.get_xydata() for ln in ax.lines}
    n_exc = int((~inhibitory).sum())
    exc, inh = lines["excitatory"], lines["inhibitory"]
    assert np.allclose(exc[:, 0], neuron[~inhibitory])           # spike at 2 * 0.5 * j ms
    assert sorted(exc[:, 1]) == list(range(n_exc))               # rows 0 .. n_exc - 1
    assert sorted(inh[:, 1]) == list(range(n_exc, n))
    assert np.allclose(lines["input"], [[1.0, n + 5], [3.0, n + 5]])
    assert ax.get_xlim() == (0.0, 20.0)
    low, high = ax.get_ylim()
    assert low < 0 and n + 5 < high
    assert ax.get_title(loc="left") == "T"
    assert "input" not in [ln.get_label() for ln in
                           plotting.plot_raster(run, network).axes[0].lines]


def test_scale_dynamics_ends_each_run_where_the_rotation_network_goes(styled):
    scale, angle, n_steps = 5.0, 0.6, 7
    fig = plotting.plot_scale_dynamics(scale, angle, n_steps)
    left, right = fig.axes
    c, s = math.cos(angle), math.sin(angle)
    W = scale * np.array([[c, -s], [s, c]])
    for k, x in enumerate(plotting.EXPLORER_STARTS):
        path = [np.asarray(x)]
        for _ in range(n_steps):
            path.append(1 / (1 + np.exp(-(W @ (path[-1] - 0.5)))))
        start, end = [ln for ln in left.lines if ln.get_marker() in "so"][2 * k:2 * k + 2]
        assert np.allclose(start.get_xydata(), [path[0]])
        assert np.allclose(end.get_xydata(), [path[-1]])
    assert right.get_title().endswith(f"scale/4 = {scale / 4:.2f}")
    assert len(right.lines) == 2
    assert left.get_xlim() == left.get_ylim() == (0.0, 1.0)
    assert fig._suptitle.get_text().startswith("scale 5, angle 0.6 rad: the state ")


def lstm_forget_gates(net, u, hidden):
    """The forget gate of every step of an LSTM run from zero, by its equations."""
    h, c, gates = np.zeros(hidden), np.zeros(hidden), []
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    for u_t in u:
        a = net.W_ri @ u_t + net.t_r + net.W_rc @ h
        i, f = sig(a[:hidden]), sig(a[hidden:2 * hidden])
        g, o = np.tanh(a[2 * hidden:3 * hidden]), sig(a[3 * hidden:])
        c = f * c + i * g
        h = o * np.tanh(c)
        gates.append(f)
    return np.array(gates)


def test_forget_bias_draws_the_mean_forget_gate_to_the_power_of_the_lag(styled):
    from rnnbook.lstm import LSTM

    ax = plotting.plot_forget_bias(2.0, n_hidden=4, seed=3).axes[0]   # 100 steps by default
    net = LSTM.random(1, 4, 1, forget_bias=2.0, weight_scale=0.1, seed=3)
    u = np.random.default_rng(4).normal(0.0, 0.5, size=(100, 1))
    mean_f = lstm_forget_gates(net, u, 4).mean()
    measured, rate = ax.lines
    lags = np.arange(1, 101)
    assert np.array_equal(measured.get_xdata(), lags)
    assert np.allclose(rate.get_xydata(), np.c_[lags, mean_f ** lags])
    assert rate.get_label() == f"mean forget gate$^k$ (mean f = {mean_f:.3f})"
    assert ax.get_title() == "untrained LSTM, forget-gate bias 2"
    assert ax.get_yscale() == "log" and ax.get_ylim() == pytest.approx((1e-12, 10))


def test_gradient_decay_fits_a_line_through_the_log_norms(styled):
    ax = plotting.plot_gradient_decay(0.8, noise=0.2, n_hidden=12).axes[0]   # 60 lags
    measured, fit = ax.lines
    lags, norms = measured.get_xydata().T
    assert np.array_equal(lags, np.arange(1, 61))
    slope, intercept = np.polyfit(lags, np.log(norms), 1)
    assert np.allclose(fit.get_ydata(), np.exp(intercept + slope * lags))
    assert fit.get_label() == f"fit: slope {slope:.3f}, factor {np.exp(slope):.3f} per step"
    assert ax.get_title() == "12 tanh units, gain 0.8, input noise 0.2"
    assert ax.get_yscale() == "log"
    # the norms are those of the function that computes them
    assert np.allclose(norms, plotting.gradient_decay_norms(0.8, 0.2, 60, 12))


def test_code_cloud_draws_the_square_the_grid_and_the_symbols_at_their_corners(styled):
    from rnnbook.contractive import ContractiveCoder

    coder = ContractiveCoder(4, 0.5)
    symbols = np.random.default_rng(2).integers(0, 4, 200)
    codes = coder.code(symbols)
    ax = plotting.plot_code_cloud(codes, symbols, "abcd", corners=coder.corners,
                                  grid_level=2, title="T").axes[0]
    dots, = ax.collections
    assert np.allclose(dots.get_offsets(), codes)
    assert [mpl.colors.to_hex(c) for c in dots.get_facecolor()] == [
        plotting.PALETTE[s].lower() for s in symbols]
    outline, = [ln for ln in ax.lines if ln.get_zorder() == 0.5]
    assert np.allclose(outline.get_xydata(), [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])
    grid = [ln.get_xydata() for ln in ax.lines if ln.get_zorder() == 1.5]
    assert len(grid) == 6                                   # 3 vertical, 3 horizontal
    for j in (1, 2, 3):
        assert any(np.allclose(xy, [[j / 4, 0], [j / 4, 1]]) for xy in grid)
        assert any(np.allclose(xy, [[0, j / 4], [1, j / 4]]) for xy in grid)
    widths = sorted(ln.get_linewidth() for ln in ax.lines if ln.get_zorder() == 1.5)
    assert widths[-2:] == [1.0, 1.0] and widths[0] == 0.5  # the middle lines heavier
    for name, (cx, cy), text in zip("abcd", coder.corners, ax.texts):
        assert text.get_text() == name
        x, y = text.get_position()                          # just outside its corner
        assert (x - cx, y - cy) == pytest.approx((0.05 if cx else -0.05, 0.05 if cy else -0.05))
        assert mpl.colors.same_color(text.get_color(), plotting.PALETTE["abcd".index(name)])
    assert ax.get_xlim() == ax.get_ylim() == pytest.approx((-0.1, 1.1))
    assert ax.get_title() == "T"
    # black, without colour; boxes instead of dots
    ax = plotting.plot_code_cloud(codes, symbols, "abcd", corners=coder.corners,
                                  colour=False, resolution=4).axes[0]
    image, = ax.images
    cells = np.zeros((4, 4), bool)
    cells[np.minimum((codes[:, 1] * 4).astype(int), 3),
          np.minimum((codes[:, 0] * 4).astype(int), 3)] = True
    assert np.array_equal(image.get_array()[..., 3] > 0, cells)
    assert all(mpl.colors.same_color(t.get_color(), "black") for t in ax.texts)


def nearest_rows(points, codebook):
    """Index of the nearest codebook vector of each point, by brute force."""
    return np.argmin(((points[:, None, :] - codebook[None]) ** 2).sum(axis=2), axis=1)


def test_fpm_contexts_draws_a_two_symbol_code_on_a_line(styled):
    """Two symbols: the codes are numbers in [0, 1] (x(t) = k x(t-1) + (1 - k) s(t)),
    drawn on a line, coloured by their nearest codebook vector."""
    train = np.random.default_rng(9).integers(0, 2, 300)
    fig = plotting.plot_fpm_contexts(3, train=train, alphabet="ab", k=0.4, n_points=50)
    ax = fig.axes[0]
    x, codes = 0.5, []
    for s in train[:-1]:                   # the history before each next symbol
        x = 0.4 * x + 0.6 * s
        codes.append(x)
    codes = np.array(codes)
    shown = codes[np.linspace(0, codes.size - 1, 50).astype(int)]
    dots, = ax.collections
    assert np.allclose(dots.get_offsets(), np.c_[shown, np.zeros(50)])
    codebook, = [ln for ln in ax.lines if ln.get_marker() == "+"]
    centres = codebook.get_xdata()
    assert len(centres) == 3 and np.allclose(codebook.get_ydata(), 0.0)
    rows = nearest_rows(shown[:, None], np.asarray(centres)[:, None])
    assert [mpl.colors.to_hex(c) for c in dots.get_facecolor()] == [
        plotting.PALETTE[r].lower() for r in rows]
    # the symbols above their ends of the line, which is shown whole
    assert [(t.get_text(), t.get_position()[0]) for t in ax.texts] == [("a", 0.0), ("b", 1.0)]
    assert all(0 < t.get_position()[1] < ax.get_ylim()[1] for t in ax.texts)
    low, high = ax.get_xlim()
    assert low < 0 and high > 1 and low == pytest.approx(-(high - 1))
    assert ax.get_yticks().size == 0 and ax.get_xlabel() == "code $x$"
    assert fig._suptitle.get_text() == "fractal prediction machine, k = 0.4, M = 3"


def test_fpm_contexts_of_a_periodic_sequence_share_all_their_memory(styled):
    """In 'abcabc...' the histories that gather in one context after the first steps
    share a suffix as long as the comparison goes: 20 symbols, the last bar."""
    train = np.tile([0, 1, 2], 200)
    fig = plotting.plot_fpm_contexts(3, train=train, alphabet="abc")
    memory = fig.axes[1]
    heights = [p.get_height() for p in memory.patches]
    assert len(heights) == 21                               # lengths 0 .. 20
    assert heights[-1] >= 1 and sum(heights) == 3
    assert memory.get_title() == "memory of the contexts"
    # in the plane: each code coloured by its nearest codebook vector
    ax = fig.axes[0]
    dots, = ax.collections
    codebook, = [ln for ln in ax.lines if ln.get_marker() == "+"]
    rows = nearest_rows(dots.get_offsets(), codebook.get_xydata())
    assert [mpl.colors.to_hex(c) for c in dots.get_facecolor()] == [
        plotting.PALETTE[r].lower() for r in rows]
    assert ax.get_xlim() == ax.get_ylim() and ax.get_title() == "3 contexts (+: codebook)"


def test_fpm_contexts_with_sweeps_stars_the_nearest_size(styled):
    from rnnbook.contractive import ContractiveCoder
    from rnnbook.fpm import fpm_sweep

    ngram, vlmm = sweeps()
    rng = np.random.default_rng(0)
    train, valid, test = (rng.integers(0, 3, n) for n in (400, 80, 80))
    machine = fpm_sweep(train, valid, test, ContractiveCoder(3, 0.5), [2, 4, 16], seed=0,
                        alphas=(0.1, 1.0))
    family = {"n-gram": ngram, "VLMM": vlmm, "FPM": [machine]}
    fig = plotting.plot_fpm_contexts(5, train=train, alphabet="abc", sweeps=family,
                                     label="FPM")
    assert len(fig.axes) == 3
    third = fig.axes[2]
    star, = [ln for ln in third.lines if ln.get_label() == "this size"]
    assert np.allclose(star.get_xydata(), [[machine.n_contexts[1], machine.test_nll[1]]])
    assert "FPM (1 seeds)" in [t.get_text() for t in third.get_legend().get_texts()]
    fig = plotting.plot_fpm_contexts(5, train=train, alphabet="abc", sweeps=family)
    assert not [ln for ln in fig.axes[2].lines if ln.get_label() == "this size"]
    with pytest.raises(ValueError, match="label must be a key of sweeps"):
        plotting.plot_fpm_contexts(5, train=train, alphabet="abc", label="FPM")
    with pytest.raises(TypeError, match='sweeps must be a dict with keys "n-gram", "VLMM"'):
        plotting.plot_fpm_contexts(5, train=train, alphabet="abc", sweeps={"FPM": [machine]})


def test_memory_curves_one_line_per_reservoir_with_its_total(styled):
    from rnnbook.esn import MemoryCapacity

    curves = {"a": MemoryCapacity(np.arange(1, 4), np.array([0.9, 0.5, 0.1]), 1.5),
              "b": MemoryCapacity(np.arange(1, 4), np.array([1.0, 1.0, 0.2]), 2.2)}
    ax = plotting.plot_memory_curves(curves).axes[0]
    assert [ln.get_label() for ln in ax.lines] == ["a: total 1.50", "b: total 2.20"]
    for line, mc in zip(ax.lines, curves.values()):
        assert np.allclose(line.get_xydata(), np.c_[mc.delays, mc.mc_k])
    low, high = ax.get_ylim()
    assert low < 0 and 1 < high <= 1.1
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("delay $k$", "$MC_k$")
    assert ax.get_title() == "How well the state recalls the input $k$ steps back"
    with pytest.raises(TypeError, match="curves must map labels to MemoryCapacity"):
        plotting.plot_memory_curves({"a": np.zeros(3)})


def test_orbit_diagram_draws_every_long_run_state_at_its_weight(styled):
    weights = np.array([1.0, 2.0, 3.0])
    orbits = np.random.default_rng(1).random((2, 4, 3))
    ax = plotting.plot_orbit_diagram(weights, orbits, start_labels=["low", "high"],
                                     title="T").axes[0]
    dots = [ln for ln in ax.lines if ln.get_marker() == "."]
    for orbit, line in zip(orbits, dots):
        got = sorted(map(tuple, line.get_xydata()))
        want = sorted((weights[j], orbit[i, j]) for i in range(4) for j in range(3))
        assert np.allclose(got, want)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["low", "high"]
    assert ax.get_ylabel() == "long-run states $x$" and ax.get_title() == "T"
    low, high = ax.get_ylim()
    assert -0.05 < low < 0 and 1 < high < 1.05
    with pytest.raises(ValueError, match=r"start_labels must hold one label per initial "
                                         r"condition \(2\); got 4"):
        plotting.plot_orbit_diagram(weights, orbits, start_labels=list("abcd"))


def test_nll_vs_contexts_rings_the_chosen_models_and_labels_the_orders(styled):
    ngram, vlmm = sweeps()
    ax = plotting.plot_nll_vs_contexts(ngram, vlmm, marked=2, title="T").axes[0]
    lines = {ln.get_label(): ln for ln in ax.lines}
    assert np.allclose(lines["n-grams (labels: order)"].get_xydata(),
                       np.c_[ngram.n_contexts, ngram.test_nll])
    order = np.argsort(vlmm.n_contexts, kind="stable")
    assert np.allclose(lines["VLMMs (one per threshold)"].get_xydata(),
                       np.c_[vlmm.n_contexts[order], vlmm.test_nll[order]])
    for name, sweep in (("n-gram", ngram), ("VLMM", vlmm)):
        b = int(np.argmin(sweep.valid_nll))                # chosen on validation data
        ring = lines[f"{name} chosen on validation"]
        assert np.allclose(ring.get_xydata(), [[sweep.n_contexts[b], sweep.test_nll[b]]])
    assert np.allclose(lines["this threshold"].get_xydata(),
                       [[vlmm.n_contexts[2], vlmm.test_nll[2]]])
    assert [t.get_text() for t in ax.texts] == ["0", "1", "2"]
    assert [t.xy for t in ax.texts] == list(zip(ngram.n_contexts, ngram.test_nll))
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    assert ax.get_title() == "T" and ax.get_legend() is not None
    ax = plotting.plot_nll_vs_contexts(ngram, vlmm, legend=False, log_nll=True).axes[0]
    assert ax.get_legend() is None and ax.get_yscale() == "log"
    assert "this threshold" not in [ln.get_label() for ln in ax.lines]


def test_nll_vs_contexts_labels_at_most_eight_orders(styled):
    from rnnbook.markov import ngram_sweep

    rng = np.random.default_rng(0)
    train, valid, test = (rng.integers(0, 2, n) for n in (2000, 200, 200))
    many = ngram_sweep(train, valid, test, 2, list(range(18)), alphas=(1.0,))
    _, vlmm = sweeps()
    ax = plotting.plot_nll_vs_contexts(many, vlmm).axes[0]
    # every third order (18 / 8 rounded up): 0, 3, ..., 15
    assert [t.get_text() for t in ax.texts] == [str(k) for k in range(0, 18, 3)]


def test_separation_draws_the_noise_floor_dashed_and_shades_the_window(styled):
    from rnnbook.lsm import Separation

    times = np.arange(0.0, 301.0, 50.0)
    curves = np.array([np.full(7, 0.1), np.linspace(0.1, 1.0, 7), np.linspace(0.5, 2.0, 7)])
    sep = Separation(np.array([0.0, 0.1, 0.2]), times, curves, None)
    ax = plotting.plot_separation(sep, window=(50.0, 250.0)).axes[0]
    assert [ln.get_label() for ln in ax.lines] == ["d = 0 (noise floor)", "d(u, v) = 0.1",
                                                   "d(u, v) = 0.2"]
    for line, curve in zip(ax.lines, curves):
        assert np.allclose(line.get_xydata(), np.c_[times, curve])
    assert ax.lines[0].get_linestyle() == "--"
    assert mpl.colors.same_color(ax.lines[0].get_color(), "0.4")
    assert all(ln.get_linestyle() == "-" for ln in ax.lines[1:])
    span, = ax.patches
    assert (span.get_x(), span.get_x() + span.get_width()) == (50.0, 250.0)
    assert ax.get_xlim() == (0.0, 300.0)
    with pytest.raises(ValueError, match=r"window must be \(start, stop\) ms with "
                                         r"0 <= start < stop <= 300"):
        plotting.plot_separation(sep, window=(100.0, 400.0))


def test_liquid_activity_rate_counts_the_spikes_of_the_raster(styled):
    from rnnbook import lsm

    network = lsm.liquid_network((3, 2, 2), seed=0)
    inputs = np.zeros((400, 1))
    inputs[10:200:7, 0] = 1.0
    fig = plotting.plot_liquid_activity(2.0, network=network, inputs=inputs,
                                        input_times=[1.0, 4.5], dynamic=True, seed=1)
    top, bottom = fig.axes
    assert top.get_title(loc="left") == "dynamic synapses, amplitudes x 2"
    spikes = np.concatenate([ln.get_xdata() for ln in top.lines
                             if ln.get_label() in ("excitatory", "inhibitory")])
    assert spikes.size > 0
    duration = 400 * lsm.Liquid(network).dt                      # 400 steps
    assert top.get_xlim() == (0.0, duration)
    rate, = bottom.lines
    counts, _ = np.histogram(spikes, np.arange(0.0, duration + 5.0, 5.0))
    assert np.allclose(rate.get_xydata(),
                       np.c_[np.arange(2.5, duration + 2.5, 5.0), counts / 12 / 0.005])
    assert bottom.get_ylim()[0] == 0 and bottom.get_ylabel() == "rate (Hz)"
    assert top.get_xlabel() == "" and bottom.get_xlabel() == "time (ms)"
    static = plotting.plot_liquid_activity(2.0, network=network, inputs=inputs,
                                           input_times=[1.0], seed=1)
    assert static.axes[0].get_title(loc="left") == "static synapses, amplitudes x 2"


def test_frame_player_shows_one_frame_per_value_from_the_start_frame():
    import base64
    import io
    import re

    from PIL import Image

    def draw(value, colour="k"):
        fig, ax = plt.subplots(figsize=(2.0, 1.0))
        ax.plot([0, 1], [0, value if isinstance(value, float) else 1], color=colour)
        return fig

    html = plotting.frame_player(draw, [1.0, 2.5, "x"], param="value", start=1, dpi=20,
                                 colour="red").data
    frames = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    assert len(frames) == 1 + 3                     # the image shown, then the three frames
    for frame in frames:
        assert Image.open(io.BytesIO(base64.b64decode(frame))).size == (40, 20)
    assert frames[0] == frames[2]                   # the start frame is shown first
    assert 'labels = ["value = 1", "value = 2.5", "value = x"]' in html
    assert 'min="0" max="2" value="1"' in html and 'aria-label="value"' in html
    assert '<span id="' in html and ">value = 2.5</span>" in html
    assert plt.get_fignums() == []                  # every frame's figure closed
    with pytest.raises(ValueError, match=r"start must index values \(0 \.\. 2\); got 3"):
        plotting.frame_player(draw, [1.0, 2.5, "x"], param="value", start=3)


def test_principal_plane_keeps_the_two_widest_directions():
    rng = np.random.default_rng(5)
    # an elongated cloud: standard deviations 3, 2 and 0.1 along rotated axes
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    states = (rng.normal(size=(500, 3)) * [3.0, 2.0, 0.1]) @ q.T + [1.0, -2.0, 0.5]
    project = plotting.principal_plane(states)
    xy = project(states)
    assert np.allclose(xy.mean(axis=0), 0.0, atol=1e-12)
    cov = np.cov(xy.T)
    variances = np.sort(np.linalg.eigvalsh(np.cov(states.T)))[::-1]
    assert np.allclose(np.diag(cov), variances[:2]) and abs(cov[0, 1]) < 1e-9
    # lengths in the plane are kept: a shift along the widest direction
    mean = states.mean(axis=0)
    widest = np.linalg.eigh(np.cov(states.T))[1][:, -1]
    assert np.linalg.norm(project(mean + widest)) == pytest.approx(1.0)
    # the sign is fixed: each direction points towards increasing first coordinates
    assert np.all(project(mean + [1.0, 0.0, 0.0]) >= 0)
    assert project(states[:4]).shape == (4, 2) and project(states[0]).shape == (2,)


def test_rotation_network_holds_the_centre_and_stretches_by_a_quarter_scale():
    scale, angle = 3.0, 0.7
    net = plotting.rotation_network(scale, angle)
    assert net.n_inputs == 1 and net.n_hidden == 2 and np.all(net.W_ri == 0)
    centre = np.full(2, 0.5)
    drive = net.input_drive(np.zeros(1))
    assert np.allclose(net.transition(drive, centre), centre)
    eps = 1e-6
    jac = np.column_stack([(net.transition(drive, centre + eps * e)
                            - net.transition(drive, centre - eps * e)) / (2 * eps)
                           for e in np.eye(2)])
    c, s = math.cos(angle), math.sin(angle)
    assert np.allclose(jac, scale / 4 * np.array([[c, -s], [s, c]]), atol=1e-8)
    assert np.allclose(np.abs(np.linalg.eigvals(jac)), scale / 4)


def test_architectural_bias_titles_name_the_size_and_the_contraction_bound(styled):
    from rnnbook import RNN

    symbols = np.random.default_rng(5).integers(0, 3, 400)
    for scale in (0.5, 8.0):
        fig = plotting.plot_architectural_bias(scale, symbols=symbols, alphabet="abc",
                                               n_hidden=5, seed=2, max_length=3)
        net = RNN.random(3, 5, input_scale=2.0, recurrent_scale=scale, seed=2)
        bound = 0.25 * np.linalg.norm(net.W_rc, 2)             # max of sigmoid' is 1/4
        title = fig._suptitle.get_text()
        assert f"contraction bound $\\max\\sigma' \\, \\|W^{{RC}}\\|_2$ = {bound:.2f}" in title
        assert title.endswith("(a contraction)" if bound < 1 else "(not a contraction)")
        assert title.startswith(f"recurrent scale {scale:.3g}: ")
        left, right = fig.axes
        assert left.get_title() == "RNN states (5 units)"
        assert [ln.get_label() for ln in right.lines] == ["untrained RNN",
                                                          "contractive code, k = 1/2"]
        assert right.get_yscale() == "log"


def small_figures():
    """A figure of each plotting function that makes its own, from small inputs."""
    from rnnbook import RNN, lsm

    rng = np.random.default_rng(0)
    ngram, vlmm = sweeps()
    net = lsm.liquid_network((3, 2, 2), seed=0)
    run = lsm.LiquidRun(np.zeros(3, int), np.arange(3), np.arange(3), None, np.arange(1),
                        0.5, 10, 1)
    latch = RNN(np.array([[1.0]]), np.array([[2.0]]), hidden_activation="tanh")
    parity = RNN.random(2, 4, 1, seed=0)
    strings = [rng.integers(0, 2, n) for n in (3, 4, 5, 6)]
    yield "state_cloud", lambda: plotting.plot_state_cloud(rng.random((9, 2)),
                                                           rng.integers(0, 2, 9), "ab")
    yield "trajectory", lambda: plotting.plot_trajectory(rng.random((4, 2)), list("abcd"))
    yield "scale_dynamics", lambda: plotting.plot_scale_dynamics(n_steps=5)
    yield "next_symbol", lambda: plotting.plot_next_symbol_prediction(
        np.full((6, 2), 0.5), rng.integers(0, 2, 7), "ab")
    yield "extraction", lambda: plotting.plot_extraction(parity, strings, 2, n_clusters=3)
    yield "code_cloud", lambda: plotting.plot_code_cloud(rng.random((9, 2)))
    yield "chaos_game", lambda: plotting.plot_chaos_game(
        0.5, sources={"s": (rng.integers(0, 4, 400), "abcd")}, n_points=300)
    yield "architectural_bias", lambda: plotting.plot_architectural_bias(
        symbols=rng.integers(0, 2, 60), alphabet="ab", n_hidden=3, max_length=2, washout=5)
    yield "gradient_decay", lambda: plotting.plot_gradient_decay(n_steps=5, n_hidden=4)
    yield "forget_bias", lambda: plotting.plot_forget_bias(n_steps=5, n_hidden=2)
    yield "nll_vs_contexts", lambda: plotting.plot_nll_vs_contexts(ngram, vlmm)
    yield "vlmm_threshold", lambda: plotting.plot_vlmm_threshold(ngram, vlmm, 0.5)
    yield "echo_distances", lambda: plotting.plot_echo_distances({"a": np.ones(4)})
    yield "unit_traces", lambda: plotting.plot_unit_traces({"a": rng.random((5, 4)),
                                                            "b": rng.random((5, 4))})
    yield "free_run", lambda: plotting.plot_free_run(np.ones(4), np.zeros(4))
    yield "raster", lambda: plotting.plot_raster(run, net)
    yield "liquid_activity", lambda: plotting.plot_liquid_activity(
        network=net, inputs=np.zeros((20, 1)), input_times=[1.0])
    yield "fpm_contexts", lambda: plotting.plot_fpm_contexts(
        2, train=rng.integers(0, 3, 60), alphabet="abc", n_points=20)
    yield "noisy_cobweb", lambda: plotting.plot_noisy_cobweb(latch, np.zeros((3, 1)), 0.2)


@pytest.mark.parametrize("name, make", list(small_figures()), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_figures_fit_the_page_with_nothing_cut_off(styled, name, make):
    """At most 9.6 inches wide (the book shows figures at the width of its text
    column, and a wider figure would shrink its 8-point labels below legibility),
    landscape or square, and every text inside the figure."""
    fig = make()
    width, height = fig.get_size_inches()
    assert width <= 9.6 and height <= width * 1.05
    fig.canvas.draw()
    # the box around everything drawn: titles, labels, tick labels, legends, texts
    drawn = fig.get_tightbbox().transformed(fig.dpi_scale_trans)
    assert inside(drawn, fig.bbox, slack=2), name
