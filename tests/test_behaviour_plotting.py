"""Behaviour of :mod:`rnnbook.plotting`: the drawn artists against numbers computed here.

Each figure's data (image arrays, marker positions, bar heights, tick labels,
panel sizes) is checked against an independent computation from the inputs
or from the models it draws.
"""

from __future__ import annotations

import functools

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


def test_elman_drawing_has_three_trained_arrows_and_one_dashed_copy(styled):
    from matplotlib.patches import FancyArrowPatch

    fig = plotting.draw_elman_network(n_inputs=3, n_hidden=5, n_outputs=2)
    ax = fig.axes[0]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    dashed = [a for a in arrows if a.get_linestyle() != "-"]
    assert len(arrows) == 4 and len(dashed) == 1
    start, end = dashed[0]._posA_posB
    assert start[0] > 0.5 and end[1] < start[1]      # from X down to the context C
    texts = [t.get_text() for t in ax.texts]
    for label in ("output Y (2)", "recurrent X (5)", "input U (3)", "context C (5)",
                  "copy\n(delay 1)", "$W^{RI}$", "$W^{RC}$", "$W^{OR}$"):
        assert label in texts


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
