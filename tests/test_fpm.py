"""Tests of the fractal and neural prediction machines (rnnbook.fpm).

The reference n-gram is computed independently here, in plain Python
(dictionaries of counts, the longest observed suffix), and checked against
rnnbook.markov.fit_ngram as well; nearest codebook vectors are found by brute
force.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnnbook import RNN, fpm, markov
from rnnbook.contractive import ContractiveCoder
from rnnbook.core import StateSpaceModel
from rnnbook.sequences import one_hot
from rnnbook.validation import MAX_SIZE
from reference_models import reference_ngram


# --------------------------------------------------------------- references
def reference_proba(predict, symbols, before=()):
    history = list(before)
    rows = []
    for s in symbols:
        rows.append(predict(history))
        history.append(int(s))
    return np.array(rows)


def random_sequence(seed, length, n_symbols):
    return np.random.default_rng(seed).integers(0, n_symbols, length)


# --------------------------------------------------------------- grid FPM = n-gram
@given(n_symbols=st.integers(2, 6), level=st.integers(0, 4), seed=st.integers(0, 10_000),
       alpha=st.sampled_from([0.01, 0.3, 1.0, 7.0]), with_before=st.booleans())
def test_grid_fpm_equals_the_ngram(n_symbols, level, seed, alpha, with_before):
    train = random_sequence(seed, 400, n_symbols)
    test = random_sequence(seed + 1, 120, n_symbols)
    before = random_sequence(seed + 2, 3, n_symbols) if with_before else None
    grid = fpm.fit_grid_fpm(train, n_symbols, level, alpha=alpha)
    ngram = markov.fit_ngram(train, n_symbols, level, alpha=alpha)
    got = grid.predict_proba(test, before=before)
    want = ngram.predict_proba(test, before=before)
    assert np.max(np.abs(got - want)) <= 1e-9
    assert abs(grid.nll(test, before=before) - ngram.nll(test, before=before)) <= 1e-9
    assert grid.n_contexts == ngram.n_contexts


@pytest.mark.parametrize("level", [1, 2, 3, 5])
def test_grid_fpm_equals_a_plain_python_ngram(level):
    # a non-uniform source, so that some long contexts are never seen
    rng = np.random.default_rng(level)
    train = rng.choice(4, 3000, p=[0.55, 0.3, 0.1, 0.05])
    test = rng.choice(4, 300, p=[0.25, 0.25, 0.25, 0.25])
    grid = fpm.fit_grid_fpm(train, 4, level, alpha=0.5)
    _, predict = reference_ngram(train, 4, level, 0.5)
    assert np.max(np.abs(grid.predict_proba(test) - reference_proba(predict, test))) <= 1e-12
    before = train[-2:]
    assert np.max(np.abs(grid.predict_proba(test, before=before)
                         - reference_proba(predict, test, before))) <= 1e-12


def test_grid_state_space_view_matches_predict_proba():
    train, test = random_sequence(0, 800, 4), random_sequence(1, 60, 4)
    grid = fpm.fit_grid_fpm(train, 4, 3)
    assert isinstance(grid, StateSpaceModel)
    outputs = grid.run(one_hot(test, 4)).outputs
    # the output after reading s(t) is the distribution of s(t + 1)
    assert np.max(np.abs(outputs[:-1] - grid.predict_proba(test)[1:])) <= 1e-12
    assert grid.run(one_hot(test, 4)).states[-1, -1] == 3          # the clock stops at L


# --------------------------------------------------------------- k-means FPM
@pytest.mark.parametrize("n_symbols,order", [(2, 3), (3, 2), (4, 2), (4, 3)])
def test_one_context_per_block_is_the_markov_model(n_symbols, order):
    train = random_sequence(order, 6000, n_symbols)
    test = random_sequence(order + 10, 400, n_symbols)
    coder = ContractiveCoder(n_symbols, 0.5)
    blocks = np.unique(np.lib.stride_tricks.sliding_window_view(train, order), axis=0)
    assert blocks.shape[0] == n_symbols ** order        # every block was seen
    machine = fpm.CodebookMachine.from_codebook(train, coder, coder.code_blocks(blocks),
                                                alpha=0.2, skip=order)
    assert machine.n_contexts == blocks.shape[0]
    before = train[-order:]
    _, predict = reference_ngram(train, n_symbols, order, 0.2)
    want = reference_proba(predict, test, before)
    assert np.max(np.abs(machine.predict_proba(test, before=before) - want)) <= 1e-12
    ngram = markov.fit_ngram(train, n_symbols, order, alpha=0.2)
    assert abs(machine.nll(test, before=before) - ngram.nll(test, before=before)) <= 1e-12


@given(seed=st.integers(0, 10_000), n_contexts=st.integers(1, 40),
       alpha=st.sampled_from([0.001, 0.1, 2.0]))
def test_fpm_distributions_sum_to_one(seed, n_contexts, alpha):
    train, test = random_sequence(seed, 500, 3), random_sequence(seed + 1, 50, 3)
    machine = fpm.fit_fpm(train, 3, n_contexts, alpha=alpha, seed=seed)
    proba = machine.predict_proba(test)
    assert proba.shape == (50, 3)
    assert np.all(proba > 0)
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    assert 1 <= machine.n_contexts <= n_contexts


def test_counts_are_per_nearest_codebook_vector():
    train = random_sequence(5, 1000, 4)
    machine = fpm.fit_fpm(train, 4, 12, seed=1, skip=3)
    codes = ContractiveCoder(4, 0.5).code(train)
    states = np.vstack([[0.5, 0.5], codes[:-1]])[3:]           # the state before each symbol
    distance = np.linalg.norm(states[:, None, :] - machine.codebook[None], axis=2)
    nearest = distance.argmin(axis=1)
    counts = np.zeros((12, 4), dtype=int)
    np.add.at(counts, (nearest, train[3:]), 1)
    used = np.unique(nearest)
    assert machine.n_contexts == used.size
    assert np.array_equal(machine.context_counts(), counts[used])
    # and the NLL is the smoothed counts' log-loss, log base 4
    test = random_sequence(6, 200, 4)
    test_codes = np.vstack([[0.5, 0.5], ContractiveCoder(4, 0.5).code(test)[:-1]])
    near = np.linalg.norm(test_codes[:, None] - machine.codebook[None], axis=2).argmin(axis=1)
    p = (counts[near, test] + 0.1) / (counts[near].sum(axis=1) + 0.4)
    assert abs(machine.nll(test) - (-np.mean(np.log(p)) / np.log(4))) <= 1e-12


def test_same_seed_same_machine_and_seeds_matter():
    train, test = random_sequence(2, 2000, 4), random_sequence(3, 300, 4)
    first = fpm.fit_fpm(train, 4, 20, seed=7, n_fit=500)
    again = fpm.fit_fpm(train, 4, 20, seed=7, n_fit=500)
    other = fpm.fit_fpm(train, 4, 20, seed=8, n_fit=500)
    assert np.array_equal(first.codebook, again.codebook)
    assert first.nll(test) == again.nll(test)
    assert not np.array_equal(first.codebook, other.codebook)
    valid = random_sequence(4, 300, 4)
    coder = ContractiveCoder(4, 0.5)
    a = fpm.fpm_sweep(train, valid, test, coder, [4, 16], seed=3)
    b = fpm.fpm_sweep(train, valid, test, coder, [4, 16], seed=3)
    assert np.array_equal(a.test_nll, b.test_nll) and a.best == b.best


def test_sweep_chooses_alpha_on_validation():
    train, valid, test = (random_sequence(s, n, 4) for s, n in [(0, 3000), (1, 500), (2, 500)])
    alphas = [0.01, 0.1, 1.0, 10.0]
    sweep = fpm.fpm_sweep(train, valid, test, ContractiveCoder(4, 0.5), [1, 8, 32],
                          seed=0, alphas=alphas)
    assert isinstance(sweep, markov.Sweep)
    for model, alpha, valid_nll, test_nll in zip(sweep.models, sweep.alphas,
                                                 sweep.valid_nll, sweep.test_nll):
        scores = [model.with_alpha(a).nll(valid) for a in alphas]
        assert alpha == alphas[int(np.argmin(scores))]
        assert abs(valid_nll - min(scores)) <= 1e-12
        assert abs(test_nll - model.nll(test)) <= 1e-12
    assert sweep.best == int(np.argmin(sweep.valid_nll))


# --------------------------------------------------------------- neural prediction machine
def test_npm_on_an_rnn():
    net = RNN.random(4, 6, input_scale=1.0, recurrent_scale=0.5, seed=0)
    train, test = random_sequence(8, 1500, 4), random_sequence(9, 100, 4)
    machine = fpm.fit_npm(train, net, 10, seed=0, skip=5)
    assert machine.n_states == 6 and machine.n_outputs == 4
    proba = machine.predict_proba(test)
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-12) and np.all(proba > 0)
    outputs = machine.run(one_hot(test, 4)).outputs
    assert np.max(np.abs(outputs[:-1] - proba[1:])) <= 1e-12
    # the states the machine reads are the network's
    states = net.run(one_hot(test, 4)).states
    assert np.allclose(proba[1:], machine.output(states[:-1]), rtol=0, atol=1e-12)


# --------------------------------------------------------------- errors
def test_bad_parameters_are_refused():
    train = random_sequence(0, 200, 4)
    with pytest.raises(ValueError, match="distinct states"):
        fpm.fit_fpm(train[:30], 4, 31)
    with pytest.raises(ValueError, match="distinct states"):
        # with zero weights a network has two states: x(0) = 0 and sigmoid(0) ever after
        fpm.fit_npm(train, RNN(np.zeros((3, 4)), np.zeros((3, 3))), 3)
    for alpha in [0.0, -0.1, np.nan]:
        with pytest.raises(ValueError, match="alpha"):
            fpm.fit_fpm(train, 4, 3, alpha=alpha)
        with pytest.raises(ValueError, match="alpha"):
            fpm.fit_grid_fpm(train, 4, 2, alpha=alpha)
    with pytest.raises(ValueError, match="alpha"):
        fpm.fit_fpm(train, 4, 3).with_alpha(-1.0)
    with pytest.raises(ValueError, match="k must lie"):
        fpm.fit_fpm(train, 4, 3, coder=ContractiveCoder(4, 1.5))
    with pytest.raises(ValueError, match="n_contexts"):
        fpm.fit_fpm(train, 4, 0)
    with pytest.raises(TypeError, match="n_contexts"):
        fpm.fit_fpm(train, 4, 2.0)
    with pytest.raises(ValueError, match="level"):
        fpm.fit_grid_fpm(train, 4, -1)
    with pytest.raises(ValueError, match="too fine"):
        fpm.fit_grid_fpm(train, 4, 40)
    with pytest.raises(ValueError, match="more than level"):
        fpm.fit_grid_fpm(train[:3], 4, 3)
    with pytest.raises(ValueError, match="outside the alphabet"):
        fpm.fit_fpm(np.append(train, 4), 4, 3)
    with pytest.raises(ValueError, match="coder codes"):
        fpm.fit_fpm(train, 4, 3, coder=ContractiveCoder(5, 0.5))
    with pytest.raises(ValueError, match="alphabet of 3 symbols"):
        fpm.fit_npm(train, RNN.random(3, 4, seed=0), 3)    # the network reads 3 symbols
    with pytest.raises(TypeError, match="StateSpaceModel"):
        fpm.CodebookMachine.from_codebook(train, None, np.zeros((2, 4)))
    with pytest.raises(TypeError, match="StateSpaceModel"):
        fpm.fit_npm(train, "rnn", 3)
    with pytest.raises(ValueError, match="skip"):
        fpm.fit_fpm(train, 4, 3, skip=200)
    with pytest.raises(ValueError, match="n_fit"):
        fpm.fit_fpm(train, 4, 3, n_fit=0)
    with pytest.raises(ValueError, match="codebook"):
        fpm.CodebookMachine.from_codebook(train, ContractiveCoder(4, 0.5), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="seed"):
        fpm.fit_fpm(train, 4, 3, seed=-1)
    machine = fpm.fit_fpm(train, 4, 3, seed=0)
    with pytest.raises(ValueError, match="empty"):
        machine.nll([])
    with pytest.raises(ValueError, match="sizes"):
        fpm.fpm_sweep(train, train, None, ContractiveCoder(4, 0.5), [])
    with pytest.raises(ValueError, match="alpha"):
        fpm.fpm_sweep(train, train, None, ContractiveCoder(4, 0.5), [2], alphas=[0.1, -1])


def test_context_suffix_lengths():
    train = random_sequence(11, 3000, 4)
    coder = ContractiveCoder(4, 0.5)
    blocks = np.unique(np.lib.stride_tricks.sliding_window_view(train, 3), axis=0)
    machine = fpm.CodebookMachine.from_codebook(train, coder, coder.code_blocks(blocks),
                                                skip=3)
    # one context per block of three: its histories share exactly their last 3 symbols
    assert np.array_equal(fpm.context_suffix_lengths(machine, train),
                          np.full(machine.n_contexts, 3))
    one = fpm.fit_fpm(train, 4, 1, seed=0)          # one context: no shared suffix
    assert np.array_equal(fpm.context_suffix_lengths(one, train), [0])


# --------------------------------------------------------------- the readout is linear
def count_table(cells, targets, n_cells, n_symbols, alpha):
    # the counting readout, written out: (N(c, x) + alpha) / (N(c) + A alpha)
    counts = np.zeros((n_cells, n_symbols))
    for c, x in zip(cells, targets):
        counts[c, x] += 1
    return (counts + alpha) / (counts.sum(axis=1, keepdims=True) + n_symbols * alpha)


def brute_force_cells(machine, symbols, before=()):
    # the nearest codebook vector of the fractal code before each symbol
    history = np.concatenate([np.asarray(before, dtype=int), symbols])
    codes = np.vstack([machine.encoder.initial_state(),
                       machine.encoder.code(history)[:-1]])[len(before):]
    distance = np.linalg.norm(codes[:, None, :] - machine.codebook[None], axis=2)
    return distance.argmin(axis=1)


def test_cell_indicators_are_one_hot():
    cells = np.array([2, 0, 2, 4])
    z = fpm.cell_indicators(cells, 5)
    assert z.shape == (4, 5) and z.dtype == np.float64
    want = np.zeros((4, 5))
    for t, c in enumerate(cells):
        want[t, c] = 1.0
    assert np.array_equal(z, want)
    assert fpm.cell_indicators(np.array([], dtype=int), 3).shape == (0, 3)


@pytest.mark.parametrize("alpha", [0.0, 0.05, 1.0, 3.7])
def test_least_squares_on_indicators_is_the_count_table(alpha):
    rng = np.random.default_rng(12)
    cells, targets = rng.integers(0, 7, 600), rng.integers(0, 3, 600)
    assert np.unique(cells).size == 7                  # every cell visited
    readout = fpm.fit_indicator_readout(cells, targets, 7, 3, alpha=alpha)
    want = count_table(cells, targets, 7, 3, alpha)
    assert readout.W_or.shape == (3, 7) and np.array_equal(readout.t_o, np.zeros(3))
    assert np.max(np.abs(readout.W_or.T - want)) <= 1e-12
    # applied to the indicators: the count table's row of each cell
    test_cells = rng.integers(0, 7, 50)
    proba = readout.predict(fpm.cell_indicators(test_cells, 7))
    assert np.max(np.abs(proba - want[test_cells])) <= 1e-12


@given(seed=st.integers(0, 10_000), n_cells=st.integers(1, 30), n_symbols=st.integers(2, 6),
       alpha=st.sampled_from([0.001, 0.1, 0.5, 2.0]))
def test_smoothing_is_pseudo_observations_even_in_empty_cells(seed, n_cells, n_symbols, alpha):
    rng = np.random.default_rng(seed)
    length = int(rng.integers(0, 80))
    cells, targets = rng.integers(0, n_cells, length), rng.integers(0, n_symbols, length)
    readout = fpm.fit_indicator_readout(cells, targets, n_cells, n_symbols, alpha=alpha)
    want = count_table(cells, targets, n_cells, n_symbols, alpha)
    assert np.max(np.abs(readout.W_or.T - want)) <= 1e-12
    # a cell no training state visits predicts the uniform distribution
    empty = np.setdiff1d(np.arange(n_cells), cells)
    assert np.allclose(readout.W_or[:, empty], 1 / n_symbols, rtol=0, atol=1e-12)


@pytest.mark.parametrize("alpha", [0.1, 2.0])
def test_linear_readout_reproduces_the_fpm(alpha):
    train, test = random_sequence(21, 1500, 4), random_sequence(22, 300, 4)
    before = random_sequence(23, 5, 4)
    machine = fpm.fit_fpm(train, 4, 16, alpha=alpha, skip=3, seed=4)
    linear = fpm.indicator_readout_proba(machine, train, test, before=before)
    assert linear.shape == (300, 4)
    assert np.max(np.abs(linear - machine.predict_proba(test, before=before))) <= 1e-12
    # and both are the independent count formula on brute-force nearest cells
    table = count_table(brute_force_cells(machine, train)[3:], train[3:], 16, 4, alpha)
    want = table[brute_force_cells(machine, test, before)]
    assert np.max(np.abs(linear - want)) <= 1e-12
    # another alpha than the machine's: the machine's with_alpha
    other = fpm.indicator_readout_proba(machine, train, test, alpha=0.7)
    assert np.max(np.abs(other - machine.with_alpha(0.7).predict_proba(test))) <= 1e-12


def test_linear_readout_without_smoothing_is_the_relative_frequency():
    train, test = random_sequence(31, 2000, 4), random_sequence(32, 300, 4)
    machine = fpm.fit_fpm(train, 4, 8, seed=5)
    assert machine.n_contexts == 8                      # every cell visited
    linear = fpm.indicator_readout_proba(machine, train, test, alpha=0.0)
    cells = brute_force_cells(machine, train)
    counts = np.zeros((8, 4))
    np.add.at(counts, (cells, train), 1)
    want = (counts / counts.sum(axis=1, keepdims=True))[brute_force_cells(machine, test)]
    assert np.max(np.abs(linear - want)) <= 1e-12
    # the machine's own readout is smoothed (alpha = 0.1), so it is not this one
    assert np.max(np.abs(linear - machine.predict_proba(test))) > 1e-6


def test_bad_input_to_the_linear_readout_is_refused():
    cells, targets = np.array([0, 1, 2, 1]), np.array([0, 1, 1, 0])
    with pytest.raises(ValueError, match="cells has symbol 3 at position 1"):
        fpm.cell_indicators([0, 3], 3)
    with pytest.raises(ValueError, match="cells has symbol -1"):
        fpm.fit_indicator_readout([0, -1], [0, 1], 3, 2, alpha=1.0)
    with pytest.raises(TypeError, match="cells must hold integer"):
        fpm.cell_indicators([0.0, 1.0], 3)
    with pytest.raises(ValueError, match="cells must be a 1-D"):
        fpm.cell_indicators([[0, 1]], 3)
    with pytest.raises(ValueError, match="n_cells"):
        fpm.cell_indicators([0], 0)
    with pytest.raises(TypeError, match="n_cells"):
        fpm.cell_indicators([0], 2.0)
    with pytest.raises(ValueError, match="targets must have one symbol per cell"):
        fpm.fit_indicator_readout(cells, targets[:3], 3, 2)
    with pytest.raises(ValueError, match="targets has symbol 2"):
        fpm.fit_indicator_readout(cells, [0, 1, 2, 0], 3, 2)
    with pytest.raises(ValueError, match="n_symbols"):
        fpm.fit_indicator_readout(cells, targets, 3, 0)
    for alpha in [-0.1, np.nan, np.inf]:
        with pytest.raises(ValueError, match="alpha"):
            fpm.fit_indicator_readout(cells, targets, 3, 2, alpha=alpha)
    with pytest.raises(TypeError, match="alpha"):
        fpm.fit_indicator_readout(cells, targets, 3, 2, alpha=True)
    with pytest.raises(ValueError, match=r"alpha = 0 every cell.*without one: 3, 4"):
        fpm.fit_indicator_readout(cells, targets, 5, 2, alpha=0.0)
    train = random_sequence(0, 300, 4)
    machine = fpm.fit_fpm(train, 4, 5, seed=0)
    with pytest.raises(TypeError, match="machine must be a CodebookMachine"):
        fpm.indicator_readout_proba(fpm.fit_grid_fpm(train, 4, 2), train, train[:10])
    with pytest.raises(ValueError, match="train is not the sequence"):
        fpm.indicator_readout_proba(machine, random_sequence(1, 300, 4), train[:10])
    with pytest.raises(ValueError, match="train holds 0 symbols"):
        fpm.indicator_readout_proba(machine, [], train[:10])
    with pytest.raises(ValueError, match="alpha"):
        fpm.indicator_readout_proba(machine, train, train[:10], alpha=-1.0)
    with pytest.raises(ValueError, match="outside the alphabet"):
        fpm.indicator_readout_proba(machine, train, [0, 4])


def test_context_suffix_lengths_with_a_huge_max_length_is_cheap():
    # no history is longer than the sequence, so the comparison stops there
    # (common_suffix_lengths) instead of looping max_length times
    train = random_sequence(11, 300, 4)
    machine = fpm.fit_fpm(train, 4, 3, seed=0)
    huge = fpm.context_suffix_lengths(machine, train, max_length=MAX_SIZE)
    capped = fpm.context_suffix_lengths(machine, train, max_length=train.size)
    below = capped < train.size
    assert below.any()
    np.testing.assert_array_equal(huge[below], capped[below])
    assert (huge[~below] == MAX_SIZE).all()      # "at least max_length", as documented
    # sizes beyond validation.MAX_SIZE are refused before anything is done
    with pytest.raises(ValueError, match="max_length"):
        fpm.context_suffix_lengths(machine, train, max_length=10**12)


# ------------------------------------------------- k-means with exact distances

@pytest.mark.parametrize("dim, n, size", [(1, 400, 7), (2, 3000, 64), (6, 2000, 300),
                                          (8, 500, 40)])
def test_kmeans_is_kmeans2_where_no_distance_is_near_a_tie(dim, n, size):
    # the same draws and the same Lloyd rounds as scipy's kmeans2(minit="points"):
    # on points in general position the codebooks agree to the last bit
    from scipy.cluster.vq import kmeans2
    data = np.random.default_rng(dim).standard_normal((n, dim))
    want, _ = kmeans2(data if dim > 1 else data[:, 0], size, minit="points",
                      rng=np.random.default_rng(1))
    got = fpm._kmeans_codebook(data, size, np.random.default_rng(1), None)
    np.testing.assert_array_equal(got, want.reshape(size, dim))


def test_kmeans_centres_are_the_means_of_their_nearest_points():
    # after the last round every used centre is (to rounding) the mean of the
    # points nearest to the centres of the round before; a brute-force check
    # of one round from a given start
    rng = np.random.default_rng(3)
    data = np.vstack([rng.normal(c, 0.05, size=(50, 2)) for c in ([0, 0], [1, 0], [0, 1])])
    codebook = fpm._kmeans_codebook(data, 3, np.random.default_rng(0), None)
    nearest = np.argmin(((data[:, None, :] - codebook[None]) ** 2).sum(-1), axis=1)
    assert sorted(np.bincount(nearest).tolist()) == [50, 50, 50]
    for j in range(3):
        np.testing.assert_allclose(codebook[j], data[nearest == j].mean(axis=0), atol=1e-15)


def test_kmeans_empty_cluster_keeps_its_centre():
    # two equal points drawn as the two initial centres: in the first round
    # every point goes to one of them and the other is left empty; it must
    # stay where it was (not become 0/0) and take the equal points next round
    data = np.array([[0.0], [0.0], [5.0]])
    seed = next(s for s in range(100)
                if set(np.random.default_rng(s).choice(3, size=2, replace=False)) == {0, 1})
    codebook = fpm._kmeans_codebook(data, 2, np.random.default_rng(seed), None)
    assert sorted(codebook[:, 0].tolist()) == [0.0, 5.0]
    with pytest.raises(ValueError, match="n_contexts=3 is more than the 2 distinct states"):
        fpm._kmeans_codebook(data, 3, np.random.default_rng(0), None)


# ------------------------------------- nearest codebook vectors by history groups
def _grouped_and_direct(full, skip, states, codebook):
    from scipy.spatial import cKDTree
    tree = cKDTree(codebook)
    groups = fpm._HistoryGroups.of_sequence(full, skip, states)
    return groups.nearest(tree), tree.query(states)[1]


@pytest.mark.parametrize("k", [0.3, 0.5])
@pytest.mark.parametrize("n_symbols, size", [(2, 1), (4, 2), (4, 64), (4, 700), (9, 300)])
def test_grouped_nearest_is_the_k_d_tree_query_on_codes(k, n_symbols, size):
    # on fractal codes, most states are assigned by groups; every assignment
    # must be the one querying the state alone gives
    full = random_sequence(size + n_symbols, 3000, n_symbols)
    full[1000:1600] = np.tile(full[:6], 100)          # a periodic stretch: many equal states
    coder = ContractiveCoder(n_symbols, k)
    states = fpm._encoder_states(coder, full, n_symbols)[5:]
    codebook = fpm._kmeans_codebook(states, size, np.random.default_rng(size), None)
    got, want = _grouped_and_direct(full, 5, states, codebook)
    np.testing.assert_array_equal(got, want)


def test_grouped_nearest_leaves_near_ties_to_the_tree():
    # codebook vectors one ulp apart and states on them: a group's centre is
    # rounded (relative to the coordinates), so these must go to per-state queries
    rng = np.random.default_rng(0)
    full = rng.integers(0, 4, 2000)
    states = ContractiveCoder(4, 0.5).code(full)
    base = states[rng.choice(states.shape[0], 40, replace=False)]
    codebook = np.vstack([base, np.nextafter(base, 2.0), np.nextafter(base, -1.0)])
    for scale in (1.0, 1e-7, 1e6):
        got, want = _grouped_and_direct(full, 1, scale * states, scale * codebook)
        np.testing.assert_array_equal(got, want)


def test_grouped_nearest_needs_its_margin_on_the_laser():
    # the laser's codes hold states a few ulp apart, and k-means puts codebook
    # vectors among them: with the triangle test alone (no slack for the
    # rounding of a group's centre) three states of this case go to the wrong
    # vector; with it, none does
    from scipy.spatial import cKDTree
    from rnnbook.datasets import load_laser
    laser = load_laser()
    quantised = markov.quantize_differences(laser, 10, 90,
                                            n_fit=int(round(0.7 * (laser.size - 1))))
    train = markov.split_sequence(quantised.symbols)[0]
    states = fpm._encoder_states(ContractiveCoder(4, 0.3), train, 4)
    codebook = fpm._kmeans_codebook(states, 1024, np.random.default_rng(2), None)
    tree = cKDTree(codebook)
    want = tree.query(states)[1]
    groups = fpm._HistoryGroups.of_sequence(train, 0, states)
    np.testing.assert_array_equal(groups.nearest(tree), want)
    groups.scale = -np.abs(codebook).max()           # slack = 0
    assert (groups.nearest(tree) != want).sum() > 0


def test_grouped_nearest_on_network_states_and_a_subset():
    # a network's states need not cluster by suffix: still exact, through the
    # per-state fallback; and the groups of a subset of rows (k-means' n_fit)
    net = RNN.random(3, 5, input_scale=2.0, recurrent_scale=3.0, seed=2)
    full = random_sequence(4, 2500, 3)
    states = fpm._encoder_states(net, full, 3)
    codebook = fpm._kmeans_codebook(states, 50, np.random.default_rng(0), None)
    got, want = _grouped_and_direct(full, 0, states, codebook)
    np.testing.assert_array_equal(got, want)
    from scipy.spatial import cKDTree
    rows = np.sort(np.random.default_rng(1).choice(states.shape[0], 700, replace=False))
    groups = fpm._HistoryGroups.of_sequence(full, 0, states).subset(rows, states[rows])
    tree = cKDTree(codebook)
    np.testing.assert_array_equal(groups.nearest(tree), tree.query(states[rows])[1])


def test_fpm_sweeps_is_fpm_sweep_per_seed():
    full = random_sequence(7, 4000, 4)
    train, valid, test = full[:2800], full[2800:3400], full[3400:]
    coder = ContractiveCoder(4, 0.4)
    for n_fit in (None, 500):
        batch = fpm.fpm_sweeps(train, valid, test, coder, [2, 16, 128], seeds=[3, 4],
                               n_fit=n_fit, skip=2)
        for seed, got in zip([3, 4], batch):
            want = fpm.fpm_sweep(train, valid, test, coder, [2, 16, 128], seed=seed,
                                 n_fit=n_fit, skip=2)
            for a, b in zip(got[2:], want[2:]):
                np.testing.assert_array_equal(a, b)
            for ma, mb in zip(got.models, want.models):
                np.testing.assert_array_equal(ma.codebook, mb.codebook)
                np.testing.assert_array_equal(ma._counts, mb._counts)
    # and both are the per-state k-d tree: counting by brute force
    sweep = batch[0]
    machine = sweep.models[1]
    states = fpm._encoder_states(coder, train, 4)[2:]
    nearest = np.argmin(((states[:, None] - machine.codebook[None]) ** 2).sum(-1), axis=1)
    counts = np.zeros((machine.codebook.shape[0], 4), dtype=np.int64)
    np.add.at(counts, (nearest, train[2:]), 1)
    np.testing.assert_array_equal(machine._counts, counts)
