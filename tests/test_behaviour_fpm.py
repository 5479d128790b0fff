"""Behaviour of rnnbook.fpm pinned against brute force.

Nearest codebook vectors by explicit distances, count tables with
dictionaries, grid cells with fall-back by a loop over levels, sweeps by
scoring every alpha by hand, suffix lengths of contexts by comparing every
member's history.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
import pytest

from rnnbook import fpm
from rnnbook.contractive import ContractiveCoder
from rnnbook.markov import sample_context_source

SOURCE = {(0,): [0.1, 0.6, 0.3], (1, 1): [0.7, 0.2, 0.1], (2,): [0.3, 0.3, 0.4]}


@pytest.fixture(scope="module")
def data():
    return sample_context_source(SOURCE, 700, seed=2), sample_context_source(SOURCE, 200, seed=3)


def codes_by_hand(coder, symbols, x0=None):
    x = coder.x0 if x0 is None else x0
    out = []
    for s in symbols:
        x = coder.k * x + (1 - coder.k) * coder.corners[s]
        out.append(x)
    return np.array(out)


def brute_machine(coder, symbols, codebook, skip):
    """States *before* each symbol: the initial state, then the code after each."""
    codes = codes_by_hand(coder, symbols)
    before = np.vstack([coder.x0, codes[:-1]])
    counts = defaultdict(Counter)
    for t in range(skip, symbols.size):
        c = int(np.argmin(((codebook - before[t]) ** 2).sum(1)))
        counts[c][int(symbols[t])] += 1
    return counts


def brute_proba(coder, counts, codebook, symbols, alpha, A, before=None):
    full = symbols if before is None else np.concatenate([before, symbols])
    codes = codes_by_hand(coder, full)
    states = np.vstack([coder.x0, codes[:-1]])[full.size - symbols.size:]
    out = []
    for x in states:
        c = int(np.argmin(((codebook - x) ** 2).sum(1)))
        n = sum(counts[c].values())
        out.append([(counts[c][s] + alpha) / (n + A * alpha) for s in range(A)])
    return np.array(out)


@pytest.mark.parametrize("skip", [0, 5])
def test_codebook_machine_counts_and_predicts_by_nearest_vector(data, skip):
    train, test = data
    coder = ContractiveCoder(3, 0.4)
    codebook = np.random.default_rng(0).random((9, 2))
    m = fpm.CodebookMachine.from_codebook(train, coder, codebook, alpha=0.7, skip=skip)
    counts = brute_machine(coder, train, codebook, skip)
    used = sorted(c for c in counts if sum(counts[c].values()))
    assert m.n_contexts == len(used) and m.n_train == train.size - skip and m.skip == skip
    assert np.array_equal(m.context_counts(),
                          [[counts[c][s] for s in range(3)] for c in used])
    want = brute_proba(coder, counts, codebook, test, 0.7, 3)
    assert np.allclose(m.predict_proba(test), want, rtol=1e-13)
    want_b = brute_proba(coder, counts, codebook, test, 0.7, 3, before=train[-7:])
    assert np.allclose(m.predict_proba(test, before=train[-7:]), want_b, rtol=1e-13)
    loss = -np.log(want_b[np.arange(test.size), test]) / math.log(3)
    assert np.allclose(m.losses(test, before=train[-7:]), loss, rtol=1e-12)
    assert m.nll(test) == pytest.approx(
        np.mean(-np.log(want[np.arange(test.size), test]) / math.log(3)), rel=1e-12)
    other = m.with_alpha(3.0)
    assert m.alpha == 0.7 and other.alpha == 3.0
    assert np.allclose(other.predict_proba(test),
                       brute_proba(coder, counts, codebook, test, 3.0, 3), rtol=1e-13)
    # the state-space view: the output after reading s(t) predicts s(t + 1)
    traj = m.run(np.eye(3)[test[:20]])
    assert np.allclose(traj.outputs[:-1], want[1:20], rtol=1e-13)


def brute_grid_proba(coder, train, level, test, alpha, A):
    """Finest level j <= min(L, h) whose cell held training states; cells by floor."""
    codes = codes_by_hand(coder, train)
    before = np.vstack([coder.x0, codes[:-1]])
    tables = [defaultdict(Counter) for _ in range(level + 1)]

    def cell(x, j):
        return tuple(min(int(math.floor(v * 2 ** j)), 2 ** j - 1) for v in x)

    for t in range(level, train.size):
        for j in range(level + 1):
            tables[j][cell(before[t], j)][int(train[t])] += 1
    tcodes = codes_by_hand(coder, test)
    tstates = np.vstack([coder.x0, tcodes[:-1]])
    out = []
    for h, x in enumerate(tstates):
        found = tables[0][cell(x, 0)]
        for j in range(1, min(level, h) + 1):
            if cell(x, j) not in tables[j]:
                break
            found = tables[j][cell(x, j)]
        n = sum(found.values())
        out.append([(found[s] + alpha) / (n + A * alpha) for s in range(A)])
    return np.array(out), tables


@pytest.mark.parametrize("k, level", [(0.5, 3), (0.35, 2), (0.6, 4)])
def test_grid_machine_equals_brute_force_cells_with_fall_back(data, k, level):
    train, test = data
    coder = ContractiveCoder(3, k)
    m = fpm.fit_grid_fpm(train, 3, level, coder=coder, alpha=0.4)
    want, tables = brute_grid_proba(coder, train, level, test, 0.4, 3)
    assert np.allclose(m.predict_proba(test), want, rtol=1e-12)
    assert m.n_contexts == len(tables[level]) and m.level == level
    assert m.context_counts().sum() == train.size - level
    traj = m.run(np.eye(3)[test[:30]])
    assert np.allclose(traj.outputs[:-1], want[1:30], rtol=1e-12)
    assert np.array_equal(traj.states[:, -1], np.minimum(np.arange(1, 31), level))


def test_grid_machine_n_train_counts_each_training_symbol_once(data):
    """n_train is "the number of training symbols counted": T - L for a grid machine.

    A GridMachine's count table stacks the tables of all levels 0 .. L, so
    summing the whole table would report (L + 1) (T - L); only the finest
    level's rows (the used ones) count each training symbol once.
    """
    train, _ = data
    assert fpm.fit_grid_fpm(train, 3, 3).n_train == train.size - 3
    assert fpm.fit_grid_fpm(train, 3, 0).n_train == train.size


def test_default_grid_coder_is_the_half_contraction(data):
    train, test = data
    a = fpm.fit_grid_fpm(train, 3, 2)
    b = fpm.fit_grid_fpm(train, 3, 2, coder=ContractiveCoder(3, 0.5), alpha=0.1)
    assert np.array_equal(a.predict_proba(test), b.predict_proba(test))
    c = fpm.fit_fpm(train, 3, 6, seed=1)
    d = fpm.fit_fpm(train, 3, 6, coder=ContractiveCoder(3, 0.5), alpha=0.1, seed=1)
    assert np.array_equal(c.codebook, d.codebook) and c.alpha == 0.1


def test_fpm_sweep_chooses_alpha_by_validation_nll(data):
    train, valid = data
    test = sample_context_source(SOURCE, 150, seed=8)
    coder = ContractiveCoder(3, 0.5)
    alphas = (0.01, 0.3, 5.0)
    sweep = fpm.fpm_sweep(train, valid, test, coder, [2, 8], alphas=alphas, skip=3, seed=4)
    assert sweep.settings.tolist() == [2, 8] and sweep.min_count == 1
    for i, model in enumerate(sweep.models):
        scores = [model.with_alpha(a).nll(valid) for a in alphas]
        assert sweep.alphas[i] == alphas[int(np.argmin(scores))] == model.alpha
        assert sweep.valid_nll[i] == pytest.approx(min(scores), rel=1e-12)
        assert sweep.test_nll[i] == pytest.approx(model.nll(test), rel=1e-12)
        assert sweep.n_contexts[i] == model.n_contexts and model.skip == 3
        assert model.n_train == train.size - 3
    order = sorted(range(2), key=lambda i: (sweep.valid_nll[i], sweep.n_contexts[i]))
    assert sweep.best == order[0]
    no_test = fpm.fpm_sweep(train, valid, None, coder, [2], alphas=alphas, seed=4)
    assert np.isnan(no_test.test_nll[0])


def test_context_suffix_lengths_by_brute_force(data):
    train, _ = data
    coder = ContractiveCoder(3, 0.5)
    m = fpm.fit_fpm(train, 3, 10, seed=0, skip=2)
    got = fpm.context_suffix_lengths(m, train, max_length=6)
    codes = codes_by_hand(coder, train)
    members = defaultdict(list)
    for t in range(2, train.size):
        c = int(np.argmin(((m.codebook - codes[t - 1]) ** 2).sum(1)))
        members[c].append(t - 1)               # the history ends at t - 1
    want = []
    for c in sorted(members):
        ends = members[c]
        L = 0
        while L < 6 and all(e - L >= 0 for e in ends) and \
                len({int(train[e - L]) for e in ends}) == 1:
            L += 1
        want.append(L)
    assert got.tolist() == want
    # fewer members share at least as long a suffix; the first member alone shares
    # its whole history (capped)
    few = fpm.context_suffix_lengths(m, train, max_length=6, max_members=1)
    firsts = [min(members[c]) for c in sorted(members)]
    assert few.tolist() == [min(6, e + 1) for e in firsts]
    two = fpm.context_suffix_lengths(m, train, max_length=6, max_members=2)
    assert np.all(few >= two) and np.all(two >= got)
    assert np.all(fpm.context_suffix_lengths(m, train, max_length=1) <= 1)


def test_npm_clusters_a_subset_and_counts_all(data):
    train, _ = data
    coder = ContractiveCoder(3, 0.5)
    m = fpm.fit_npm(train, coder, 5, n_fit=100, seed=2, alpha=0.2)
    assert m.codebook.shape == (5, 2) and m.n_train == train.size
    counts = brute_machine(coder, train, m.codebook, 0)
    used = sorted(counts)
    assert np.array_equal(m.context_counts(), [[counts[c][s] for s in range(3)] for c in used])
    with pytest.raises(ValueError, match="n_contexts"):
        fpm.fit_npm(train[:4], coder, 5)


def test_n_fit_subsets_are_drawn_without_replacement(data):
    """n_fit = n_states - 1 distinct states: k-means with one centre per point puts
    the codebook on them (a subset drawn with replacement would hold repeats and
    too few distinct states); n_fit = n_states is no subset at all."""
    rng = np.random.default_rng(5)
    train = rng.integers(0, 3, 60)
    coder = ContractiveCoder(3, 0.5)
    states = codes_by_hand(coder, train)
    before = np.vstack([coder.x0, states[:-1]])
    assert np.unique(before, axis=0).shape[0] == 60
    m = fpm.fit_npm(train, coder, 59, n_fit=59, seed=1)
    rows = {tuple(np.round(r, 12)) for r in m.codebook}
    assert len(rows) == 59 and rows <= {tuple(np.round(s, 12)) for s in before}
    a = fpm.fit_npm(train, coder, 7, n_fit=60, seed=3)
    b = fpm.fit_npm(train, coder, 7, seed=3)
    assert np.array_equal(a.codebook, b.codebook)


@pytest.mark.parametrize("n_cells, error", [(0, ValueError), (True, TypeError), (2.0, TypeError)])
def test_indicator_readout_checks_n_cells(n_cells, error):
    with pytest.raises(error, match="n_cells"):
        fpm.fit_indicator_readout(np.array([0, 1, 0]), np.array([1, 0, 1]), n_cells, 2)


def test_context_suffix_lengths_are_capped_at_32_by_default():
    zeros = np.zeros(100, dtype=np.int64)        # every history is a run of zeros
    m = fpm.fit_fpm(zeros, 2, 2, skip=40, seed=0)
    assert fpm.context_suffix_lengths(m, zeros).tolist() == [32] * m.n_contexts
    # with a higher cap: the earliest member's whole history (40 or more symbols)
    assert all(40 <= L < 50 for L in fpm.context_suffix_lengths(m, zeros, max_length=50))


def test_indicator_readout_lists_the_first_five_empty_cells():
    cells, targets = np.array([0, 0, 2]), np.array([1, 0, 1])
    with pytest.raises(ValueError, match=r"without one: 1, 3, 4, 5, 6, \.\.\. \(7 of 9\)"):
        fpm.fit_indicator_readout(cells, targets, 9, 2)
    with pytest.raises(ValueError, match=r"without one: 1, 3, 4, 5, 6 \(5 of 7\)"):
        fpm.fit_indicator_readout(cells, targets, 7, 2)
